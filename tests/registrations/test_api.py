"""The registrations API, through the test client with real tokens: register (201 with status
and ticket), list, read, cancel, approve, reject; every refusal with its enum, a Persian
message and nothing saved; 401/403/404 as DESIGN.md says; the OpenAPI document."""
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventsapp.events import services as events
from eventsapp.events.models import Audience, Event
from eventsapp.jalali import today, utcnow
from eventsapp.places.services import find_province
from eventsapp.registrations.models import RegStatus, Registration
from eventsapp.registrations.services import complete_national_id
from tests.conftest import api_headers

PERSIAN = re.compile("[\u0600-\u06ff]")
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def nid(n: int) -> str:
    return complete_national_id(f"{n:09d}")


def person(n: int, **kw) -> dict:
    data = {"full_name": f"عضو شمارهٔ {n}", "national_id": nid(n), "mobile": f"0912{n:07d}",
            "role": "عضو"}
    data.update(kw)
    return data


def url(event) -> str:
    return f"/api/v1/events/{getattr(event, 'id', event)}/registrations"


def reg_url(reg, action: str = "") -> str:
    path = f"/api/v1/registrations/{getattr(reg, 'id', reg)}"
    return f"{path}/{action}" if action else path


def reread(db):
    """See what the requests committed (ends the test's own read transaction)."""
    db.session.rollback()


def count(db, status=None) -> int:
    reread(db)
    query = select(func.count(Registration.id))
    if status is not None:
        query = query.where(Registration.status == status)
    return db.session.scalar(query)


def confirmed_count(db, event) -> int:
    reread(db)
    return db.session.get(Event, event.id).confirmed_count


def assert_refused(response, error, status):
    body = response.get_json()
    assert response.status_code == status, body
    assert body["error"] == error, body
    assert PERSIAN.search(body["message"]), body
    return body


@pytest.fixture
def make_event(db, make_body):
    """A published workshop ten days ahead, open for registration, committed."""
    counter = iter(range(1, 10**6))

    def make(capacity=3, quota=None, approval=False, publish=True, body=None, **kw):
        data = events.EventInput(
            kind="workshop", title="کارگاه آزمایشی", venue_name="سالن",
            province=find_province(db.session, "تهران"),
            days=[events.DayInput(today() + timedelta(days=10), time(9), time(12))],
            capacity=capacity, per_ngo_quota=quota, requires_approval=approval, **kw)
        body = body or make_body(name=f"نهاد رویداد {next(counter)}")
        event, _ = events.create_event(db.session, body, data)
        if publish:
            events.publish(event)
        db.session.commit()
        return event
    return make


@pytest.fixture
def secretary(make_user):
    return make_user("secretary")


@pytest.fixture
def headers(secretary):
    return api_headers(secretary)


@pytest.fixture
def post(client, headers):
    """POSTs attendees for an event as the secretary; returns the response."""
    def do(event, *people, headers=headers):
        return client.post(url(event), json={"attendees": list(people)}, headers=headers)
    return do


# --- registering ---------------------------------------------------------------------------

def test_register_members_confirmed_then_waitlisted(client, db, make_event, post, secretary):
    event = make_event(capacity=2)
    response = post(event, person(1), person(2), person(3))
    assert response.status_code == 201, response.get_json()
    regs = response.get_json()["registrations"]
    assert [r["status"] for r in regs] == ["confirmed", "confirmed", "waitlisted"]
    for r in regs:
        assert {"id", "status", "ticket_code", "ticket_url"} <= set(r)
        assert r["ticket_url"] == f"http://localhost/t/{r['ticket_code']}"
        assert len(r["ticket_code"]) >= 22
    assert regs[0]["ngo"]["id"] == secretary.ngo_id and regs[0]["event_id"] == event.id
    assert regs[0]["status_label"] == "قطعی" and regs[2]["status_label"] == "فهرست انتظار"
    assert regs[0]["national_id"] == nid(1) and regs[0]["full_name"] == "عضو شمارهٔ 1"
    reread(db)
    stored = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [r.id for r in stored] == [r["id"] for r in regs]
    assert all(r.created_by_id == secretary.id for r in stored)
    assert confirmed_count(db, event) == 2


