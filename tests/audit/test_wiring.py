"""Each wired service writes exactly one entry (one per row it makes) with the right actor,
object and before/after of the changed fields; a refused change writes none."""
from datetime import time, timedelta

import pytest

from eventsapp.accounts import services as accounts
from eventsapp.accounts.models import BodyKind, Role
from eventsapp.awards import services as awards
from eventsapp.checkin import services as checkin
from eventsapp.events import services as events
from eventsapp.events.models import EventStatus
from eventsapp.jalali import local_datetime, today, utcnow
from eventsapp.ngos import importer
from eventsapp.ngos import services as ngos
from eventsapp.refusals import Refusal
from eventsapp.registrations import services as registrations
from eventsapp.registrations.models import RegStatus

from .conftest import event_input, person


def refused_writes_nothing(db, written, call, *args, **kw):
    db.session.commit()  # what came before stands; the refusal is rolled back
    w = written()
    with pytest.raises(Refusal):
        call(*args, **kw)
    db.session.rollback()
    assert w.entries() == []


# --- accounts ----------------------------------------------------------------------------------

def test_user_create_edit_and_password(db, written, make_user, make_body):
    admin = make_user("admin", full_name="مدیر سامانه یکم")
    body = make_body(name="استانداری تهران")
    w = written()
    user = accounts.create_user(db.session, username="ali", password="long-enough-1",
                                role="organizer", full_name="علی", body=body, actor=admin)
    entry = w.one()
    assert (entry.action, entry.object_type, entry.object_id) == ("user.create", "user", user.id)
    assert (entry.actor_id, entry.actor_name, entry.body_id) == (admin.id, "مدیر سامانه یکم", body.id)
    assert entry.before is None
    assert entry.after["username"] == "ali" and entry.after["role"] == "organizer"
    assert entry.after["body"] == "استانداری تهران" and "password_hash" not in entry.after

    w = written()
    accounts.update_user(db.session, user, full_name="علی کریمی", role="organizer", body=body,
                         active=True, actor=admin)
    entry = w.one()
    assert (entry.action, entry.before, entry.after) == (
        "user.edit", {"full_name": "علی"}, {"full_name": "علی کریمی"})

    accounts.create_api_token(db.session, user, "اسکریپت")
    w = written()
    accounts.set_password(user, "another-password", actor=admin)
    entry = w.one()
    assert entry.action == "user.password"
    assert entry.after == {"password_changed": True, "tokens_revoked": 1}
    assert user.password_hash not in str(entry.after)


def test_user_refusals_write_nothing(db, written, make_user):
    admin = make_user("admin")
    refused_writes_nothing(db, written, accounts.create_user, db.session, username="x",
                           password="long-enough-1", role="admin", actor=admin)
    refused_writes_nothing(db, written, accounts.set_password, admin, "short", actor=admin)
    refused_writes_nothing(db, written, accounts.update_user, db.session, admin, full_name="",
                           role="organizer", actor=admin)  # the last admin


def test_own_password_change_is_the_users_own_entry(db, written, make_user):
    user = make_user("secretary")
    w = written()
    accounts.change_own_password(user, "test-pass-123", "a-new-password")
    entry = w.one()
    assert (entry.action, entry.actor_id, entry.object_id) == ("user.password", user.id, user.id)
    refused_writes_nothing(db, written, accounts.change_own_password, user, "wrong", "whatever-else")


def test_tokens_created_and_revoked(db, written, make_user):
    user = make_user("organizer")
    w = written()
    token, raw = accounts.create_api_token(db.session, user, "گزارش‌ها")
    entry = w.one()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_id) == (
        "token.create", "token", token.id, user.id)
    assert entry.after == {"user": user.username, "name": "گزارش‌ها", "prefix": raw[:10]}
    assert raw not in str(entry.after) and token.token_hash not in str(entry.after)
    w = written()
    accounts.revoke_api_token(token, actor=user)
    accounts.revoke_api_token(token, actor=user)  # already revoked: nothing more
    entry = w.one()
    assert entry.action == "token.revoke" and entry.before == {"revoked_at": None}


