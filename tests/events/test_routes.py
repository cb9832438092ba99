"""Event pages through the Flask test client: forms in Jalali, permissions, status actions."""
import datetime as dt

import pytest

from eventsapp.events.models import Event, EventDay, EventStatus, Venue
from eventsapp.jalali import from_jalali
from eventsapp.places.services import find_county, find_province


@pytest.fixture
def form_data(db):
    def make(**over):
        province = find_province(db.session, "سمنان")
        county = find_county(db.session, "مهدیشهر", province)
        data = {
            "kind": "workshop", "title": "کارگاه توانمندسازی سمن‌ها", "topic": "نشاط اجتماعی",
            "days-0-date": "۱۴۰۵/۰۵/۲۳", "days-0-start": "۹:۳۰", "days-0-end": "۱۳",
            "days-1-date": "1405-5-24", "days-1-start": "09:00", "days-1-end": "12:00",
            "venue_name": "مجتمع گردشگری", "province_id": str(province.id),
            "county_id": str(county.id), "capacity": "۶۰", "per_ngo_quota": "٢",
            "audience": "all", "officials-0-name": "", "officials-0-role": "speaker",
        }
        data.update(over)
        return {k: v for k, v in data.items() if v is not None}
    return make


def counts(db):
    db.session.rollback()
    return (db.session.query(Event).count(), db.session.query(EventDay).count(),
            db.session.query(Venue).count())


def test_organizer_creates_a_two_day_workshop_in_any_digits(client, db, login_as, form_data):
    user = login_as("organizer")
    response = client.post("/events/new", data=form_data(**{"officials-0-name": "علي احمدی",
                                                              "officials-0-title": "مدیرکل"}))
    assert response.status_code == 302
    event = db.session.query(Event).one()
    assert event.body_id == user.body_id and event.status == EventStatus.draft
    assert [d.date for d in event.days] == [dt.date(2026, 8, 14), dt.date(2026, 8, 15)]
    assert event.days[0].start_time == dt.time(9, 30) and event.days[0].end_time == dt.time(13, 0)
    assert event.capacity == 60 and event.per_ngo_quota == 2
    assert event.officials[0].name == "علی احمدی"
    page = client.get(response.location).get_data(as_text=True)
    assert "جمعه ۲۳ مرداد ۱۴۰۵" in page and "شنبه ۲۴ مرداد ۱۴۰۵" in page


@pytest.mark.parametrize("override,message", [
    ({"days-0-end": "۸"}, "ساعت پایان باید پس از ساعت آغاز باشد"),
    ({"days-1-date": "۱۴۰۵/۰۵/۲۳", "days-1-start": "۱۴", "days-1-end": "۱۶"}, "دو بار آمده است"),
    ({"days-1-date": "۱۴۰۵/۰۵/۲۳", "days-1-start": "۱۰", "days-1-end": "۱۶"}, "هم‌پوشانی دارند"),
    ({"capacity": "0"}, "ظرفیت باید دست‌کم ۱ نفر باشد."),
    ({"capacity": "-5"}, "ظرفیت باید دست‌کم ۱ نفر باشد."),
    ({"per_ngo_quota": "۷۰"}, "سهم هر سمن نمی‌تواند از ظرفیت کل رویداد بیشتر باشد."),
    ({"registration_closes_date": "۱۴۰۵/۰۵/۲۴"}, "پایان ثبت‌نام باید پیش از آغاز رویداد"),
    ({"registration_opens_date": "۱۴۰۵/۰۵/۲۰", "registration_closes_date": "۱۴۰۵/۰۵/۱۰"},
     "آغاز ثبت‌نام باید پیش از پایان ثبت‌نام باشد."),
    ({"days-0-date": "۱۴۰۴/۱۲/۳۰"}, "وجود ندارد"),
    ({"days-0-date": "1403/13/01"}, "ماه باید بین"),
    ({"days-0-date": "1403/07/31"}, "وجود ندارد"),
    ({"days-0-date": "فردا"}, "۱۴۰۳/۰۵/۲۳"),
    ({"days-0-start": "25:00"}, "ساعت"),
    ({"capacity": "بیست"}, "یک عدد درست وارد کنید."),
    ({"capacity": ""}, "ظرفیت را وارد کنید."),
    ({"title": ""}, "این خانه را پر کنید."),
    ({"audience": "county"}, "برای مخاطبان یک شهرستان، شهرستان را انتخاب کنید."),
    ({"audience": "invited", "invited": "۹۹۹۹۹"}, "به هیچ سمنی نمی‌خورد"),
    ({"days-0-date": "", "days-0-start": "", "days-0-end": "",
      "days-1-date": "", "days-1-start": "", "days-1-end": ""}, "دست‌کم یک روز"),
])
def test_bad_event_input_gets_a_persian_message_and_saves_nothing(client, db, login_as, form_data,
                                                                  override, message):
    login_as("organizer")
    before = counts(db)
    response = client.post("/events/new", data=form_data(**override))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(db) == before


