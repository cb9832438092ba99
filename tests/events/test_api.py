"""The events API: create, change, publish, cancel, postpone, list and read, through the test
client with real tokens. Times go in and out as ISO 8601 with Tehran's offset of the day; each
refusal comes back with its enum, a Persian message, and nothing saved: 400 for what the
schema refuses (before any service runs), 409 for what the event's state does not allow, 422 for
any other rule of a schema-valid request (issue 10)."""
import re

import pytest
from sqlalchemy import func, select

from eventsapp.events.models import (Event, EventDay, EventStatus, Invitation, Occasion, Official,
                                     Venue)
from eventsapp.places.services import find_county, find_province
from tests.conftest import api_headers

URL = "/api/v1/events"
PERSIAN = re.compile("[\u0600-\u06ff]")


def workshop(**kw):
    """A two-day workshop on 1398/05/23–24 (2019-08-14/15), 09:30–17:00, in Shemiranat."""
    data = {
        "kind": "workshop",
        "title": "کارگاه نگارش طرح برای سمن‌ها",
        "topic": "نگارش طرح",
        "description": "دو روز کار عملی.",
        "venue": {"name": "سالن همایش فرمانداری", "address": "خیابان دربند",
                  "province": "تهران", "county": "شمیرانات"},
        "days": [{"date": "2019-08-14", "start": "09:30", "end": "17:00"},
                 {"date": "2019-08-15", "start": "09:30", "end": "17:00"}],
        "capacity": 60,
        "per_ngo_quota": 3,
    }
    data.update(kw)
    return data


def counts(db):
    db.session.expire_all()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Event, EventDay, Venue, Official, Invitation)}


def fresh(db, event_id) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event_id)


def assert_refused(response, error, status=400):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"] == error, body
    assert PERSIAN.search(body["message"]), body
    return body


@pytest.fixture
def organizer(make_user):
    return make_user("organizer")


@pytest.fixture
def headers(organizer):
    return api_headers(organizer)


@pytest.fixture
def create(client, headers):
    """POSTs an event (a workshop unless told otherwise) as the organizer; returns its JSON."""
    def do(expect=201, headers=headers, **kw):
        response = client.post(URL, json=workshop(**kw), headers=headers)
        assert response.status_code == expect, response.get_json()
        return response.get_json()
    return do


# --- creating ------------------------------------------------------------------------------

def test_create_a_two_day_workshop_in_1398(client, db, organizer, create):
    event = create()
    assert event["id"] and event["status"] == "draft" and event["kind"] == "workshop"
    assert event["title"] == "کارگاه نگارش طرح برای سمن‌ها"
    assert event["body"] == {"id": organizer.body.id, "name": organizer.body.name}
    tehran = find_province(db.session, "تهران")
    shemiranat = find_county(db.session, "شمیرانات", tehran)
    assert event["venue"] == {"name": "سالن همایش فرمانداری", "address": "خیابان دربند",
                              "province": {"id": tehran.id, "name": "تهران"},
                              "county": {"id": shemiranat.id, "name": "شمیرانات"}}
    first, second = event["days"]
    assert first["date"] == "2019-08-14" and first["start"] == "09:30" and first["end"] == "17:00"
    assert first["starts_at"] == "2019-08-14T09:30:00+04:30"  # Iran kept summer time until 2022
    assert first["ends_at"] == "2019-08-14T17:00:00+04:30"
    assert first["jalali"] == "چهارشنبه ۲۳ مرداد ۱۳۹۸"
    assert second["jalali"] == "پنج\u200cشنبه ۲۴ مرداد ۱۳۹۸"
    assert event["jalali"]["starts_on"] == "چهارشنبه ۲۳ مرداد ۱۳۹۸"
    assert event["jalali"]["ends_on"] == "پنج\u200cشنبه ۲۴ مرداد ۱۳۹۸"
    assert event["capacity"] == 60 and event["per_ngo_quota"] == 3
    assert event["audience"] == "all" and event["requires_approval"] is False
    assert event["sequence"] == 0 and event["changed_at"] is None and event["change_note"] == ""
    assert event["occasion"] is None and event["officials"] == []
    assert event["registration_opens_at"] is None and event["registration_closes_at"] is None
    assert event["url"] == f"http://localhost/events/{event['id']}"
    assert event["warnings"] == []
    assert counts(db)["Event"] == 1 and counts(db)["EventDay"] == 2
    saved = fresh(db, event["id"])
    assert saved.body_id == organizer.body_id and saved.created_by_id == organizer.id


