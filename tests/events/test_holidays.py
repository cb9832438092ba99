"""Official holidays and occasions: Fridays and holidays warn without refusing, lunar occasions
move with the lunar year, an event marks several occasions, the month grid shows them all."""
from datetime import date

import pytest
from sqlalchemy import select

from eventsapp.events import holidays, services
from eventsapp.events.models import Event, Occasion, OccasionCalendar
from eventsapp.events.services import EventFilter
from eventsapp.jalali import from_jalali
from tests.events.test_routes import form_data  # noqa: F401 (fixture)
from tests.events.test_services import (_keep_shipped_occasions, body, event_input, jday,  # noqa: F401
                                        shipped_occasion)


def test_official_holidays_come_with_their_persian_names():
    nowruz = holidays.official(from_jalali(1405, 1, 1))
    assert any("نوروز" in n for n in nowruz)
    assert holidays.official(from_jalali(1405, 3, 14)) != ()  # the death of Imam Khomeini
    # Lunar ones move: Ashura fell on different solar days in 2025 and 2026.
    ashura = [d for d, names in holidays.between(date(2025, 1, 1), date(2026, 12, 31)).items()
              if any("عاشورا" in n for n in names)]
    assert len(ashura) == 2 and (ashura[0] - ashura[1].replace(year=2025)).days in range(10, 13)
    assert holidays.official(date(2026, 12, 2)) == ()  # a Wednesday, a working day


def test_a_day_off_warns_and_does_not_refuse(db, body):  # noqa: F811
    friday = jday(1405, 9, 13)  # Friday 2026-12-04
    nowruz = jday(1406, 1, 2)
    assert friday.date.weekday() == 4
    event, warnings = services.create_event(db.session, body, event_input(days=[friday, nowruz]))
    assert event.id is not None
    messages = [w.message for w in warnings]
    assert messages[0].startswith("جمعه ۱۳ آذر ۱۴۰۵ تعطیل رسمی است (جمعه)")
    assert "نوروز" in messages[1]
    _, none = services.create_event(db.session, body, event_input(
        title="کارگاه روز کاری", days=[jday(1405, 9, 11)]))
    assert none == []


def test_lunar_occasion_moves_about_eleven_days_a_year(db):
    occasion = services.save_occasion(db.session, None, name="نیمه‌شعبان آزمون", calendar="hijri",
                                      month=8, day=15)
    spans = [services.occasion_span(occasion, jy)[0] for jy in (1404, 1405, 1406)]
    gaps = [(spans[i] - spans[i + 1].replace(year=spans[i + 1].year - 1)).days for i in range(2)]
    assert all(10 <= g <= 12 for g in gaps), spans
    for jy, start in zip((1404, 1405, 1406), spans):
        assert from_jalali(jy, 1, 1) <= start < from_jalali(jy + 1, 1, 1)
    with pytest.raises(services.EventError):
        services.save_occasion(db.session, None, name="سی‌ام قمری", calendar="hijri", month=9, day=30)


def test_an_event_marks_several_occasions_and_is_found_by_each(db, body):  # noqa: F811
    week = shipped_occasion(db, "هفتهٔ دولت")
    other = services.save_occasion(db.session, None, name="روز آزمون", calendar="jalali", month=6, day=5)
    event, _ = services.create_event(db.session, body, event_input(
        occasion=week, other_occasions=[other, week], days=[jday(1405, 6, 5)]))
    db.session.commit()
    assert event.occasions == [week, other]
    query = services._filtered(select(Event), EventFilter(occasion_id=other.id))
    assert db.session.scalars(query).all() == [event]


def test_month_grid_marks_holidays_and_occasions(client, db):
    html = client.get("/events/calendar?y=1405&m=1").get_data(as_text=True)
    first = html[html.index('data-date="2026-03-21"'):]
    first = first[:first.index('role="cell"', 10)]
    assert "holiday" in html[html.index('data-date="2026-03-21"') - 80:html.index('data-date="2026-03-21"')]
    assert "mark-holiday" in first and "نوروز" in first


def test_occasions_admin_lists_in_calendar_order_for_any_year(client, db, login_as):
    login_as("admin")
    for jy in (1404, 1420):
        html = client.get(f"/admin/occasions?y={jy}").get_data(as_text=True)
        occasions = db.session.scalars(select(Occasion)).all()
        spans = {o.name: services.occasion_span(o, jy)[0] for o in occasions}
        shown = sorted(spans, key=lambda n: html.index(f">{n}<"))
        assert [spans[n] for n in shown] == sorted(spans.values())
        assert "تعطیلات رسمی" in html and "نوروز" in html


def test_the_form_takes_more_occasions(client, db, login_as, form_data):  # noqa: F811
    login_as("organizer")
    week = shipped_occasion(db, "هفتهٔ دولت")
    volunteer = shipped_occasion(db, "روز جهانی داوطلب")
    response = client.post("/events/new", data=form_data(occasion_id=str(week.id),
                                                         other_occasion_ids=str(volunteer.id)))
    assert response.status_code == 302
    event = db.session.query(Event).one()
    assert event.occasions == [week, volunteer]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "به مناسبت هفتهٔ دولت، روز جهانی داوطلب" in page
