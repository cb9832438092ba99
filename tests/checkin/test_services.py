"""The check-in verdicts, decided by one service function, with the clock passed in."""
from datetime import date, time, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from eventsapp.checkin import services
from eventsapp.checkin.models import CheckIn, ScanLog, Verdict
from eventsapp.events import services as events
from eventsapp.jalali import local_datetime
from eventsapp.places.services import find_province
from eventsapp.registrations import services as registrations
from eventsapp.registrations.models import RegStatus

DAY1, DAY2 = date(2026, 8, 14), date(2026, 8, 15)  # 23 and 24 Mordad 1405


def at(d, hh, mm=0):
    return local_datetime(d, time(hh, mm)).astimezone(timezone.utc)


@pytest.fixture
def workshop(db, make_body, make_ngo):
    """A two-day workshop 09:00–13:00 with three people: confirmed, confirmed, waitlisted."""
    body = make_body(name="دفتر امور اجتماعی آزمایشی")
    data = events.EventInput(kind="workshop", title="کارگاه دو روزه", venue_name="مجتمع",
                             province=find_province(db.session, "سمنان"),
                             days=[events.DayInput(DAY1, time(9), time(13)),
                                   events.DayInput(DAY2, time(9), time(13))], capacity=2)
    event, _ = events.create_event(db.session, body, data)
    events.publish(event)
    ngo = make_ngo(name="کانون نشاط")
    people = [{"full_name": n, "national_id": registrations.complete_national_id(f"{i:09d}"),
               "mobile": f"0912000000{i}"} for i, n in enumerate(["زهرا", "علی", "مریم"], start=1)]
    regs = registrations.register(db.session, event, ngo, people, now=at(DAY1, 0) - timedelta(days=5))
    db.session.commit()
    return event, regs


def scan(db, event, text, when, gate="شمالی", staff=None):
    result = services.check_in(db.session, event, text, staff=staff, gate=gate, now=when)
    db.session.commit()
    return result


def test_once_per_day_of_a_two_day_workshop(db, workshop):
    event, (zahra, _, _) = workshop
    assert scan(db, event, zahra.ticket_code, at(DAY1, 9, 5)).verdict == Verdict.ok
    again = scan(db, event, zahra.ticket_code, at(DAY1, 10), gate="جنوبی")
    assert again.verdict == Verdict.already_checked_in
    assert "۰۹:۰۵" in again.message and "شمالی" in again.message
    assert scan(db, event, zahra.ticket_code, at(DAY2, 8, 30)).verdict == Verdict.ok
    assert db.session.query(CheckIn).count() == 2


def test_the_ticket_url_works_as_well_as_the_bare_code(db, workshop):
    event, (zahra, ali, _) = workshop
    assert scan(db, event, f"https://events.example.ir/t/{zahra.ticket_code}", at(DAY1, 9)).verdict == Verdict.ok
    assert scan(db, event, f"  http://localhost:5000/t/{ali.ticket_code}?x=1 ", at(DAY1, 9)).verdict == Verdict.ok


@pytest.mark.parametrize("text", ["", "hello", "x" * 500, "https://evil.example/a/" + "A" * 22,
                                  "A" * 22, "'; DROP TABLE checkins; --", "/t/short"])
def test_unknown_and_malformed_codes(db, workshop, text):
    event, _ = workshop
    result = scan(db, event, text, at(DAY1, 9))
    assert result.verdict == Verdict.unknown and result.attendee is None
    assert result.message == "بلیت شناخته نشد"


def test_statuses_days_and_window(db, workshop, make_body):
    event, (zahra, ali, maryam) = workshop
    assert maryam.status == RegStatus.waitlisted
    assert scan(db, event, maryam.ticket_code, at(DAY1, 9)).verdict == Verdict.not_confirmed
    registrations.cancel(db.session, ali)
    db.session.commit()
    assert scan(db, event, ali.ticket_code, at(DAY1, 9)).verdict == Verdict.cancelled
    assert scan(db, event, zahra.ticket_code, at(DAY1 - timedelta(days=1), 9)).verdict == Verdict.wrong_day
    assert scan(db, event, zahra.ticket_code, at(DAY1, 7, 59)).verdict == Verdict.closed
    assert scan(db, event, zahra.ticket_code, at(DAY1, 8, 0)).verdict == Verdict.ok  # 60 min before
    assert scan(db, event, zahra.ticket_code, at(DAY2, 13, 31)).verdict == Verdict.closed  # 30 min after


