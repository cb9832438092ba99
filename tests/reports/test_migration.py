"""Migration 0009 goes up and down on a database of its own (SQLite here; the same was run by
hand on PostgreSQL, see the README), and what it makes is what the models say."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from eventsapp import create_app


def test_0009_upgrades_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
                      "RATELIMIT_ENABLED": False})  # the limiter is shared: keep it off for the tests after
    engine = create_engine(url)
    with app.app_context():
        upgrade()
        tables = set(inspect(engine).get_table_names())
        assert {"report_settings", "report_attendance", "report_facts_state"} <= tables
        indexes = {i["name"] for i in inspect(engine).get_indexes("checkins")}
        assert "ix_checkins_undone" in indexes
        downgrade(revision="0006")
        inspector = inspect(engine)
        assert "report_attendance" not in inspector.get_table_names()
        assert "ix_checkins_undone" not in {i["name"] for i in inspector.get_indexes("checkins")}
        assert "ix_registrations_ngo_event" not in {i["name"] for i in inspector.get_indexes("registrations")}
        upgrade()
        assert "report_attendance" in inspect(engine).get_table_names()
    engine.dispose()
    with app.app_context():
        from eventsapp.extensions import db
        db.engine.dispose()
