"""Awards in the JSON API: give (one, several NGOs, certificates), list and revoke with a bearer
token; 401 without one, 403 for those who do not manage the event, 404 for what is not there."""
import re

import pytest

from eventsapp.awards.models import Award
from tests.conftest import api_headers

CODE = re.compile(r"[A-HJ-NP-Z2-9]{20}")


@pytest.fixture
def headers(meeting):
    return api_headers(meeting.organizer)


def url(meeting, suffix=""):
    return f"/api/v1/events/{meeting.event.id}/awards{suffix}"


def test_give_list_and_revoke(client, meeting, headers, db):
    chair = meeting.event.officials[0]
    response = client.post(url(meeting), headers=headers, json={
        "kind": "plaque", "ngo_id": meeting.ngos[0].id, "recipient_name": "", "title": "لوح تقدیر",
        "citation": "به پاس همکاری ارزشمند", "presented_by": chair.id, "awarded_on": "2025-08-27"})
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= {"id", "verification_code", "verify_url"}
    assert CODE.fullmatch(body["verification_code"])
    assert body["verify_url"] == f"http://localhost/awards/verify/{body['verification_code']}"
    assert body["presented_by"] == {"official_id": chair.id, "name": "محمود توکلی", "title": "فرماندار شمیرانات"}
    assert (body["awarded_on"], body["awarded_on_jalali"]) == ("2025-08-27", "چهارشنبه ۵ شهریور ۱۴۰۴")
    assert body["warnings"] == [] and body["revoked"] is False
    assert body["created_at"].endswith("+03:30") and len(body["created_at"]) == 25  # to the second

    person = client.post(url(meeting), headers=headers, json={
        "kind": "letter", "ngo_id": meeting.ngos[1].id, "recipient_name": "مریم حسینی",
        "presented_by": {"name": "کامران رحیمی", "title": "رئیس ادارهٔ ورزش و جوانان"},
        "awarded_on": "2025-08-27"})
    assert person.status_code == 201 and person.json["presented_by"]["name"] == "کامران رحیمی"

    listing = client.get(url(meeting), headers=headers).json
    assert listing["total"] == 2 and {a["id"] for a in listing["awards"]} == {body["id"], person.json["id"]}

    revoke = f"/api/v1/awards/{body['id']}/revoke"
    # The schema requires a reason (400 naming the field); one that is empty once normalised
    # (only invisible marks) is the service's refusal (422).
    missing = client.post(revoke, headers=headers, json={})
    assert missing.status_code == 400 and (missing.json["error"], missing.json["field"]) == ("invalid", "reason")
    blank = client.post(revoke, headers=headers, json={"reason": "\u200c\u0640"})
    assert blank.status_code == 422 and blank.json["error"] == "reason_required"
    done = client.post(revoke, headers=headers, json={"reason": "نام سمن اشتباه بود"})
    assert done.status_code == 200
    assert done.json["revoked"] is True and done.json["revoke_reason"] == "نام سمن اشتباه بود"
    assert done.json["revoked_by"] == meeting.organizer.username
    again = client.post(revoke, headers=headers, json={"reason": "دوباره"})
    assert again.status_code == 409 and again.json["error"] == "already_revoked"
    assert client.get(url(meeting) + "?include_revoked=false", headers=headers).json["total"] == 1
    assert db.session.query(Award).count() == 2  # the revoked one is kept


