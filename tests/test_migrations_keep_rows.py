"""Every migration since 0006 goes down and up again on a database holding the demo data, on
the suite's engine (SQLite, or PostgreSQL with TEST_DATABASE_URL), and no row is lost: SQLite's
table copies (Alembic's batch mode) would trip over, or cascade through, the rows that refer to
a copied table."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, table, update

from eventsapp import create_app, demo
from eventsapp.events.models import Event, Occasion, Venue
from tests.audit.test_migration import empty_database  # noqa: F401 (fixture)

KEPT = ["events", "event_days", "venues", "occasions", "registrations", "ngos", "users",
        "organizing_bodies", "awards", "invitations", "officials"]


def counts(db) -> dict:
    names = set(inspect(db.engine).get_table_names())
    return {t: db.session.scalar(select(func.count()).select_from(table(t))) for t in KEPT if t in names}


def test_down_to_0006_and_up_again_keeps_every_row(empty_database):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "migration-test",
                      "RATELIMIT_ENABLED": False})
    from eventsapp.extensions import db

    with app.app_context():
        upgrade()
        demo.load(db.session, password="long-enough-pw")
        occasion = db.session.scalar(select(Occasion.id))
        db.session.execute(update(Event).values(occasion_id=occasion))  # every event refers to one
        db.session.execute(update(Venue).values(latitude=35.7, longitude=51.4))
        db.session.commit()
        before = counts(db)
        assert before["events"] > 0 and before["registrations"] > 0
        db.session.remove()
        downgrade(revision="0006")
        assert counts(db) == before
        db.session.remove()
        upgrade()
        assert counts(db) == before
        assert db.session.scalar(select(func.count()).select_from(Event).where(Event.occasion_id == occasion)) \
            == before["events"]
        db.session.remove()
        db.engine.dispose()