def test_body_create_and_edit(db, written, make_user):
    admin = make_user("admin")
    w = written()
    body = accounts.save_body(db.session, None, name="دفتر تسهیلگری", kind=BodyKind.facilitation_office,
                              actor=admin)
    assert w.one().after == {"name": "دفتر تسهیلگری", "kind": "facilitation_office",
                             "province": None, "county": None}
    w = written()
    accounts.save_body(db.session, body, name="دفتر تسهیلگری محله", kind=BodyKind.facilitation_office,
                       actor=admin)
    entry = w.one()
    assert (entry.action, entry.body_id, entry.before, entry.after) == (
        "body.edit", body.id, {"name": "دفتر تسهیلگری"}, {"name": "دفتر تسهیلگری محله"})
    refused_writes_nothing(db, written, accounts.save_body, db.session, None, name=" ",
                           kind=BodyKind.other, actor=admin)


# --- events -------------------------------------------------------------------------------------

def test_event_create_records_days_and_venue(db, written, organizer):
    w = written()
    event, _ = events.create_event(db.session, organizer.body, event_input(db), actor=organizer)
    entry = w.one()
    assert (entry.action, entry.object_id, entry.event_id, entry.body_id) == (
        "event.create", event.id, event.id, organizer.body_id)
    assert entry.object_label == "کارگاه توانمندسازی"
    day = (today() + timedelta(days=10)).isoformat()
    assert entry.after["days"] == [{"date": day, "start": "09:00", "end": "12:00"}]
    assert entry.after["venue"] == {"name": "سالن فرمانداری", "address": "", "province": "تهران",
                                    "county": "شمیرانات"}


def test_event_edit_keeps_only_what_changed(db, written, make_event, organizer):
    event = make_event()
    first = today() + timedelta(days=10)
    w = written()
    events.update_event(db.session, event, event_input(
        db, venue_name="تالار شهر", days=[events.DayInput(first, time(10), time(13)),
                                          events.DayInput(first + timedelta(days=1), time(9), time(12))]),
        actor=organizer)
    entry = w.one()
    assert set(entry.before) == set(entry.after) == {"days", "venue"}
    assert entry.before["days"] == [{"date": first.isoformat(), "start": "09:00", "end": "12:00"}]
    assert entry.after["days"] == [
        {"date": first.isoformat(), "start": "10:00", "end": "13:00"},
        {"date": (first + timedelta(days=1)).isoformat(), "start": "09:00", "end": "12:00"}]
    assert (entry.before["venue"]["name"], entry.after["venue"]["name"]) == ("سالن فرمانداری", "تالار شهر")

    w = written()
    events.update_event(db.session, event, event_input(db, capacity=5), actor=organizer)
    entry = w.one()
    assert entry.before == {"capacity": 3, "days": entry.before["days"], "venue": entry.before["venue"]}
    assert entry.after["capacity"] == 5


def test_event_edit_that_changes_nothing_writes_nothing(db, written, make_event, organizer):
    event = make_event()
    w = written()
    events.update_event(db.session, event, event_input(db), actor=organizer)
    assert w.entries() == []


def test_event_status_changes(db, written, make_event, organizer):
    event = make_event(publish=False)
    for target, reason, action in [(EventStatus.published, "", "event.publish"),
                                   (EventStatus.postponed, "هم‌زمانی با برنامهٔ استانی", "event.postpone"),
                                   (EventStatus.published, "", "event.publish"),
                                   (EventStatus.cancelled, "سیل", "event.cancel")]:
        w = written()
        before = event.status.value
        events.set_status(event, target, reason=reason, actor=organizer)
        entry = w.one()
        assert entry.action == action and entry.actor_id == organizer.id
        assert entry.before["status"] == before and entry.after["status"] == target.value
        assert entry.after.get("status_reason", "") == reason
    refused_writes_nothing(db, written, events.set_status, event, EventStatus.published, actor=organizer)


def test_event_refusals_write_nothing(db, written, make_event, organizer):
    event = make_event()
    refused_writes_nothing(db, written, events.create_event, db.session, organizer.body,
                           event_input(db, capacity=0), actor=organizer)
    refused_writes_nothing(db, written, events.update_event, db.session, event,
                           event_input(db, title=""), actor=organizer)
    refused_writes_nothing(db, written, events.cancel, event, "", actor=organizer)