def test_2026_is_plus_0330_and_naive_instants_are_tehran_time(create):
    event = create(
        days=[{"date": "2026-08-27", "start": "09:30", "end": "12:00"}],
        registration_opens_at="2026-08-01T08:00:00Z",
        registration_closes_at="2026-08-20T18:00",  # naive: Tehran wall-clock time
    )
    day = event["days"][0]
    assert day["starts_at"] == "2026-08-27T09:30:00+03:30"
    assert day["jalali"] == "پنج\u200cشنبه ۵ شهریور ۱۴۰۵"
    assert event["registration_opens_at"] == "2026-08-01T11:30:00+03:30"
    assert event["registration_closes_at"] == "2026-08-20T18:00:00+03:30"
    assert event["jalali"]["registration_closes_at"] == "پنج\u200cشنبه ۲۹ مرداد ۱۴۰۵، ساعت ۱۸:۰۰"


def test_create_with_everything_and_publish_at_once(client, db, make_ngo, create):
    invited = [make_ngo(registration_no="12345"), make_ngo(registration_no="67890")]
    occasion = db.session.scalar(select(Occasion).where(Occasion.name == "روز تشکل‌ها و مشارکت‌های اجتماعی"))
    event = create(
        kind="ceremony", audience="invited", invited_ngos=["12345", "۶۷۸۹۰"], requires_approval=True,
        occasion_id=occasion.id, status="published",
        officials=[{"name": "دکتر رضایی", "title": "فرماندار", "role": "chair"},
                   {"name": "خانم احمدی", "title": "کارشناس"}],
    )
    assert event["status"] == "published" and event["sequence"] == 1
    assert event["kind"] == "ceremony" and event["audience"] == "invited"
    assert event["requires_approval"] is True
    assert event["occasion"] == {"id": occasion.id, "name": occasion.name}
    assert event["officials"] == [
        {"name": "دکتر رضایی", "title": "فرماندار", "role": "chair"},
        {"name": "خانم احمدی", "title": "کارشناس", "role": "speaker"}]
    assert sorted(event["invited_ngos"]) == ["12345", "67890"]
    assert {i.ngo_id for i in fresh(db, event["id"]).invitations} == {n.id for n in invited}


def test_audience_by_province_and_county_names(create, db):
    event = create(audience="county", audience_county="ساری", audience_province="مازندران")
    assert event["audience_county"]["name"] == "ساری"
    assert event["audience_province"]["name"] == "مازندران"
    by_code = create(audience="province", audience_province="mazandaran",
                     days=[{"date": "2019-09-01", "start": "10:00", "end": "12:00"}])
    assert by_code["audience_province"]["name"] == "مازندران" and by_code["audience_county"] is None


def test_venue_clashes_come_back_as_persian_warnings(create, db):
    create()
    second = create(title="نشست هم‌زمان", kind="meeting",
                    days=[{"date": "2019-08-15", "start": "16:00", "end": "18:00"}])
    assert len(second["warnings"]) == 1
    assert "کارگاه نگارش طرح برای سمن‌ها" in second["warnings"][0]
    assert "سالن همایش فرمانداری" in second["warnings"][0]
    assert counts(db)["Event"] == 2  # a warning, not a refusal


def test_admin_creates_for_a_body_it_names(client, db, make_user, make_body):
    admin = make_user("admin")
    body = make_body(name="استانداری مازندران", province="مازندران", county=None)
    headers = api_headers(admin)
    response = client.post(URL, json=workshop(), headers=headers)
    body_json = assert_refused(response, "body_required", 422)
    assert body_json["field"] == "body_id"
    response = client.post(URL, json=workshop(body_id=999999), headers=headers)
    assert assert_refused(response, "unknown_body", 422)["field"] == "body_id"
    assert counts(db)["Event"] == 0
    response = client.post(URL, json=workshop(body_id=body.id), headers=headers)
    assert response.status_code == 201
    assert response.get_json()["body"] == {"id": body.id, "name": "استانداری مازندران"}


# --- refusals on create: enum, Persian message, nothing saved ----------------------------

