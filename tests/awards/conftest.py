"""Award fixtures: a one-day Government Week meeting in Shemiranat with two NGOs registered
(and a third NGO of the county that did not come), and a two-day workshop whose attendees
came on different days. Clocks are passed in; the events are in the past."""
from dataclasses import dataclass
from datetime import date, time, timedelta, timezone

import pytest

from eventsapp.checkin import services as checkin
from eventsapp.events import services as events
from eventsapp.events.models import OfficialRole
from eventsapp.jalali import local_datetime
from eventsapp.places.services import find_county, find_province
from eventsapp.registrations import services as registrations

MEETING_DAY = date(2025, 8, 27)                      # 5 Shahrivar 1404, Government Week
WORKSHOP_DAYS = (date(2025, 8, 13), date(2025, 8, 14))  # 22 and 23 Mordad 1404
AFTER = local_datetime(date(2025, 9, 10), time(12)).astimezone(timezone.utc)


def at(d, hh, mm=0):
    return local_datetime(d, time(hh, mm)).astimezone(timezone.utc)


def people(names, start=1):
    return [{"full_name": n, "national_id": registrations.complete_national_id(f"{start + i:09d}"),
             "mobile": f"09120000{start + i:03d}"} for i, n in enumerate(names)]


@dataclass
class Meeting:
    event: object
    organizer: object
    ngos: list          # the two registered NGOs
    other: object       # an NGO of the county that did not register
    far: object         # an NGO of another province
    regs: list


@pytest.fixture
def meeting(db, make_body, make_ngo, make_user):
    body = make_body(name="فرمانداری شمیرانات")
    organizer = make_user("organizer", body=body, full_name="علی رضایی")
    tehran = find_province(db.session, "تهران")
    data = events.EventInput(
        kind="meeting", title="نشست فرماندار با سمن‌های شمیرانات", venue_name="سالن فرمانداری",
        province=tehran, county=find_county(db.session, "شمیرانات", tehran),
        days=[events.DayInput(MEETING_DAY, time(10), time(12, 30))], capacity=50,
        officials=[events.OfficialInput("محمود توکلی", "فرماندار شمیرانات", OfficialRole.chair),
                   events.OfficialInput("سعید یزدان‌پناه", "معاون سیاسی و انتظامی", OfficialRole.guest)])
    event, _ = events.create_event(db.session, body, data)
    events.publish(event)
    first = make_ngo(name="جمعیت یاری‌رسانان کودکان")
    second = make_ngo(name="انجمن جوانان کوهپایه")
    other = make_ngo(name="کانون نیکوکاری دربند")
    far = make_ngo(name="انجمن نشاط سمنان", province="سمنان", county="سمنان")
    before = at(MEETING_DAY, 9) - timedelta(days=3)
    regs = registrations.register(db.session, event, first, people(["زهرا احمدی", "محمد کاظمی"]), now=before)
    regs += registrations.register(db.session, event, second, people(["مریم حسینی"], start=10), now=before)
    events.set_status(event, "completed")
    db.session.commit()
    return Meeting(event, organizer, [first, second], other, far, regs)


@dataclass
class Workshop:
    event: object
    organizer: object
    ngo: object
    both: object      # checked in on both days
    first: object     # day 1 only
    second: object    # day 2 only
    absent: object    # never came
    undone: object    # checked in on day 1, but the check-in was undone


@pytest.fixture
def workshop(db, make_body, make_ngo, make_user):
    body = make_body(name="دفتر امور اجتماعی استانداری سمنان", province="سمنان", county=None)
    organizer = make_user("organizer", body=body)
    data = events.EventInput(
        kind="workshop", title="کارگاه توانمندسازی سمن‌ها", venue_name="مجتمع گردشگری",
        province=find_province(db.session, "سمنان"),
        days=[events.DayInput(d, time(9), time(13)) for d in WORKSHOP_DAYS], capacity=20,
        officials=[events.OfficialInput("بهرام سلیمانی", "مدیرکل", OfficialRole.chair)])
    event, _ = events.create_event(db.session, body, data)
    events.publish(event)
    ngo = make_ngo(name="انجمن نشاط اجتماعی", province="سمنان", county="مهدیشهر")
    regs = registrations.register(
        db.session, event, ngo, people(["لیلا کریمی", "امیر نوری", "سارا جعفری", "حمید صادقی", "الهام قاسمی"], start=20),
        now=at(WORKSHOP_DAYS[0], 8) - timedelta(days=5))
    both, first, second, absent, undone = regs
    day1, day2 = WORKSHOP_DAYS
    for reg, when in ((both, at(day1, 9, 5)), (both, at(day2, 8, 50)), (first, at(day1, 9, 30)),
                      (second, at(day2, 10)), (undone, at(day1, 9, 10))):
        assert checkin.check_in(db.session, event, reg.ticket_code, now=when).verdict.value == "ok"
    wrong = db.session.query(checkin.CheckIn).filter_by(registration_id=undone.id).one()
    checkin.undo(db.session, wrong, user=organizer, now=at(day1, 9, 12))
    db.session.commit()
    return Workshop(event, organizer, ngo, both, first, second, absent, undone)