# What the schema refuses is 400 with the field named; a rule the services hold for a request
# valid by the schema is 422 (409 for a conflict with the state). Dates are ISO Gregorian only,
# as everywhere in the API: a Jalali date (accepted before issue 10) is now a 400.
@pytest.mark.parametrize("payload, status, error", [
    ({"kind": "trophy", "ngo_id": 1}, 400, "invalid"),
    ({"ngo_id": 1}, 400, "invalid"),
    ({"kind": "plaque"}, 422, "no_recipient"),
    ({"kind": "plaque", "recipient_name": " \u200c "}, 422, "no_recipient"),
    ({"kind": "plaque", "ngo_id": 999999}, 422, "unknown_ngo"),
    ({"kind": "plaque", "ngo_id": 2**31}, 400, "invalid"),
    ({"kind": "plaque", "ngo_id": "far"}, 422, "ngo_not_at_event"),
    ({"kind": "plaque", "ngo_id": "first", "awarded_on": "1404/06/05"}, 400, "invalid_date"),
    ({"kind": "plaque", "ngo_id": "first", "awarded_on": "2025-02-30"}, 400, "invalid_date"),
    ({"kind": "plaque", "ngo_id": "first", "awarded_on": "2025-08-01"}, 422, "date_before_event"),
    ({"kind": "plaque", "ngo_id": "first", "presented_by": 999999}, 422, "official_not_of_event"),
    ({"kind": "plaque", "ngo_id": "first", "presented_by": {"official_id": 999999}}, 422, "official_not_of_event"),
    ({"kind": "plaque", "ngo_id": "first", "presented_by": True}, 400, "invalid"),
    ({"kind": "plaque", "ngo_id": "first", "presented_by": {"rank": "x"}}, 400, "invalid"),
    ({"kind": "plaque", "ngo_id": "first", "title": 5}, 400, "invalid"),
    ({"kind": "plaque", "ngo_id": "first", "title": "x" * 251}, 400, "invalid"),
    ({"kind": "plaque", "ngo_id": "first", "surprise": 1}, 400, "invalid"),
])
def test_refusals_are_enums_with_persian_messages(client, meeting, headers, db, payload, status, error):
    refs = {"first": meeting.ngos[0].id, "far": meeting.far.id}
    payload = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    response = client.post(url(meeting), headers=headers, json=payload)
    assert response.status_code == status, response.json
    assert response.json["error"] == error
    assert re.search(r"[\u0600-\u06FF]", response.json["message"])
    if status == 400:
        assert response.json["field"] in response.json["fields"]
    assert db.session.query(Award).count() == 0


def test_nul_is_refused_and_other_control_characters_are_spaces(client, meeting, headers, db):
    """PostgreSQL's text holds no NUL: the schema refuses it (400, naming the field); another
    control character sent in a text reads as a space, on both databases."""
    refused = client.post(url(meeting), headers=headers, json={
        "kind": "letter", "ngo_id": meeting.ngos[0].id, "title": "لوح\u0000سپاس"})
    assert refused.status_code == 400 and refused.json["field"] == "title"
    response = client.post(url(meeting), headers=headers, json={
        "kind": "letter", "ngo_id": meeting.ngos[0].id, "title": "لوح\u0007سپاس", "recipient_name": "مریم\u0007حسینی",
        "recipient_title": "دبیر\u001f", "citation": "سطر یک\u0008\nسطر دو", "presented_by": "کامران\u0001رحیمی"})
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["title"], body["recipient_name"], body["recipient_title"]) == ("لوح سپاس", "مریم حسینی", "دبیر")
    assert body["citation"] == "سطر یک\nسطر دو" and body["presented_by"]["name"] == "کامران رحیمی"
    revoked = client.post(f"/api/v1/awards/{body['id']}/revoke", headers=headers, json={"reason": "اشتباه\u0007بود"})
    assert revoked.status_code == 200 and revoked.json["revoke_reason"] == "اشتباه بود"
    assert "\x07" not in db.session.get(Award, body["id"]).title


def test_an_ngo_that_was_not_there_only_when_asked(client, meeting, headers):
    response = client.post(url(meeting), headers=headers, json={
        "kind": "plaque", "ngo_id": meeting.other.id, "allow_other_ngos": True})
    assert response.status_code == 201
    assert meeting.other.name in response.json["warnings"][0]


def test_bulk_is_all_or_nothing(client, meeting, headers, db):
    ids = [n.id for n in meeting.ngos]
    refused = client.post(url(meeting, "/bulk"), headers=headers, json={"ngo_ids": ids + [meeting.far.id]})
    assert refused.status_code == 422 and refused.json["error"] == "ngo_not_at_event"
    assert db.session.query(Award).count() == 0
    response = client.post(url(meeting, "/bulk"), headers=headers,
                           json={"ngo_ids": ids, "citation": "به پاس همکاری"})
    assert response.status_code == 201
    assert [a["ngo_id"] for a in response.json["awards"]] == ids
    assert {a["kind"] for a in response.json["awards"]} == {"plaque"}
    twice = client.post(url(meeting, "/bulk"), headers=headers, json={"ngo_ids": ids})
    assert twice.status_code == 409 and twice.json["error"] == "duplicate"
    for bad in ("1", [], list(range(1, 502)), [0]):
        assert client.post(url(meeting, "/bulk"), headers=headers, json={"ngo_ids": bad}).status_code == 400
    unknown = client.post(url(meeting, "/bulk"), headers=headers, json={"ngo_ids": [ids[0], 999999]})
    assert unknown.status_code == 422 and unknown.json["error"] == "unknown_ngo"


