"""Registration pages: the secretary's form and list, organizers' review, approval, export."""
import csv
import io
from datetime import time, timedelta

import pytest
from openpyxl import load_workbook

from eventsapp.events import services as events
from eventsapp.events.models import Event
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations.models import RegStatus, Registration
from eventsapp.registrations.services import complete_national_id
from tests.conftest import login


def nid(n: int) -> str:
    return complete_national_id(f"{n:09d}")


@pytest.fixture
def open_event(db, make_body):
    def make(capacity=3, quota=None, approval=False, body=None, **kw):
        body = body or make_body(name=f"نهاد رویداد {capacity}-{quota}-{approval}")
        data = events.EventInput(
            kind="workshop", title=kw.pop("title", "کارگاه آزمایشی"), venue_name="سالن",
            province=find_province(db.session, "تهران"),
            days=[events.DayInput(today() + timedelta(days=10), time(9), time(12))],
            capacity=capacity, per_ngo_quota=quota, requires_approval=approval, **kw)
        event, _ = events.create_event(db.session, body, data)
        events.publish(event)
        db.session.commit()
        return event
    return make


def rows(*people):
    data = {}
    for i, (name, national_id, mobile) in enumerate(people):
        data.update({f"attendees-{i}-full_name": name, f"attendees-{i}-national_id": national_id,
                     f"attendees-{i}-mobile": mobile, f"attendees-{i}-role": "عضو"})
    return data


def test_secretary_registers_three_members_in_one_form(client, db, login_as, open_event):
    event = open_event(capacity=2)
    secretary = login_as("secretary")
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "ثبت‌نام اعضای" in page and 'name="attendees-2-full_name"' in page
    response = client.post(f"/events/{event.id}/register", data=rows(
        ("زهرا احمدي", "۰۰" + nid(1)[2:], "۰۹۱۲۱۱۱۲۲۳۳"),
        ("علی رضایی", nid(2), "+989121112234"),
        ("مریم کاظمی", nid(3), "9121112235")), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "۲ نفر قطعی" in html and "۱ نفر فهرست انتظار" in html
    regs = db.session.query(Registration).order_by(Registration.id).all()
    assert [r.status for r in regs] == [RegStatus.confirmed, RegStatus.confirmed, RegStatus.waitlisted]
    assert regs[0].full_name == "زهرا احمدی" and regs[1].mobile == "09121112234"
    assert all(r.ngo_id == secretary.ngo_id for r in regs)
    assert f"/t/{regs[0].ticket_code}" in html and f"/t/{regs[2].ticket_code}" not in html


@pytest.mark.parametrize("people,message", [
    ([("زهرا", "1234567890", "09121112233")], "کد ملی «۱۲۳۴۵۶۷۸۹۰» درست نیست"),
    ([("زهرا", nid(5), "0912")], "شمارهٔ همراه «۰۹۱۲» درست نیست"),
    ([("زهرا", nid(5), "09121112233"), ("", nid(6), "09121112234")], "ردیف ۲: نام و نام خانوادگی را بنویسید."),
    ([("زهرا", nid(5), "09121112233"), ("زینب", nid(5), "09121112234")], "پیش‌تر برای این رویداد ثبت‌نام شده است"),
    ([], "دست‌کم یک نفر را برای ثبت‌نام وارد کنید."),
])
def test_bad_rows_refuse_the_whole_form_in_persian(client, db, login_as, open_event, people, message):
    event = open_event(capacity=10)
    login_as("secretary")
    response = client.post(f"/events/{event.id}/register", data=rows(*people))
    assert message in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == 0


def test_every_bad_field_is_marked_in_one_go(client, db, login_as, open_event):
    event = open_event(capacity=10)
    login_as("secretary")
    response = client.post(f"/events/{event.id}/register", data=rows(
        ("زهرا", "1234567890", "0912"), ("", nid(6), "09121112234"), ("علی", nid(7), "12345")))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for message in ("ردیف ۱: کد ملی «۱۲۳۴۵۶۷۸۹۰» درست نیست", "ردیف ۱: شمارهٔ همراه «۰۹۱۲» درست نیست",
                    "ردیف ۲: نام و نام خانوادگی را بنویسید.", "ردیف ۳: شمارهٔ همراه «۱۲۳۴۵» درست نیست"):
        assert message in html, message
    for field in ("attendees-0-national_id", "attendees-0-mobile", "attendees-1-full_name",
                  "attendees-2-mobile"):
        assert f'id="{field}-error"' in html, field
    assert 'id="attendees-2-national_id-error"' not in html  # a good field is not marked
    assert db.session.query(Registration).count() == 0


def test_ngo_quota_and_closed_window_are_explained(client, db, login_as, open_event):
    event = open_event(capacity=10, quota=1)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("زهرا", nid(7), "09121112233")))
    response = client.post(f"/events/{event.id}/register", data=rows(("علی", nid(8), "09121112234")))
    assert "سهم سمن شما از این رویداد ۱ نفر است و ۱ نفر ثبت شده‌اند" in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == 1
    event = db.session.get(Event, event.id)
    event.registration_closes_at = events.starts_at(event) - timedelta(days=20)
    event.registration_opens_at = event.registration_closes_at - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "ثبت‌نام این رویداد بسته است" in page and 'name="attendees-0-full_name"' not in page
    response = client.post(f"/events/{event.id}/register", data=rows(("علی", nid(8), "09121112234")))
    assert "ثبت‌نام این رویداد بسته است" in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == 1


