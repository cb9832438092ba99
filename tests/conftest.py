"""Shared fixtures: one migrated database per test session (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), emptied after each test; a Flask client; factories; a login helper;
and, for tests/e2e, the app served on a real port with headless Chromium driving it."""
import os
import re
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from eventsapp import create_app
from eventsapp.accounts import services as accounts
from eventsapp.accounts.models import BodyKind, Role
from eventsapp.extensions import db as _db
from eventsapp.ngos.models import Ngo
from eventsapp.places.services import find_county, find_province

PASSWORD = "test-pass-123"
# Reference data loaded by migrations; kept between tests.
KEEP_TABLES = {"provinces", "counties", "occasions", "alembic_version"}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from eventsapp.accounts import models

    models.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "tests-only-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "BACKUP_DIR": str(tmp_path_factory.mktemp("backups")),
    })
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied (but for reference data) after each test."""
    ctx = app.app_context()
    ctx.push()
    yield _db
    _db.session.rollback()
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            if table.name == "audit_entries":
                empty_audit_log(conn)
            elif table.name not in KEEP_TABLES:
                conn.execute(table.delete())
    ctx.pop()


def empty_audit_log(conn):
    """The audit log refuses DELETE (a trigger): between tests only, the trigger is dropped,
    the table emptied and the trigger made again, in one transaction."""
    from sqlalchemy import text

    from eventsapp.audit.models import TRIGGERS

    triggers = TRIGGERS[conn.dialect.name]
    if not conn.exec_driver_sql("SELECT 1 FROM audit_entries LIMIT 1").first():
        return
    for statement in triggers["drop"]:
        conn.execute(text(statement))
    conn.exec_driver_sql("DELETE FROM audit_entries")
    for statement in triggers["create"]:
        conn.execute(text(statement))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    """Turn CSRF checking on for one test (it is off for route tests by default)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


# --- factories ------------------------------------------------------------------------------

@pytest.fixture
def make_body(db):
    def make(name="فرمانداری شمیرانات", kind=BodyKind.county_governorate, province="تهران",
             county="شمیرانات"):
        p = find_province(db.session, province) if province else None
        c = find_county(db.session, county, p) if county else None
        body = accounts.save_body(db.session, None, name=name, kind=kind, province=p, county=c)
        db.session.commit()
        return body
    return make


@pytest.fixture
def make_ngo(db):
    counter = iter(range(1, 10**6))

    def make(name=None, registration_no=None, province="تهران", county="شمیرانات"):
        n = next(counter)
        p = find_province(db.session, province) if province else None
        ngo = Ngo(registration_no=registration_no or f"9{n:05d}", province=p,
                  county=find_county(db.session, county, p) if county else None)
        ngo.set_name(name or f"سمن آزمایشی {n}")
        db.session.add(ngo)
        db.session.commit()
        return ngo
    return make


@pytest.fixture
def make_user(db, make_body, make_ngo):
    counter = iter(range(1, 10**6))

    def make(role="organizer", username=None, password=PASSWORD, body=None, ngo=None, **kw):
        role = Role(role)
        if role == Role.organizer and body is None:
            body = make_body(name=f"نهاد آزمایشی {next(counter)}")
        if role == Role.secretary and ngo is None:
            ngo = make_ngo()
        user = accounts.create_user(db.session, username=username or f"{role.value}{next(counter)}",
                                    password=password, role=role, body=body, ngo=ngo,
                                    full_name=kw.pop("full_name", "کاربر آزمایشی"), **kw)
        db.session.commit()
        return user
    return make


def login(client, user_or_name, password=PASSWORD):
    username = getattr(user_or_name, "username", user_or_name)
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Signs the test client in as a new user of ``role``; returns the user."""
    def do(role="organizer", **kw):
        user = make_user(role, **kw)
        response = login(client, user)
        assert response.status_code == 302, response.data
        return user
    return do


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def api_headers(user, db_session=None):
    _, raw = accounts.create_api_token(db_session or _db.session, user, "tests")
    _db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


# --- a real server and a real browser (tests/e2e) ------------------------------------------

@pytest.fixture(scope="session")
def live_server(app, database_url):
    """The app on a real port, with CSRF and everything on, sharing the test database."""
    served = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "e2e-secret",
        "RATELIMIT_ENABLED": False,
    })
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with served.app_context():
        _db.engine.dispose()


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) that fails the test on any request to another host."""
    context = browser.new_context(base_url=live_server, locale="fa-IR",
                                  viewport={"width": 390, "height": 844})
    foreign = []

    def watch(request):
        if not request.url.startswith((live_server, "data:", "blob:")):
            foreign.append(request.url)

    context.on("request", watch)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not foreign, f"pages requested other hosts: {foreign}"
