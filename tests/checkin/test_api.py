"""POST /api/v1/checkin and the other check-in endpoints, through the test client.

The clock is frozen by replacing the check-in service's ``utcnow`` (the view passes no ``now``,
so the service's own default is what runs), and the event's days are fixed dates: the tests
mean the same thing whatever day they run on.
"""
from datetime import date, time, timedelta, timezone

import pytest

from eventsapp import create_app
from eventsapp.checkin import services
from eventsapp.checkin.models import CheckIn, EventStaff, ScanLog, ScannerDevice, Verdict
from eventsapp.events import services as events
from eventsapp.extensions import limiter
from eventsapp.jalali import local_datetime
from eventsapp.persian import to_persian_digits
from eventsapp.places.services import find_province
from eventsapp.registrations import services as registrations
from eventsapp.registrations.models import RegStatus
from tests.conftest import api_headers

DAY1, DAY2 = date(2026, 8, 14), date(2026, 8, 15)  # 23 and 24 Mordad 1405, 09:00–13:00 each
URL = "/api/v1/checkin"


def at(d, hh, mm=0):
    return local_datetime(d, time(hh, mm)).astimezone(timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    """The check-in service's clock; set ``clock.now``."""
    class Clock:
        now = at(DAY1, 9, 5)

    monkeypatch.setattr(services, "utcnow", lambda: Clock.now)
    return Clock


def _event(db, body, title, days, *, capacity=10, requires_approval=False):
    data = events.EventInput(kind="workshop", title=title, venue_name="مجتمع فرهنگی",
                             province=find_province(db.session, "سمنان"),
                             days=[events.DayInput(d, time(9), time(13)) for d in days],
                             capacity=capacity, requires_approval=requires_approval)
    event, _ = events.create_event(db.session, body, data)
    events.publish(event)
    return event


def _people(names, start=1):
    return [{"full_name": n, "national_id": registrations.complete_national_id(f"{i:09d}"),
             "mobile": f"091200000{i:02d}"} for i, n in enumerate(names, start=start)]


@pytest.fixture
def door_world(db, make_user, make_ngo):
    """A two-day workshop (capacity 2: Zahra and Ali confirmed, Maryam waitlisted), its organizer,
    a door user assigned to it, and the tokens of both."""
    organizer = make_user("organizer")
    event = _event(db, organizer.body, "کارگاه دو روزه", [DAY1, DAY2], capacity=2)
    regs = registrations.register(db.session, event, make_ngo(name="کانون نشاط"),
                                  _people(["زهرا احمدی", "علی رضایی", "مریم کاظمی"]),
                                  now=at(DAY1, 0) - timedelta(days=5))
    door = make_user("door", username="gate-north", full_name="حسن دربان")
    services.assign_staff(db.session, event, door.username)
    db.session.commit()

    class World:
        pass

    w = World()
    w.organizer, w.event, w.door = organizer, event, door
    w.zahra, w.ali, w.maryam = regs
    w.door_h, w.org_h = api_headers(door), api_headers(organizer)
    return w


def post_scan(client, headers, event_id, code, gate="شمالی"):
    return client.post(URL, json={"event_id": event_id, "code": code, "gate": gate}, headers=headers)


def scan(client, headers, event, code, gate="شمالی"):
    response = post_scan(client, headers, event.id, code, gate)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# --- every verdict ---------------------------------------------------------------------------

def test_a_two_day_workshop_lets_a_ticket_in_once_each_day(client, db, door_world, clock):
    w = door_world
    first = scan(client, w.door_h, w.event, w.zahra.ticket_code)
    assert first["verdict"] == "ok" and first["colour"] == "green" and first["message"] == "خوش آمدید"
    assert first["attendee"]["full_name"] == "زهرا احمدی" and first["attendee"]["ngo"] == "کانون نشاط"
    # an instant to the second with Tehran's offset (issue 10; was UTC with microseconds)
    assert first["checked_in_at"] == "2026-08-14T09:05:00+03:30" and first["checkin_id"]

    clock.now = at(DAY1, 10, 30)
    again = scan(client, w.door_h, w.event, w.zahra.ticket_code, gate="جنوبی")
    assert again["verdict"] == "already_checked_in" and again["colour"] == "amber"
    # when, where and by whom the ticket was let in the first time
    assert "۰۹:۰۵" in again["message"] and "شمالی" in again["message"] and "حسن دربان" in again["message"]
    assert again["checked_in_at"] == first["checked_in_at"] and again["checkin_id"] is None

    clock.now = at(DAY2, 8, 30)  # the window opens an hour before the start
    assert scan(client, w.door_h, w.event, w.zahra.ticket_code)["verdict"] == "ok"
    rows = db.session.query(CheckIn).order_by(CheckIn.day).all()
    assert [(r.day, r.gate, r.staff_id) for r in rows] == [(DAY1, "شمالی", w.door.id), (DAY2, "شمالی", w.door.id)]


def test_the_ticket_url_works_as_well_as_the_bare_code(client, db, door_world, clock):
    w = door_world
    assert scan(client, w.door_h, w.event, f"https://events.example.ir/t/{w.zahra.ticket_code}")["verdict"] == "ok"
    assert scan(client, w.door_h, w.event, f" http://localhost:5000/t/{w.ali.ticket_code}?utm=qr ")["verdict"] == "ok"


def test_cancelled_and_unconfirmed_tickets(client, db, door_world, clock, make_ngo):
    w = door_world
    waitlisted = scan(client, w.door_h, w.event, w.maryam.ticket_code)
    assert waitlisted["verdict"] == "not_confirmed" and "فهرست انتظار" in waitlisted["message"]
    registrations.cancel(db.session, w.ali)  # Maryam takes Ali's seat
    db.session.commit()
    assert scan(client, w.door_h, w.event, w.ali.ticket_code)["verdict"] == "cancelled"
    assert scan(client, w.door_h, w.event, w.maryam.ticket_code)["verdict"] == "ok"

    reviewed = _event(db, w.organizer.body, "نشست با تأیید", [DAY1], requires_approval=True)
    pending, = registrations.register(db.session, reviewed, make_ngo(), _people(["سارا نوری"], 20),
                                      now=at(DAY1, 0) - timedelta(days=5))
    services.assign_staff(db.session, reviewed, w.door.username)
    db.session.commit()
    assert pending.status == RegStatus.pending
    result = scan(client, w.door_h, reviewed, pending.ticket_code)
    assert result["verdict"] == "not_confirmed" and "در انتظار تأیید" in result["message"]


def test_a_ticket_of_another_event(client, db, door_world, clock):
    w = door_world
    other = _event(db, w.organizer.body, "نشست دیگر", [DAY1])
    services.assign_staff(db.session, other, w.door.username)
    db.session.commit()
    result = scan(client, w.door_h, other, w.zahra.ticket_code)
    assert result["verdict"] == "wrong_event" and "«کارگاه دو روزه»" in result["message"]
    assert result["colour"] == "red"
    assert db.session.query(CheckIn).count() == 0


@pytest.mark.parametrize("code", ["", "hello", "x" * 500, "A" * 22, "https://evil.example/a/" + "B" * 22,
                                  "/t/short", "'; DROP TABLE checkins; --", "۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸"])
def test_unknown_and_malformed_codes(client, db, door_world, clock, code):
    w = door_world
    result = scan(client, w.door_h, w.event, code)
    assert result["verdict"] == "unknown" and result["message"] == "بلیت شناخته نشد"
    assert result["attendee"] is None and result["checked_in_at"] is None


def test_a_code_that_is_not_text_is_refused_before_any_scan(client, db, door_world, clock):
    """Issue 10: what the schema forbids is a 400 naming the field (it was an unknown scan)."""
    w = door_world
    for code in (None, 12345, ["x"], {"a": 1}, "x" * 501):
        response = client.post(URL, json={"event_id": w.event.id, "code": code}, headers=w.door_h)
        assert response.status_code == 400 and response.get_json()["field"] == "code"
        assert "کد بلیت" in response.get_json()["message"]
    missing = client.post(URL, json={"event_id": w.event.id}, headers=w.door_h)
    assert missing.status_code == 400 and missing.get_json()["field"] == "code"
    assert db.session.query(ScanLog).count() == 0


def test_outside_the_window_and_on_no_day_of_the_event(client, db, door_world, clock):
    w = door_world
    clock.now = at(DAY1, 7, 59)  # the window opens at 08:00
    closed = scan(client, w.door_h, w.event, w.zahra.ticket_code)
    assert closed["verdict"] == "closed" and "۰۸:۰۰" in closed["message"] and "۱۳:۳۰" in closed["message"]
    clock.now = at(DAY2, 13, 31)  # and closes 30 minutes after the end
    assert scan(client, w.door_h, w.event, w.zahra.ticket_code)["verdict"] == "closed"
    clock.now = at(DAY1 - timedelta(days=1), 10)
    assert scan(client, w.door_h, w.event, w.zahra.ticket_code)["verdict"] == "wrong_day"
    clock.now = at(DAY2 + timedelta(days=1), 10)
    assert scan(client, w.door_h, w.event, w.zahra.ticket_code)["verdict"] == "wrong_day"
    assert db.session.query(CheckIn).count() == 0


def test_every_scan_is_logged_with_verdict_staff_and_gate(client, db, door_world, clock):
    w = door_world
    scan(client, w.door_h, w.event, w.zahra.ticket_code, gate="شمالی")
    scan(client, w.door_h, w.event, w.zahra.ticket_code, gate="جنوبی")
    scan(client, w.org_h, w.event, "nonsense", gate="غربی")
    scan(client, w.door_h, w.event, w.maryam.ticket_code, gate="شرقی")
    log = db.session.query(ScanLog).order_by(ScanLog.id).all()
    assert [(e.verdict, e.staff_id, e.gate) for e in log] == [
        (Verdict.ok, w.door.id, "شمالی"), (Verdict.already_checked_in, w.door.id, "جنوبی"),
        (Verdict.unknown, w.organizer.id, "غربی"), (Verdict.not_confirmed, w.door.id, "شرقی")]
    assert log[2].code == "nonsense" and log[2].registration_id is None
    assert log[0].registration_id == w.zahra.id and all(e.event_id == w.event.id for e in log)


# --- who may scan ----------------------------------------------------------------------------

def test_device_tokens_work_for_their_own_event_until_revoked(client, db, door_world, clock, make_user):
    w = door_world
    made = client.post(f"/api/v1/events/{w.event.id}/devices", json={"name": "گوشی درِ شمالی"}, headers=w.org_h)
    assert made.status_code == 201
    device = made.get_json()
    assert device["token"].startswith("sc_") and device["last_used_at"] is None
    dev_h = {"Authorization": f"Bearer {device['token']}"}

    result = scan(client, dev_h, w.event, w.zahra.ticket_code, gate="")
    assert result["verdict"] == "ok"
    again = scan(client, dev_h, w.event, w.zahra.ticket_code)
    assert again["verdict"] == "already_checked_in" and "گوشی درِ شمالی" in again["message"]
    db.session.rollback()  # a device's scan writes on a connection of its own: read afresh
    row = db.session.get(ScannerDevice, device["id"])
    first_use = row.last_used_at
    assert first_use is not None
    checkin = db.session.query(CheckIn).one()
    assert checkin.device_id == row.id and checkin.staff_id is None
    assert db.session.query(ScanLog).filter_by(device_id=row.id).count() == 2

    other = _event(db, make_user("organizer").body, "رویداد نهادی دیگر", [DAY1])
    db.session.commit()
    refused = post_scan(client, dev_h, other.id, w.zahra.ticket_code)
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    assert post_scan(client, dev_h, 999_999, w.zahra.ticket_code).status_code == 404

    listed = client.get(f"/api/v1/events/{w.event.id}/devices", headers=w.org_h).get_json()["devices"]
    assert [d["id"] for d in listed] == [row.id] and "token" not in listed[0]
    revoked = client.post(f"/api/v1/devices/{row.id}/revoke", headers=w.org_h)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    after = post_scan(client, dev_h, w.event.id, w.ali.ticket_code)
    assert after.status_code == 401 and after.get_json()["error"] == "unauthorized"
    assert db.session.query(ScanLog).count() == 2  # a refused token scans nothing


def test_a_device_is_touched_at_most_every_few_minutes(client, db, door_world, clock):
    w = door_world
    device, raw = services.create_device(db.session, w.event, "گوشی")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    scan(client, headers, w.event, w.zahra.ticket_code)
    db.session.rollback()  # read afresh
    first = db.session.get(ScannerDevice, device.id).last_used_at
    scan(client, headers, w.event, w.ali.ticket_code)
    db.session.rollback()  # read afresh
    assert db.session.get(ScannerDevice, device.id).last_used_at == first
    stale = first - timedelta(minutes=6)
    db.session.get(ScannerDevice, device.id).last_used_at = stale
    db.session.commit()
    scan(client, headers, w.event, "unknown-code")
    db.session.rollback()  # read afresh
    assert db.session.get(ScannerDevice, device.id).last_used_at > stale


def test_a_door_users_token_is_touched_with_the_scan_at_most_every_few_minutes(client, db, door_world,
                                                                              clock):
    from eventsapp.accounts.models import ApiToken

    w = door_world
    token = db.session.query(ApiToken).filter_by(user_id=w.door.id).one()
    token.last_used_at = None
    db.session.commit()
    scan(client, w.door_h, w.event, w.zahra.ticket_code)
    db.session.rollback()  # the scan wrote on a connection of its own: read afresh
    first = db.session.get(ApiToken, token.id).last_used_at
    assert first == clock.now
    clock.now = clock.now + timedelta(minutes=2)
    scan(client, w.door_h, w.event, w.ali.ticket_code)
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == first  # not a write per scan
    clock.now = clock.now + timedelta(minutes=4)
    scan(client, w.door_h, w.event, "nonsense-code-0000000")
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == clock.now


def test_401_403_404_and_400(client, db, door_world, clock, make_user, make_body):
    w = door_world
    body = {"event_id": w.event.id, "code": w.zahra.ticket_code}
    assert client.post(URL, json=body).status_code == 401
    bad = client.post(URL, json=body, headers={"Authorization": "Bearer ea_nonsense"})
    assert bad.status_code == 401 and bad.get_json() == {"error": "unauthorized",
                                                        "message": "توکن معتبر فرستاده نشده است."}
    assert client.post(URL, json=body, headers={"Authorization": "Bearer sc_nonsense"}).status_code == 401

    unassigned = api_headers(make_user("door"))
    refused = client.post(URL, json=body, headers=unassigned)
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    stranger = api_headers(make_user("organizer"))  # another body's organizer
    assert client.post(URL, json=body, headers=stranger).status_code == 403
    assert client.post(URL, json=body, headers=api_headers(make_user("secretary"))).status_code == 403
    admin = api_headers(make_user("admin"))
    assert client.post(URL, json=body, headers=admin).get_json()["verdict"] == "ok"

    draft = events.create_event(db.session, make_body(name="نهاد دیگر"), events.EventInput(
        kind="meeting", title="پیش‌نویس", venue_name="سالن", province=find_province(db.session, "تهران"),
        days=[events.DayInput(DAY1, time(9), time(13))], capacity=5))[0]
    db.session.commit()
    hidden = client.post(URL, json={**body, "event_id": draft.id}, headers=unassigned)
    assert hidden.status_code == 404 and hidden.get_json()["error"] == "not_found"
    assert client.post(URL, json={**body, "event_id": 999_999}, headers=w.door_h).status_code == 404
    for event_id in (0, -1, 2**40, "۱۲۳۴۵۶۷۸۹۰"):  # no id at all (issue 10: was 404), a 400
        refused = client.post(URL, json={**body, "event_id": event_id}, headers=w.door_h)
        assert refused.status_code == 400 and refused.get_json()["field"] == "event_id"

    for payload in ("not json", "[1, 2]", '{"code": "x"}', '{"event_id": "abc", "code": "x"}',
                    '{"event_id": true, "code": "x"}', '{"event_id": 1.5, "code": "x"}'):
        response = client.post(URL, data=payload, content_type="application/json", headers=w.door_h)
        assert response.status_code == 400, payload
        assert response.get_json()["error"] in ("invalid_json", "invalid") and response.get_json()["message"]
    # the scanner may send the id as text, in Persian digits too
    as_text = client.post(URL, json={"event_id": to_persian_digits(w.event.id), "code": w.ali.ticket_code},
                          headers=w.door_h)
    assert as_text.get_json()["verdict"] == "ok"
    assert db.session.query(ScanLog).count() == 2  # only the admin's and this one were scans


def test_rate_limits_per_token_count_every_scan_and_stricter_unknown_codes(db, door_world, clock,
                                                                           database_url):
    """A separate app with the limiter on (the test app has it off), on the same database."""
    w = door_world
    enabled = limiter.enabled
    limited = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "tests-only-secret",
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
        "CHECKIN_RATE_LIMIT": "12 per minute", "CHECKIN_UNKNOWN_LIMIT": "3 per minute",
    })
    try:
        client = limited.test_client()
        # Known codes do not count against the unknown limit: ten scans, all answered.
        for _ in range(5):
            assert scan(client, w.door_h, w.event, w.zahra.ticket_code)["verdict"] in ("ok", "already_checked_in")
        for _ in range(3):
            assert scan(client, w.door_h, w.event, "guess-" + "x" * 20)["verdict"] == "unknown"
        refused = post_scan(client, w.door_h, w.event.id, "guess-" + "y" * 20)
        assert refused.status_code == 429
        assert refused.get_json()["error"] == "rate_limited" and refused.get_json()["message"]
        db.session.rollback()  # the other app wrote through its own session: read afresh
        assert db.session.query(ScanLog).filter_by(verdict=Verdict.unknown).count() == 3

        # Limits are per token: the organizer's token is untouched, until its own twelve scans.
        for _ in range(12):
            assert post_scan(client, w.org_h, w.event.id, w.ali.ticket_code).status_code == 200
        over = post_scan(client, w.org_h, w.event.id, w.ali.ticket_code)
        assert over.status_code == 429 and over.get_json()["error"] == "rate_limited"
    finally:
        limiter.enabled = enabled  # the limiter is one object shared by every app in the process
        limiter.reset()
        with limited.app_context():
            db.engine.dispose()