def test_secretary_cancels_and_the_waitlist_moves_up(client, db, login_as, open_event):
    event = open_event(capacity=1)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("زهرا", nid(9), "09121112233"),
                                                          ("علی", nid(10), "09121112234")))
    first, second = db.session.query(Registration).order_by(Registration.id).all()
    response = client.post(f"/registrations/{first.id}/cancel", follow_redirects=True)
    assert "علی از فهرست انتظار جای او را گرفت." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (first.status, second.status) == (RegStatus.cancelled, RegStatus.confirmed)
    assert db.session.get(Event, event.id).confirmed_count == 1


def test_secretaries_see_and_cancel_only_their_own(client, db, login_as, open_event, make_user):
    event = open_event(capacity=5)
    other = make_user("secretary")
    login(client, other)
    client.post(f"/events/{event.id}/register", data=rows(("زهرا", nid(11), "09121112233")))
    client.post("/logout")
    login_as("secretary")
    reg = db.session.query(Registration).one()
    assert "زهرا" not in client.get(f"/events/{event.id}/my-registrations").get_data(as_text=True)
    assert client.post(f"/registrations/{reg.id}/cancel").status_code == 404
    assert client.get(f"/events/{event.id}/registrations").status_code == 403
    db.session.refresh(reg)
    assert reg.status == RegStatus.confirmed


def test_organizer_reviews_approves_filters_and_exports(client, db, login_as, open_event, make_user):
    organizer = make_user("organizer")
    event = open_event(capacity=1, approval=True, body=organizer.body)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("زهرا احمدی", nid(12), "09121112233"),
                                                          ("علی رضایی", nid(13), "09121112234")))
    assert {r.status for r in db.session.query(Registration)} == {RegStatus.pending}
    client.post("/logout")
    login(client, organizer)
    page = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    assert "زهرا احمدی" in page and "در انتظار تأیید" in page
    first, second = db.session.query(Registration).order_by(Registration.id).all()
    client.post(f"/registrations/{first.id}/approve", follow_redirects=True)
    client.post(f"/registrations/{second.id}/approve", follow_redirects=True)
    db.session.expire_all()
    assert (first.status, second.status) == (RegStatus.confirmed, RegStatus.waitlisted)
    filtered = client.get(f"/events/{event.id}/registrations?status=waitlisted&q=علي").get_data(as_text=True)
    assert "علی رضایی" in filtered and "زهرا احمدی" not in filtered
    assert "علی رضایی" in client.get(f"/events/{event.id}/registrations?q={second.national_id[:5]}").get_data(as_text=True)

    with client.get(f"/events/{event.id}/registrations.csv") as response:
        assert response.mimetype == "text/csv"
        text = response.data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["ردیف", "نام و نام خانوادگی", "کد ملی"]
    assert table[1][1] == "زهرا احمدی" and table[1][7] == "قطعی"
    assert table[1][8].startswith(str(today().year - 621)[:2])  # a Jalali year, e.g. 1405/…
    with client.get(f"/events/{event.id}/registrations.xlsx") as response:
        sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 2).value == "نام و نام خانوادگی" and sheet.cell(3, 2).value == "علی رضایی"
    assert client.get(f"/events/{event.id}/registrations.pdf").status_code == 404

    client.post(f"/registrations/{second.id}/reject", data={"note": "تکراری"})
    db.session.refresh(second)
    assert second.status == RegStatus.rejected