def test_venue_booked_at_the_same_time_gives_a_warning_but_saves(client, db, login_as, form_data):
    login_as("organizer")
    client.post("/events/new", data=form_data(title="نخستین"))
    response = client.post("/events/new", data=form_data(title="دومین"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "هشدار:" in html and "«نخستین»" in html and "رزرو شده است" in html
    assert db.session.query(Event).count() == 2


def test_editing_a_published_event_keeps_it_and_marks_the_change(client, db, login_as, form_data):
    login_as("organizer")
    client.post("/events/new", data=form_data())
    event = db.session.query(Event).one()
    client.post(f"/events/{event.id}/status/published")
    db.session.refresh(event)
    assert event.status == EventStatus.published
    form = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="1405/05/23"' in form  # prefilled in Jalali
    kept_day_id = event.days[0].id
    response = client.post(f"/events/{event.id}/edit",
                           data=form_data(**{"days-1-date": "۱۴۰۵/۰۵/۲۵"}), follow_redirects=True)
    assert "زمان این رویداد تغییر کرده است." in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.status == EventStatus.published and event.sequence >= 2
    assert event.days[0].id == kept_day_id
    assert [d.date for d in event.days][-1] == from_jalali(1405, 5, 25)


def test_organizers_touch_only_their_own_bodys_events(client, db, login_as, make_user, form_data):
    login_as("organizer")
    client.post("/events/new", data=form_data())
    event = db.session.query(Event).one()
    client.post("/logout")
    login_as("organizer")  # another body
    assert client.get(f"/events/{event.id}").status_code == 404  # a draft is not shown
    assert client.get(f"/events/{event.id}/edit").status_code == 404
    event.status = EventStatus.published
    db.session.commit()
    assert client.get(f"/events/{event.id}").status_code == 200
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.post(f"/events/{event.id}/status/cancelled", data={"reason": "x"}).status_code == 403
    db.session.refresh(event)
    assert event.status == EventStatus.published


def test_secretaries_and_door_staff_cannot_create_events(client, login_as):
    login_as("secretary")
    assert client.get("/events/new").status_code == 403


def test_admin_creates_for_a_chosen_body(client, db, login_as, make_body, form_data):
    login_as("admin")
    body = make_body(name="دفتر تسهیلگری نمونه", kind="facilitation_office")
    response = client.post("/events/new", data=form_data())
    assert "نهاد برگزارکننده را انتخاب کنید." in response.get_data(as_text=True)
    client.post("/events/new", data=form_data(body_id=str(body.id)))
    assert db.session.query(Event).one().body_id == body.id


def test_status_actions(client, db, login_as, form_data):
    login_as("organizer")
    client.post("/events/new", data=form_data())
    event = db.session.query(Event).one()
    client.post(f"/events/{event.id}/status/published")
    response = client.post(f"/events/{event.id}/status/cancelled", data={"reason": ""},
                           follow_redirects=True)
    assert "علت را بنویسید" in response.get_data(as_text=True)
    client.post(f"/events/{event.id}/status/cancelled", data={"reason": "هم‌زمانی با سیل"})
    db.session.refresh(event)
    assert event.status == EventStatus.cancelled and event.status_reason == "هم‌زمانی با سیل"
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "این رویداد لغو شده است." in page and "هم‌زمانی با سیل" in page
    response = client.post(f"/events/{event.id}/status/published", follow_redirects=True)
    assert "نمی‌توان" in response.get_data(as_text=True)
    assert client.post(f"/events/{event.id}/status/bogus").status_code == 404
    assert client.get(f"/events/{event.id}/edit", follow_redirects=True).status_code == 200


def test_held_is_offered_once_the_event_has_begun_and_the_door_from_its_page(client, db, login_as,
                                                                              form_data):
    from eventsapp.jalali import to_jalali, today

    login_as("organizer")
    future = to_jalali(today() + dt.timedelta(days=30))
    past = to_jalali(today() - dt.timedelta(days=3))
    for title, j in (("کارگاه آینده", future), ("کارگاه گذشته", past)):
        client.post("/events/new", data=form_data(
            title=title, **{"days-0-date": f"{j.year}/{j.month}/{j.day}", "days-1-date": "",
                              "days-1-start": "", "days-1-end": ""}))
    coming, held = (db.session.query(Event).filter_by(title=t).one()
                    for t in ("کارگاه آینده", "کارگاه گذشته"))
    for event in (coming, held):
        client.post(f"/events/{event.id}/status/published")
    page = client.get(f"/events/{coming.id}").get_data(as_text=True)
    assert "ثبت برگزاری" not in page
    assert f'href="/events/{coming.id}/door"' in page and f'href="/events/{coming.id}/live"' in page
    refused = client.post(f"/events/{coming.id}/status/completed", follow_redirects=True)
    assert "هنوز آغاز نشده" in refused.get_data(as_text=True)
    db.session.refresh(coming)
    assert coming.status == EventStatus.published
    assert "ثبت برگزاری" in client.get(f"/events/{held.id}").get_data(as_text=True)
    client.post(f"/events/{held.id}/status/completed")
    db.session.refresh(held)
    assert held.status == EventStatus.completed


def test_public_list_calendar_and_filters(client, db, login_as, form_data):
    login_as("organizer")
    client.post("/events/new", data=form_data(**{"days-0-date": "۱۴۰۹/۰۵/۲۳", "days-1-date": "۱۴۰۹/۰۵/۲۴"}))
    event = db.session.query(Event).one()
    assert "کارگاه توانمندسازی سمن‌ها" not in client.get("/events/").get_data(as_text=True)
    client.post(f"/events/{event.id}/status/published")
    client.post("/logout")
    semnan = find_province(db.session, "سمنان")
    tehran = find_province(db.session, "تهران")
    assert event.title in client.get(f"/events/?province={semnan.id}").get_data(as_text=True)
    assert event.title not in client.get(f"/events/?province={tehran.id}").get_data(as_text=True)
    assert event.title not in client.get("/events/?kind=meeting").get_data(as_text=True)
    cal = client.get("/events/calendar?y=1409&m=5").get_data(as_text=True)
    # once in each of its two days' cells, and once a day in the month's list under the grid
    assert cal.count(f'class="cal-event status-published" href="/events/{event.id}"') == 2
    assert cal.count(f'href="/events/{event.id}"') == 4
    assert 'class="month-list"' in cal and "در این ماه رویدادی نیست" not in cal
    assert "مرداد ۱۴۰۹" in cal
    assert client.get("/events/calendar?y=abc&m=99").status_code == 200
    assert client.get("/events/?page=-3&province=x").status_code == 200


def test_occasion_suggestions_near_a_typed_date(client, login_as):
    login_as("organizer")
    data = client.get("/events/occasions-near?date=۱۴۰۵/۰۵/۲۰").get_json()
    assert data["occasions"][0]["name"] == "روز تشکل‌ها و مشارکت‌های اجتماعی"
    bad = client.get("/events/occasions-near?date=1404/12/30")
    assert bad.status_code == 400 and "وجود ندارد" in bad.get_json()["message"]


def test_admin_edits_occasions(client, db, login_as):
    from eventsapp.events.models import Occasion

    login_as("admin")
    assert "هفتهٔ دولت" in client.get("/admin/occasions").get_data(as_text=True)
    response = client.post("/admin/occasions/new", data={
        "name": "روز آزمایشی", "calendar": "jalali", "month": "۷", "day": "۳۱", "length_days": "1"})
    assert "وجود ندارد" in response.get_data(as_text=True)
    assert db.session.query(Occasion).filter_by(name="روز آزمایشی").count() == 0
    client.post("/admin/occasions/new", data={
        "name": "روز آزمایشی", "calendar": "jalali", "month": "۷", "day": "۳۰", "length_days": "1",
        "active": "y"})
    occasion = db.session.query(Occasion).filter_by(name="روز آزمایشی").one()
    assert (occasion.month, occasion.day) == (7, 30)
    db.session.delete(occasion)
    db.session.commit()