def test_attendee_fields_are_cleaned(client, db, make_event, post):
    event = make_event(capacity=5)
    response = post(event, {"full_name": "زهرا احمدي", "national_id": 499370899,
                            "mobile": "+98 912 111 2233"})
    assert response.status_code == 201, response.get_json()
    (reg,) = response.get_json()["registrations"]
    assert (reg["full_name"], reg["national_id"], reg["mobile"], reg["role"]) == (
        "زهرا احمدی", "0499370899", "09121112233", "")


def test_events_that_need_approval_answer_pending(client, db, make_event, post):
    event = make_event(capacity=5, approval=True)
    response = post(event, person(1))
    assert response.status_code == 201
    assert response.get_json()["registrations"][0]["status"] == "pending"
    assert confirmed_count(db, event) == 0


def test_ticket_urls_use_the_public_base_url(app, client, make_event, post):
    event = make_event()
    app.config["PUBLIC_BASE_URL"] = "https://events.example.ir"
    try:
        (reg,) = post(event, person(1)).get_json()["registrations"]
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert reg["ticket_url"] == f"https://events.example.ir/t/{reg['ticket_code']}"


def test_registering_takes_the_sqlite_write_lock_first(app, client, db, make_event, post):
    """begin_write reaches the 'begin' listener: the POST's transaction is BEGIN IMMEDIATE."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only; PostgreSQL locks the event row")
    event = make_event()
    begins = []

    def watch(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", watch)
    try:
        assert post(event, person(1)).status_code == 201
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", watch)
    assert "BEGIN IMMEDIATE" in begins, begins


# A conflict with the current state is 409; a rule the request itself breaks is 422 (issue 10:
# an invalid national ID was 409). What the schema can tell is refused before: see below.
@pytest.mark.parametrize("setup,people,error,code,message", [
    ({"capacity": 1, "waitlist": False}, [person(1), person(2)], "full", 409,
     "ظرفیت رویداد پر است؛ ۱ جا مانده است."),
    ({"quota": 1}, [person(1), person(2)], "ngo_quota", 409,
     "سهم سمن شما از این رویداد ۱ نفر است و ۰ نفر ثبت شده‌اند؛ ۱ جای دیگر دارید."),
    ({"closed": True}, [person(1)], "closed", 409, "ثبت‌نام این رویداد بسته است (از "),
    ({"not_open": True}, [person(1)], "not_open", 409, "ثبت‌نام این رویداد از "),
    ({"status": "postponed"}, [person(1)], "closed", 409,
     "ثبت‌نام این رویداد بسته است (رویداد به تعویق افتاده است)."),
    ({"status": "cancelled"}, [person(1)], "closed", 409,
     "ثبت‌نام این رویداد بسته است (رویداد لغو شده است)."),
    ({"audience": "اصفهان"}, [person(1)], "not_in_audience", 422,
     "این رویداد ویژهٔ سمن‌های استان اصفهان است و سمن شما در میان مخاطبان آن نیست."),
    ({}, [person(1), person(1, full_name="زینب")], "duplicate", 409,
     f"«زینب» با کد ملی {nid(1).translate(FA)} پیش‌تر برای این رویداد ثبت‌نام شده است."),
    ({}, [person(1), person(2, national_id="1234567890")], "invalid_national_id", 422,
     "ردیف ۲: کد ملی «۱۲۳۴۵۶۷۸۹۰» درست نیست؛ ۱۰ رقم با رقم کنترل درست لازم است."),
    ({}, [person(1, mobile="0912")], "invalid_mobile", 422,
     "ردیف ۱: شمارهٔ همراه «۰۹۱۲» درست نیست؛ ۱۱ رقم و با ۰۹ آغاز شود."),
    ({}, [person(1), person(2, full_name="\u200c")], "name_required", 422,  # blank once normalised
     "ردیف ۲: نام و نام خانوادگی را بنویسید."),
])
def test_every_refusal_has_its_reason_and_a_persian_message(client, db, make_event, post, setup,
                                                            people, error, code, message):
    setup = dict(setup)
    kw = {}
    if setup.pop("closed", False):
        kw["registration_closes_at"] = utcnow() - timedelta(minutes=1)
        kw["registration_opens_at"] = utcnow() - timedelta(days=1)
    if setup.pop("not_open", False):
        kw["registration_opens_at"] = utcnow() + timedelta(days=1)
    if "audience" in setup:
        kw["audience"] = Audience.province
        kw["audience_province"] = find_province(db.session, setup.pop("audience"))
    status = setup.pop("status", None)
    waitlist = setup.pop("waitlist", True)
    event = make_event(**setup, **kw)
    event.waitlist = waitlist
    if status:
        events.set_status(event, status, reason="دلیل")
    db.session.commit()
    body = assert_refused(post(event, *people), error, code)
    assert body["message"].startswith(message), body["message"]
    assert count(db) == 0
    assert confirmed_count(db, event) == 0


@pytest.mark.parametrize("people,field,message", [
    ([person(1), person(2, full_name=" ")], "attendees[1].full_name",
     "نام و نام خانوادگی نمی‌تواند خالی باشد."),
    ([person(1, full_name="\u3000\xa0")], "attendees[0].full_name", "نام و نام خانوادگی نمی‌تواند خالی باشد."),
    ([], "attendees", "فهرست شرکت‌کنندگان (attendees) دست‌کم ۱ مورد باید داشته باشد."),
    ([person(i) for i in range(1, 52)], "attendees",
     "فهرست شرکت‌کنندگان (attendees) حداکثر ۵۰ مورد می‌تواند داشته باشد."),
    ([person(1, national_id="1" * 21)], "attendees[0].national_id",
     "کد ملی حداکثر ۲۰ نویسه می‌تواند داشته باشد."),
    ([person(1, mobile=-9121234567)], "attendees[0].mobile",
     "شمارهٔ همراه باید عددی از ۰ تا ۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹ باشد."),
    ([person(1, role="ن" * 101)], "attendees[0].role", "سمت حداکثر ۱۰۰ نویسه می‌تواند داشته باشد."),
    ([person(1, ngo_id=3)], "attendees[0].ngo_id", "فیلد «شناسهٔ سمن» شناخته نیست."),
])
def test_what_the_schema_can_tell_is_refused_before_any_service_runs(client, db, make_event, post,
                                                                      people, field, message):
    """A blank name, no attendees or more than fifty were the services' 409 (name_required,
    no_attendees, too_many); issue 10 makes them field errors: 400 naming the field, before the
    event is even looked at (a draft would otherwise answer 404)."""
    event = make_event(capacity=100, publish=False)
    body = assert_refused(post(event, *people), "invalid", 400)
    assert (body["field"], body["message"]) == (field, message)
    assert body["fields"][field] == message
    assert count(db) == 0


def test_already_registered_and_quota_used_refusals(client, db, make_event, post, make_user):
    event = make_event(capacity=10, quota=2)
    assert post(event, person(1, full_name="زهرا احمدی")).status_code == 201
    other = api_headers(make_user("secretary"))
    body = assert_refused(post(event, person(1), headers=other), "duplicate", 409)
    assert body["message"].startswith("«زهرا احمدی» با کد ملی ")
    body = assert_refused(post(event, person(2), person(3)), "ngo_quota", 409)
    assert body["message"] == "سهم سمن شما از این رویداد ۲ نفر است و ۱ نفر ثبت شده‌اند؛ ۱ جای دیگر دارید."
    assert count(db) == 1


@pytest.mark.parametrize("kwargs,error,field", [
    ({"data": "not json", "content_type": "application/json"}, "invalid_json", None),
    ({"json": [person(1)]}, "invalid", "_schema"),  # was invalid_json: the schema's refusal now
    ({"json": {}}, "invalid", "attendees"),
    ({"json": {"attendees": person(1)}}, "invalid", "attendees"),
    ({"json": {"attendees": "زهرا"}}, "invalid", "attendees"),
    ({"json": {"attendees": [person(1), "زهرا"]}}, "invalid", "attendees[1]"),
    ({"json": {"attendees": [person(1, full_name=12)]}}, "invalid", "attendees[0].full_name"),
    ({"json": {"attendees": [person(1, mobile=["0912"])]}}, "invalid", "attendees[0].mobile"),
    ({"json": {"attendees": [person(1, national_id=True)]}}, "invalid", "attendees[0].national_id"),
    ({"json": {"attendees": [person(1, full_name="ب" * 121)]}}, "invalid", "attendees[0].full_name"),
])
def test_malformed_bodies_are_400(client, db, make_event, headers, kwargs, error, field):
    event = make_event()
    body = assert_refused(client.post(url(event), headers=headers, **kwargs), error, 400)
    assert body.get("field") == field
    assert count(db) == 0


def test_type_errors_name_the_row_in_the_field(client, make_event, headers):
    """The row was in the message («ردیف ۲: …»); on schemas it is in the field's path."""
    event = make_event()
    body = assert_refused(client.post(url(event), headers=headers, json={
        "attendees": [person(1), person(2, role=5)]}), "invalid", 400)
    assert (body["field"], body["message"]) == ("attendees[1].role", "سمت باید متن باشد.")


