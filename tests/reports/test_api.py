"""The reports API: the same figures as the pages and services, its scope, its refusals."""
from datetime import time, timedelta

from tests.conftest import api_headers

Y1404 = {"from": "2025-03-21", "to": "2026-03-20"}  # Jalali 1404


def get(client, headers, path, **query):
    return client.get(path, headers=headers, query_string=query)


def test_the_summary_of_a_year(client, world, make_user):
    headers = api_headers(make_user("admin"))
    answer = get(client, headers, "/api/v1/reports/summary", **Y1404)
    assert answer.status_code == 200
    body = answer.get_json()
    assert {k: v for k, v in body.items() if k != "by_month"} == {
        "events_held": 3, "registrations": 7, "attendees": 6, "checkins": 6, "ngos_reached": 4,
        "people_reached": 6, "no_show_rate": round(1 / 7, 4)}
    months = {m["month"]: m for m in body["by_month"]}
    assert months["1404-06"] == {"month": "1404-06", "events": 2, "attendees": 4}
    assert months["1404-02"] == {"month": "1404-02", "events": 1, "attendees": 2}
    assert months["1404-03"]["events"] == 0


def test_filters_by_province_and_county_by_name_or_id_and_kind(client, world, make_user):
    headers = api_headers(make_user("admin"))
    by_name = get(client, headers, "/api/v1/reports/summary", province="سمنان").get_json()
    assert (by_name["events_held"], by_name["registrations"], by_name["attendees"]) == (2, 5, 4)
    by_id = get(client, headers, "/api/v1/reports/summary", province=world.bodies["B2"].province_id).get_json()
    assert by_id == by_name
    county = get(client, headers, "/api/v1/reports/summary", province="سمنان", county="شاهرود").get_json()
    assert (county["events_held"], county["ngos_reached"], county["people_reached"]) == (1, 2, 2)
    workshops = get(client, headers, "/api/v1/reports/summary", kind="workshop").get_json()
    assert (workshops["events_held"], workshops["attendees"], workshops["checkins"]) == (2, 4, 5)
    body = get(client, headers, "/api/v1/reports/summary", body=world.bodies["B1"].id).get_json()
    assert body["events_held"] == 2


def test_an_organizer_gets_only_their_bodys_numbers(client, world, make_user):
    headers = api_headers(make_user("organizer", body=world.bodies["B1"]))
    mine = get(client, headers, "/api/v1/reports/summary").get_json()
    assert (mine["events_held"], mine["registrations"], mine["attendees"], mine["people_reached"]) == (2, 5, 4, 3)
    other = get(client, headers, "/api/v1/reports/summary", body=world.bodies["B4"].id).get_json()
    assert other["events_held"] == 0 and other["registrations"] == 0
    office = api_headers(make_user("organizer", body=world.bodies["B2"]))
    province = get(client, office, "/api/v1/reports/summary", **Y1404).get_json()
    assert (province["events_held"], province["ngos_reached"]) == (2, 3)


def test_ngo_activity(client, world, make_user):
    headers = api_headers(make_user("admin"))
    # Today is after 1404: 36 months back reach every event of the history (E1 … E5).
    answer = get(client, headers, "/api/v1/reports/ngo-activity", months=36)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["derived"] == {"active": 2, "semi_active": 3, "inactive": 2}  # N1 (3 events), N4 (2)
    assert body["declared"] == {"active": 5, "semi_active": 1, "inactive": 1}
    assert body["months"] == 36 and body["active_min"] == 2 and body["semi_min"] == 1
    semnan = get(client, headers, "/api/v1/reports/ngo-activity", province="سمنان", months=36).get_json()
    assert semnan["derived"] == {"active": 1, "semi_active": 1, "inactive": 1}
    assert semnan["declared"] == {"active": 2, "semi_active": 0, "inactive": 1}


def test_refusals_are_persian_and_documented(client, world, make_user):
    headers = api_headers(make_user("admin"))
    for query, status, error in [({"province": "ناکجا"}, 422, "unknown_province"),
                                 ({"province": "سمنان", "county": "شمیرانات"}, 422, "unknown_county"),
                                 ({"from": "2026-01-02", "to": "2026-01-01"}, 422, "bad_period"),
                                 ({"from": "1404-01-01x"}, 400, "invalid_date"),
                                 ({"kind": "party"}, 400, "invalid"),
                                 ({"body": "0"}, 400, "invalid"),
                                 ({"province": "ا" * 81}, 400, "invalid"),
                                 ({"province": "9" * 30}, 422, "unknown_province"),
                                 ({"county": "0"}, 422, "unknown_county"),
                                 ({"province": "۱" * 12}, 422, "unknown_province")]:
        answer = get(client, headers, "/api/v1/reports/summary", **query)
        assert answer.status_code == status, (query, answer.get_json())
        assert answer.get_json()["error"] == error and any("\u0600" <= c <= "\u06ff" for c in answer.get_json()["message"])
    assert get(client, headers, "/api/v1/reports/ngo-activity", months=0).status_code == 400
    assert get(client, headers, "/api/v1/reports/ngo-activity", province="9" * 40).status_code == 422
    assert get(client, headers, "/api/v1/reports/ngo-activity", months="۶").status_code == 200
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/reports/summary", "/api/v1/reports/ngo-activity"):
        assert {"200", "400", "401", "403", "422"} <= set(spec["paths"][path]["get"]["responses"]), path


def test_who_may_ask(client, world, make_user):
    assert client.get("/api/v1/reports/summary").status_code == 401
    for role in ("secretary", "door"):
        answer = get(client, api_headers(make_user(role)), "/api/v1/reports/summary")
        assert answer.status_code == 403 and answer.get_json()["error"] == "forbidden"
    lone = make_user("organizer")
    lone.body = None
    from eventsapp.extensions import db
    db.session.commit()
    answer = get(client, api_headers(lone), "/api/v1/reports/summary")
    assert answer.status_code == 403 and answer.get_json()["error"] == "not_allowed"


def test_new_check_ins_show_at_once(client, world, make_user, db):
    """The summary follows the door without waiting: a scan, then the figures."""
    from eventsapp.checkin import services as checkin
    from eventsapp.events import services as events
    from eventsapp.registrations import services as registrations
    from .world import at, person
    from eventsapp.jalali import today, utcnow
    now = utcnow()
    headers = api_headers(make_user("admin"))
    before = get(client, headers, "/api/v1/reports/summary").get_json()
    p = world.events["E1"].venue.province
    data = events.EventInput(kind="meeting", title="نشست امروز", venue_name="سالن امروز", province=p,
                             days=[events.DayInput(today(now), time(0, 0), time(23, 59))], capacity=5)
    event, _ = events.create_event(db.session, world.bodies["B1"], data)
    events.publish(event)
    regs = registrations.register(db.session, event, world.ngos["N7"], [person(50)],
                                  now=at(today(now), 0) - timedelta(days=1))
    db.session.commit()
    assert checkin.check_in(db.session, event, regs[0].ticket_code, now=now).verdict.value == "ok"
    db.session.commit()
    after = get(client, headers, "/api/v1/reports/summary").get_json()
    assert after["events_held"] == before["events_held"] + 1
    assert after["ngos_reached"] == before["ngos_reached"] + 1 and after["people_reached"] == before["people_reached"] + 1
