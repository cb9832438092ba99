"""CLI contracts: create-admin, demo-data, backup."""
from datetime import time
from pathlib import Path

from eventsapp.accounts.models import Role, User
from eventsapp.demo import USERNAMES


def test_create_admin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "long-enough"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="boss").one()
    assert user.role == Role.admin and user.check_password("long-enough")
    weak = runner.invoke(args=["create-admin", "--username", "boss2", "--password", "x"])
    assert weak.exit_code != 0 and "۸" in weak.output


def test_demo_data_is_repeatable_and_sets_passwords(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--password", "first-pass"]).exit_code == 0
    count = db.session.query(User).count()
    result = runner.invoke(args=["demo-data", "--password", "second-pass"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.query(User).count() == count
    for name in ("admin", "organizer", "secretary", "door"):
        assert name in USERNAMES
        assert db.session.query(User).filter_by(username=name).one().check_password("second-pass")


def test_demo_door_staff_can_check_in_at_todays_demo_event(app, db):
    """The demo has an event today with the door user assigned, so the door journey can be
    tried at once; running demo-data again assigns no one twice."""
    from eventsapp.checkin import services as checkin
    from eventsapp.checkin.models import EventStaff, Verdict
    from eventsapp.jalali import local_datetime, today
    from eventsapp.registrations.models import Registration, RegStatus

    runner = app.test_cli_runner()
    for _ in range(2):
        assert runner.invoke(args=["demo-data", "--password", "demo-pass-1"]).exit_code == 0
    door = db.session.query(User).filter_by(username="door").one()
    assigned = checkin.staff_events(db.session, door)
    todays = [e for e in assigned if e.starts_on == today()]
    assert len(todays) == 1 and db.session.query(EventStaff).filter_by(user_id=door.id).count() == len(assigned)
    event = todays[0]
    ticket = db.session.query(Registration).filter_by(event_id=event.id, status=RegStatus.confirmed).first()
    noon = local_datetime(today(), time(12, 0))
    assert checkin.check_in(db.session, event, ticket.ticket_code, staff=door, now=noon).verdict == Verdict.ok


def test_backup_writes_a_copy(app, db, tmp_path):
    out = tmp_path / "copy.db"
    if db.engine.dialect.name == "postgresql":
        out = tmp_path / "copy.dump"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()) == out and out.stat().st_size > 0