SCHEDULING_REFUSALS = [
    ("end_before_start", {"days": [{"date": "2019-08-14", "start": "17:00", "end": "09:30"}]}),
    ("quota_above_capacity", {"capacity": 10, "per_ngo_quota": 11}),
    ("closes_after_start", {"registration_closes_at": "2019-08-14T10:00:00+04:30"}),
    ("duplicate_day", {"days": [{"date": "2019-08-14", "start": "09:00", "end": "10:00"},
                                {"date": "2019-08-14", "start": "11:00", "end": "12:00"}]}),
    ("overlapping_days", {"days": [{"date": "2019-08-14", "start": "09:00", "end": "11:00"},
                                   {"date": "2019-08-14", "start": "10:00", "end": "12:00"}]}),
    ("opens_after_closes", {"registration_opens_at": "2019-08-10T10:00",
                            "registration_closes_at": "2019-08-01T10:00"}),
    ("county_mismatch", {"venue": {"name": "سالن", "province": "تهران", "county": "ساری"}}),
    ("audience_province_required", {"audience": "province"}),
    ("invited_required", {"audience": "invited"}),
]


@pytest.mark.parametrize("error,fields", SCHEDULING_REFUSALS, ids=[r[0] for r in SCHEDULING_REFUSALS])
def test_scheduling_refusals_save_nothing(client, db, headers, error, fields):
    before = counts(db)
    response = client.post(URL, json=workshop(**fields), headers=headers)
    assert_refused(response, error, 422)
    assert counts(db) == before


INVALID_INPUT = [
    # (expected error, field, body changes); the schema's limits (capacity and quota at least 1,
    # 1–31 days, no blank title or official's name) are refused with it (400), before the rules.
    ("invalid", "title", {"title": None}),
    ("invalid", "title", {"title": "   "}),
    ("invalid", "capacity", {"capacity": 0}),
    ("invalid", "per_ngo_quota", {"per_ngo_quota": 0}),
    ("invalid", "days", {"days": []}),
    ("invalid", "days", {"days": [{"date": f"2019-08-{d:02}", "start": "09:00", "end": "10:00"}
                                  for d in range(1, 32)] + [
                                     {"date": "2019-09-01", "start": "09:00", "end": "10:00"}]}),
    ("invalid", "officials[0].name", {"officials": [{"name": " ", "title": "سخنران"}]}),
    ("invalid", "invited_ngos[0]", {"invited_ngos": [12345]}),
    ("invalid", "surprise", {"surprise": 1}),
    ("invalid", "venue.name", {"venue": {"name": "سالن\x00", "province": "تهران"}}),
    ("invalid", "title", {"title": 42}),
    ("invalid", "title", {"title": "ب" * 251}),
    ("invalid", "kind", {"kind": "party"}),
    ("invalid", "kind", {"kind": None}),
    ("invalid", "venue", {"venue": "سالن"}),
    ("invalid", "venue.name", {"venue": {"province": "تهران"}}),
    ("invalid", "days", {"days": "2019-08-14"}),
    ("invalid", "days[0]", {"days": ["2019-08-14"]}),
    ("invalid", "capacity", {"capacity": "پنجاه"}),
    ("invalid", "capacity", {"capacity": True}),
    ("invalid", "capacity", {"capacity": 10**12}),
    ("invalid", "capacity", {"capacity": None}),
    ("invalid", "per_ngo_quota", {"per_ngo_quota": 2.5}),
    ("invalid", "requires_approval", {"requires_approval": "yes"}),
    ("invalid", "audience", {"audience": "everyone"}),
    ("invalid", "officials[0].role", {"officials": [{"name": "الف", "role": "host"}]}),
    ("invalid", "officials", {"officials": {"name": "الف"}}),
    ("invalid", "status", {"status": "cancelled"}),
    ("invalid", "venue.province", {"venue": {"name": "سالن", "province": ["تهران"]}}),
    ("invalid_date", "days[1].date", {"days": [{"date": "2019-08-14", "start": "09:30", "end": "17:00"},
                                               {"date": "2019-02-30", "start": "09:30", "end": "17:00"}]}),
    ("invalid_date", "days[0].date", {"days": [{"date": "1398/05/23", "start": "09:30", "end": "17:00"}]}),
    ("invalid_date", "days[0].date", {"days": [{"date": "0001-01-01", "start": "09:30", "end": "17:00"}]}),
    ("invalid", "days[0].date", {"days": [{"start": "09:30", "end": "17:00"}]}),
    ("invalid_time", "days[0].start", {"days": [{"date": "2019-08-14", "start": "25:00", "end": "17:00"}]}),
    ("invalid_time", "days[0].end", {"days": [{"date": "2019-08-14", "start": "09:30", "end": "noon"}]}),
    ("invalid_date", "registration_opens_at", {"registration_opens_at": "next week"}),
    ("invalid_date", "registration_closes_at", {"registration_closes_at": "9999-01-01T00:00:00"}),
    ("invalid", "venue.province", {"venue": {"name": "سالن", "province": 99999999999999}}),
]