def test_a_ticket_of_another_event(db, workshop, make_body):
    event, (zahra, _, _) = workshop
    other_data = events.EventInput(kind="meeting", title="نشست دیگر", venue_name="سالن",
                                   province=find_province(db.session, "تهران"),
                                   days=[events.DayInput(DAY1, time(9), time(11))], capacity=5)
    other, _ = events.create_event(db.session, make_body(name="فرمانداری دیگر"), other_data)
    events.publish(other)
    db.session.commit()
    result = scan(db, other, zahra.ticket_code, at(DAY1, 9))
    assert result.verdict == Verdict.wrong_event and "«کارگاه دو روزه»" in result.message


def test_every_scan_is_logged(db, workshop, make_user):
    event, (zahra, _, _) = workshop
    door = make_user("door")
    scan(db, event, zahra.ticket_code, at(DAY1, 9), staff=door)
    scan(db, event, zahra.ticket_code, at(DAY1, 9, 1), staff=door)
    scan(db, event, "nonsense", at(DAY1, 9, 2), staff=door, gate="غربی")
    log = db.session.query(ScanLog).order_by(ScanLog.id).all()
    assert [e.verdict for e in log] == [Verdict.ok, Verdict.already_checked_in, Verdict.unknown]
    assert log[2].gate == "غربی" and log[2].staff_id == door.id and log[2].code == "nonsense"


