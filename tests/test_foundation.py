"""The app as a whole: schema from migrations, error pages, security headers, every route guarded."""
import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventsapp.extensions import db as _db
from eventsapp.places.models import County, Province


def test_models_and_migrations_agree(db):
    with _db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                _db.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_reference_data_ships_31_provinces_with_their_counties(db):
    assert db.session.query(Province).count() == 31
    shemiranat = db.session.query(County).filter_by(name="شمیرانات").one()
    assert shemiranat.province.name == "تهران"
    assert db.session.query(County).count() > 400


def test_home_page_is_persian_rtl_with_todays_jalali_date(client, monkeypatch):
    import datetime as dt

    from eventsapp.events import routes

    monkeypatch.setattr(routes, "today", lambda: dt.date(2019, 8, 14))
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    assert "چهارشنبه ۲۳ مرداد ۱۳۹۸" in html


def test_home_page_shows_today_from_the_tehran_clock(client):
    from eventsapp.jalali import format_date, today

    assert format_date(today()) in client.get("/").get_data(as_text=True)


def test_persian_404_page_and_json_404_under_api(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "پیدا نشد" in response.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.get_json()["error"] == "not_found"
    assert api.get_json()["message"] == "پیدا نشد."


def test_persian_500_page(app, client, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "events.index", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert "خطای سامانه" in response.get_data(as_text=True)


def test_security_headers_forbid_other_hosts(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    html = response.get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html), "a page links to another host"
    assert "<script>" not in html, "inline scripts break the CSP"


def test_font_is_served_by_the_app(client):
    with client.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    font_url = re.search(r'url\("\.\./(vendor/vazirmatn/[^"]+)"\)', css).group(1)
    with client.get("/static/" + font_url.replace("[", "%5B").replace("]", "%5D")) as response:
        assert response.status_code == 200
        assert response.data[:4] == b"wOF2"


def test_every_route_is_public_or_guarded(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) is None:
            unguarded.append(rule.rule)
    assert unguarded == [], f"routes with no role check: {unguarded}"


def test_guarded_pages_send_anonymous_visitors_to_login(app, client):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", "public") == "public" or rule.rule.startswith("/api/"):
            continue
        if "GET" not in rule.methods or rule.arguments:
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302 and "/login" in response.location, rule.rule


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    from eventsapp import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load(str(tmp_path))["SECRET_KEY"]
    second = config.load(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    assert config.load(str(other))["SECRET_KEY"] != first


def test_database_url_switches_to_postgresql(tmp_path, monkeypatch):
    from eventsapp import config

    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert config.load(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert config.load(str(tmp_path))["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_sqlite_runs_in_wal_with_foreign_keys(db):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
