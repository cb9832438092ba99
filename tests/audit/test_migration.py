"""Migration 0011 upgrades and downgrades on the suite's database engine (SQLite, or PostgreSQL
with TEST_DATABASE_URL), on a database of its own: the table and its trigger come and go."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from eventsapp import create_app


@pytest.fixture
def empty_database(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"{url.database}_migration"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _append_only(engine) -> bool:
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO audit_entries (at, actor_name, action, object_type, object_label) "
                          "VALUES (CURRENT_TIMESTAMP, '', 'body.create', 'body', '')"))
        conn.commit()
        try:
            conn.execute(text("DELETE FROM audit_entries"))
            conn.commit()
        except DatabaseError:
            conn.rollback()
            return True
        return False


def test_0011_upgrades_downgrades_and_upgrades_again(empty_database):
    # RATELIMIT_ENABLED: the limiter is one object for every app; a second app must not turn
    # it on for the suite.
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "migration-test",
                      "RATELIMIT_ENABLED": False})
    from eventsapp.extensions import db

    with app.app_context():
        upgrade()
        assert "audit_entries" in inspect(db.engine).get_table_names()
        assert _append_only(db.engine)
        downgrade(revision="0006")
        assert "audit_entries" not in inspect(db.engine).get_table_names()
        upgrade()
        assert _append_only(db.engine)
        db.engine.dispose()