def test_settings_window_awards_page_and_occasions(db, written, make_event, organizer, make_user):
    event = make_event()
    w = written()
    checkin.set_window(event, 30, 15, actor=organizer)
    entry = w.one()
    assert (entry.action, entry.before, entry.after) == (
        "event.settings", {"checkin_before": 60, "checkin_after": 30},
        {"checkin_before": 30, "checkin_after": 15})
    refused_writes_nothing(db, written, checkin.set_window, event, 30, 9999, actor=organizer)
    w = written()
    awards.set_awards_public(event, True, actor=organizer)
    assert w.one().after == {"awards_public": True}
    admin = make_user("admin")
    w = written()
    occasion = events.save_occasion(db.session, None, name="روز آزمایشی", calendar="jalali",
                                    month=5, day=22, actor=admin)
    assert w.one().action == "occasion.create"
    w = written()
    events.save_occasion(db.session, occasion, name="روز آزمایشی", calendar="jalali", month=5,
                         day=23, actor=admin)
    entry = w.one()
    assert (entry.action, entry.before, entry.after) == ("occasion.edit", {"day": 22}, {"day": 23})


# --- registrations ------------------------------------------------------------------------------

def test_registrations_create_cancel_and_promote(db, written, make_event, make_user):
    event = make_event(capacity=1)
    secretary = make_user("secretary")
    w = written()
    first, second = registrations.register(db.session, event, secretary.ngo, [person(1), person(2)],
                                           actor=secretary)
    entries = w.entries()
    assert [(e.action, e.object_id, e.after["status"]) for e in entries] == [
        ("registration.create", first.id, "confirmed"), ("registration.create", second.id, "waitlisted")]
    assert all(e.event_id == event.id and e.body_id == event.body_id for e in entries)
    assert person(1)["national_id"] not in str(entries[0].after)
    w = written()
    registrations.cancel(db.session, first, actor=secretary)
    cancel, promote = w.entries()
    assert (cancel.action, cancel.object_id, cancel.before, cancel.after) == (
        "registration.cancel", first.id, {"status": "confirmed"}, {"status": "cancelled"})
    assert (promote.action, promote.object_id, promote.before, promote.after) == (
        "registration.promote", second.id, {"status": "waitlisted"}, {"status": "confirmed"})
    refused_writes_nothing(db, written, registrations.cancel, db.session, first, actor=secretary)
    refused_writes_nothing(db, written, registrations.register, db.session, event, secretary.ngo,
                           [person(2)], actor=secretary)  # already registered


def test_registrations_approve_and_reject(db, written, make_event, make_user, organizer):
    event = make_event(requires_approval=True)
    secretary = make_user("secretary")
    one, two = registrations.register(db.session, event, secretary.ngo, [person(1), person(2)],
                                      actor=secretary)
    w = written()
    registrations.approve(db.session, one, actor=organizer)
    entry = w.one()
    assert (entry.action, entry.actor_id, entry.before, entry.after) == (
        "registration.approve", organizer.id, {"status": "pending"}, {"status": "confirmed"})
    w = written()
    registrations.reject(db.session, two, note="خارج از استان", actor=organizer)
    entry = w.one()
    assert entry.after == {"status": "rejected", "note": "خارج از استان"}
    refused_writes_nothing(db, written, registrations.approve, db.session, one, actor=organizer)


# --- check-ins ----------------------------------------------------------------------------------

