"""Messages end to end: the change queues them in its own transaction, the worker delivers
them to a real local HTTP gateway and a real SMTP server (aiosmtpd), retries with backoff,
never sends twice (a worker killed mid-send, two workers at once), and keeps every failure
for the organizer to see and resend."""
import os
import subprocess
import sys
import time
from datetime import time as dtime
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import func, select, update

from eventsapp.events import services as events
from eventsapp.jalali import utcnow
from eventsapp.notifications import sms, worker
from eventsapp.notifications.models import Attempt, Channel, MessageStatus, OutboxMessage
from eventsapp.notifications.outbox import address, queue
from eventsapp.registrations import services as registrations
from tests.conftest import login

from .conftest import person

ROOT = Path(__file__).resolve().parents[2]


def messages(db, **where):
    db.session.commit()  # a fresh snapshot: workers in other processes write too
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return db.session.scalars(query.execution_options(populate_existing=True)).all()


def register(db, event, ngo, *people):
    made = registrations.register(db.session, event, ngo, list(people))
    db.session.commit()
    return made


def invitation(mail) -> tuple[str, icalendar.Calendar]:
    parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one calendar invitation"
    return parts[0].get_param("method"), icalendar.Calendar.from_ical(parts[0].get_content())


def event_input_like(event, **changes):
    data = dict(kind=event.kind.value, title=event.title, venue_name=event.venue.name,
                province=event.venue.province, capacity=event.capacity,
                days=[events.DayInput(d.date, d.start_time, d.end_time) for d in event.days])
    data.update(changes)
    return events.EventInput(**data)


# --- a registration, a change of hours, a cancellation -------------------------------------

def test_a_registration_sends_the_ticket_by_sms_and_an_invitation_by_email(
        db, client, delivering, make_event, make_ngo):
    gateway, smtpd = delivering
    event = make_event()
    reg, = register(db, event, make_ngo(), person(1, email="Member1@Example.IR"))
    queued = messages(db)
    assert [(m.channel, m.status) for m in queued] == [(Channel.sms, MessageStatus.queued),
                                                       (Channel.email, MessageStatus.queued)]
    assert queued[0].to == "+989120000001" and queued[1].to == "member1@example.ir"

    result = worker.deliver_once()
    assert (result.sent, result.failed) == (2, 0)

    (path, headers, _), = gateway.requests
    assert headers["Authorization"] == "Bearer gw-secret"
    sent, = gateway.by_key.values()
    assert sent["to"] == "+989120000001" and sent["id"] == queued[0].key
    assert f"events.example.ir/t/{reg.ticket_code}" in sent["text"]
    assert f"{reg.short_code[:4]}-{reg.short_code[4:]}" in sent["text"]
    assert "/o/" in sent["text"], "every message carries its opt-out link"
    assert sms.parts(sent["text"]) <= 2, "a confirmation stays within two parts"

    mail, = smtpd.messages
    assert mail["To"].addresses[0].addr_spec == "member1@example.ir"
    assert mail["Message-ID"] == f"<{queued[1].key}@events.example.ir>"
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert 'dir="rtl"' in html and reg.short_code[:4] in text
    assert f"https://events.example.ir/t/{reg.ticket_code}" in text
    method, cal = invitation(mail)
    assert method == "REQUEST" and str(cal["METHOD"]) == "REQUEST"
    public = icalendar.Calendar.from_ical(client.get(f"/events/{event.id}.ics").data)
    uids = [str(v["UID"]) for v in cal.walk("VEVENT")]
    assert uids == [str(v["UID"]) for v in public.walk("VEVENT")]
    attendee = cal.walk("VEVENT")[0]["ATTENDEE"]
    assert str(attendee) == "mailto:member1@example.ir"
    assert all(m.status == MessageStatus.sent for m in messages(db))


def test_an_hour_change_sends_an_update_with_a_higher_sequence(db, delivering, make_event, make_ngo):
    gateway, smtpd = delivering
    event = make_event()
    register(db, event, make_ngo(), person(2, email="two@example.ir"))
    worker.deliver_once()
    _, first = invitation(smtpd.messages[0])
    day = event.days[0]
    events.update_event(db.session, event, event_input_like(
        event, days=[events.DayInput(day.date, dtime(10), dtime(13))]))
    db.session.commit()
    changed = messages(db, kind="event_changed")
    assert {m.channel for m in changed} == {Channel.sms, Channel.email}
    worker.deliver_once()
    method, update_cal = invitation(smtpd.messages[-1])
    assert method == "REQUEST"
    old, new = first.walk("VEVENT")[0], update_cal.walk("VEVENT")[0]
    assert str(new["UID"]) == str(old["UID"])
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new.decoded("DTSTART").hour == 10
    assert "۱۰:۰۰" in gateway.texts[-1]


