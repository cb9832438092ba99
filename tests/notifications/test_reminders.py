"""flask send-reminders: each reminder once, however often it runs; the shortest lead time
that has come; confirmed attendees only; the organizer's per-event setting."""
from datetime import time, timedelta

import pytest

from sqlalchemy import select, update

from eventsapp.jalali import local_datetime, to_utc, utcnow
from eventsapp.messages import reminders
from eventsapp.notifications import worker
from eventsapp.notifications.models import OutboxMessage
from eventsapp.registrations import services as registrations
from tests.conftest import login

from .conftest import person


def kinds(db):
    db.session.commit()
    return [m.key for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "reminder").order_by(OutboxMessage.id))]


def start_of(event):
    day = event.days[0]
    return to_utc(local_datetime(day.date, day.start_time))


def test_send_reminders_run_twice_sends_each_reminder_once(app, db, delivering, make_event, make_ngo):
    gateway, _ = delivering
    event = make_event(days_ahead=1, start=time(9))
    ngo = make_ngo()
    confirmed, = registrations.register(db.session, event, ngo, [person(1)])
    db.session.commit()
    runner = app.test_cli_runner()
    start = start_of(event)
    at = start - timedelta(hours=23)
    assert reminders.queue_reminders(db.session, now=at) == 1
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])  # now: the real clock, maybe not due
    assert result.exit_code == 0, result.output
    assert reminders.queue_reminders(db.session, now=at + timedelta(minutes=5)) == 0
    db.session.commit()
    assert kinds(db) == [f"remind.{event.id}.d1.24h.r{confirmed.id}.sms"]
    assert reminders.queue_reminders(db.session, now=start - timedelta(hours=1)) == 1
    assert reminders.queue_reminders(db.session, now=start - timedelta(minutes=30)) == 0
    assert reminders.queue_reminders(db.session, now=start + timedelta(minutes=1)) == 0
    # queued "in the future" (the clock was set ahead): due now
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    worker.deliver_once()
    texts = [t for t in gateway.texts if t.startswith("یادآوری")]
    assert len(texts) == 2 and "۰۹:۰۰" in texts[0]


def test_a_first_run_late_sends_only_the_shortest_reminder(db, delivering, make_event, make_ngo):
    event = make_event(days_ahead=1)
    reg, = registrations.register(db.session, event, make_ngo(), [person(2)])
    db.session.commit()
    reminders.queue_reminders(db.session, now=start_of(event) - timedelta(minutes=90))
    assert kinds(db) == [f"remind.{event.id}.d1.2h.r{reg.id}.sms"]


def test_only_confirmed_attendees_are_reminded(db, delivering, make_event, make_ngo):
    event = make_event(days_ahead=1, capacity=1)
    ngo = make_ngo()
    registrations.register(db.session, event, ngo, [person(3), person(4)])  # one waits
    db.session.commit()
    assert reminders.queue_reminders(db.session, now=start_of(event) - timedelta(hours=1)) == 1


def test_the_organizer_sets_the_hours_per_event(db, client, make_event, make_user):
    event = make_event()
    login(client, make_user("organizer", body=event.body))
    client.post(f"/events/{event.id}/reminders", data={"hours": "۴۸، ۳"})
    db.session.refresh(event)
    assert event.reminder_hours == "48,3"
    response = client.post(f"/events/{event.id}/reminders", data={"hours": "فردا"},
                           follow_redirects=True)
    assert "ساعت‌های یادآوری" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.reminder_hours == "48,3"
    client.post(f"/events/{event.id}/reminders", data={"hours": ""})
    db.session.refresh(event)
    assert reminders.hours_of(event) == []


@pytest.mark.parametrize("text", ["²", "24، ²", "9" * 5000, "0", "169", "1,2,3,4,5,6"])
def test_reminder_hours_that_are_not_hours_are_refused(text):
    from eventsapp.messages.reminders import ReminderHoursError, parse_hours

    with pytest.raises(ReminderHoursError):
        parse_hours(text)


def test_reminder_hours_in_any_digits():
    from eventsapp.messages.reminders import parse_hours

    assert parse_hours("۲۴، ٢") == [24, 2] and parse_hours("") == []