def test_undo_writes_an_entry_and_a_door_scan_writes_none(db, written, make_user, organizer):
    day = today()
    tehran_now = local_datetime(day, time(10))
    from .conftest import event_input as make_input
    event, _ = events.create_event(db.session, organizer.body, make_input(
        db, days=[events.DayInput(day, time(9), time(18))]), actor=organizer)
    events.publish(event, actor=organizer)
    secretary = make_user("secretary")
    [reg] = registrations.register(db.session, event, secretary.ngo, [person(1)], actor=secretary,
                                   now=tehran_now - timedelta(days=1))
    db.session.commit()
    w = written()
    result = checkin.check_in(db.session, event, reg.ticket_code, staff=organizer, now=tehran_now)
    assert result.verdict.value == "ok"
    assert w.entries() == []  # the door is a hot path: scans are in the scan log, not here
    from eventsapp.checkin.models import CheckIn
    row = db.session.get(CheckIn, result.checkin_id)
    w = written()
    checkin.undo(db.session, row, user=organizer, now=tehran_now + timedelta(minutes=1))
    entry = w.one()
    assert (entry.action, entry.object_type, entry.object_id, entry.event_id) == (
        "checkin.undo", "checkin", row.id, event.id)
    assert entry.object_label == "عضو شمارهٔ 1"
    refused_writes_nothing(db, written, checkin.undo, db.session, row, user=organizer)


def test_devices(db, written, make_event, organizer):
    event = make_event()
    w = written()
    device, raw = checkin.create_device(db.session, event, "در شمالی", actor=organizer)
    entry = w.one()
    assert (entry.action, entry.event_id, entry.after) == (
        "device.create", event.id, {"name": "در شمالی", "prefix": raw[:10]})
    w = written()
    checkin.revoke_device(device, actor=organizer)
    assert w.one().action == "device.revoke"


# --- awards -------------------------------------------------------------------------------------

def _past_event(db, organizer, make_user):
    day = today() - timedelta(days=2)
    event, _ = events.create_event(db.session, organizer.body, event_input(
        db, days=[events.DayInput(day, time(9), time(12))],
        registration_closes_at=local_datetime(day - timedelta(days=5), time(9))), actor=organizer)
    events.publish(event, actor=organizer)
    secretary = make_user("secretary")
    return event, secretary.ngo


def test_awards_issue_bulk_and_revoke(db, written, organizer, make_user, make_ngo):
    day = today() + timedelta(days=1)
    event, _ = events.create_event(db.session, organizer.body, event_input(
        db, days=[events.DayInput(day, time(9), time(12))]), actor=organizer)
    events.publish(event, actor=organizer)
    ngo_a, ngo_b = make_ngo(), make_ngo()
    now = local_datetime(day, time(13))
    events.set_status(event, EventStatus.completed, now=now, actor=organizer)
    w = written()
    given = awards.give_award(db.session, event, ngo=ngo_a, title="لوح سپاس", actor=organizer,
                              now=now, allow_other_ngos=True)
    entry = w.one()
    [award] = given.awards
    assert (entry.action, entry.object_type, entry.object_id, entry.event_id) == (
        "award.issue", "award", award.id, event.id)
    assert entry.after["title"] == "لوح سپاس" and entry.after["ngo_id"] == ngo_a.id
    w = written()
    bulk = awards.give_bulk(db.session, event, [ngo_a, ngo_b], title="تندیس", kind="statuette",
                            actor=organizer, now=now, allow_other_ngos=True)
    assert [e.object_id for e in w.entries()] == [a.id for a in bulk.awards]
    refused_writes_nothing(db, written, awards.give_bulk, db.session, event, [ngo_a], title="تندیس",
                           kind="statuette", actor=organizer, now=now, allow_other_ngos=True)
    w = written()
    awards.revoke(db.session, award, reason="نام اشتباه", actor=organizer, now=now)
    entry = w.one()
    assert entry.action == "award.revoke" and entry.after["revoke_reason"] == "نام اشتباه"
    refused_writes_nothing(db, written, awards.revoke, db.session, award, reason="دوباره",
                           actor=organizer, now=now)


# --- NGOs ---------------------------------------------------------------------------------------