def test_who_may_register(client, db, make_event, make_user, post):
    event = make_event()
    assert_refused(client.post(url(event), json={"attendees": [person(1)]}), "unauthorized", 401)
    assert_refused(post(event, person(1), headers={"Authorization": "Bearer nope"}),
                   "unauthorized", 401)
    for role in ("organizer", "admin", "door"):
        assert_refused(post(event, person(1), headers=api_headers(make_user(role))), "forbidden", 403)
    orphan = make_user("secretary")
    orphan.ngo = None
    db.session.commit()
    assert_refused(post(event, person(1), headers=api_headers(orphan)), "forbidden", 403)
    draft = make_event(publish=False)
    assert_refused(post(draft, person(1)), "not_found", 404)
    assert_refused(post(999999, person(1)), "not_found", 404)
    assert_refused(post(2**31, person(1)), "not_found", 404)  # beyond any id: the router's 404
    assert count(db) == 0


# --- listing and reading -------------------------------------------------------------------

@pytest.fixture
def crowd(client, db, make_event, make_user, post, headers, secretary):
    """An event with two NGOs' registrations: ours (3, confirmed) and another NGO's (1, waitlisted)."""
    event = make_event(capacity=3)
    ours = post(event, person(1, full_name="زهرا احمدی"), person(2), person(3)).get_json()
    other = make_user("secretary")
    theirs = post(event, person(4, full_name="علی رضایی"),
                  headers=api_headers(other)).get_json()
    return event, [r["id"] for r in ours["registrations"]], \
        [r["id"] for r in theirs["registrations"]], other


