"""The log's pages and API: admins see everything and filter it; organizers see their body's
entries only (never another body's); other roles are refused; an event's page shows its
history to those who manage it."""
import re
from datetime import timedelta

import pytest

from eventsapp.accounts import services as accounts
from eventsapp.audit import services as audit
from eventsapp.audit.models import Action, AuditEntry
from eventsapp.events import services as events
from eventsapp.jalali import format_date, today, utcnow
from eventsapp.persian import to_persian_digits

from ..conftest import api_headers, login
from .conftest import event_input


@pytest.fixture
def two_bodies(db, make_body, make_user):
    """Two bodies, each with an organizer and an event; the event of the second was edited."""
    own = make_user("organizer", body=make_body(name="فرمانداری شمیرانات"), full_name="علی رضایی")
    other = make_user("organizer", body=make_body(name="شهرداری کرج", province="البرز", county="کرج"),
                      full_name="مینا کرجی")
    mine, _ = events.create_event(db.session, own.body, event_input(db, title="کارگاه شمیرانات"), actor=own)
    theirs, _ = events.create_event(db.session, other.body, event_input(db, title="نشست کرج"), actor=other)
    events.update_event(db.session, theirs, event_input(db, title="نشست کرج", capacity=9), actor=other)
    db.session.commit()
    return own, other, mine, theirs


def _rows(html: str) -> int:
    return len(re.findall(r"<tr>\s*<td data-label=\"زمان\"", html))


def test_admin_sees_every_body_and_filters(client, db, two_bodies, make_user):
    own, other, mine, theirs = two_bodies
    admin = make_user("admin")
    login(client, admin)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "کارگاه شمیرانات" in html and "نشست کرج" in html and 'dir="rtl"' in html
    assert "ساخت رویداد" in html and "ویرایش رویداد" in html

    html = client.get(f"/admin/audit?type=event&object={to_persian_digits(theirs.id)}").get_data(as_text=True)
    assert "نشست کرج" in html and "کارگاه شمیرانات" not in html
    assert _rows(html) == 2  # created and edited
    assert "<del>۳</del> ← <ins>۹</ins>" in html  # capacity before and after, in Persian digits

    html = client.get("/admin/audit?action=event.edit").get_data(as_text=True)
    assert _rows(html) == 1
    html = client.get("/admin/audit?actor=مینا").get_data(as_text=True)
    assert "نشست کرج" in html and "کارگاه شمیرانات" not in html


def test_the_jalali_date_range_is_typed_in_any_digits(client, db, two_bodies, make_user):
    login(client, make_user("admin"))
    day = format_date(today(), "short")  # ۱۴۰۵/۰۹/۱۳
    html = client.get(f"/admin/audit?from={day}&to={day}&type=event").get_data(as_text=True)
    assert _rows(html) == 3
    latin = format_date(today() - timedelta(days=1), "input")
    html = client.get(f"/admin/audit?to={latin}&type=event").get_data(as_text=True)
    assert _rows(html) == 0
    arabic = format_date(today() + timedelta(days=1), "input").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert _rows(client.get(f"/admin/audit?from={arabic}").get_data(as_text=True)) == 0


@pytest.mark.parametrize("query", ["from=1405/13/40", "to=hello", "object=abc", "object=99999999999999",
                                   "page=9223372036854775807", "type=nothing", "from=%ED%A0%80", "actor=%ED%A0%80"])