def test_ngo_save_contact_and_secretary(db, written, make_user):
    admin = make_user("admin")
    w = written()
    ngo = ngos.save_ngo(db.session, None, name="انجمن یاوران", registration_no="12345", actor=admin)
    entry = w.one()
    assert (entry.action, entry.object_id, entry.after["registration_no"]) == ("ngo.create", ngo.id, "12345")
    w = written()
    ngos.save_ngo(db.session, ngo, name="انجمن یاوران سبز", registration_no="12345", actor=admin)
    entry = w.one()
    assert (entry.action, entry.before, entry.after) == (
        "ngo.edit", {"name": "انجمن یاوران"}, {"name": "انجمن یاوران سبز"})
    refused_writes_nothing(db, written, ngos.save_ngo, db.session, None, name="دیگری",
                           registration_no="12345", actor=admin)
    w = written()
    ngos.update_contact(db.session, ngo, address="خیابان آزادی", phone="02112345678", actor=admin)
    entry = w.one()
    assert entry.action == "ngo.contact" and entry.after == {"address": "خیابان آزادی",
                                                             "phone": "02112345678"}
    w = written()
    user = ngos.create_secretary(db.session, ngo, "yavaran", "مینا", "", "long-enough-1", actor=admin)
    entry = w.one()
    assert (entry.action, entry.object_type, entry.object_id, entry.after["secretary"]) == (
        "ngo.secretary", "ngo", ngo.id, user.username)


def test_claims(db, written, make_user, make_ngo):
    ngo = make_ngo(registration_no="55555")
    organizer = make_user("organizer")
    w = written()
    claim = ngos.submit_claim(db.session, "55555", "claimant", "سارا", "09121112233", "long-enough-1")
    entry = w.one()
    assert (entry.action, entry.actor_id, entry.object_id) == ("claim.submit", None, claim.id)
    w = written()
    user = ngos.approve_claim(db.session, claim, organizer)
    entry = w.one()  # one entry: the approval, not a second "user created"
    assert (entry.action, entry.after) == ("claim.approve", {"status": "approved", "user_id": user.id})
    refused_writes_nothing(db, written, ngos.reject_claim, db.session, claim, organizer)
    other = ngos.submit_claim(db.session, "55555", "second", "نرگس", "09121112234", "long-enough-1")
    w = written()
    ngos.reject_claim(db.session, other, organizer, note="ناشناس")
    assert w.one().after == {"status": "rejected", "note": "ناشناس"}


def test_an_import_is_one_entry_with_its_counts(db, written, make_user, make_ngo):
    make_ngo(registration_no="70001", name="سمن قدیمی")
    admin = make_user("admin")
    progress = importer.new_progress(3)
    w = written()
    result = importer.apply_import(db.session, [
        {"registration_no": "70001", "name": "سمن قدیمی نو", "name_key": "سمن قدیمی نو"},
        {"registration_no": "70002", "name": "سمن تازه", "name_key": "سمن تازه"},
        {"registration_no": "70003", "name": "سمن دیگر", "name_key": "سمن دیگر"}])
    progress = importer.advance(progress, result, 3)
    importer.record_import(db.session, admin, progress, filename="ngos.csv")
    entry = w.one()
    assert (entry.action, entry.object_type, entry.object_id, entry.object_label) == (
        "ngo.import", "ngo", None, "ngos.csv")
    assert entry.after == {"file": "ngos.csv", "rows": 3, "added": 2, "updated": 1, "unchanged": 0,
                           "skipped": 0}


def test_api_calls_are_recorded_with_the_tokens_user(client, db, written, make_event, make_user, organizer):
    """Through the API the actor is the token's user, as on the pages."""
    from tests.conftest import api_headers

    event = make_event(requires_approval=True)
    secretary = make_user("secretary")
    one, two = registrations.register(db.session, event, secretary.ngo, [person(1), person(2)],
                                      actor=secretary)
    db.session.commit()
    headers = api_headers(organizer)
    for reg, action, body in ((one, "approve", None), (two, "reject", {"note": "خارج از استان"})):
        w = written()
        answer = client.post(f"/api/v1/registrations/{reg.id}/{action}", headers=headers, json=body)
        assert answer.status_code == 200, answer.get_json()
        entry = w.one()
        assert (entry.action, entry.actor_id) == (f"registration.{action}", organizer.id)
    w = written()
    assert client.post(f"/api/v1/events/{event.id}/cancel", headers=headers,
                       json={"reason": "هم‌زمانی با برنامهٔ استانی"}).status_code == 200
    assert [(e.action, e.actor_id) for e in w.entries()][0] == ("event.cancel", organizer.id)