def test_a_secretary_lists_their_ngos_registrations(client, crowd, headers):
    event, ours, theirs, _ = crowd
    body = client.get(url(event), headers=headers).get_json()
    assert [r["id"] for r in body["registrations"]] == ours
    assert (body["total"], body["page"], body["pages"]) == (3, 1, 1)
    assert "counts" not in body  # the event's totals are for its organizers
    waiting = client.get(url(event) + "?status=waitlisted", headers=headers).get_json()
    assert [r["status"] for r in waiting["registrations"]] == []
    confirmed = client.get(url(event) + "?status=confirmed", headers=headers).get_json()
    assert [r["id"] for r in confirmed["registrations"]] == ours[:3]
    assert_refused(client.get(url(event) + f"?ngo_id={crowd[3].ngo_id}", headers=headers),
                   "forbidden", 403)


def test_the_events_organizer_lists_everyone_with_filters_and_pages(client, db, crowd, make_user):
    event, ours, theirs, other = crowd
    manager = api_headers(make_user("organizer", body=event.body))
    body = client.get(url(event), headers=manager).get_json()
    assert [r["id"] for r in body["registrations"]] == ours + theirs
    assert body["counts"]["confirmed"] == 3 and body["counts"]["waitlisted"] == 1
    assert (body["capacity"], body["confirmed"]) == (3, 3)
    only = client.get(url(event) + f"?ngo_id={other.ngo_id}", headers=manager).get_json()
    assert [r["id"] for r in only["registrations"]] == theirs
    assert [r["id"] for r in client.get(url(event) + "?status=waitlisted", headers=manager)
            .get_json()["registrations"]] == theirs
    assert [r["id"] for r in client.get(url(event) + "?q=رضايي", headers=manager)
            .get_json()["registrations"]] == theirs
    assert [r["id"] for r in client.get(url(event) + f"?q={nid(1)}", headers=manager)
            .get_json()["registrations"]] == ours[:1]
    page = client.get(url(event) + "?per_page=3&page=2", headers=manager).get_json()
    assert ([r["id"] for r in page["registrations"]], page["total"], page["pages"]) == (theirs, 4, 2)
    admin = api_headers(make_user("admin"))
    assert client.get(url(event), headers=admin).get_json()["total"] == 4
    for query, field in [("status=gone", "status"), ("page=0", "page"), ("per_page=x", "per_page"),
                         ("ngo_id=-3", "ngo_id"), ("q=" + "ا" * 101, "q"),
                         ("page=9223372036854775807", "page"), ("page=100001", "page"),
                         ("per_page=101", "per_page"), ("ngo_id=2147483648", "ngo_id")]:
        body = assert_refused(client.get(f"{url(event)}?{query}", headers=manager), "invalid", 400)
        assert body["field"] == field


