"""``flask restore``: a backup of either kind goes back into an empty database, and every table's
rows come back identical; a database with tables, or a backup of the other kind, is refused."""
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from eventsapp import create_app
from eventsapp.extensions import db as _db


def _rows(engine) -> dict:
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


@pytest.fixture
def empty_target(db, tmp_path):
    """The URL of a new, empty database of the test database's kind, dropped afterwards."""
    if db.engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"eventsapp_restore_{uuid.uuid4().hex[:10]}"
    server = create_engine(db.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield db.engine.url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


def _app_on(url):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "SECRET_KEY": "tests-only-secret", "RATELIMIT_ENABLED": False})


def test_backup_then_restore_gives_every_row_back(app, db, tmp_path, empty_target):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--password", "restore-pass"]).exit_code == 0
    db.session.remove()
    out = tmp_path / ("copy.dump" if db.engine.dialect.name == "postgresql" else "copy.db")
    backup = runner.invoke(args=["backup", "--output", str(out)])
    assert backup.exit_code == 0, backup.output
    before = _rows(db.engine)
    assert sum(len(r) for r in before.values()) > 500  # demo data, places, occasions…

    target = _app_on(empty_target)
    try:
        with target.app_context():  # else the command runs in the test app's context
            result = target.test_cli_runner().invoke(args=["restore", str(out)])
        assert result.exit_code == 0, result.output
        assert "restored" in result.output
        with target.app_context():
            after = _rows(_db.engine)
        assert after.keys() == before.keys()
        for table in before:
            assert after[table] == before[table], table
        # Once restored it is no longer empty: a second restore is refused, nothing changes.
        with target.app_context():
            again = target.test_cli_runner().invoke(args=["restore", str(out)])
            assert again.exit_code != 0 and "not empty" in again.output
            assert _rows(_db.engine) == after
    finally:
        with target.app_context():
            _db.engine.dispose()


def test_restore_refuses_a_database_with_tables_and_other_files(app, db, tmp_path):
    out = tmp_path / ("copy.dump" if db.engine.dialect.name == "postgresql" else "copy.db")
    assert app.test_cli_runner().invoke(args=["backup", "--output", str(out)]).exit_code == 0
    runner = app.test_cli_runner()
    into_this = runner.invoke(args=["restore", str(out)])  # the test database has tables
    assert into_this.exit_code != 0 and "not empty" in into_this.output
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    assert "neither a SQLite backup" in runner.invoke(args=["restore", str(junk)]).output
    other = tmp_path / "other"
    other.write_bytes(b"PGDMP" if db.engine.dialect.name == "sqlite" else b"SQLite format 3\x00")
    wrong = runner.invoke(args=["restore", str(other)])
    assert wrong.exit_code != 0 and "backup; DATABASE_URL is a" in wrong.output
