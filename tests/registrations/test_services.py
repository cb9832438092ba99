"""Registration services: attendee cleaning, the rules of register (window, audience, quota,
capacity, duplicates, all or none), the waitlist, approval, cancelling, and the database's own
backstops (the CHECK on the confirmed count, the partial unique index per person)."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from eventsapp.events import services as events
from eventsapp.events.models import Audience, Event
from eventsapp.jalali import format_datetime, today, utcnow
from eventsapp.places.services import find_county, find_province
from eventsapp.registrations import services
from eventsapp.registrations.models import RegStatus, Registration
from eventsapp.registrations.services import (RegistrationError, RegReason, clean_mobile,
                                              clean_national_id, complete_national_id,
                                              national_id_ok)


def nid(n: int) -> str:
    return complete_national_id(f"{n:09d}")


def person(n: int, **kw) -> dict:
    data = {"full_name": f"عضو شمارهٔ {n}", "national_id": nid(n), "mobile": f"0912{n:07d}",
            "role": "عضو"}
    data.update(kw)
    return data


@pytest.fixture
def make_event(db, make_body):
    """A published workshop ten days ahead (open for registration), committed."""
    counter = iter(range(1, 10**6))

    def make(capacity=3, quota=None, approval=False, publish=True, **kw):
        data = events.EventInput(
            kind="workshop", title="کارگاه آزمایشی", venue_name="سالن",
            province=find_province(db.session, "تهران"),
            days=[events.DayInput(today() + timedelta(days=10), time(9), time(12))],
            capacity=capacity, per_ngo_quota=quota, requires_approval=approval, **kw)
        event, _ = events.create_event(db.session, make_body(name=f"نهاد رویداد {next(counter)}"), data)
        if publish:
            events.publish(event)
        db.session.commit()
        return event
    return make


@pytest.fixture
def ngo(make_ngo):
    return make_ngo()


def register(db, event, ngo, *people, **kw):
    made = services.register(db.session, event, ngo, list(people), **kw)
    db.session.commit()
    return made


def refused(db, reason, call, *args, **kw) -> RegistrationError:
    with pytest.raises(RegistrationError) as info:
        call(*args, **kw)
    db.session.rollback()
    assert info.value.reason == reason, info.value.message
    assert info.value.code == reason.value
    return info.value


def count(db, event=None, status=None) -> int:
    query = select(func.count(Registration.id))
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    if status is not None:
        query = query.where(Registration.status == status)
    return db.session.scalar(query)


def fresh(db, obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# --- national IDs and mobiles --------------------------------------------------------------

@pytest.mark.parametrize("value", ["0499370899", "0084575948", nid(1), nid(123456789)])
def test_valid_national_ids(value):
    assert national_id_ok(value)


@pytest.mark.parametrize("value", [
    "0499370898",  # wrong check digit
    "1234567890",
    "1111111111",  # the check digit works out, but all-same digits are not issued
    "0000000000",
    "499370899",  # nine digits: national_id_ok wants ten (clean_national_id pads)
    "04993708990",
    "04993708a9",
    "",
])
def test_invalid_national_ids(value):
    assert not national_id_ok(value)


@pytest.mark.parametrize("raw,clean", [
    ("84575948", "0084575948"),  # leading zeros dropped by a spreadsheet
    ("499370899", "0499370899"),
    ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),  # Persian digits
    ("٠٤٩٩٣٧٠٨٩٩", "0499370899"),  # Arabic-Indic digits
    ("049-937089-9", "0499370899"),
    (" 0499 370 899 ", "0499370899"),
    (499370899, "0499370899"),  # a JSON number
])
def test_national_ids_are_cleaned_and_padded(raw, clean):
    assert clean_national_id(raw) == clean
    assert national_id_ok(clean_national_id(raw))


def test_seven_digits_are_not_padded():
    assert clean_national_id("4575948") == "4575948"
    assert not national_id_ok(clean_national_id("4575948"))


@pytest.mark.parametrize("raw", ["09121234567", "+989121234567", "00989121234567", "9121234567",
                                 "۰۹۱۲۱۲۳۴۵۶۷", "+۹۸۹۱۲۱۲۳۴۵۶۷", "0912 123 4567", "(0912) 123-4567",
                                 "٠٩١٢١٢٣٤٥٦٧"])
def test_mobiles_are_cleaned(raw):
    assert clean_mobile(raw) == "09121234567"


@pytest.mark.parametrize("raw", ["0912123456", "02122334455", "8121234567", "+449121234567"])
def test_bad_mobiles_stay_bad(raw):
    assert not services.MOBILE_RE.match(clean_mobile(raw))


# --- register: seats, waitlist, approval ---------------------------------------------------

def test_confirmed_while_seats_last_then_waitlisted(db, make_event, ngo, make_user):
    event = make_event(capacity=2)
    secretary = make_user("secretary", ngo=ngo)
    made = register(db, event, ngo, person(1), person(2), person(3), actor=secretary)
    assert [r.status for r in made] == [RegStatus.confirmed, RegStatus.confirmed,
                                        RegStatus.waitlisted]
    assert fresh(db, event).confirmed_count == 2
    later = register(db, event, ngo, person(4))
    assert later[0].status == RegStatus.waitlisted
    assert all(r.created_by_id == secretary.id for r in made) and later[0].created_by_id is None
    assert len({r.ticket_code for r in made + later}) == 4
    assert all(len(r.ticket_code) >= 22 for r in made)  # 128 random bits, URL-safe


def test_attendees_are_stored_clean(db, make_event, ngo):
    event = make_event(capacity=5)
    (reg,) = register(db, event, ngo, {"full_name": "  زهرا   احمدي ", "national_id": "۴۹۹۳۷۰۸۹۹",
                                        "mobile": "+98 912 111 2233", "role": "دبیر"})
    reg = fresh(db, reg)
    assert (reg.full_name, reg.national_id, reg.mobile, reg.role) == (
        "زهرا احمدی", "0499370899", "09121112233", "دبیر")
    assert reg.ngo_id == ngo.id and reg.event_id == event.id


def test_without_a_waitlist_a_batch_larger_than_the_seats_is_refused(db, make_event, ngo):
    event = make_event(capacity=2)
    event.waitlist = False
    db.session.commit()
    error = refused(db, RegReason.full, services.register, db.session, event, ngo,
                    [person(1), person(2), person(3)])
    assert error.message == "ظرفیت رویداد پر است؛ ۲ جا مانده است."
    assert count(db) == 0


def test_events_that_need_approval_hold_registrations_as_pending(db, make_event, ngo):
    event = make_event(capacity=1, approval=True)
    made = register(db, event, ngo, person(1), person(2), person(3))
    assert [r.status for r in made] == [RegStatus.pending] * 3
    assert fresh(db, event).confirmed_count == 0

    assert services.approve(db.session, made[0]).status == RegStatus.confirmed
    db.session.commit()
    assert services.approve(db.session, made[1]).status == RegStatus.waitlisted  # no seat left
    db.session.commit()
    rejected = services.reject(db.session, made[2], note="  خارج از  موضوع ")
    db.session.commit()
    assert (rejected.status, rejected.note) == (RegStatus.rejected, "خارج از موضوع")
    assert rejected.decided_at is not None
    assert fresh(db, event).confirmed_count == 1
    error = refused(db, RegReason.not_pending, services.approve, db.session, made[0])
    assert error.message == "این ثبت‌نام در انتظار تأیید نیست."
    refused(db, RegReason.not_pending, services.reject, db.session, made[0])
    refused(db, RegReason.not_pending, services.reject, db.session, made[2])


def test_approving_when_full_without_a_waitlist_is_refused(db, make_event, ngo):
    event = make_event(capacity=1, approval=True)
    event.waitlist = False
    db.session.commit()
    first, second = register(db, event, ngo, person(1), person(2))
    services.approve(db.session, first)
    db.session.commit()
    refused(db, RegReason.full, services.approve, db.session, second)
    assert fresh(db, second).status == RegStatus.pending


def test_a_waitlisted_registration_can_be_rejected(db, make_event, ngo):
    event = make_event(capacity=1)
    _, waiting = register(db, event, ngo, person(1), person(2))
    services.reject(db.session, waiting)
    db.session.commit()
    assert fresh(db, waiting).status == RegStatus.rejected


# --- register: who and when ----------------------------------------------------------------

def test_the_ngo_quota_is_explained_in_persian_digits(db, make_event, ngo, make_ngo):
    event = make_event(capacity=10, quota=2)
    register(db, event, ngo, person(1))
    error = refused(db, RegReason.ngo_quota, services.register, db.session, event, ngo,
                    [person(2), person(3)])
    assert error.message == "سهم سمن شما از این رویداد ۲ نفر است و ۱ نفر ثبت شده‌اند؛ ۱ جای دیگر دارید."
    register(db, event, ngo, person(2))
    error = refused(db, RegReason.ngo_quota, services.register, db.session, event, ngo, [person(3)])
    assert "۲ نفر ثبت شده‌اند؛ ۰ جای دیگر دارید." in error.message
    assert count(db, event) == 2
    register(db, event, make_ngo(), person(3), person(4))  # another NGO has its own quota
    assert count(db, event) == 4


def test_cancelled_registrations_free_quota(db, make_event, ngo):
    event = make_event(capacity=10, quota=1)
    (reg,) = register(db, event, ngo, person(1))
    services.cancel(db.session, reg)
    db.session.commit()
    assert register(db, event, ngo, person(2))[0].status == RegStatus.confirmed


def test_registration_not_yet_open(db, make_event, ngo):
    opens = utcnow() + timedelta(days=2)
    event = make_event(registration_opens_at=opens)
    error = refused(db, RegReason.not_open, services.register, db.session, event, ngo, [person(1)])
    assert error.message == f"ثبت‌نام این رویداد از {format_datetime(opens)} آغاز می‌شود."
    made = register(db, event, ngo, person(1), now=opens + timedelta(minutes=1))
    assert made[0].status == RegStatus.confirmed


def test_registration_closed_after_its_window(db, make_event, ngo):
    event = make_event()
    starts = events.starts_at(event)
    error = refused(db, RegReason.closed, services.register, db.session, event, ngo, [person(1)],
                    now=starts + timedelta(minutes=1))
    assert error.message == f"ثبت‌نام این رویداد بسته است (از {format_datetime(starts)})."
    closes = utcnow() + timedelta(days=1)
    event = make_event(registration_closes_at=closes)
    refused(db, RegReason.closed, services.register, db.session, event, ngo, [person(1)],
            now=closes + timedelta(seconds=1))
    assert register(db, event, ngo, person(1), now=closes)[0].status == RegStatus.confirmed


@pytest.mark.parametrize("status,label", [("draft", "پیش‌نویس"), ("cancelled", "لغو شده"),
                                          ("postponed", "به تعویق افتاده")])
def test_only_published_events_take_registrations(db, make_event, ngo, status, label):
    event = make_event(publish=status != "draft")
    if status == "cancelled":
        events.cancel(event, "دلیل")
    elif status == "postponed":
        events.set_status(event, "postponed", reason="دلیل")
    db.session.commit()
    error = refused(db, RegReason.closed, services.register, db.session, event, ngo, [person(1)])
    assert error.message == f"ثبت‌نام این رویداد بسته است (رویداد {label} است)."
    assert count(db) == 0


def test_audience_of_a_province(db, make_event, make_ngo):
    isfahan = find_province(db.session, "اصفهان")
    event = make_event(audience=Audience.province, audience_province=isfahan)
    error = refused(db, RegReason.not_in_audience, services.register, db.session, event,
                    make_ngo(province="تهران", county="شمیرانات"), [person(1)])
    assert error.message == ("این رویداد ویژهٔ سمن‌های استان اصفهان است و سمن شما در میان "
                             "مخاطبان آن نیست.")
    refused(db, RegReason.not_in_audience, services.register, db.session, event,
            make_ngo(province=None, county=None), [person(1)])
    local = make_ngo(province="اصفهان", county=None)
    assert register(db, event, local, person(1))[0].status == RegStatus.confirmed


def test_audience_of_a_county(db, make_event, make_ngo):
    tehran = find_province(db.session, "تهران")
    rey = find_county(db.session, "ری", tehran)
    event = make_event(audience=Audience.county, audience_county=rey)
    error = refused(db, RegReason.not_in_audience, services.register, db.session, event,
                    make_ngo(county="شمیرانات"), [person(1)])
    assert "سمن‌های شهرستان ری" in error.message
    assert register(db, event, make_ngo(county="ری"), person(1))[0].status == RegStatus.confirmed


def test_audience_of_invited_ngos(db, make_event, make_ngo):
    invited, other = make_ngo(), make_ngo()
    event = make_event(audience=Audience.invited, invited_ngos=[invited])
    error = refused(db, RegReason.not_in_audience, services.register, db.session, event, other,
                    [person(1)])
    assert "سمن‌های دعوت‌شده" in error.message
    assert register(db, event, invited, person(1))[0].status == RegStatus.confirmed


# --- register: rows and duplicates, all or none --------------------------------------------

def test_the_same_person_twice_in_one_batch(db, make_event, ngo):
    event = make_event(capacity=10)
    twin = person(2, full_name="زینب", national_id="۰" + nid(2)[1:])
    error = refused(db, RegReason.duplicate, services.register, db.session, event, ngo,
                    [person(1), person(2), twin])
    assert error.message == (f"«زینب» با کد ملی {nid(2).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}"
                             " پیش‌تر برای این رویداد ثبت‌نام شده است.")
    assert count(db) == 0


def test_a_person_already_registered(db, make_event, ngo, make_ngo):
    event = make_event(capacity=10)
    register(db, event, ngo, person(1, full_name="زهرا احمدی"))
    error = refused(db, RegReason.duplicate, services.register, db.session, event, make_ngo(),
                    [person(3), person(1, full_name="کسی دیگر")])
    assert error.message.startswith("«زهرا احمدی» با کد ملی ")
    assert count(db) == 1
    other = make_event(capacity=10)  # another event is another matter
    assert register(db, other, ngo, person(1))[0].status == RegStatus.confirmed


def test_after_cancelling_a_person_may_register_again(db, make_event, ngo):
    event = make_event(capacity=10)
    (reg,) = register(db, event, ngo, person(1))
    services.cancel(db.session, reg)
    db.session.commit()
    (again,) = register(db, event, ngo, person(1))
    assert again.id != reg.id and again.status == RegStatus.confirmed
    assert count(db, event) == 2


@pytest.mark.parametrize("rows,reason,message", [
    ([person(1), person(2, national_id="1234567890")], RegReason.invalid_national_id,
     "ردیف ۲: کد ملی «۱۲۳۴۵۶۷۸۹۰» درست نیست؛ ۱۰ رقم با رقم کنترل درست لازم است."),
    ([person(1), person(2), person(3, national_id="1111111111")], RegReason.invalid_national_id,
     "ردیف ۳: کد ملی «۱۱۱۱۱۱۱۱۱۱» درست نیست"),
    ([person(1, mobile="0912")], RegReason.invalid_mobile,
     "ردیف ۱: شمارهٔ همراه «۰۹۱۲» درست نیست؛ ۱۱ رقم و با ۰۹ آغاز شود."),
    ([person(1), person(2, full_name="  ")], RegReason.name_required,
     "ردیف ۲: نام و نام خانوادگی را بنویسید."),
    ([], RegReason.no_attendees, "دست‌کم یک نفر را برای ثبت‌نام وارد کنید."),
    ([person(i) for i in range(1, 52)], RegReason.too_many,
     "در هر بار حداکثر ۵۰ نفر را می‌توان ثبت‌نام کرد."),
])
def test_bad_rows_refuse_the_batch_with_the_row_number(db, make_event, ngo, rows, reason, message):
    event = make_event(capacity=100)
    error = refused(db, reason, services.register, db.session, event, ngo, rows)
    assert error.message.startswith(message)
    assert count(db) == 0


def test_all_or_nothing_when_a_refusal_comes_late(db, make_event, ngo):
    """A batch refused after its first rows were checked saves nothing and leaves the count."""
    event = make_event(capacity=5, quota=3)
    register(db, event, ngo, person(1))
    for rows, reason in [([person(2), person(3), person(4)], RegReason.ngo_quota),
                         ([person(5), person(1)], RegReason.duplicate)]:
        refused(db, reason, services.register, db.session, event, ngo, rows)
        assert count(db) == 1
        assert fresh(db, event).confirmed_count == 1


def test_fifty_is_the_largest_batch(db, make_event, ngo):
    event = make_event(capacity=30)
    made = register(db, event, ngo, *[person(i) for i in range(1, 51)])
    assert len(made) == 50
    assert count(db, event, RegStatus.confirmed) == 30 and count(db, event, RegStatus.waitlisted) == 20


# --- cancel and the waitlist ---------------------------------------------------------------

def test_cancelling_promotes_the_first_waitlisted_and_keeps_the_order(db, make_event, ngo):
    event = make_event(capacity=2)
    a, b, c, d, e = register(db, event, ngo, *[person(i) for i in range(1, 6)])
    promoted = services.cancel(db.session, b)
    db.session.commit()
    assert promoted == [c]
    assert [fresh(db, r).status for r in (a, b, c, d, e)] == [
        RegStatus.confirmed, RegStatus.cancelled, RegStatus.confirmed, RegStatus.waitlisted,
        RegStatus.waitlisted]
    assert fresh(db, c).decided_at is not None

    assert services.cancel(db.session, d) == []  # a waiting one leaves: nobody moves
    db.session.commit()
    assert services.cancel(db.session, a) == [e]
    db.session.commit()
    assert fresh(db, event).confirmed_count == 2
    assert count(db, event, RegStatus.waitlisted) == 0


def test_cancelling_twice_is_refused(db, make_event, ngo, make_user):
    event = make_event(capacity=1)
    (reg,) = register(db, event, ngo, person(1))
    actor = make_user("secretary", ngo=ngo)
    services.cancel(db.session, reg, actor=actor)
    db.session.commit()
    reg = fresh(db, reg)
    assert reg.cancelled_by_id == actor.id and reg.cancelled_at is not None
    error = refused(db, RegReason.not_cancellable, services.cancel, db.session, reg)
    assert error.message == "این ثبت‌نام «لغو شده» است و لغو نمی‌شود."
    assert fresh(db, event).confirmed_count == 0


def test_cancelling_a_pending_one_frees_no_seat(db, make_event, ngo):
    event = make_event(capacity=1, approval=True)
    (reg,) = register(db, event, ngo, person(1))
    assert services.cancel(db.session, reg) == []
    db.session.commit()
    assert fresh(db, reg).status == RegStatus.cancelled and fresh(db, event).confirmed_count == 0


def test_a_larger_capacity_fills_from_the_waitlist_in_order(db, make_event, ngo):
    event = make_event(capacity=1)
    made = register(db, event, ngo, *[person(i) for i in range(1, 5)])
    event.capacity = 3
    db.session.commit()
    promoted = services.fill_from_waitlist(db.session, event)
    db.session.commit()
    assert promoted == made[1:3]
    assert fresh(db, event).confirmed_count == 3
    assert fresh(db, made[3]).status == RegStatus.waitlisted


# --- permissions and lookups ---------------------------------------------------------------

def test_who_may_register_and_see(db, make_event, ngo, make_ngo, make_user):
    event = make_event()
    (reg,) = register(db, event, ngo, person(1))
    own = make_user("secretary", ngo=ngo)
    other = make_user("secretary", ngo=make_ngo())
    manager = make_user("organizer", body=event.body)
    stranger = make_user("organizer")
    assert services.can_register(own, ngo) and not services.can_register(other, ngo)
    assert not services.can_register(manager, ngo) and not services.can_register(None, ngo)
    assert services.can_see(own, reg) and services.can_see(manager, reg)
    assert services.can_see(make_user("admin"), reg)
    assert not services.can_see(other, reg) and not services.can_see(stranger, reg)
    assert not services.can_see(make_user("door"), reg) and not services.can_see(None, reg)


def test_lookups_by_ticket_code_and_filters(db, make_event, ngo, make_ngo):
    event = make_event(capacity=1)
    a, b = register(db, event, ngo, person(1, full_name="زهرا احمدی"),
                    person(2, full_name="علی رضایی", national_id="0499370899"))
    (c,) = register(db, event, make_ngo(), person(3, full_name="مریم کاظمی", mobile="09351112233"))
    assert services.by_ticket_code(db.session, f" {a.ticket_code} ") == a
    assert services.by_ticket_code(db.session, "not a code!") is None
    assert services.by_ticket_code(db.session, "A" * 22) is None

    def ids(**kw):
        query = services.registrations_query(event, services.RegFilter(**kw))
        return [r.id for r in db.session.scalars(query)]

    assert ids() == [a.id, b.id, c.id]
    assert ids(status=RegStatus.waitlisted) == [b.id, c.id]
    assert ids(ngo_id=ngo.id) == [a.id, b.id]
    assert ids(q="احمدي") == [a.id]  # Arabic yeh finds Persian yeh
    assert ids(q="04993") == [b.id] and ids(q="۰۴۹۹۳") == [b.id]
    assert ids(q="۰۹۳۵۱") == [c.id]
    counts = services.status_counts(db.session, event)
    assert counts[RegStatus.confirmed] == 1 and counts[RegStatus.waitlisted] == 2
    assert counts[RegStatus.cancelled] == 0


# --- the database's own backstops ----------------------------------------------------------

def test_the_confirmed_count_can_never_pass_the_capacity(db, make_event):
    """Even a bare UPDATE that skips every service is refused by the CHECK constraint."""
    event = make_event(capacity=5)
    with pytest.raises(IntegrityError):
        db.session.execute(update(Event).where(Event.id == event.id)
                           .values(confirmed_count=Event.capacity + 1))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE events SET confirmed_count = -1 WHERE id = :id"),
                           {"id": event.id})
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Event).where(Event.id == event.id).values(capacity=0))
    db.session.rollback()
    db.session.execute(update(Event).where(Event.id == event.id).values(confirmed_count=5))
    db.session.commit()
    with pytest.raises(IntegrityError):  # nor may the capacity shrink under the confirmed seats
        db.session.execute(update(Event).where(Event.id == event.id).values(capacity=4))
    db.session.rollback()
    assert fresh(db, event).confirmed_count == 5


def _bare(event, ngo, n, status=RegStatus.confirmed) -> Registration:
    return Registration(event_id=event.id, ngo_id=ngo.id, full_name="ورود مستقیم",
                        national_id=nid(n), mobile="09120000000", status=status)


def test_one_active_registration_per_person_by_unique_index(db, make_event, ngo):
    """Rows added behind the services' back: the partial unique index still says no."""
    event = make_event(capacity=10)
    first = _bare(event, ngo, 1)
    db.session.add(first)
    db.session.commit()
    for status in (RegStatus.confirmed, RegStatus.waitlisted, RegStatus.pending):
        db.session.add(_bare(event, ngo, 1, status))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    db.session.add(_bare(event, ngo, 1, RegStatus.rejected))  # inactive rows are not counted
    db.session.commit()
    first = fresh(db, first)
    first.status = RegStatus.cancelled
    db.session.commit()
    db.session.add(_bare(event, ngo, 1, RegStatus.waitlisted))  # one active again: allowed
    db.session.commit()
    assert count(db, event) == 3
    db.session.add(_bare(make_event(capacity=10), ngo, 1))  # another event: allowed
    db.session.commit()
