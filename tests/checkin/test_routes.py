"""Door pages through the test client: door home, setup (staff, devices, window), live counts,
the scanner's JSON endpoints."""
from datetime import time, timedelta

import pytest

from eventsapp.checkin.models import CheckIn, EventStaff, ScannerDevice
from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations import services as registrations
from tests.conftest import login


@pytest.fixture
def today_event(db, make_user, make_ngo):
    organizer = make_user("organizer")
    data = events.EventInput(kind="meeting", title="نشست امروز", venue_name="سالن",
                             province=find_province(db.session, "تهران"),
                             days=[events.DayInput(today(), time(0, 0), time(23, 59))], capacity=5)
    event, _ = events.create_event(db.session, organizer.body, data)
    events.publish(event)
    reg, = registrations.register(db.session, event, make_ngo(), [{
        "full_name": "زهرا احمدی", "national_id": registrations.complete_national_id("001234567"),
        "mobile": "09121234567"}], now=events.starts_at(event) - timedelta(days=1))
    db.session.commit()
    return organizer, event, reg


def test_organizer_assigns_door_staff_who_then_sees_the_event(client, db, today_event, make_user):
    organizer, event, _ = today_event
    door = make_user("door", username="gate-north")
    login(client, organizer)
    response = client.post(f"/events/{event.id}/door", data={"action": "add_staff", "staff-name": "gate-north"},
                           follow_redirects=True)
    assert "به کارکنان پذیرش این رویداد افزوده شد." in response.get_data(as_text=True)
    response = client.post(f"/events/{event.id}/door", data={"action": "add_staff", "staff-name": organizer.username},
                           follow_redirects=True)
    assert "فقط حساب‌های «کارکنان پذیرش»" in response.get_data(as_text=True)
    assert db.session.query(EventStaff).count() == 1
    client.post("/logout")
    login(client, door)
    assert "نشست امروز" in client.get("/door/").get_data(as_text=True)
    assert client.get(f"/events/{event.id}/scan").status_code == 200
    assert client.get(f"/events/{event.id}/door").status_code == 403  # door staff do nothing else
    assert client.get(f"/events/{event.id}/registrations").status_code == 403
    assert client.get("/events/new").status_code == 403


def test_unassigned_door_staff_cannot_scan(client, db, today_event, make_user):
    """A published event is public: the page answers 403 as the API does (issue 10, one access
    helper for both; the page said 404 to door users)."""
    _, event, reg = today_event
    login(client, make_user("door"))
    assert client.get(f"/events/{event.id}/scan").status_code == 403
    assert client.post(f"/events/{event.id}/scan/check", json={"code": reg.ticket_code}).status_code == 403
    assert db.session.query(CheckIn).count() == 0


def test_scan_endpoint_checks_in_and_reports_already(client, db, today_event, make_user):
    _, event, reg = today_event
    door = make_user("door")
    from eventsapp.checkin.services import assign_staff

    assign_staff(db.session, event, door.username)
    db.session.commit()
    login(client, door)
    first = client.post(f"/events/{event.id}/scan/check", json={"code": f"http://x/t/{reg.ticket_code}", "gate": "شمالی"}).get_json()
    assert first["verdict"] == "ok" and first["colour"] == "green"
    assert first["attendee"]["full_name"] == "زهرا احمدی"
    second = client.post(f"/events/{event.id}/scan/check", json={"code": reg.ticket_code, "gate": "جنوبی"}).get_json()
    assert second["verdict"] == "already_checked_in" and "شمالی" in second["message"]
    found = client.get(f"/events/{event.id}/scan/search?q=زهرا").get_json()["results"]
    assert found[0]["code"] == reg.ticket_code and found[0]["national_id_tail"] == reg.national_id[-4:]
    undo = client.post(f"/checkins/{first['checkin_id']}/undo", headers={"Accept": "application/json"})
    assert undo.get_json()["undone"] is True
    again = client.post(f"/events/{event.id}/scan/check", json={"code": reg.ticket_code}).get_json()
    assert again["verdict"] == "ok"
    # JSON that is not an object is no code at all, not a server error
    for body in ([reg.ticket_code], "text", 5):
        odd = client.post(f"/events/{event.id}/scan/check", json=body)
        assert odd.status_code == 200 and odd.get_json()["verdict"] == "unknown"