def test_rate_limits_are_shared_by_app_servers_through_redis(db, door_world, clock, database_url):
    """Two app servers with one Redis (the machine's own): a token's scans count together."""
    import redis

    storage = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(storage).flushdb()
    w = door_world
    enabled = limiter.enabled
    apps = [create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "tests-only-secret",
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage,
        "CHECKIN_RATE_LIMIT": "4 per minute", "CHECKIN_UNKNOWN_LIMIT": "30 per minute",
    }) for _ in range(2)]
    try:
        first, second = (a.test_client() for a in apps)
        for client in (first, second, first, second):
            assert post_scan(client, w.door_h, w.event.id, w.zahra.ticket_code).status_code == 200
        for client in (first, second):
            over = post_scan(client, w.door_h, w.event.id, w.zahra.ticket_code)
            assert over.status_code == 429 and over.get_json()["error"] == "rate_limited"
        # Another token has its own count.
        assert post_scan(second, w.org_h, w.event.id, w.ali.ticket_code).status_code == 200
    finally:
        limiter.enabled = enabled
        redis.Redis.from_url(storage).flushdb()
        for a in apps:
            with a.app_context():
                db.engine.dispose()


# --- undo, live counts, door staff -----------------------------------------------------------

def test_undo_through_the_api(client, db, door_world, clock, make_user):
    w = door_world
    first = scan(client, w.door_h, w.event, w.zahra.ticket_code)
    url = f"/api/v1/checkins/{first['checkin_id']}/undo"
    assert client.post(url, headers=api_headers(make_user("door"))).status_code == 403
    assert client.post(url, headers=api_headers(make_user("organizer"))).status_code == 403
    device, raw = services.create_device(db.session, w.event, "گوشی")
    db.session.commit()
    assert client.post(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert client.post("/api/v1/checkins/999999/undo", headers=w.door_h).status_code == 404

    undone = client.post(url, headers=w.door_h)
    assert undone.status_code == 200 and undone.get_json()["undone"] is True
    twice = client.post(url, headers=w.door_h)
    assert twice.status_code == 409 and twice.get_json()["error"] == "already_undone"
    assert scan(client, w.door_h, w.event, w.zahra.ticket_code)["verdict"] == "ok"

    second = scan(client, w.door_h, w.event, w.ali.ticket_code)
    clock.now = at(DAY1, 9, 20)  # door staff may undo their own scans for ten minutes
    late = client.post(f"/api/v1/checkins/{second['checkin_id']}/undo", headers=w.door_h)
    assert late.status_code == 409 and late.get_json()["error"] == "undo_not_allowed"
    assert client.post(f"/api/v1/checkins/{second['checkin_id']}/undo", headers=w.org_h).status_code == 200
    log = [e.verdict for e in db.session.query(ScanLog).order_by(ScanLog.id)]
    assert log.count(Verdict.undone) == 2


def test_live_counts(client, db, door_world, clock, make_user):
    w = door_world
    scan(client, w.door_h, w.event, w.zahra.ticket_code, gate="اصلی")
    url = f"/api/v1/events/{w.event.id}/checkins/live"
    data = client.get(url, headers=w.org_h).get_json()
    assert data["event_id"] == w.event.id and data["registered"] == 2
    assert data["days"] == [{"date": "2026-08-14", "checked_in": 1}, {"date": "2026-08-15", "checked_in": 0}]
    assert data["gates"] == [{"gate": "اصلی", "checked_in": 1}]
    assert data["ngos"][0]["name"] == "کانون نشاط" and data["ngos"][0]["checked_in"] == 1
    assert client.get(url, headers=w.door_h).status_code == 403
    assert client.get(url, headers=api_headers(make_user("organizer"))).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/events/999999/checkins/live", headers=w.org_h).status_code == 404


def test_organizers_assign_and_remove_door_staff(client, db, door_world, clock, make_user):
    w = door_world
    new_door = make_user("door", username="gate-south", full_name="رضا دربان")
    new_h = api_headers(new_door)
    url = f"/api/v1/events/{w.event.id}/staff"
    assert post_scan(client, new_h, w.event.id, w.zahra.ticket_code).status_code == 403

    added = client.post(url, json={"username": "GATE-SOUTH "}, headers=w.org_h)
    assert added.status_code == 201
    assert added.get_json()["user"] == {"id": new_door.id, "username": "gate-south", "full_name": "رضا دربان"}
    assert client.post(url, json={"username": "gate-south"}, headers=w.org_h).status_code == 200
    assert post_scan(client, new_h, w.event.id, w.zahra.ticket_code).get_json()["verdict"] == "ok"
    names = [s["user"]["username"] for s in client.get(url, headers=w.org_h).get_json()["staff"]]
    assert names == ["gate-north", "gate-south"]

    # a valid request a rule refuses is a 422 (issue 10: was 400); a field the schema refuses, 400
    not_door = client.post(url, json={"username": w.organizer.username}, headers=w.org_h)
    assert not_door.status_code == 422 and not_door.get_json()["error"] == "not_door_staff"
    nobody = client.post(url, json={"username": "nobody-here"}, headers=w.org_h)
    assert nobody.status_code == 422 and nobody.get_json()["error"] == "unknown_user"
    for bad in ({}, {"username": "  "}, {"username": 5}, {"username": "x", "role": "door"}):
        assert client.post(url, json=bad, headers=w.org_h).status_code == 400, bad
    assert client.post(url, json={"username": "gate-south"}, headers=w.door_h).status_code == 403
    assert client.post(url, json={"username": "gate-south"},
                       headers=api_headers(make_user("organizer"))).status_code == 403

    removed = client.delete(f"{url}/{new_door.id}", headers=w.org_h)
    assert removed.status_code == 204
    assert client.delete(f"{url}/{new_door.id}", headers=w.org_h).status_code == 404
    assert db.session.query(EventStaff).filter_by(user_id=new_door.id).count() == 0
    assert post_scan(client, new_h, w.event.id, w.ali.ticket_code).status_code == 403


def test_the_openapi_document_describes_the_check_in_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    checkin = paths["/api/v1/checkin"]["post"]
    assert {"200", "400", "401", "403", "404", "429"} <= set(checkin["responses"])
    assert "/api/v1/events/{event_id}/checkins/live" in paths
    assert {"get", "post"} <= set(paths["/api/v1/events/{event_id}/staff"])
    assert "delete" in paths["/api/v1/events/{event_id}/staff/{user_id}"]
    assert "post" in paths["/api/v1/checkins/{checkin_id}/undo"]