def test_the_database_allows_one_live_check_in_per_day(db, workshop):
    event, (zahra, _, _) = workshop
    first_id = scan(db, event, zahra.ticket_code, at(DAY1, 9)).checkin_id
    db.session.add(CheckIn(event_id=event.id, registration_id=zahra.id, day=DAY1,
                           checked_in_at=at(DAY1, 9, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    services.undo(db.session, db.session.get(CheckIn, first_id), user=_organizer(db, event),
                  now=at(DAY1, 9, 2))
    db.session.commit()
    assert scan(db, event, zahra.ticket_code, at(DAY1, 9, 3)).verdict == Verdict.ok


def _organizer(db, event):
    from eventsapp.accounts import services as accounts

    user = accounts.create_user(db.session, username="boss-of-event", password="long-enough",
                                role="organizer", body=event.body)
    db.session.commit()
    return user


def test_undo_rules(db, workshop, make_user):
    event, (zahra, ali, _) = workshop
    door, other_door = make_user("door"), make_user("door")
    checkin = db.session.get(CheckIn, scan(db, event, zahra.ticket_code, at(DAY1, 9), staff=door).checkin_id)
    with pytest.raises(services.CheckinError) as info:
        services.undo(db.session, checkin, user=other_door, now=at(DAY1, 9, 1))
    assert info.value.reason == services.CheckinReason.undo_not_allowed
    with pytest.raises(services.CheckinError):
        services.undo(db.session, checkin, user=door, now=at(DAY1, 9, 11))  # too late for staff
    services.undo(db.session, checkin, user=door, now=at(DAY1, 9, 5))
    db.session.commit()
    with pytest.raises(services.CheckinError) as info:
        services.undo(db.session, checkin, user=door, now=at(DAY1, 9, 6))
    assert info.value.reason == services.CheckinReason.already_undone
    assert db.session.query(ScanLog).filter_by(verdict=Verdict.undone).count() == 1
    later = db.session.get(CheckIn, scan(db, event, ali.ticket_code, at(DAY1, 9), staff=door).checkin_id)
    services.undo(db.session, later, user=_organizer(db, event), now=at(DAY1, 12))  # organizers any time


def test_door_staff_assignment_and_who_may_scan(db, workshop, make_user):
    event, _ = workshop
    door, secretary = make_user("door", username="gatekeeper"), make_user("secretary")
    assert not services.may_scan(door, event, db.session)
    services.assign_staff(db.session, event, "GATEKEEPER")
    services.assign_staff(db.session, event, "gatekeeper")  # twice is once
    db.session.commit()
    assert services.may_scan(door, event, db.session)
    assert services.staff_events(db.session, door) == [event]
    with pytest.raises(services.CheckinError) as info:
        services.assign_staff(db.session, event, secretary.username)
    assert info.value.reason == services.CheckinReason.not_door_staff
    with pytest.raises(services.CheckinError):
        services.assign_staff(db.session, event, "nobody")
    services.unassign_staff(db.session, event, door.id)
    assert not services.may_scan(door, event, db.session)


def test_devices_have_revocable_tokens(db, workshop):
    event, _ = workshop
    device, raw = services.create_device(db.session, event, "گوشی در شمالی")
    assert raw.startswith("sc_") and len(raw) > 40 and device.prefix == raw[:10]
    assert device.token_hash == services.token_hash(raw) != raw  # only the hash is kept
    assert services.token_hash(raw + "x") != device.token_hash
    services.revoke_device(device)
    first = device.revoked_at
    assert first is not None
    services.revoke_device(device)  # twice is once
    assert device.revoked_at == first


def test_search_at_the_door_is_persian_normalised(db, workshop):
    event, (zahra, ali, maryam) = workshop
    assert services.search_attendees(db.session, event, "علي") == [ali]
    assert services.search_attendees(db.session, event, zahra.national_id[-6:]) == [zahra]
    assert services.search_attendees(db.session, event, "۰۹۱۲۰۰۰۰۰۰۳") == [maryam]
    assert services.search_attendees(db.session, event, "ز") == []


def test_live_counts(db, workshop):
    event, (zahra, ali, _) = workshop
    scan(db, event, zahra.ticket_code, at(DAY1, 9, 5), gate="شمالی")
    scan(db, event, ali.ticket_code, at(DAY1, 9, 20), gate="جنوبی")
    scan(db, event, zahra.ticket_code, at(DAY2, 9, 5))
    counts = services.live_counts(db.session, event)
    assert counts["registered"] == 2
    assert counts["days"] == [{"date": "2026-08-14", "checked_in": 2}, {"date": "2026-08-15", "checked_in": 1}]
    assert counts["ngos"][0]["registered"] == 2 and counts["ngos"][0]["checked_in"] == 2
    assert {g["gate"]: g["checked_in"] for g in counts["gates"]} == {"شمالی": 2, "جنوبی": 1}
    assert [q["at"] for q in counts["quarters"]] == ["2026-08-14 09:00", "2026-08-14 09:15", "2026-08-15 09:00"]


def test_extract_code():
    code = "Abcdefghijklmnop_-1234"
    assert services.extract_code(code) == code
    assert services.extract_code(f"https://x.ir/t/{code}") == code
    assert services.extract_code(f"https://x.ir/t/{code}.ics") == code
    assert services.extract_code(f"https://x.ir/a/{code}") is None
    assert services.extract_code(None) is None


@pytest.mark.parametrize("before, after", [(None, 30), (60, None), (-1, 30), (60, 721)])
def test_the_check_in_window_is_refused_out_of_range(db, workshop, before, after):
    event, _ = workshop
    kept = (event.checkin_before, event.checkin_after)
    with pytest.raises(services.CheckinError) as info:
        services.set_window(event, before, after)
    assert info.value.reason == services.CheckinReason.window_out_of_range
    assert (event.checkin_before, event.checkin_after) == kept
    services.set_window(event, 0, 720)  # the bounds themselves are fine
    assert (event.checkin_before, event.checkin_after) == (0, 720)


# --- the verdict is checked again under the write lock (issue 10, item 4) ----------------------

@pytest.mark.parametrize("what", ["ticket", "event"])
def test_a_ticket_or_event_cancelled_between_the_read_and_the_write_is_not_checked_in(db, workshop, what):
    """The scan reads without a lock and decides ``ok``; before it takes the write lock, another
    connection cancels the ticket (or the event). The scan is refused and nothing is let in."""
    event, (zahra, _, _) = workshop

    def cancel_meanwhile():  # the test's session is another connection than the scan's
        if what == "ticket":
            registrations.cancel(db.session, zahra)
        else:
            events.cancel(event, "برگزار نمی‌شود")
        db.session.commit()

    result = services.scan_now(db.engine, event.id, zahra.ticket_code, gate="شمالی",
                               now=at(DAY1, 9, 5), between=cancel_meanwhile)
    assert result.verdict == (Verdict.cancelled if what == "ticket" else Verdict.closed)
    db.session.rollback()  # the scan wrote on a connection of its own: read afresh
    assert db.session.query(CheckIn).count() == 0
    assert [e.verdict for e in db.session.query(ScanLog)] == [result.verdict]


def test_without_a_change_in_between_the_scan_is_let_in(db, workshop):
    event, (zahra, _, _) = workshop
    result = services.scan_now(db.engine, event.id, zahra.ticket_code, now=at(DAY1, 9, 5),
                               between=lambda: None)
    assert result.verdict == Verdict.ok and result.checkin_id