# Valid by the schema, refused by a rule: a name or number that matches nothing (422).
UNKNOWN_INPUT = [
    ("unknown_province", "venue.province", {"venue": {"name": "سالن", "province": "آتلانتیس"}}),
    ("unknown_province", "venue.province", {"venue": {"name": "سالن", "province": "99999999999999"}}),
    ("unknown_province", "venue.province", {"venue": {"name": "سالن", "province": 2**31 - 1}}),
    ("unknown_county", "venue.county", {"venue": {"name": "سالن", "province": "تهران", "county": "ناکجا"}}),
    ("unknown_province", "audience_province", {"audience": "province", "audience_province": "ناکجا"}),
    ("unknown_ngo", "invited_ngos", {"audience": "invited", "invited_ngos": ["000"]}),
    ("unknown_occasion", "occasion_id", {"occasion_id": 987654}),
]


@pytest.mark.parametrize("status,error,field,fields",
                         [(400, *r) for r in INVALID_INPUT] + [(422, *r) for r in UNKNOWN_INPUT],
                         ids=[f"{r[0]}-{r[1]}-{i}" for i, r in enumerate(INVALID_INPUT + UNKNOWN_INPUT)])
def test_bad_input_is_refused_naming_the_field(client, db, headers, status, error, field, fields):
    before = counts(db)
    data = workshop(**fields)
    data = {k: v for k, v in data.items() if v is not None or k in fields}
    response = client.post(URL, json=data, headers=headers)
    body = assert_refused(response, error, status)
    assert body["field"] == field, body
    if status == 400:  # the schema's refusal: a Persian sentence for every refused field
        assert PERSIAN.search(body["fields"][field]), body
    assert counts(db) == before


def test_invalid_date_and_time_have_persian_messages(client, headers):
    """From the one mapping of validation messages (issue 10): the field's label and the reason."""
    response = client.post(URL, json=workshop(days=[{"date": "2019/08/14", "start": "9", "end": "10"}]),
                           headers=headers)
    assert response.get_json()["message"] == "تاریخ میلادی را به شکل ۲۰۱۹-۰۸-۱۴ وارد کنید."
    response = client.post(URL, json=workshop(days=[{"date": "2019-08-14", "start": "24:10", "end": "10"}]),
                           headers=headers)
    assert response.get_json()["message"] == "ساعت آغاز را به شکل ۰۹:۳۰ بفرستید."


def test_unknown_ngos_are_listed(client, headers, make_ngo):
    make_ngo(registration_no="111")
    response = client.post(URL, json=workshop(audience="invited", invited_ngos=["111", "222", "333"]),
                           headers=headers)
    body = assert_refused(response, "unknown_ngo", 422)
    assert body["unknown"] == ["222", "333"] and "222، 333" in body["message"]


def test_body_must_be_a_json_object(client, db, headers):
    response = client.post(URL, headers=headers, data="not json", content_type="application/json")
    assert_refused(response, "invalid_json")
    # JSON that is not an object is refused by the schema (issue 10's one mapping of reasons).
    body = assert_refused(client.post(URL, headers=headers, json=[1, 2]), "invalid")
    assert body["message"] == "بدنهٔ درخواست باید یک شیء JSON باشد."
    assert counts(db)["Event"] == 0


# --- who may create ----------------------------------------------------------------------

def test_create_needs_a_token_and_an_organizer_or_admin(client, db, make_user):
    assert_refused(client.post(URL, json=workshop()), "unauthorized", 401)
    assert_refused(client.post(URL, json=workshop(), headers={"Authorization": "Bearer nope"}),
                   "unauthorized", 401)
    for role in ("secretary", "door"):
        response = client.post(URL, json=workshop(), headers=api_headers(make_user(role)))
        assert_refused(response, "forbidden", 403)
    assert counts(db)["Event"] == 0


def test_organizers_create_only_for_their_own_body(client, db, make_user, make_body):
    other = make_body(name="شهرداری منطقه ۱")
    user = make_user("organizer")
    response = client.post(URL, json=workshop(body_id=other.id), headers=api_headers(user))
    assert_refused(response, "forbidden", 403)
    response = client.post(URL, json=workshop(body_id=user.body_id), headers=api_headers(user))
    assert response.status_code == 201
    assert counts(db)["Event"] == 1