def test_a_cancellation_sends_method_cancel(db, delivering, make_event, make_ngo):
    gateway, smtpd = delivering
    event = make_event()
    register(db, event, make_ngo(), person(3, email="three@example.ir"))
    worker.deliver_once()
    events.cancel(event, "تعطیلی رسمی")
    db.session.commit()
    worker.deliver_once()
    method, cal = invitation(smtpd.messages[-1])
    assert method == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
    assert all(str(v["STATUS"]) == "CANCELLED" for v in cal.walk("VEVENT"))
    assert "لغو شد" in gateway.texts[-1] and "تعطیلی رسمی" in gateway.texts[-1]


def test_a_cancelled_registration_cancels_the_invitation_and_promotes_the_next(
        db, delivering, make_event, make_ngo):
    gateway, smtpd = delivering
    event = make_event(capacity=1)
    ngo = make_ngo()
    first, = register(db, event, ngo, person(4, email="four@example.ir"))
    second, = register(db, event, ngo, person(5))
    assert [m.kind for m in messages(db, registration_id=second.id)] == ["waitlisted"]
    registrations.cancel(db.session, db.session.get(type(first), first.id))
    db.session.commit()
    assert [m.kind for m in messages(db, registration_id=second.id)] == ["waitlisted", "promoted"]
    worker.deliver_once()
    # The worker sends a batch at once, so the two e-mails may arrive in either order.
    assert sorted(invitation(m)[0] for m in smtpd.messages) == ["CANCEL", "REQUEST"]
    assert any("جا باز شد" in t for t in gateway.texts)


def test_a_refused_registration_queues_nothing(db, delivering, make_event, make_ngo):
    event = make_event(capacity=1, waitlist=False)
    ngo = make_ngo()
    with pytest.raises(registrations.RegistrationError):
        registrations.register(db.session, event, ngo, [person(6), person(7)])
    db.session.rollback()
    assert messages(db) == []


# --- the outbox backend -----------------------------------------------------------------------

def test_the_default_outbox_backend_keeps_messages_for_the_organizer(
        db, app, client, make_event, make_ngo, make_user):
    assert app.config["SMS_BACKEND"] == "outbox"
    event = make_event()
    register(db, event, make_ngo(), person(8))
    kept, = messages(db)
    assert kept.status == MessageStatus.kept
    assert worker.deliver_once().claimed == 0, "kept messages are not sent"
    organizer = make_user("organizer", body=event.body)
    login(client, organizer)
    page = client.get(f"/events/{event.id}/messages").get_data(as_text=True)
    assert "در صندوق" in page and kept.body.splitlines()[0] in page
    assert 'data-template="ticket"' in page


# --- failures, retries, backoff ---------------------------------------------------------------

def test_a_gateway_answering_500_is_retried_with_backoff_then_failed_and_shown(
        db, client, delivering, make_event, make_ngo, make_user):
    gateway, _ = delivering
    gateway.fail_next = 100
    event = make_event()
    register(db, event, make_ngo(), person(9))
    waits = []
    for _ in range(3):
        before = utcnow()
        worker.deliver_once()
        m, = messages(db)
        if m.status == MessageStatus.queued:
            waits.append(round((m.next_attempt_at - before).total_seconds()))
            db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
            db.session.commit()
    assert waits == [30, 60], "exponential backoff: 30 s, then 60 s"
    m, = messages(db)
    assert m.status == MessageStatus.failed and m.attempts == 3 and "HTTP 500" in m.last_answer
    assert db.session.scalar(select(func.count(Attempt.id))) == 3
    assert len(gateway.requests) == 3

    organizer = make_user("organizer", body=event.body)
    login(client, organizer)
    page = client.get(f"/events/{event.id}/messages").get_data(as_text=True)
    assert "ناموفق" in page and "HTTP 500" in page
    gateway.fail_next = 0
    response = client.post(f"/messages/{m.id}/resend")
    assert response.status_code == 302
    assert worker.deliver_once().sent == 1
    assert messages(db)[0].status == MessageStatus.sent and len(gateway.by_key) == 1


