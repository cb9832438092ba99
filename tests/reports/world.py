"""A known history for the reports (the fixture ``world`` of tests/reports, and the browser test), small enough to count by hand.

Three provinces, four bodies, seven NGOs, ten people, five held events over Jalali 1403 and
1404 (plus a draft, a cancelled and an upcoming event that no report counts as held), check-ins
(one undone), and awards (one revoked). Every figure the tests assert is worked out in
``EXPECTED`` comments next to the data.

    body B1 فرمانداری شمیرانات (county body, Tehran/Shemiranat)   → its own events only
    body B2 دفتر امور اجتماعی استانداری سمنان (provincial office)  → every event held in Semnan
    body B3 دفتر امور اجتماعی استانداری اصفهان (provincial office)
    body B4 فرمانداری شاهرود (county body in Semnan)

    E1 B1 workshop 1403/05/10–11 Tehran   cap 10: N1 p1 (both days), N1 p2 (day 1), N2 p3 (absent)
    E5 B3 ceremony 1403/11/20 Isfahan     cap 5:  N5 p9 (came), N5 p10 (let in, then undone)
    E3 B2 workshop 1404/02/15 Semnan      cap 4:  N3 p5 (came), N3 p6 (absent), N4 p7 (came)
    E2 B1 meeting  1404/06/05 Tehran      cap 5:  N1 p1 (came), N2 p4 (came)
    E4 B4 meeting  1404/06/05 Shahroud    cap 3:  N4 p8 (came), N1 p2 (came)
    awards: E1 letter→N1; E2 plaque→N1, plaque→N2; E3 statuette→N3, plaque→N4 (revoked)
    N6 (Semnan) and N7 (Shemiranat) never came.
"""
from dataclasses import dataclass
from datetime import date, time, timedelta, timezone

import pytest

from eventsapp.accounts.models import BodyKind
from eventsapp.awards import services as awards
from eventsapp.awards.models import AwardKind
from eventsapp.checkin import services as checkin
from eventsapp.checkin.models import CheckIn
from eventsapp.events import services as events
from eventsapp.events.models import EventKind, EventStatus
from eventsapp.jalali import from_jalali, local_datetime
from eventsapp.ngos.models import NgoStatus
from eventsapp.places.services import find_county, find_province
from eventsapp.registrations import services as registrations
from eventsapp.reports import facts


def at(d, hh, mm=0):
    return local_datetime(d, time(hh, mm)).astimezone(timezone.utc)


def person(n):
    return {"full_name": f"شرکت‌کننده {n}", "national_id": registrations.complete_national_id(f"{n:09d}"),
            "mobile": f"0912000{n:04d}"}


@dataclass
class World:
    bodies: dict
    ngos: dict
    events: dict
    regs: dict  # "p1@E1" → registration
    today: date  # a day after all held events, for the services' clock


J = from_jalali


@pytest.fixture
def world(db, make_body, make_ngo):
    return build_world(db, make_body, make_ngo)