def test_who_may_list(client, db, crowd, make_user, make_event):
    event = crowd[0]
    assert_refused(client.get(url(event)), "unauthorized", 401)
    for user in (make_user("organizer"), make_user("door")):
        assert_refused(client.get(url(event), headers=api_headers(user)), "forbidden", 403)
    draft = make_event(publish=False)
    assert_refused(client.get(url(draft), headers=api_headers(make_user("secretary"))),
                   "not_found", 404)
    manager = api_headers(make_user("organizer", body=draft.body))
    assert client.get(url(draft), headers=manager).get_json()["total"] == 0
    assert_refused(client.get(url(424242), headers=manager), "not_found", 404)


def test_read_one_registration(client, crowd, headers, make_user):
    event, ours, theirs, other = crowd
    body = client.get(reg_url(ours[0]), headers=headers).get_json()
    assert (body["id"], body["status"], body["full_name"]) == (ours[0], "confirmed", "زهرا احمدی")
    assert body["ticket_url"].endswith(f"/t/{body['ticket_code']}")
    assert_refused(client.get(reg_url(theirs[0]), headers=headers), "not_found", 404)
    manager = api_headers(make_user("organizer", body=event.body))
    assert client.get(reg_url(theirs[0]), headers=manager).status_code == 200
    for user in (make_user("organizer"), make_user("door")):
        assert_refused(client.get(reg_url(ours[0]), headers=api_headers(user)), "not_found", 404)
    assert_refused(client.get(reg_url(ours[0])), "unauthorized", 401)
    assert_refused(client.get(reg_url(987654), headers=headers), "not_found", 404)


# --- cancelling ----------------------------------------------------------------------------

def test_cancel_promotes_the_first_waitlisted(client, db, make_event, post, headers):
    event = make_event(capacity=1)
    first, second, third = [r["id"] for r in
                            post(event, person(1), person(2), person(3)).get_json()["registrations"]]
    response = client.delete(reg_url(first), headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["status"]) == (first, "cancelled") and body["cancelled_at"]
    assert [(p["id"], p["status"]) for p in body["promoted"]] == [(second, "confirmed")]
    reread(db)
    assert [db.session.get(Registration, i).status for i in (first, second, third)] == [
        RegStatus.cancelled, RegStatus.confirmed, RegStatus.waitlisted]
    assert confirmed_count(db, event) == 1
    body = assert_refused(client.delete(reg_url(first), headers=headers), "not_cancellable", 409)
    assert body["message"] == "این ثبت‌نام «لغو شده» است و لغو نمی‌شود."
    waiting = client.delete(reg_url(third), headers=headers).get_json()
    assert waiting["status"] == "cancelled" and waiting["promoted"] == []