def test_certificates_of_attendance(client, workshop, db):
    headers = api_headers(workshop.organizer)
    path = f"/api/v1/events/{workshop.event.id}/certificates"
    response = client.post(path, headers=headers, json={"min_days": 1})
    assert response.status_code == 201
    assert (response.json["created"], response.json["too_few_days"]) == (3, 0)
    assert {a["registration_id"] for a in response.json["awards"]} == {workshop.both.id, workshop.first.id, workshop.second.id}
    again = client.post(path, headers=headers)
    assert again.status_code == 200 and (again.json["created"], again.json["already"], again.json["too_few_days"]) == (0, 1, 2)
    bad = client.post(path, headers=headers, json={"min_days": 3})  # the event has two days
    assert bad.status_code == 422 and bad.json["error"] == "min_days_invalid"
    assert client.post(path, headers=headers, json={"min_days": 0}).status_code == 400


def test_tokens_and_permissions(client, meeting, headers, make_user, db):
    award_id = client.post(url(meeting), headers=headers, json={"kind": "plaque", "ngo_id": meeting.ngos[0].id}).json["id"]
    revoke = f"/api/v1/awards/{award_id}/revoke"
    for method, path in (("get", url(meeting)), ("post", url(meeting)), ("post", revoke)):
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401 and response.json["error"] == "unauthorized"
        bad = getattr(client, method)(path, json={}, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401
    for user in (make_user("secretary"), make_user("organizer"), make_user("door")):
        other = api_headers(user)
        assert client.get(url(meeting), headers=other).status_code == 403
        assert client.post(url(meeting), headers=other, json={"kind": "plaque", "ngo_id": meeting.ngos[0].id}).status_code == 403
        response = client.post(revoke, headers=other, json={"reason": "x"})
        assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert client.get("/api/v1/events/999999/awards", headers=headers).status_code == 404
    assert client.post("/api/v1/awards/999999/revoke", headers=headers, json={"reason": "x"}).status_code == 404
    assert client.post("/api/v1/events/99999999999/awards", headers=headers, json={}).status_code == 404
    assert db.session.get(Award, award_id).revoked_at is None


def test_openapi_lists_the_award_paths(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert set(paths["/api/v1/events/{event_id}/awards"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/events/{event_id}/awards/bulk"]
    assert "post" in paths["/api/v1/events/{event_id}/certificates"]
    assert "post" in paths["/api/v1/awards/{award_id}/revoke"]
    create = paths["/api/v1/events/{event_id}/awards"]["post"]
    assert {"201", "400", "401", "403", "404"} <= set(create["responses"])
    schemas = spec["components"]["schemas"]
    assert {"verification_code", "verify_url", "id"} <= set(schemas["Award"]["properties"])
    assert {"kind", "ngo_id", "recipient_name", "title", "citation", "presented_by"} <= set(schemas["AwardCreate"]["properties"])


def test_an_id_out_of_range_is_404_whatever_the_method(client, headers):
    """Rows start at 1: /events/0/awards is no address, for GET and POST alike (not a 405)."""
    for method in ("get", "post"):
        for event_id in ("0", "2147483648"):
            response = getattr(client, method)(f"/api/v1/events/{event_id}/awards", headers=headers, json={})
            assert response.status_code == 404 and response.json["error"] == "not_found", (method, event_id)


def test_the_document_gives_the_limits_the_schemas_enforce(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    create, bulk = schemas["AwardCreate"]["properties"], schemas["AwardBulk"]["properties"]
    assert (create["title"]["maxLength"], create["citation"]["maxLength"]) == (250, 2000)
    assert (bulk["ngo_ids"]["minItems"], bulk["ngo_ids"]["maxItems"]) == (1, 500)
    assert create["ngo_id"]["maximum"] == 2**31 - 1 and create["kind"]["enum"][0] == "plaque"
    pattern = re.compile(create["awarded_on"]["pattern"])
    assert [y for y in range(1000, 3000) if pattern.match(f"{y}-01-01")] == list(range(1922, 2121))
    assert schemas["AwardRevoke"]["required"] == ["reason"]