# --- reading -------------------------------------------------------------------------------

def test_read_a_published_event_with_any_token(client, make_user, create):
    event = create(status="published")
    secretary = make_user("secretary")
    response = client.get(f"{URL}/{event['id']}", headers=api_headers(secretary))
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == event["id"] and body["days"][0]["starts_at"] == "2019-08-14T09:30:00+04:30"
    assert "warnings" not in body and "invited_ngos" not in body  # not theirs to manage
    assert_refused(client.get(f"{URL}/{event['id']}"), "unauthorized", 401)


def test_drafts_are_read_only_by_their_managers(client, make_user, headers, create):
    event = create()
    path = f"{URL}/{event['id']}"
    assert client.get(path, headers=headers).get_json()["status"] == "draft"
    assert client.get(path, headers=api_headers(make_user("admin"))).status_code == 200
    for user in (make_user("organizer"), make_user("secretary"), make_user("door")):
        assert_refused(client.get(path, headers=api_headers(user)), "not_found", 404)


def test_unknown_ids_are_404(client, headers):
    for event_id in (0, 424242, 2**40, 10**30):
        assert_refused(client.get(f"{URL}/{event_id}", headers=headers), "not_found", 404)
    assert client.patch(f"{URL}/424242", json={}, headers=headers).status_code == 404
    for event_id in (0, 2**31):  # refused by the router: 404 for every method, never a 405
        assert_refused(client.patch(f"{URL}/{event_id}", json={}, headers=headers), "not_found", 404)
    assert client.post(f"{URL}/{10**30}/publish", headers=headers).status_code == 404


# --- listing -------------------------------------------------------------------------------

@pytest.fixture
def listed(client, make_user, create):
    """Five events: four public in two provinces and kinds across 2019–2026, one draft."""
    ids = {}
    ids["workshop_1398"] = create(status="published")["id"]
    ids["meeting_sari"] = create(
        status="published", kind="meeting", title="نشست سمن‌های ساری",
        venue={"name": "تالار شهر", "province": "مازندران", "county": "ساری"},
        days=[{"date": "2019-09-10", "start": "10:00", "end": "12:00"}])["id"]
    ids["ceremony_2026"] = create(
        status="published", kind="ceremony", title="مراسم روز تشکل‌ها",
        days=[{"date": "2026-08-13", "start": "09:00", "end": "11:00"}])["id"]
    cancelled = create(status="published", title="کارگاه لغوشده",
                       days=[{"date": "2019-08-20", "start": "09:00", "end": "11:00"}])["id"]
    client.post(f"{URL}/{cancelled}/cancel", json={"reason": "کمبود ثبت‌نام"},
                headers=api_headers(make_user("admin")))
    ids["cancelled"] = cancelled
    ids["draft"] = create(title="پیش‌نویس", days=[{"date": "2019-08-16", "start": "09:00",
                                                    "end": "11:00"}])["id"]
    return ids