def test_who_may_cancel(client, db, crowd, headers, make_user):
    event, ours, theirs, other = crowd
    assert_refused(client.delete(reg_url(theirs[0]), headers=headers), "not_found", 404)
    assert_refused(client.delete(reg_url(ours[0])), "unauthorized", 401)
    assert_refused(client.delete(reg_url(ours[0]), headers=api_headers(make_user("door"))),
                   "forbidden", 403)
    assert_refused(client.delete(reg_url(ours[0]), headers=api_headers(make_user("organizer"))),
                   "not_found", 404)
    assert count(db, RegStatus.cancelled) == 0
    manager = api_headers(make_user("organizer", body=event.body))
    body = client.delete(reg_url(theirs[0]), headers=manager).get_json()
    assert body["status"] == "cancelled" and body["promoted"] == []  # it was waitlisted
    body = client.delete(reg_url(ours[0]), headers=api_headers(make_user("admin"))).get_json()
    assert body["status"] == "cancelled"
    assert count(db, RegStatus.cancelled) == 2


# --- approving and rejecting ---------------------------------------------------------------

def test_the_organizer_approves_and_rejects(client, db, make_event, post, make_user):
    event = make_event(capacity=1, approval=True)
    a, b, c = [r["id"] for r in post(event, person(1), person(2), person(3))
               .get_json()["registrations"]]
    manager = api_headers(make_user("organizer", body=event.body))
    body = client.post(reg_url(a, "approve"), headers=manager).get_json()
    assert (body["id"], body["status"]) == (a, "confirmed") and body["decided_at"]
    assert client.post(reg_url(b, "approve"), headers=manager).get_json()["status"] == "waitlisted"
    body = client.post(reg_url(c, "reject"), headers=manager,
                       json={"note": "موضوع کار سمن با کارگاه نمی‌خواند"}).get_json()
    assert (body["status"], body["note"]) == ("rejected", "موضوع کار سمن با کارگاه نمی‌خواند")
    assert client.post(reg_url(b, "reject"), headers=manager).get_json()["status"] == "rejected"
    body = assert_refused(client.post(reg_url(a, "approve"), headers=manager), "not_pending", 409)
    assert body["message"] == "این ثبت‌نام در انتظار تأیید نیست."
    assert_refused(client.post(reg_url(a, "reject"), headers=manager), "not_pending", 409)
    assert confirmed_count(db, event) == 1


def test_approving_when_full_without_a_waitlist(client, db, make_event, post, make_user):
    event = make_event(capacity=1, approval=True)
    event.waitlist = False
    db.session.commit()
    a, b = [r["id"] for r in post(event, person(1), person(2)).get_json()["registrations"]]
    manager = api_headers(make_user("organizer", body=event.body))
    assert client.post(reg_url(a, "approve"), headers=manager).status_code == 200
    body = assert_refused(client.post(reg_url(b, "approve"), headers=manager), "full", 409)
    assert body["message"] == "ظرفیت رویداد پر است."
    reread(db)
    assert db.session.get(Registration, b).status == RegStatus.pending


def test_who_may_approve_and_reject(client, db, make_event, post, headers, make_user):
    event = make_event(capacity=2, approval=True)
    (reg,) = [r["id"] for r in post(event, person(1)).get_json()["registrations"]]
    for action in ("approve", "reject"):
        assert_refused(client.post(reg_url(reg, action)), "unauthorized", 401)
        assert_refused(client.post(reg_url(reg, action), headers=headers), "forbidden", 403)
        assert_refused(client.post(reg_url(reg, action), headers=api_headers(make_user("door"))),
                       "forbidden", 403)
        assert_refused(client.post(reg_url(reg, action),
                                   headers=api_headers(make_user("organizer"))), "not_found", 404)
        assert_refused(client.post(reg_url(555555, action),
                                   headers=api_headers(make_user("admin"))), "not_found", 404)
    manager = api_headers(make_user("organizer", body=event.body))
    for kwargs, error in [({"data": "x", "content_type": "application/json"}, "invalid_json"),
                          ({"json": {"note": 5}}, "invalid"),
                          ({"json": {"note": "ن" * 301}}, "invalid")]:
        assert_refused(client.post(reg_url(reg, "reject"), headers=manager, **kwargs), error, 400)
    assert count(db, RegStatus.pending) == 1
    assert client.post(reg_url(reg, "approve"),
                       headers=api_headers(make_user("admin"))).get_json()["status"] == "confirmed"