def build_world(db, make_body, make_ngo) -> World:
    s = db.session
    bodies = {
        "B1": make_body(name="فرمانداری شمیرانات", kind=BodyKind.county_governorate, province="تهران", county="شمیرانات"),
        "B2": make_body(name="دفتر امور اجتماعی استانداری سمنان", kind=BodyKind.social_affairs_office, province="سمنان", county=None),
        "B3": make_body(name="دفتر امور اجتماعی استانداری اصفهان", kind=BodyKind.social_affairs_office, province="اصفهان", county=None),
        "B4": make_body(name="فرمانداری شاهرود", kind=BodyKind.county_governorate, province="سمنان", county="شاهرود"),
    }
    ngos = {
        "N1": make_ngo(name="انجمن الف", province="تهران", county="شمیرانات"),
        "N2": make_ngo(name="انجمن ب", province="تهران", county="شمیرانات"),
        "N3": make_ngo(name="کانون پ", province="سمنان", county="سمنان"),
        "N4": make_ngo(name="کانون ت", province="سمنان", county="شاهرود"),
        "N5": make_ngo(name="مؤسسهٔ ث", province="اصفهان", county="اصفهان"),
        "N6": make_ngo(name="جمعیت ج", province="سمنان", county="سمنان"),
        "N7": make_ngo(name="جمعیت چ", province="تهران", county="شمیرانات"),
    }
    ngos["N5"].status = NgoStatus.semi_active
    ngos["N6"].status = NgoStatus.inactive
    s.commit()

    def make_event(body, kind, title, province, county, days, capacity, publish=True):
        p = find_province(s, province)
        data = events.EventInput(kind=kind, title=title, venue_name=f"سالن {title}", province=p,
                                 county=find_county(s, county, p),
                                 days=[events.DayInput(d, time(9), time(13)) for d in days], capacity=capacity)
        event, _ = events.create_event(s, bodies[body], data)
        if publish:
            events.publish(event)
        s.flush()
        return event

    E = {}
    E["E1"] = make_event("B1", EventKind.workshop, "کارگاه یک", "تهران", "شمیرانات", [J(1403, 5, 10), J(1403, 5, 11)], 10)
    E["E5"] = make_event("B3", EventKind.ceremony, "مراسم پنج", "اصفهان", "اصفهان", [J(1403, 11, 20)], 5)
    E["E3"] = make_event("B2", EventKind.workshop, "کارگاه سه", "سمنان", "سمنان", [J(1404, 2, 15)], 4)
    E["E2"] = make_event("B1", EventKind.meeting, "نشست دو", "تهران", "شمیرانات", [J(1404, 6, 5)], 5)
    E["E4"] = make_event("B4", EventKind.meeting, "نشست چهار", "سمنان", "شاهرود", [J(1404, 6, 5)], 3)
    regs = {}

    def register(event_key, ngo_key, *people):
        event = E[event_key]
        made = registrations.register(s, event, ngos[ngo_key], [person(n) for n in people],
                                      now=at(event.starts_on, 9) - timedelta(days=3))
        for n, reg in zip(people, made):
            regs[f"p{n}@{event_key}"] = reg

    register("E1", "N1", 1, 2); register("E1", "N2", 3)
    register("E5", "N5", 9, 10)
    register("E3", "N3", 5, 6); register("E3", "N4", 7)
    register("E2", "N1", 1); register("E2", "N2", 4)
    register("E4", "N4", 8); register("E4", "N1", 2)
    s.commit()

    def come(key, day, minute=5):
        event = E[key.split("@")[1]]
        result = checkin.check_in(s, event, regs[key].ticket_code, now=at(day, 9, minute))
        assert result.verdict.value == "ok", (key, result.verdict)

    come("p1@E1", J(1403, 5, 10)); come("p1@E1", J(1403, 5, 11)); come("p2@E1", J(1403, 5, 10))
    come("p9@E5", J(1403, 11, 20)); come("p10@E5", J(1403, 11, 20))
    come("p5@E3", J(1404, 2, 15)); come("p7@E3", J(1404, 2, 15))
    come("p1@E2", J(1404, 6, 5)); come("p4@E2", J(1404, 6, 5))
    come("p8@E4", J(1404, 6, 5)); come("p2@E4", J(1404, 6, 5), 20)
    s.commit()
    # p10 was let in by mistake: undone by an admin.
    from eventsapp.accounts import services as accounts
    from eventsapp.accounts.models import Role
    admin = accounts.create_user(s, username="undoer", password="x-pass-123", role=Role.admin, full_name="مدیر")
    wrong = s.query(CheckIn).filter_by(registration_id=regs["p10@E5"].id).one()
    checkin.undo(s, wrong, user=admin, now=at(J(1403, 11, 20), 9, 30))

    def award(event_key, ngo_key, kind, revoke=False):
        given = awards.give_award(s, E[event_key], kind=kind, ngo=ngos[ngo_key], title="قدردانی",
                                  awarded_on=E[event_key].starts_on, allow_other_ngos=True)
        if revoke:
            awards.revoke(s, given.awards[0], reason="اشتباه")

    award("E1", "N1", AwardKind.letter)
    award("E2", "N1", AwardKind.plaque); award("E2", "N2", AwardKind.plaque)
    award("E3", "N3", AwardKind.statuette); award("E3", "N4", AwardKind.plaque, revoke=True)
    for key in ("E1", "E2", "E3", "E4", "E5"):
        events.set_status(E[key], EventStatus.completed)

    # Not held: a draft, a cancelled event (with someone registered), an upcoming one.
    make_event("B1", EventKind.workshop, "پیش‌نویس", "تهران", "شمیرانات", [J(1404, 3, 1)], 5, publish=False)
    cancelled = make_event("B1", EventKind.meeting, "لغوشده", "تهران", "شمیرانات", [J(1404, 4, 1)], 5)
    registrations.register(s, cancelled, ngos["N7"], [person(20)], now=at(J(1404, 3, 25), 9))
    events.cancel(cancelled, "برگزار نشد")
    E["upcoming"] = make_event("B1", EventKind.workshop, "کارگاه آینده", "تهران", "شمیرانات",
                               [date.today() + timedelta(days=30)], 50)
    s.commit()
    facts.refresh(s)
    s.commit()
    return World(bodies, ngos, E, regs, today=J(1404, 7, 1))