def test_bad_filters_are_a_persian_message_never_a_500(client, db, make_user, query):
    login(client, make_user("admin"))
    page = client.get(f"/admin/audit?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    if query.startswith(("from=1405", "to=", "object=")):
        assert 'class="flash flash-error"' in html


def test_the_admin_page_is_paginated(client, db, make_user, make_body):
    admin = make_user("admin")
    body = make_body(name="نهاد پرکار")
    for i in range(55):
        audit.record(db.session, admin, Action.body_edit, body, {"name": f"{i}"}, {"name": f"{i + 1}"})
    db.session.commit()
    login(client, admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert _rows(first) == 50 and "صفحهٔ ۱ از ۲" in first
    assert _rows(client.get("/admin/audit?page=۲").get_data(as_text=True)) >= 5


def test_an_organizer_sees_their_bodys_entries_only(client, db, two_bodies):
    own, other, mine, theirs = two_bodies
    login(client, own)
    html = client.get("/organizer/audit").get_data(as_text=True)
    assert "کارگاه شمیرانات" in html and "نشست کرج" not in html and "مینا کرجی" not in html
    # Filters cannot reach past the body either.
    html = client.get(f"/organizer/audit?type=event&object={theirs.id}").get_data(as_text=True)
    assert _rows(html) == 0
    html = client.get(f"/organizer/audit?event={theirs.id}").get_data(as_text=True)
    assert _rows(html) == 0
    assert client.get("/admin/audit").status_code == 403


@pytest.mark.parametrize("role", ["secretary", "door"])
def test_other_roles_are_refused(client, make_user, role):
    login(client, make_user(role))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/organizer/audit").status_code == 403


def test_anonymous_visitors_go_to_login(client):
    for url in ("/admin/audit", "/organizer/audit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_events_page_shows_its_history_to_its_managers_only(client, db, two_bodies, make_user):
    own, other, mine, theirs = two_bodies
    events.publish(theirs, actor=other)
    db.session.commit()
    login(client, other)
    html = client.get(f"/events/{theirs.id}").get_data(as_text=True)
    assert "تاریخچهٔ تغییرات" in html and "انتشار رویداد" in html and "ویرایش رویداد" in html
    client.post("/logout")
    login(client, own)  # another body's organizer: the public page, no history
    html = client.get(f"/events/{theirs.id}").get_data(as_text=True)
    assert "نشست کرج" in html and "تاریخچهٔ تغییرات" not in html
    client.post("/logout")
    assert "تاریخچهٔ تغییرات" not in client.get(f"/events/{theirs.id}").get_data(as_text=True)


def test_a_page_change_is_recorded_with_the_signed_in_user(client, db, make_user):
    admin = make_user("admin", full_name="مدیر آزمون")
    user = make_user("door")
    login(client, admin)
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "a-new-password-1"})
    assert response.status_code == 302
    entry = db.session.query(AuditEntry).filter_by(action="user.password").one()
    assert (entry.actor_id, entry.actor_name, entry.object_id) == (admin.id, "مدیر آزمون", user.id)


# --- API ----------------------------------------------------------------------------------------

def test_api_filters_by_object_and_answers_the_documented_shape(client, db, two_bodies, make_user):
    own, other, mine, theirs = two_bodies
    response = client.get(f"/api/v1/audit?object_type=event&object_id={theirs.id}",
                          headers=api_headers(make_user("admin")))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)
    edit, create = body["entries"]
    assert set(edit) >= {"at", "actor", "action", "object_type", "object_id", "before", "after"}
    assert edit["actor"] == {"id": other.id, "name": "مینا کرجی"}
    assert (edit["action"], edit["object_type"], edit["object_id"]) == ("event.edit", "event", theirs.id)
    assert (edit["before"]["capacity"], edit["after"]["capacity"]) == (3, 9)
    assert create["before"] is None and create["after"]["title"] == "نشست کرج"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:30", edit["at"])


def test_api_scopes_organizers_to_their_body(client, db, two_bodies):
    own, other, mine, theirs = two_bodies
    headers = api_headers(own)
    body = client.get("/api/v1/audit?object_type=event", headers=headers).get_json()
    assert {e["object_id"] for e in body["entries"]} == {mine.id}
    body = client.get(f"/api/v1/audit?object_type=event&object_id={theirs.id}", headers=headers).get_json()
    assert body["entries"] == [] and body["total"] == 0


def test_api_pages_and_dates(client, db, two_bodies, make_user):
    headers = api_headers(make_user("admin"))
    body = client.get("/api/v1/audit?object_type=event&per_page=1&page=2", headers=headers).get_json()
    assert (len(body["entries"]), body["total"], body["pages"]) == (1, 3, 3)
    day = today().isoformat()
    assert client.get(f"/api/v1/audit?object_type=event&from={day}&to={day}",
                      headers=headers).get_json()["total"] == 3
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/audit?object_type=event&to={yesterday}",
                      headers=headers).get_json()["total"] == 0


@pytest.mark.parametrize("role", ["secretary", "door"])
def test_api_refuses_other_roles(client, make_user, role):
    response = client.get("/api/v1/audit", headers=api_headers(make_user(role)))
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_api_without_a_token_is_401(client):
    response = client.get("/api/v1/audit")
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("query, field", [("object_type=nothing", "object_type"),
                                          ("object_id=0", "object_id"),
                                          ("object_id=99999999999", "object_id"),
                                          ("from=1405-01-01", "from"),
                                          ("page=9223372036854775807", "page"),
                                          ("action=event.delete", "action")])