def test_an_id_out_of_range_is_404_for_every_method(client, make_user):
    """An address with a rule per method (GET and DELETE) answered 405 for the second method when
    the id was out of range (werkzeug matched the path, then the converter refused the value)."""
    headers = api_headers(make_user("admin"))
    for bad in ("0", str(2**31), "9" * 20, "01"):
        for method, path in [("get", url(bad)), ("post", url(bad)), ("get", reg_url(bad)),
                             ("delete", reg_url(bad)), ("post", reg_url(bad, "approve")),
                             ("post", reg_url(bad, "reject"))]:
            response = getattr(client, method)(path, headers=headers)
            assert_refused(response, "not_found", 404)
    assert_refused(client.delete(url(1), headers=headers), "method_not_allowed", 405)


# --- the OpenAPI document ------------------------------------------------------------------

def test_openapi_lists_the_registration_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert set(paths["/api/v1/events/{event_id}/registrations"]) >= {"get", "post"}
    assert set(paths["/api/v1/registrations/{reg_id}"]) >= {"get", "delete"}
    assert "post" in paths["/api/v1/registrations/{reg_id}/approve"]
    assert "post" in paths["/api/v1/registrations/{reg_id}/reject"]
    create = paths["/api/v1/events/{event_id}/registrations"]["post"]
    schemas = spec["components"]["schemas"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RegCreateInput")
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(create["responses"])
    for reason in ("full", "ngo_quota", "closed", "not_open", "duplicate"):
        assert reason in create["responses"]["409"]["description"]
    for reason in ("invalid_national_id", "invalid_mobile", "not_in_audience"):
        assert reason in create["responses"]["422"]["description"]
    attendee = schemas["Attendee"]["properties"]
    assert attendee["full_name"]["maxLength"] == 120 and attendee["role"]["maxLength"] == 100
    blank = re.compile(attendee["full_name"]["pattern"])  # the document's blank is the schema's
    # JSON Schema's white space (\x1c or \x85 are not; a name of them is the service's 422)
    assert blank.search("ز") and not any(blank.search(c) for c in " \t\xa0\u3000\ufeff")
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schemas["RegCreateInput"]["properties"]["attendees"]["maxItems"] == 50
    listing = {p["name"]: p for p in paths["/api/v1/events/{event_id}/registrations"]["get"]["parameters"]}
    assert listing["page"]["schema"]["maximum"] == 100_000 and listing["per_page"]["schema"]["maximum"] == 100
    assert listing["status"]["schema"]["enum"] == [s.value for s in RegStatus]
    for path, method in [("/api/v1/registrations/{reg_id}", "delete"),
                         ("/api/v1/registrations/{reg_id}/approve", "post"),
                         ("/api/v1/registrations/{reg_id}/reject", "post")]:
        assert {"200", "401", "403", "404", "409"} <= set(paths[path][method]["responses"])
    assert {"id", "status", "ticket_code", "ticket_url"} <= set(schemas["RegistrationOut"]["properties"])
    assert "registrations" in schemas["RegCreated"]["properties"]
    assert "requestBody" in paths["/api/v1/registrations/{reg_id}/reject"]["post"]


def test_an_attendee_may_give_an_email_and_the_answer_has_the_short_code(client, db, make_event, post):
    event = make_event()
    made = post(event, person(1, email="zahra@example.ir"))
    assert made.status_code == 201, made.get_json()
    reg = made.get_json()["registrations"][0]
    assert reg["email"] == "zahra@example.ir"
    code = reg["short_code"]
    assert len(code) == 8 and f"{code[:4]}-{code[4:]}" in client.get(reg["ticket_url"]).get_data(as_text=True)
    refused = post(event, person(2, email="not an address"))
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid_email"