def _ids(client, headers, query=""):
    response = client.get(f"{URL}{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [e["id"] for e in response.get_json()["events"]]


def test_list_shows_public_events_first_day_first(client, headers, listed, make_user):
    expected = [listed["workshop_1398"], listed["cancelled"], listed["meeting_sari"],
                listed["ceremony_2026"]]
    assert _ids(client, headers) == expected  # the organizer's own draft is not listed
    assert _ids(client, api_headers(make_user("door"))) == expected
    body = client.get(URL, headers=headers).get_json()
    assert body["total"] == 4 and body["page"] == 1 and body["per_page"] == 20 and body["pages"] == 1
    cancelled = next(e for e in body["events"] if e["id"] == listed["cancelled"])
    assert cancelled["status"] == "cancelled" and cancelled["status_reason"] == "کمبود ثبت‌نام"


def test_list_filters(client, db, headers, listed):
    mazandaran = find_province(db.session, "مازندران")
    assert _ids(client, headers, "?from=2019-08-17&to=2019-12-31") == [
        listed["cancelled"], listed["meeting_sari"]]
    assert _ids(client, headers, "?from=2019-08-15&to=2019-08-15") == [listed["workshop_1398"]]
    assert _ids(client, headers, "?from=2020-01-01") == [listed["ceremony_2026"]]
    assert _ids(client, headers, "?to=2019-08-14") == [listed["workshop_1398"]]
    for province in ("مازندران", "mazandaran", str(mazandaran.id)):
        assert _ids(client, headers, f"?province={province}") == [listed["meeting_sari"]]
    assert _ids(client, headers, "?kind=ceremony") == [listed["ceremony_2026"]]
    assert _ids(client, headers, "?kind=workshop&province=تهران&from=2019-08-01&to=2019-08-31") == [
        listed["workshop_1398"], listed["cancelled"]]


def test_list_pages(client, headers, listed):
    first = client.get(f"{URL}?per_page=3", headers=headers).get_json()
    second = client.get(f"{URL}?per_page=3&page=2", headers=headers).get_json()
    assert len(first["events"]) == 3 and len(second["events"]) == 1
    assert first["total"] == second["total"] == 4 and first["pages"] == 2
    assert client.get(f"{URL}?per_page=100", headers=headers).get_json()["per_page"] == 100
    # Page bounds are the schema's (issue 10): beyond them is a 400, not a quiet clamp.
    assert_refused(client.get(f"{URL}?per_page=101", headers=headers), "invalid")
    body = assert_refused(client.get(f"{URL}?page=9223372036854775807", headers=headers), "invalid")
    assert body["field"] == "page"
    assert client.get(f"{URL}?page=9", headers=headers).get_json()["events"] == []


@pytest.mark.parametrize("query,error,field,status", [
    ("?from=2019-13-01", "invalid_date", "from", 400),
    ("?to=۱۳۹۸/۰۵/۲۳", "invalid_date", "to", 400),
    ("?from=2019-09-01&to=2019-08-01", "dates_reversed", "to", 422),
    ("?province=آتلانتیس", "unknown_province", "province", 422),
    ("?province=99999999999999999999", "unknown_province", "province", 422),
    ("?province=²", "unknown_province", "province", 422),
    ("?kind=party", "invalid", "kind", 400),
    ("?page=0", "invalid", "page", 400),
    ("?per_page=-1", "invalid", "per_page", 400),
    ("?page=abc", "invalid", "page", 400),
])
def test_list_refuses_bad_filters(client, headers, query, error, field, status):
    body = assert_refused(client.get(f"{URL}{query}", headers=headers), error, status)
    assert body["field"] == field


def test_list_needs_a_token(client):
    assert_refused(client.get(URL), "unauthorized", 401)


# --- changing ------------------------------------------------------------------------------

def test_patch_a_draft_merges_fields(client, db, headers, create):
    event = create(officials=[{"name": "دکتر رضایی", "role": "chair"}])
    response = client.patch(f"{URL}/{event['id']}", json={
        "title": "کارگاه نگارش طرح (نوبت دوم)", "capacity": 80, "venue": {"address": "خیابان ولیعصر"},
    }, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "کارگاه نگارش طرح (نوبت دوم)" and body["capacity"] == 80
    assert body["venue"]["address"] == "خیابان ولیعصر" and body["venue"]["county"]["name"] == "شمیرانات"
    assert body["per_ngo_quota"] == 3 and len(body["days"]) == 2  # untouched fields kept
    assert body["officials"] == [{"name": "دکتر رضایی", "title": "", "role": "chair"}]
    assert body["sequence"] == 0 and body["change_note"] == "" and body["warnings"] == []
    # A draft's days change without a change note.
    body = client.patch(f"{URL}/{event['id']}", json={"days": [
        {"date": "2019-08-21", "start": "10:00", "end": "13:00"}]}, headers=headers).get_json()
    assert body["sequence"] == 0 and body["change_note"] == ""
    saved = fresh(db, event["id"])
    assert saved.capacity == 80 and [d.date.isoformat() for d in saved.days] == ["2019-08-21"]


def test_patch_days_of_a_published_event_raises_sequence_and_notes_it(client, db, headers, create):
    event = create(status="published")
    assert event["sequence"] == 1
    response = client.patch(f"{URL}/{event['id']}", json={"title": "عنوان تازه"}, headers=headers)
    assert response.get_json()["sequence"] == 1 and response.get_json()["change_note"] == ""
    response = client.patch(f"{URL}/{event['id']}", json={"days": [
        {"date": "2019-08-14", "start": "10:00", "end": "17:00"},
        {"date": "2019-08-15", "start": "09:30", "end": "17:00"}]}, headers=headers)
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "published"
    assert body["sequence"] == 2
    assert body["change_note"] == "زمان این رویداد تغییر کرده است."
    assert body["changed_at"].endswith("+03:30")  # now, in Tehran
    assert body["days"][0]["starts_at"] == "2019-08-14T10:00:00+04:30"
    body = client.patch(f"{URL}/{event['id']}", json={"venue": {"name": "تالار دیگر"}},
                        headers=headers).get_json()
    assert body["sequence"] == 3 and body["change_note"] == "مکان این رویداد تغییر کرده است."
    assert fresh(db, event["id"]).sequence == 3


def test_patch_venue_province_drops_the_old_county(client, headers, create):
    event = create()
    body = client.patch(f"{URL}/{event['id']}", json={"venue": {"province": "مازندران"}},
                        headers=headers).get_json()
    assert body["venue"]["province"]["name"] == "مازندران" and body["venue"]["county"] is None


def test_patch_status_publishes(client, db, headers, create):
    event = create()
    body = client.patch(f"{URL}/{event['id']}", json={"status": "published"}, headers=headers).get_json()
    assert body["status"] == "published"
    response = client.patch(f"{URL}/{event['id']}", json={"status": "draft", "title": "تازه"},
                            headers=headers)
    assert_refused(response, "invalid_transition", 409)
    saved = fresh(db, event["id"])
    assert saved.status == EventStatus.published and saved.title == "کارگاه نگارش طرح برای سمن‌ها"


PATCH_REFUSALS = [
    ("end_before_start", 422, {"days": [{"date": "2019-08-14", "start": "12:00", "end": "11:00"}]}),
    ("quota_above_capacity", 422, {"capacity": 2}),
    ("invalid", 400, {"capacity": 0}),
    ("closes_after_start", 422, {"registration_closes_at": "2019-08-15T00:00:00+04:30"}),
    ("duplicate_day", 422, {"days": [{"date": "2019-08-14", "start": "09:00", "end": "10:00"},
                                     {"date": "2019-08-14", "start": "10:00", "end": "11:00"}]}),
    ("overlapping_days", 422, {"days": [{"date": "2019-08-14", "start": "09:00", "end": "11:00"},
                                        {"date": "2019-08-14", "start": "10:30", "end": "12:00"}]}),
    ("invalid", 400, {"capacity": "many"}),
    ("invalid_date", 400, {"days": [{"date": "2019-08-32", "start": "09:00", "end": "10:00"}]}),
    ("unknown_province", 422, {"venue": {"province": "ناکجا"}}),
    ("invalid", 400, {"body_id": 12345}),  # an event's body is not changed
    ("invalid", 400, {"venue": {"name": ""}}),
]


@pytest.mark.parametrize("error,status,patch", PATCH_REFUSALS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(PATCH_REFUSALS)])
def test_patch_refusals_change_nothing(client, db, headers, create, error, status, patch):
    event = create(status="published")
    before = client.get(f"{URL}/{event['id']}", headers=headers).get_json()
    response = client.patch(f"{URL}/{event['id']}", json={"title": "نباید بماند", **patch},
                            headers=headers)
    assert_refused(response, error, status)
    after = client.get(f"{URL}/{event['id']}", headers=headers).get_json()
    assert after == before
    saved = fresh(db, event["id"])
    assert saved.title == "کارگاه نگارش طرح برای سمن‌ها" and saved.sequence == 1
    assert len(saved.days) == 2 and saved.capacity == 60


def test_patch_permissions(client, db, make_user, headers, create):
    draft = create()
    published = create(status="published", days=[{"date": "2019-09-01", "start": "09:00", "end": "10:00"}])
    other = api_headers(make_user("organizer"))
    assert_refused(client.patch(f"{URL}/{draft['id']}", json={"title": "x"}, headers=other),
                   "not_found", 404)
    assert_refused(client.patch(f"{URL}/{published['id']}", json={"title": "x"}, headers=other),
                   "forbidden", 403)
    for role in ("secretary", "door"):
        response = client.patch(f"{URL}/{published['id']}", json={"title": "x"},
                                headers=api_headers(make_user(role)))
        assert_refused(response, "forbidden", 403)
    assert_refused(client.patch(f"{URL}/{published['id']}", json={"title": "x"}), "unauthorized", 401)
    admin = api_headers(make_user("admin"))
    assert client.patch(f"{URL}/{published['id']}", json={"capacity": 70},
                        headers=admin).get_json()["capacity"] == 70
    assert fresh(db, draft["id"]).title == "کارگاه نگارش طرح برای سمن‌ها"


# --- status: publish, cancel, postpone ----------------------------------------------------

def test_publish_then_publish_again(client, db, headers, create):
    event = create()
    response = client.post(f"{URL}/{event['id']}/publish", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "published" and body["sequence"] == 1
    assert fresh(db, event["id"]).status == EventStatus.published
    body = assert_refused(client.post(f"{URL}/{event['id']}/publish", headers=headers),
                          "invalid_transition", 409)
    assert "منتشرشده" in body["message"]
    assert fresh(db, event["id"]).sequence == 1


def test_cancel_needs_a_reason_once_published_and_cannot_repeat(client, db, headers, create):
    event = create(status="published")
    path = f"{URL}/{event['id']}/cancel"
    assert_refused(client.post(path, json={}, headers=headers), "reason_required", 422)
    assert_refused(client.post(path, headers=headers), "reason_required", 422)
    assert_refused(client.post(path, json={"reason": 5}, headers=headers), "invalid")
    assert fresh(db, event["id"]).status == EventStatus.published
    response = client.post(path, json={"reason": "  سالن در دسترس نیست "}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "cancelled" and body["status_reason"] == "سالن در دسترس نیست"
    assert body["sequence"] == 2
    again = assert_refused(client.post(path, json={"reason": "دوباره"}, headers=headers),
                           "invalid_transition", 409)
    assert "لغو شده" in again["message"]
    saved = fresh(db, event["id"])
    assert saved.status == EventStatus.cancelled and saved.status_reason == "سالن در دسترس نیست"
    assert saved.sequence == 2
    # A cancelled event can no longer be changed, and is still listed and readable.
    assert_refused(client.patch(f"{URL}/{event['id']}", json={"title": "x"}, headers=headers),
                   "not_editable", 409)
    assert fresh(db, event["id"]).title == "کارگاه نگارش طرح برای سمن‌ها"
    assert client.get(f"{URL}/{event['id']}", headers=headers).get_json()["status"] == "cancelled"


def test_a_draft_is_cancelled_without_a_reason(client, headers, create):
    event = create()
    response = client.post(f"{URL}/{event['id']}/cancel", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"


def test_postpone_and_publish_again(client, headers, create):
    event = create(status="published")
    path = f"{URL}/{event['id']}"
    assert_refused(client.post(f"{path}/postpone", json={"reason": ""}, headers=headers),
                   "reason_required", 422)
    body = client.post(f"{path}/postpone", json={"reason": "تغییر سالن"}, headers=headers).get_json()
    assert body["status"] == "postponed" and body["status_reason"] == "تغییر سالن"
    body = client.patch(path, json={"days": [{"date": "2019-09-04", "start": "09:30", "end": "17:00"}]},
                        headers=headers).get_json()
    assert body["status"] == "postponed" and body["change_note"] == "زمان این رویداد تغییر کرده است."
    body = client.post(f"{path}/publish", headers=headers).get_json()
    assert body["status"] == "published" and body["status_reason"] == ""


def test_status_changes_need_a_manager(client, db, make_user, create):
    event = create(status="published")
    other = api_headers(make_user("organizer"))
    for action in ("publish", "cancel", "postpone"):
        response = client.post(f"{URL}/{event['id']}/{action}", json={"reason": "x"}, headers=other)
        assert_refused(response, "forbidden", 403)
        response = client.post(f"{URL}/{event['id']}/{action}", json={"reason": "x"},
                               headers=api_headers(make_user("secretary")))
        assert_refused(response, "forbidden", 403)
        assert_refused(client.post(f"{URL}/{event['id']}/{action}"), "unauthorized", 401)
    draft = create(days=[{"date": "2019-09-01", "start": "09:00", "end": "10:00"}])
    assert_refused(client.post(f"{URL}/{draft['id']}/publish", headers=other), "not_found", 404)
    assert fresh(db, event["id"]).status == EventStatus.published
    assert fresh(db, draft["id"]).status == EventStatus.draft


# --- the OpenAPI document ------------------------------------------------------------------

def test_openapi_lists_the_event_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert set(paths["/api/v1/events"]) >= {"get", "post"}
    assert set(paths["/api/v1/events/{event_id}"]) >= {"get", "patch"}
    for action in ("publish", "cancel", "postpone"):
        assert "post" in paths[f"/api/v1/events/{{event_id}}/{action}"]
    schemas = spec["components"]["schemas"]
    assert {"Event", "EventCreate", "EventFields", "EventPage"} <= set(schemas)
    assert "starts_at" in schemas["EventDay"]["properties"]
    create = paths["/api/v1/events"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/EventCreate")
    assert "201" in create["responses"]