def test_api_bad_filters_are_400_in_persian(client, make_user, query, field):
    response = client.get(f"/api/v1/audit?{query}", headers=api_headers(make_user("admin")))
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field and not body["message"].isascii()


def test_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/audit"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    names = {p["name"] for p in operation["parameters"]}
    assert {"object_type", "object_id", "action", "from", "to", "page", "per_page"} <= names


# --- the door: a check-in by hand is in the log, a camera scan is not ---------------------------

@pytest.fixture
def today_event(db, organizer, make_user):
    from datetime import time as clock

    from eventsapp.registrations import services as registrations

    from .conftest import person

    event, _ = events.create_event(db.session, organizer.body, event_input(
        db, days=[events.DayInput(today(), clock(0, 1), clock(23, 59))], capacity=5), actor=organizer)
    events.publish(event, actor=organizer)
    secretary = make_user("secretary")
    regs = registrations.register(db.session, event, secretary.ngo, [person(1), person(2)],
                                  actor=secretary, now=utcnow() - timedelta(days=2))
    db.session.commit()
    return event, regs


def test_a_check_in_by_hand_is_one_entry_and_a_camera_scan_none(client, db, organizer, today_event):
    event, (typed, scanned) = today_event
    login(client, organizer)
    mark = db.session.query(AuditEntry).count()
    answer = client.post(f"/events/{event.id}/scan/check",
                         json={"code": scanned.ticket_code, "gate": "شمالی", "manual": False})
    assert answer.get_json()["verdict"] == "ok"
    assert db.session.query(AuditEntry).count() == mark
    answer = client.post(f"/events/{event.id}/scan/check",
                         json={"code": typed.ticket_code, "gate": "شمالی", "manual": True})
    assert answer.get_json()["verdict"] == "ok"
    entry = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.object_type, entry.actor_id, entry.actor_name) == (
        "checkin.manual", "checkin", organizer.id, "علی رضایی")
    assert (entry.event_id, entry.body_id, entry.object_label) == (event.id, event.body_id, typed.full_name)
    assert entry.before is None
    assert entry.after == {"day": today().isoformat(), "gate": "شمالی", "registration_id": typed.id}
    assert entry.at.tzinfo is not None
    # The same ticket again by hand: already in, nothing more written.
    again = client.post(f"/events/{event.id}/scan/check", json={"code": typed.ticket_code, "manual": True})
    assert again.get_json()["verdict"] == "already_checked_in"
    assert db.session.query(AuditEntry).count() == mark + 1


def test_an_import_in_chunks_is_one_entry_written_with_its_last_chunk(client, db, make_user, monkeypatch):
    import io

    from eventsapp.ngos import routes as ngo_routes

    monkeypatch.setattr(ngo_routes, "CHUNK_ROWS", 1)
    admin = make_user("admin", full_name="مدیر درون‌ریزی")
    login(client, admin)
    raw = "نام,شماره ثبت,استان\r\nالف,801,تهران\r\nب,802,تهران\r\n,803,تهران\r\n".encode()
    response = client.post("/ngos/import", data={"file": (io.BytesIO(raw), "سمن‌ها.csv")},
                           content_type="multipart/form-data")
    token = response.location.rsplit("/", 1)[1]
    imports = lambda: db.session.query(AuditEntry).filter_by(action="ngo.import").all()  # noqa: E731
    assert client.post(f"/ngos/import/{token}/chunk?start=0").get_json()["done"] is False
    assert imports() == []
    assert client.post(f"/ngos/import/{token}/chunk?start=1").get_json()["done"] is True
    assert client.post(f"/ngos/import/{token}/chunk?start=1").get_json()["done"] is True  # retried
    [entry] = imports()
    assert (entry.actor_id, entry.actor_name, entry.object_label) == (admin.id, "مدیر درون‌ریزی", "سمن‌ها.csv")
    assert entry.after == {"file": "سمن‌ها.csv", "rows": 2, "added": 2, "updated": 0, "unchanged": 0,
                           "skipped": 0}


def test_the_documented_day_pattern_takes_exactly_the_years_the_field_takes():
    from eventsapp.api.schema import MAX_GREGORIAN_YEAR, MIN_GREGORIAN_YEAR, Date

    pattern = Date().metadata["pattern"]
    for year in range(1900, 2200):
        assert bool(re.match(pattern, f"{year}-06-15")) == (MIN_GREGORIAN_YEAR <= year <= MAX_GREGORIAN_YEAR)