def test_a_gateway_that_times_out_is_retried(db, app, delivering, make_event, make_ngo):
    gateway, _ = delivering
    app.config["SMS_TIMEOUT"] = 0.3
    gateway.hang = 1.0
    event = make_event()
    register(db, event, make_ngo(), person(10))
    worker.deliver_once()
    m, = messages(db)
    assert m.status == MessageStatus.queued and "no answer" in m.last_answer
    gateway.hang = 0
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    worker.deliver_once()
    assert messages(db)[0].status == MessageStatus.sent


# --- never twice ------------------------------------------------------------------------------

def _worker_env(database_url, gateway, **more):
    env = dict(os.environ, DATABASE_URL=database_url, SMS_BACKEND="http",
               SMS_GATEWAY_URL=gateway.url, MAIL_BACKEND="outbox", FLASK_APP="wsgi.py",
               PUBLIC_BASE_URL="https://events.example.ir")
    env.pop("TEST_DATABASE_URL", None)
    env.update({k: str(v) for k, v in more.items()})
    return env


def _flask(*args, env):
    return subprocess.Popen([str(Path(sys.executable).parent / "flask"), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_worker_killed_after_the_gateway_answered_sends_nothing_twice(
        db, database_url, delivering, make_event, make_ngo):
    gateway, _ = delivering
    event = make_event()
    register(db, event, make_ngo(), person(11))
    key = messages(db)[0].key
    proc = _flask("send-outbox", "--once",
                  env=_worker_env(database_url, gateway, OUTBOX_LEASE_SECONDS=5))
    gateway.freeze_pid = proc.pid  # frozen on the gateway's answer, then killed
    assert proc.wait(timeout=60) == -9
    proc.stdout.close()
    assert len(gateway.requests) == 1 and list(gateway.by_key) == [key]
    m, = messages(db)
    assert m.status == MessageStatus.sending, "the dead worker never marked it"

    if utcnow() < m.lease_until:  # (a loaded machine may take longer than the lease)
        assert worker.deliver_once().claimed == 0, "another worker waits for the lease"
    time.sleep(max(0.0, (m.lease_until - utcnow()).total_seconds()) + 0.2)
    assert worker.deliver_once().sent == 1
    assert len(gateway.requests) == 2, "sent again after the lease ran out …"
    assert list(gateway.by_key) == [key], "… with the same key: the gateway has it once"
    assert messages(db)[0].status == MessageStatus.sent


def test_two_workers_drain_a_thousand_messages_and_none_is_sent_twice(
        db, database_url, delivering):
    gateway, _ = delivering
    now = utcnow()
    for n in range(1000):
        addr = address(db.session, Channel.sms, f"0912{n:07d}")
        queue(db.session, key=f"bulk.{n}.sms", kind="test", addr=addr, body=f"پیام {n}", now=now)
    db.session.commit()
    env = _worker_env(database_url, gateway, OUTBOX_BATCH=20)
    procs = [_flask("send-outbox", "--once", env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert len(gateway.requests) == 1000, "no message was sent twice"
    assert len(gateway.by_key) == 1000
    statuses = db.session.execute(select(OutboxMessage.status, func.count())
                                  .group_by(OutboxMessage.status)).all()
    assert dict(statuses) == {MessageStatus.sent: 1000}
    workers = db.session.scalars(select(OutboxMessage.claimed_by).distinct()).all()
    assert len(workers) == 2, f"both workers took a share: {outputs}"


def test_every_template_stays_within_two_parts_even_for_a_long_title(db, delivering, make_event,
                                                                     app):
    from eventsapp.messages.services import template_costs

    event = make_event(title="کارگاه توانمندسازی سمن‌های حوزهٔ محیط زیست و منابع طبیعی استان "
                             "تهران با همکاری دفتر امور اجتماعی و فرهنگی استانداری")
    with app.test_request_context():
        costs = template_costs(event)
    assert {c.name for c in costs} >= {"ticket", "event_changed", "reminder", "event_cancelled"}
    assert all(c.parts <= 2 for c in costs), [(c.name, c.units) for c in costs if c.parts > 2]
    assert all("events.example.ir/o/" in c.text for c in costs)