def test_organizer_fills_seats_freed_by_a_larger_capacity(client, db, login_as, open_event, make_user):
    organizer = make_user("organizer")
    event = open_event(capacity=1, body=organizer.body)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("زهرا", nid(14), "09121112233"),
                                                          ("علی", nid(15), "09121112234")))
    client.post("/logout")
    login(client, organizer)
    event = db.session.get(Event, event.id)
    event.capacity = 2
    db.session.commit()
    assert "قطعی کردن از فهرست انتظار" in client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    client.post(f"/events/{event.id}/registrations/fill")
    db.session.expire_all()
    assert {r.status for r in db.session.query(Registration)} == {RegStatus.confirmed}


def test_capacity_cannot_drop_below_confirmed_seats(db, open_event):
    from eventsapp.events.services import EventError, EventReason

    event = open_event(capacity=3)
    event.confirmed_count = 2
    data = events.EventInput(kind="workshop", title=event.title, venue_name="سالن",
                             province=event.venue.province,
                             days=[events.DayInput(d.date, d.start_time, d.end_time) for d in event.days],
                             capacity=1)
    with pytest.raises(EventError) as info:
        events.update_event(db.session, event, data)
    assert info.value.reason == EventReason.capacity_below_confirmed
    assert "۲ نفر ثبت‌نام قطعی دارند" in info.value.message


def test_secretary_home_lists_open_events_for_the_ngo(client, db, login_as, open_event):
    event = open_event(capacity=5, title="رویداد باز برای همه")
    secretary = login_as("secretary")
    html = client.get("/secretary/").get_data(as_text=True)
    assert "رویداد باز برای همه" in html and secretary.ngo.name in html
    assert f"/events/{event.id}/register" in html


def test_long_lists_page_with_links_that_keep_the_event(client, db, login_as, open_event, make_user,
                                                         monkeypatch):
    from eventsapp.registrations import routes

    monkeypatch.setattr(routes, "PAGE_SIZE", 1)
    organizer = make_user("organizer")
    event = open_event(capacity=5, body=organizer.body)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("زهرا", nid(16), "09121112233"),
                                                          ("علی", nid(17), "09121112234")))
    client.post("/logout")
    login(client, organizer)
    html = client.get(f"/events/{event.id}/registrations?status=confirmed").get_data(as_text=True)
    assert f"/events/{event.id}/registrations?status=confirmed&amp;page=2" in html or \
        f"/events/{event.id}/registrations?page=2&amp;status=confirmed" in html


def test_pages_and_api_share_one_access_policy(client, db, login_as, open_event, make_user):
    """registrations/access.py for pages and API alike: another body's organizer may see the
    published event (403 on its list, page and API) but not its registrations (404 on a
    decision, page and API: it was 403 on the page, which told that the registration exists)."""
    from tests.conftest import api_headers

    event = open_event(capacity=5, approval=True)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("زهرا", nid(21), "09121112233")))
    client.post("/logout")
    reg = db.session.query(Registration).one()
    stranger = make_user("organizer")
    login(client, stranger)
    assert client.get(f"/events/{event.id}/registrations").status_code == 403
    assert client.post(f"/registrations/{reg.id}/approve").status_code == 404
    assert client.post(f"/registrations/{reg.id}/cancel").status_code == 404
    headers = api_headers(stranger)
    assert client.get(f"/api/v1/events/{event.id}/registrations", headers=headers).status_code == 403
    answer = client.post(f"/api/v1/registrations/{reg.id}/approve", headers=headers)
    assert (answer.status_code, answer.get_json()["message"]) == (404, "ثبت‌نام پیدا نشد.")
    db.session.refresh(reg)
    assert reg.status == RegStatus.pending
    assert client.get("/t/" + "x" * 22).status_code == 404


def test_the_export_lists_people_in_persian_order(client, db, login_as, open_event, make_user):
    organizer = make_user("organizer")
    event = open_event(capacity=10, body=organizer.body)
    login_as("secretary")
    client.post(f"/events/{event.id}/register", data=rows(("یاسر کاظمی", nid(21), "09121112241"),
                                                          ("گلاره نوری", nid(22), "09121112242"),
                                                          ("چنگیز امینی", nid(23), "09121112243"),
                                                          ("بهار صالحی", nid(24), "09121112244")))
    client.post("/logout")
    login(client, organizer)
    with client.get(f"/events/{event.id}/registrations.csv") as response:
        table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[1] for row in table[1:]] == ["بهار صالحی", "چنگیز امینی", "گلاره نوری", "یاسر کاظمی"]