def test_devices_and_window_settings(client, db, today_event):
    organizer, event, _ = today_event
    login(client, organizer)
    html = client.post(f"/events/{event.id}/door", data={"action": "add_device", "device-name": "گوشی در"}).get_data(as_text=True)
    token = html.split("data-copy>")[1].split("<")[0]
    assert token.startswith("sc_")
    device = db.session.query(ScannerDevice).one()
    client.post(f"/events/{event.id}/door", data={"action": "revoke_device", "device_id": str(device.id)})
    db.session.refresh(device)
    assert device.revoked_at is not None
    client.post(f"/events/{event.id}/door", data={"action": "window", "before": "120", "after": "15"})
    response = client.post(f"/events/{event.id}/door", data={"action": "window", "before": "-1", "after": "x"},
                           follow_redirects=True)
    assert "دقیقه‌ها باید عددی بین ۰ و ۷۲۰ باشند." in response.get_data(as_text=True)
    db.session.refresh(event)
    assert (event.checkin_before, event.checkin_after) == (120, 15)
    # Minutes typed on a Persian or Arabic keyboard count too.
    client.post(f"/events/{event.id}/door", data={"action": "window", "before": "۹۰", "after": "٣٠"})
    db.session.refresh(event)
    assert (event.checkin_before, event.checkin_after) == (90, 30)


def test_live_counts_page_and_json(client, db, today_event):
    organizer, event, reg = today_event
    login(client, organizer)
    client.post(f"/events/{event.id}/scan/check", json={"code": reg.ticket_code, "gate": "اصلی"})
    assert "آمار زنده" in client.get(f"/events/{event.id}/live").get_data(as_text=True)
    data = client.get(f"/events/{event.id}/live.json").get_json()
    assert data["registered"] == 1 and data["days"][0]["checked_in"] == 1
    assert data["gates"] == [{"gate": "اصلی", "checked_in": 1}]


def test_the_door_pages_of_another_bodys_draft_are_not_found(client, db, make_user, make_body):
    """One load-and-authorise helper for pages and API: a draft of another body does not exist
    for the caller (404; the door setup said 403), a published one is theirs to see, not change."""
    organizer = make_user("organizer")
    data = events.EventInput(kind="meeting", title="پیش‌نویس", venue_name="سالن",
                             province=find_province(db.session, "تهران"),
                             days=[events.DayInput(today(), time(9), time(12))], capacity=5)
    draft, _ = events.create_event(db.session, make_body(name="نهاد دیگر"), data)
    db.session.commit()
    login(client, organizer)
    for url in (f"/events/{draft.id}/door", f"/events/{draft.id}/live", f"/events/{draft.id}/live.json",
                f"/events/{draft.id}/scan"):
        assert client.get(url).status_code == 404, url
    events.publish(draft)
    db.session.commit()
    for url in (f"/events/{draft.id}/door", f"/events/{draft.id}/live", f"/events/{draft.id}/scan"):
        assert client.get(url).status_code == 403, url


def test_the_scanner_page_has_the_apis_rate_limits_per_user(db, today_event, make_user, database_url):
    """A separate app with the limiter on (the test app has it off), on the same database."""
    from eventsapp import create_app
    from eventsapp.checkin.services import assign_staff
    from eventsapp.extensions import limiter

    _, event, reg = today_event
    door = make_user("door")
    assign_staff(db.session, event, door.username)
    db.session.commit()
    enabled = limiter.enabled
    limited = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                          "SECRET_KEY": "tests-only-secret", "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                          "CHECKIN_RATE_LIMIT": "5 per minute", "CHECKIN_UNKNOWN_LIMIT": "2 per minute"})
    try:
        client = limited.test_client()
        login(client, door)
        url = f"/events/{event.id}/scan/check"
        assert client.post(url, json={"code": reg.ticket_code}).get_json()["verdict"] == "ok"
        for _ in range(2):
            assert client.post(url, json={"code": "guess-" + "x" * 20}).get_json()["verdict"] == "unknown"
        refused = client.post(url, json={"code": reg.ticket_code})
        assert refused.status_code == 429 and refused.get_json()["error"] == "rate_limited"
    finally:
        limiter.enabled = enabled
        limiter.reset()
        with limited.app_context():
            db.engine.dispose()


def test_the_scanner_page_refuses_what_the_schema_refuses(client, db, today_event, make_user):
    organizer, event, reg = today_event
    login(client, organizer)
    url = f"/events/{event.id}/scan/check"
    for raw in ('{"code": "\\ud800"}', '{"code": "x", "gate": "\\ud800"}', "[" * 1000 + "]" * 1000):
        response = client.post(url, data=raw, content_type="application/json")
        assert response.status_code == 400 and response.get_json()["message"], raw[:20]
    for body in ({"code": 5}, {"code": "x", "gate": "g" * 61}, {"code": "x", "nonce": ""}):
        response = client.post(url, json=body)
        assert response.status_code == 400 and response.get_json()["field"] in body, body
    assert db.session.query(CheckIn).count() == 0
