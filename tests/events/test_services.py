"""Event services: scheduling rules, venues, changes, status, permissions, times, occasions,
the month calendar and the public listing. Every refusal is checked for its enum reason, its
Persian message, and for having saved nothing."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eventsapp.events import services
from eventsapp.events.models import (Audience, Event, EventDay, EventKind, EventStatus, Invitation,
                                     Occasion, OccasionCalendar, Official, OfficialRole, Venue,
                                     event_occasions)
from eventsapp.events.services import (DayInput, EventError, EventFilter, EventInput,
                                       OfficialInput, EventReason as R)
from eventsapp.jalali import from_jalali, to_jalali
from eventsapp.places.services import find_county, find_province

UTC = timezone.utc
NOW = datetime(2019, 7, 1, 8, 0, tzinfo=UTC)  # 1398/04/10, well before the test events
LATER = datetime(2019, 7, 20, 8, 0, tzinfo=UTC)
DURING = datetime(2019, 8, 14, 6, 0, tzinfo=UTC)  # 1398/05/23 10:30 Tehran: the test event is on

VOLUNTEER_DAY = "روز جهانی داوطلب"
ORGANIZATIONS_DAY = "روز تشکل‌ها و مشارکت‌های اجتماعی"
GOVERNMENT_WEEK = "هفتهٔ دولت"


# --- helpers ---------------------------------------------------------------------------------

def t(text):
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def jday(jy, jm, jd, start="09:30", end="12:00"):
    """One event day on a Jalali date, with Tehran wall-clock hours."""
    return DayInput(from_jalali(jy, jm, jd), t(start), t(end))


def province(name="تهران"):
    from eventsapp.extensions import db
    return find_province(db.session, name)


def county(name="شمیرانات", province_name="تهران"):
    from eventsapp.extensions import db
    return find_county(db.session, name, province(province_name))


_UNSET = object()


def event_input(*, province_=_UNSET, county_=_UNSET, days=None, **kw) -> EventInput:
    """A valid one-day workshop on 1398/05/23 09:30–12:00 in Shemiranat; ``kw`` overrides."""
    data = dict(kind=EventKind.workshop, title="کارگاه نگارش طرح", venue_name="سالن همایش فرمانداری",
                capacity=40)
    data.update(kw)
    return EventInput(province=province() if province_ is _UNSET else province_,
                      county=county() if county_ is _UNSET else county_,
                      days=[jday(1398, 5, 23)] if days is None else days, **data)


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Event, EventDay, Venue, Official, Invitation, Occasion)}


def refused(db, reason, message, fn, /, *args, **kw):
    """``fn`` refuses with ``reason`` and ``message`` and leaves no rows behind."""
    before = counts(db)
    with pytest.raises(EventError) as info:
        fn(*args, **kw)
    assert info.value.reason == reason
    assert info.value.code == reason.value
    if message is not None:
        assert info.value.message == message
    assert not info.value.message.isascii()
    assert counts(db) == before  # nothing pending (a count autoflushes)
    db.session.rollback()
    assert counts(db) == before
    return info.value


def create(db, body, *, now=NOW, **kw):
    event, _ = services.create_event(db.session, body, event_input(**kw), now=now)
    return event


def published(db, body, **kw):
    event = create(db, body, **kw)
    services.publish(event, now=NOW)
    db.session.flush()
    return event


@pytest.fixture
def body(make_body):
    return make_body()


@pytest.fixture(autouse=True)
def _keep_shipped_occasions(db):
    """Occasions survive the per-test cleanup; drop any a test created (and committed)."""
    shipped = set(db.session.scalars(select(Occasion.id)))
    names = {o.id: (o.name, o.calendar, o.month, o.day, o.length_days)
             for o in db.session.scalars(select(Occasion))}
    yield
    db.session.rollback()
    extra = select(Occasion.id).where(Occasion.id.not_in(shipped))
    db.session.execute(Event.__table__.update().where(Event.occasion_id.in_(extra))
                       .values(occasion_id=None))
    db.session.execute(event_occasions.delete().where(event_occasions.c.occasion_id.in_(extra)))
    db.session.execute(Occasion.__table__.delete().where(Occasion.id.not_in(shipped)))
    db.session.commit()
    after = {o.id: (o.name, o.calendar, o.month, o.day, o.length_days)
             for o in db.session.scalars(select(Occasion))}
    assert after == names, "a test changed the shipped occasions"


def shipped_occasion(db, name):
    occasion = db.session.scalar(select(Occasion).where(Occasion.name == name))
    assert occasion is not None, name
    return occasion


# --- validation --------------------------------------------------------------------------------

START_1398_05_23 = datetime(2019, 8, 14, 5, 0, tzinfo=UTC)  # 09:30 Tehran (+04:30, DST)

INVALID = [
    ("title blank", dict(title=" \u200c "), R.title_required, "عنوان رویداد را بنویسید."),
    ("no days", dict(days=[]), R.no_days, "دست‌کم یک روز برای رویداد تعیین کنید."),
    ("end before start", dict(days=[jday(1398, 5, 23, "12:00", "09:30")]), R.end_before_start,
     "در روز ۲۳ مرداد ۱۳۹۸، ساعت پایان باید پس از ساعت آغاز باشد."),
    ("end equals start", dict(days=[jday(1398, 5, 24), jday(1398, 5, 23, "10:00", "10:00")]),
     R.end_before_start, "در روز ۲۳ مرداد ۱۳۹۸، ساعت پایان باید پس از ساعت آغاز باشد."),
    ("duplicate day", dict(days=[jday(1398, 5, 23, "14:00", "16:00"),
                                 jday(1398, 5, 23, "09:00", "11:00")]),
     R.duplicate_day, "روز ۲۳ مرداد ۱۳۹۸ دو بار آمده است؛ هر روز را یک بار وارد کنید."),
    ("duplicate day, touching hours", dict(days=[jday(1398, 5, 23, "09:00", "11:00"),
                                                 jday(1398, 5, 23, "11:00", "13:00")]),
     R.duplicate_day, "روز ۲۳ مرداد ۱۳۹۸ دو بار آمده است؛ هر روز را یک بار وارد کنید."),
    ("overlapping days", dict(days=[jday(1398, 5, 23, "11:00", "13:00"),
                                    jday(1398, 5, 23, "09:00", "12:00")]),
     R.overlapping_days, "ساعت‌های روز ۲۳ مرداد ۱۳۹۸ با هم هم‌پوشانی دارند؛ هر روز را یک بار "
                         "با ساعت آغاز و پایانش وارد کنید."),
    ("capacity zero", dict(capacity=0), R.capacity_below_one, "ظرفیت باید دست‌کم ۱ نفر باشد."),
    ("capacity negative", dict(capacity=-5), R.capacity_below_one,
     "ظرفیت باید دست‌کم ۱ نفر باشد."),
    ("quota zero", dict(per_ngo_quota=0), R.quota_below_one,
     "سهم هر سمن باید دست‌کم ۱ نفر باشد."),
    ("quota above capacity", dict(capacity=40, per_ngo_quota=41), R.quota_above_capacity,
     "سهم هر سمن نمی‌تواند از ظرفیت کل رویداد بیشتر باشد."),
    ("closes after start", dict(registration_closes_at=START_1398_05_23 + timedelta(minutes=1)),
     R.closes_after_start, "پایان ثبت‌نام باید پیش از آغاز رویداد (۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰) باشد."),
    ("closes after the earliest day starts",
     dict(days=[jday(1398, 5, 24), jday(1398, 5, 23, "08:00", "09:00")],
          registration_closes_at=datetime(2019, 8, 14, 3, 31, tzinfo=UTC)),
     R.closes_after_start, "پایان ثبت‌نام باید پیش از آغاز رویداد (۲۳ مرداد ۱۳۹۸، ساعت ۰۸:۰۰) باشد."),
    ("opens after closes", dict(registration_opens_at=datetime(2019, 8, 10, 10, 0, tzinfo=UTC),
                                registration_closes_at=datetime(2019, 8, 10, 9, 0, tzinfo=UTC)),
     R.opens_after_closes, "آغاز ثبت‌نام باید پیش از پایان ثبت‌نام باشد."),
    ("opens when closes", dict(registration_opens_at=datetime(2019, 8, 10, 9, 0, tzinfo=UTC),
                               registration_closes_at=datetime(2019, 8, 10, 9, 0, tzinfo=UTC)),
     R.opens_after_closes, "آغاز ثبت‌نام باید پیش از پایان ثبت‌نام باشد."),
    ("venue blank", dict(venue_name="  \u200c"), R.venue_required, "نام محل برگزاری را بنویسید."),
    ("province missing", dict(province_=None, county_=None), R.province_required,
     "استان محل برگزاری را انتخاب کنید."),
    ("audience province missing", dict(audience=Audience.province), R.audience_province_required,
     "برای مخاطبان یک استان، استان را انتخاب کنید."),
    ("audience county missing", dict(audience=Audience.county), R.audience_county_required,
     "برای مخاطبان یک شهرستان، شهرستان را انتخاب کنید."),
    ("invited without NGOs", dict(audience=Audience.invited), R.invited_required,
     "برای رویداد ویژهٔ دعوت‌شدگان، دست‌کم یک سمن دعوت کنید."),
    ("official blank", dict(officials=[OfficialInput("دکتر مریم احمدی"), OfficialInput(" ")]),
     R.official_name_required, "نام هر مقام یا سخنران را بنویسید."),
    ("32 days", dict(days=[DayInput(date(2019, 8, 1) + timedelta(days=i), t("09:00"), t("10:00"))
                           for i in range(32)]),
     R.too_many_days, "یک رویداد حداکثر ۳۱ روز می‌تواند داشته باشد."),
]


@pytest.mark.parametrize("changes, reason, message", [case[1:] for case in INVALID],
                         ids=[case[0] for case in INVALID])
def test_create_refusals_save_nothing(db, body, changes, reason, message):
    data = event_input(**changes)
    refused(db, reason, message, services.create_event, db.session, body, data, now=NOW)


def test_county_in_another_province_is_refused(db, body):
    karaj = county("کرج", "البرز")
    assert karaj is not None
    data = event_input(province_=province("تهران"), county_=karaj)
    refused(db, R.county_mismatch, "شهرستان انتخاب‌شده در استان انتخاب‌شده نیست.",
            services.create_event, db.session, body, data, now=NOW)


def test_refusal_after_an_existing_venue_saves_nothing(db, body):
    create(db, body)
    db.session.commit()
    refused(db, R.capacity_below_one, None, services.create_event, db.session, body,
            event_input(venue_name="سالن تازه", capacity=0), now=NOW)


def test_limits_at_the_edge_are_accepted(db, body):
    event = create(db, body, capacity=40, per_ngo_quota=40,
                   registration_opens_at=datetime(2019, 8, 1, 5, 0, tzinfo=UTC),
                   registration_closes_at=START_1398_05_23,
                   days=[DayInput(date(2019, 8, 14) + timedelta(days=i), t("09:30"), t("12:00"))
                         for i in range(31)])
    assert event.id is not None
    assert event.per_ngo_quota == event.capacity == 40
    assert len(event.days) == 31
    assert services.registration_closes_at(event) == START_1398_05_23


def test_end_before_start_message_names_the_day_in_jalali(db, body):
    error = refused(db, R.end_before_start, None, services.validate,
                    event_input(days=[jday(1398, 5, 23, "18:00", "17:00")]))
    assert "۲۳ مرداد ۱۳۹۸" in error.message
    assert not any(c.isdigit() and c.isascii() for c in error.message)
    assert error.details["day"] == "۲۳ مرداد ۱۳۹۸"


# --- create ----------------------------------------------------------------------------------

def test_create_two_day_workshop(db, body, make_user, make_ngo):
    organizer = make_user("organizer", body=body)
    ngos = [make_ngo(), make_ngo()]
    data = event_input(
        title="  كارگاه   توانمندسازی سمن‌ها ",
        days=[jday(1398, 5, 24, "10:00", "13:00"), jday(1398, 5, 23, "09:30", "12:00")],
        venue_address="خیابان  دربند",
        per_ngo_quota=3, audience=Audience.invited, invited_ngos=ngos,
        officials=[OfficialInput("دکتر علی رضایی", "فرماندار", OfficialRole.chair),
                   OfficialInput("مریم احمدی", "کارشناس", OfficialRole.speaker),
                   OfficialInput("حسن کریمی", role=OfficialRole.guest)])
    event, conflicts = services.create_event(db.session, body, data, actor=organizer, now=NOW)
    assert [d.date for d in event.days] == [date(2019, 8, 14), date(2019, 8, 15)]  # in memory too
    db.session.commit()
    db.session.expire_all()

    event = db.session.get(Event, event.id)
    assert conflicts == []
    assert event.status == EventStatus.draft and event.sequence == 0
    assert event.title == "کارگاه توانمندسازی سمن‌ها"  # normalised: Persian kaf, spaces
    assert event.body_id == body.id and event.created_by_id == organizer.id
    assert event.created_at == NOW and event.updated_at == NOW
    assert event.starts_on == from_jalali(1398, 5, 23) == date(2019, 8, 14)
    assert event.ends_on == from_jalali(1398, 5, 24) == date(2019, 8, 15)
    assert [(d.date, d.start_time, d.end_time) for d in event.days] == [
        (date(2019, 8, 14), time(9, 30), time(12, 0)),
        (date(2019, 8, 15), time(10, 0), time(13, 0))]
    assert event.is_multi_day
    assert event.venue.name == "سالن همایش فرمانداری"
    assert event.venue.address == "خیابان دربند"
    assert event.venue.province.name == "تهران" and event.venue.county.name == "شمیرانات"
    assert [(o.name, o.role, o.position) for o in event.officials] == [
        ("دکتر علی رضایی", OfficialRole.chair, 0),
        ("مریم احمدی", OfficialRole.speaker, 1),
        ("حسن کریمی", OfficialRole.guest, 2)]
    assert sorted(i.ngo_id for i in event.invitations) == sorted(n.id for n in ngos)
    assert event.audience == Audience.invited

    # The same venue, typed with Arabic yeh and kaf, is found again rather than duplicated.
    second, _ = services.create_event(db.session, body, event_input(
        venue_name="سالن  همايش فرمانداري", days=[jday(1398, 6, 10)]), now=NOW)
    db.session.flush()
    assert second.venue_id == event.venue_id
    # ... and so is the same name with a ZWNJ for a space, or in another letter case.
    third, _ = services.create_event(db.session, body, event_input(
        venue_name="سالن\u200cهمایش فرمانداری", days=[jday(1398, 6, 11)]), now=NOW)
    assert third.venue_id == event.venue_id
    hall_a, _ = services.create_event(db.session, body, event_input(
        venue_name="Hall A", days=[jday(1398, 6, 12)]), now=NOW)
    hall_a_again, _ = services.create_event(db.session, body, event_input(
        venue_name="hall a", days=[jday(1398, 6, 13)]), now=NOW)
    assert hall_a.venue_id == hall_a_again.venue_id != event.venue_id
    assert counts(db)["Venue"] == 2
    assert second.invitations == []


def test_same_venue_name_in_another_county_is_another_venue(db, body):
    first = create(db, body)
    other = create(db, body, county_=county("تهران", "تهران"), days=[jday(1398, 6, 10)])
    assert first.venue_id != other.venue_id
    assert counts(db)["Venue"] == 2


def test_audience_county_sets_its_province_and_drops_invitations(db, body, make_ngo):
    shemiranat = county()
    event = create(db, body, audience=Audience.county, audience_county=shemiranat,
                   audience_province=province("البرز"), invited_ngos=[make_ngo()])
    assert event.audience_county_id == shemiranat.id
    assert event.audience_province_id == shemiranat.province_id
    assert event.invitations == []


def test_audience_province_keeps_only_the_province(db, body):
    event = create(db, body, audience=Audience.province, audience_province=province("البرز"),
                   audience_county=county())
    assert event.audience_province.name == "البرز"
    assert event.audience_county_id is None


# --- venue conflicts ---------------------------------------------------------------------------

def test_overlapping_event_at_the_same_venue_is_created_with_a_warning(db, body):
    first = create(db, body, title="نشست هم‌اندیشی",
                   days=[jday(1398, 5, 23, "09:30", "12:00"), jday(1398, 5, 24, "09:30", "12:00")])
    second, conflicts = services.create_event(
        db.session, body, event_input(title="کارگاه دوم",
                                      days=[jday(1398, 5, 24, "11:00", "13:00"), jday(1398, 5, 25)]),
        now=NOW)
    assert second.id is not None and second.status == EventStatus.draft
    # 1398/05/25 is a Friday: that is warned about too.
    assert [type(c).__name__ for c in conflicts] == ["VenueConflict", "DayOff"]
    conflict = conflicts[0]
    assert conflict.event is first
    assert conflict.day.date == from_jalali(1398, 5, 24)
    assert "«سالن همایش فرمانداری»" in conflict.message
    assert "«نشست هم‌اندیشی»" in conflict.message
    assert "۲۴ مرداد ۱۳۹۸" in conflict.message
    assert "۰۹:۳۰" in conflict.message and "۱۲:۰۰" in conflict.message
    assert counts(db)["Event"] == 2


def test_no_conflict_when_hours_do_not_overlap_or_other_venue(db, body):
    create(db, body, days=[jday(1398, 5, 23, "09:30", "12:00")])
    _, touching = services.create_event(
        db.session, body, event_input(days=[jday(1398, 5, 23, "12:00", "14:00")]), now=NOW)
    _, other_day = services.create_event(
        db.session, body, event_input(days=[jday(1398, 5, 22, "09:30", "12:00")]), now=NOW)
    _, other_venue = services.create_event(
        db.session, body, event_input(venue_name="تالار شهر", days=[jday(1398, 5, 23)]), now=NOW)
    assert touching == other_day == other_venue == []


def test_no_conflict_with_a_cancelled_event(db, body):
    first = published(db, body)
    services.cancel(first, "کمبود ثبت‌نام", now=NOW)
    db.session.flush()
    _, conflicts = services.create_event(db.session, body, event_input(), now=NOW)
    assert conflicts == []


def test_update_does_not_conflict_with_itself(db, body):
    event = create(db, body)
    assert services.update_event(db.session, event, event_input(capacity=50), now=LATER) == []


# --- update ------------------------------------------------------------------------------------

def test_update_draft_has_no_change_note(db, body):
    event = create(db, body)
    services.update_event(db.session, event, event_input(
        days=[jday(1398, 5, 23, "10:00", "12:00")], venue_name="تالار شهر"), now=LATER)
    assert event.sequence == 0
    assert event.change_note == "" and event.changed_at is None
    assert event.updated_at == LATER
    assert event.venue.name == "تالار شهر"
    assert event.days[0].start_time == time(10, 0)


def published_for_update(db, body):
    event = published(db, body, days=[jday(1398, 5, 23), jday(1398, 5, 24)])
    assert event.sequence == 1
    return event


def test_update_published_times(db, body):
    event = published_for_update(db, body)
    services.update_event(db.session, event, event_input(
        days=[jday(1398, 5, 23), jday(1398, 5, 24, "14:00", "17:00")]), now=LATER)
    assert event.sequence == 2
    assert event.changed_at == LATER
    assert "زمان" in event.change_note and "مکان" not in event.change_note
    assert event.change_note == "زمان این رویداد تغییر کرده است."


def test_update_published_venue(db, body):
    event = published_for_update(db, body)
    services.update_event(db.session, event, event_input(
        venue_name="تالار شهر", days=[jday(1398, 5, 23), jday(1398, 5, 24)]), now=LATER)
    assert event.sequence == 2 and event.changed_at == LATER
    assert event.change_note == "مکان این رویداد تغییر کرده است."


def test_update_published_time_and_venue(db, body):
    event = published_for_update(db, body)
    services.update_event(db.session, event, event_input(
        venue_name="تالار شهر", days=[jday(1398, 5, 23)]), now=LATER)
    assert event.sequence == 2 and event.changed_at == LATER
    assert event.change_note == "زمان و مکان این رویداد تغییر کرده است."
    assert event.ends_on == from_jalali(1398, 5, 23)


def test_update_published_other_fields_keeps_sequence(db, body):
    event = published_for_update(db, body)
    services.update_event(db.session, event, event_input(
        title="عنوان تازه", capacity=60, venue_name="سالن همايش فرمانداري",
        days=[jday(1398, 5, 24), jday(1398, 5, 23)]), now=LATER)
    assert event.title == "عنوان تازه" and event.capacity == 60
    assert event.sequence == 1 and event.changed_at is None and event.change_note == ""


def test_update_postponed_event_is_a_change(db, body):
    event = published_for_update(db, body)
    services.set_status(event, EventStatus.postponed, reason="شرایط جوی", now=NOW)
    services.update_event(db.session, event, event_input(days=[jday(1398, 6, 10)]), now=LATER)
    assert event.sequence == 3
    assert event.change_note == "زمان این رویداد تغییر کرده است."


def test_update_keeps_rows_of_kept_dates(db, body):
    event = published_for_update(db, body)
    db.session.commit()
    ids = {d.date: d.id for d in event.days}
    services.update_event(db.session, event, event_input(
        days=[jday(1398, 5, 25), jday(1398, 5, 24, "15:00", "18:00")]), now=LATER)
    assert [d.date for d in event.days] == [from_jalali(1398, 5, 24), from_jalali(1398, 5, 25)]
    db.session.commit()
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert [d.date for d in event.days] == [from_jalali(1398, 5, 24), from_jalali(1398, 5, 25)]
    assert event.days[0].id == ids[from_jalali(1398, 5, 24)]
    assert (event.days[0].start_time, event.days[0].end_time) == (time(15), time(18))
    assert event.days[1].id not in ids.values()
    assert db.session.get(EventDay, ids[from_jalali(1398, 5, 23)]) is None
    assert event.starts_on == from_jalali(1398, 5, 24)
    assert event.ends_on == from_jalali(1398, 5, 25)
    assert counts(db)["EventDay"] == 2


def test_update_adding_an_earlier_day_moves_the_start(db, body):
    event = create(db, body, days=[jday(1398, 5, 23), jday(1398, 5, 24)])
    services.update_event(db.session, event, event_input(
        days=[jday(1398, 5, 24), jday(1398, 5, 23), jday(1398, 5, 22, "08:00", "10:00")]),
        now=LATER)
    assert [d.date for d in event.days] == [from_jalali(1398, 5, d) for d in (22, 23, 24)]
    assert event.starts_on == from_jalali(1398, 5, 22)
    assert services.starts_at(event) == datetime(2019, 8, 13, 3, 30, tzinfo=UTC)


def test_update_replaces_officials_and_invitations(db, body, make_ngo):
    a, b, c = make_ngo(), make_ngo(), make_ngo()
    event = create(db, body, audience=Audience.invited, invited_ngos=[a, b],
                   officials=[OfficialInput("الف"), OfficialInput("ب")])
    services.update_event(db.session, event, event_input(
        audience=Audience.invited, invited_ngos=[b, c],
        officials=[OfficialInput("ج", role=OfficialRole.chair)]), now=LATER)
    db.session.flush()
    assert sorted(i.ngo_id for i in event.invitations) == sorted([b.id, c.id])
    assert [(o.name, o.position) for o in event.officials] == [("ج", 0)]
    assert counts(db)["Official"] == 1 and counts(db)["Invitation"] == 2
    services.update_event(db.session, event, event_input(audience=Audience.all), now=LATER)
    db.session.flush()
    assert event.invitations == [] and counts(db)["Invitation"] == 0


@pytest.mark.parametrize("target, label", [(EventStatus.cancelled, "لغو شده"),
                                           (EventStatus.completed, "برگزار شده")])
def test_update_finished_event_is_not_editable(db, body, target, label):
    event = published(db, body)
    services.set_status(event, target, reason="علت", now=DURING)
    db.session.commit()
    sequence = event.sequence
    refused(db, R.not_editable, f"رویداد «{label}» را نمی‌توان ویرایش کرد.",
            services.update_event, db.session, event,
            event_input(title="عنوان تازه", days=[jday(1398, 6, 1)]), now=LATER)
    db.session.refresh(event)
    assert event.title == "کارگاه نگارش طرح" and event.sequence == sequence
    assert event.starts_on == from_jalali(1398, 5, 23)


def test_update_refusal_changes_nothing(db, body):
    event = published(db, body)
    db.session.commit()
    refused(db, R.end_before_start, None, services.update_event, db.session, event,
            event_input(venue_name="تالار شهر", days=[jday(1398, 5, 23, "12:00", "11:00")]),
            now=LATER)
    db.session.refresh(event)
    assert event.venue.name == "سالن همایش فرمانداری" and event.sequence == 1


# --- status -----------------------------------------------------------------------------------

ALLOWED = [
    ([], EventStatus.published, ""),
    ([], EventStatus.cancelled, ""),  # a draft needs no reason
    ([EventStatus.published], EventStatus.postponed, "شرایط جوی"),
    ([EventStatus.published], EventStatus.cancelled, "کمبود ثبت‌نام"),
    ([EventStatus.published], EventStatus.completed, ""),
    ([EventStatus.published, EventStatus.postponed], EventStatus.published, ""),
    ([EventStatus.published, EventStatus.postponed], EventStatus.cancelled, "لغو نهایی"),
]


@pytest.mark.parametrize("path, target, reason", ALLOWED,
                         ids=[f"{(p or [EventStatus.draft])[-1].value}->{t_.value}"
                              for p, t_, _ in ALLOWED])
def test_allowed_transitions_raise_sequence(db, body, path, target, reason):
    event = create(db, body)
    for step in path:
        services.set_status(event, step, reason="علت", now=NOW)
    sequence = event.sequence
    assert sequence == len(path)
    when = DURING if target == EventStatus.completed else LATER  # held once it has begun
    services.set_status(event, target, reason=reason, now=when)
    assert event.status == target
    assert event.sequence == sequence + 1
    assert event.updated_at == when
    expected_reason = reason if target in (EventStatus.cancelled, EventStatus.postponed) else ""
    assert event.status_reason == expected_reason
    db.session.flush()


FORBIDDEN = [
    ([], EventStatus.completed, "رویدادِ «پیش‌نویس» را نمی‌توان «برگزار شده» کرد."),
    ([], EventStatus.postponed, "رویدادِ «پیش‌نویس» را نمی‌توان «به تعویق افتاده» کرد."),
    ([], EventStatus.draft, "رویدادِ «پیش‌نویس» را نمی‌توان «پیش‌نویس» کرد."),
    ([EventStatus.published], EventStatus.draft,
     "رویدادِ «منتشرشده» را نمی‌توان «پیش‌نویس» کرد."),
    ([EventStatus.cancelled], EventStatus.published,
     "رویدادِ «لغو شده» را نمی‌توان «منتشرشده» کرد."),
    ([EventStatus.cancelled], EventStatus.draft, "رویدادِ «لغو شده» را نمی‌توان «پیش‌نویس» کرد."),
] + [
    ([EventStatus.published, EventStatus.completed], target,
     f"رویدادِ «برگزار شده» را نمی‌توان «{target.label}» کرد.")
    for target in EventStatus
]


@pytest.mark.parametrize("path, target, message", FORBIDDEN,
                         ids=[f"{(p or [EventStatus.draft])[-1].value}->{t_.value}"
                              for p, t_, _ in FORBIDDEN])
def test_forbidden_transitions(db, body, path, target, message):
    event = create(db, body)
    for step in path:
        services.set_status(event, step, reason="علت", now=DURING)
    db.session.commit()
    status, sequence = event.status, event.sequence
    refused(db, R.invalid_transition, message, services.set_status, event, target,
            reason="علت", now=DURING)
    assert event.status == status and event.sequence == sequence


def test_an_event_is_marked_held_only_once_it_has_begun(db, body):
    event = published(db, body)  # 1398/05/23 from 09:30 Tehran
    db.session.commit()
    before_start = datetime(2019, 8, 14, 4, 59, tzinfo=UTC)  # 09:29 Tehran
    refused(db, R.not_started, "رویدادی را که هنوز آغاز نشده نمی‌توان «برگزار شده» ثبت کرد.",
            services.set_status, event, EventStatus.completed, now=before_start)
    assert event.status == EventStatus.published
    assert not services.has_started(event, before_start)
    assert services.has_started(event, datetime(2019, 8, 14, 5, 0, tzinfo=UTC))  # 09:30
    services.set_status(event, EventStatus.completed, now=datetime(2019, 8, 14, 5, 0, tzinfo=UTC))
    assert event.status == EventStatus.completed


@pytest.mark.parametrize("path, target", [
    ([EventStatus.published], EventStatus.cancelled),
    ([EventStatus.published], EventStatus.postponed),
    ([EventStatus.published, EventStatus.postponed], EventStatus.cancelled),
])
@pytest.mark.parametrize("reason", ["", "  \u200c "])
def test_cancel_or_postpone_live_event_needs_a_reason(db, body, path, target, reason):
    event = create(db, body)
    for step in path:
        services.set_status(event, step, reason="علت", now=NOW)
    db.session.commit()
    status, sequence = event.status, event.sequence
    refused(db, R.reason_required, "علت را بنویسید تا به ثبت‌نام‌کنندگان گفته شود.",
            services.set_status, event, target, reason=reason, now=LATER)
    assert event.status == status and event.sequence == sequence


def test_publish_and_cancel_helpers(db, body):
    event = create(db, body)
    services.publish(event, now=NOW)
    assert event.status == EventStatus.published and event.sequence == 1
    db.session.commit()
    refused(db, R.reason_required, None, services.cancel, event, "", now=NOW)
    services.cancel(event, "  تعطیلی  رسمی ", now=LATER)
    assert event.status == EventStatus.cancelled and event.sequence == 2
    assert event.status_reason == "تعطیلی رسمی"
    refused(db, R.invalid_transition, "رویدادِ «لغو شده» را نمی‌توان «منتشرشده» کرد.",
            services.publish, event, now=LATER)


def test_cancel_draft_without_reason(db, body):
    event = create(db, body)
    services.cancel(event, "", now=NOW)
    assert event.status == EventStatus.cancelled and event.sequence == 1


def test_republishing_clears_the_postpone_reason(db, body):
    event = published(db, body)
    services.set_status(event, EventStatus.postponed, reason="شرایط جوی", now=NOW)
    assert event.status_reason == "شرایط جوی"
    services.publish(event, now=NOW)
    assert event.status_reason == "" and event.sequence == 3


# --- who may do what ---------------------------------------------------------------------------

def test_can_manage_and_can_view(db, body, make_body, make_user):
    other_body = make_body(name="فرمانداری تهران", county="تهران")
    draft = create(db, body)
    live = published(db, body, days=[jday(1398, 6, 1)])
    db.session.commit()
    admin = make_user("admin")
    own = make_user("organizer", body=body)
    stranger = make_user("organizer", body=other_body)
    secretary = make_user("secretary")
    door = make_user("door")

    for event in (draft, live):
        assert services.can_manage(admin, event)
        assert services.can_manage(own, event)
        assert not services.can_manage(stranger, event)
        assert not services.can_manage(secretary, event)
        assert not services.can_manage(door, event)
        assert not services.can_manage(None, event)

    assert services.can_view(admin, draft) and services.can_view(own, draft)
    for user in (stranger, secretary, door, None):
        assert not services.can_view(user, draft)
        assert services.can_view(user, live)

    for status in (EventStatus.cancelled,):
        services.cancel(live, "علت", now=NOW)
        assert live.status == status
        assert services.can_view(None, live) and services.can_view(secretary, live)


def test_load_event_hides_drafts_and_refuses_strangers(db, body, make_body, make_user):
    """One load-and-authorise helper for pages and API: 404 for what the caller may not know
    exists, 403 for what they may see but not change."""
    from eventsapp.refusals import Access, AccessRefusal

    draft = create(db, body)
    live = published(db, body, days=[jday(1398, 6, 1)])
    db.session.commit()
    own, stranger = make_user("organizer", body=body), make_user("organizer", body=make_body(name="نهاد دیگر"))
    secretary = make_user("secretary")
    assert services.load_event(db.session, own, draft.id, manage=True) is draft
    assert services.load_event(db.session, make_user("admin"), draft.id, manage=True) is draft
    assert services.load_event(db.session, secretary, live.id) is live
    for user, event_id, manage, reason, status in [
            (stranger, draft.id, False, Access.not_found, 404),
            (stranger, draft.id, True, Access.not_found, 404),
            (secretary, draft.id, True, Access.not_found, 404),
            (None, draft.id, False, Access.not_found, 404),
            (own, 10**6, False, Access.not_found, 404),
            (stranger, live.id, True, Access.forbidden, 403),
            (secretary, live.id, True, Access.forbidden, 403)]:
        with pytest.raises(AccessRefusal) as info:
            services.load_event(db.session, user, event_id, manage=manage)
        assert info.value.reason is reason and info.value.status == status
        assert re.search("[\u0600-\u06ff]", info.value.message)


def test_which_body_a_new_event_belongs_to(db, body, make_body, make_user):
    from eventsapp.refusals import AccessRefusal

    other = make_body(name="شهرداری منطقه ۲")
    organizer, admin = make_user("organizer", body=body), make_user("admin")
    assert services.body_for_new_event(db.session, organizer) is body
    assert services.body_for_new_event(db.session, organizer, body.id) is body
    assert services.body_for_new_event(db.session, admin, other.id) is other
    with pytest.raises(AccessRefusal) as info:
        services.body_for_new_event(db.session, organizer, other.id)
    assert info.value.status == 403
    for body_id, reason in ((None, R.body_required), (10**6, R.unknown_body)):
        with pytest.raises(EventError) as info:
            services.body_for_new_event(db.session, admin, body_id)
        assert info.value.reason == reason and info.value.status == 422
        assert info.value.as_json()["field"] == "body_id"


def test_invited_ngos_by_registration_number_in_any_digits(db, make_ngo):
    first, second = make_ngo(registration_no="12345"), make_ngo(registration_no="67890")
    assert services.invited_ngos(db.session, []) == []
    found = services.invited_ngos(db.session, ["12345", "۶۷۸۹۰", " 12345 "])
    assert {n.id for n in found} == {first.id, second.id}
    with pytest.raises(EventError) as info:
        services.invited_ngos(db.session, ["12345", "333", "222"])
    assert info.value.reason == R.unknown_ngo and info.value.status == 422
    assert info.value.as_json()["unknown"] == ["222", "333"] and "222، 333" in info.value.message


@pytest.mark.parametrize("value,found", [
    ("تهران", "تهران"), ("tehran", "تهران"), (None, None), ("", None),
    ("ناکجا", R.unknown_province), ("99999999999999999999", R.unknown_province),
    (2**31 - 1, R.unknown_province), ("²", R.unknown_province)])
def test_find_place_names_provinces_by_id_code_or_name(db, value, found):
    if isinstance(found, R):
        with pytest.raises(EventError) as info:
            services.find_place(db.session, value, "venue.province")
        assert info.value.reason == found and info.value.as_json()["field"] == "venue.province"
    else:
        place = services.find_place(db.session, value, "venue.province")
        assert (place.name if place else None) == found
    tehran = province()
    assert services.find_place(db.session, str(tehran.id), "p") is tehran
    from eventsapp.persian import to_persian_digits
    assert services.find_place(db.session, to_persian_digits(str(tehran.id)), "p") is tehran
    assert services.find_place(db.session, "ساری", "c", county=True).name == "ساری"


def test_event_input_applies_fields_over_the_event(db, body, make_ngo):
    """PATCH semantics: the fields sent change, the others stay; a new province without a
    county drops the old county."""
    event = create(db, body, audience=Audience.county, audience_county=county())
    db.session.commit()
    data = services.event_input(db.session, {"title": "تازه", "province": "مازندران"}, event)
    assert data.title == "تازه" and data.capacity == event.capacity
    assert data.province.name == "مازندران" and data.county is None
    assert data.audience_county is event.audience_county  # not sent: kept
    data = services.event_input(db.session, {"audience_county": "ساری", "audience_province": "مازندران"}, event)
    assert data.audience_county.name == "ساری" and data.audience_province.name == "مازندران"
    with pytest.raises(EventError) as info:
        services.event_input(db.session, {"occasion_id": 10**6}, event)
    assert info.value.reason == R.unknown_occasion and info.value.status == 422


def test_refusals_answer_409_for_the_state_and_422_for_other_rules(db, body):
    event = create(db, body)
    services.cancel(event, "", now=NOW)
    with pytest.raises(EventError) as info:
        services.publish(event, now=NOW)
    assert info.value.reason == R.invalid_transition and info.value.status == 409
    with pytest.raises(EventError) as info:
        services.update_event(db.session, event, event_input())
    assert info.value.reason == R.not_editable and info.value.status == 409
    with pytest.raises(EventError) as info:
        services.validate(event_input(capacity=0))
    assert info.value.reason == R.capacity_below_one and info.value.status == 422


def test_a_long_venue_name_whose_key_folds_longer_is_saved(db, body):
    """casefold makes "ß" "ss": the key is cut to its column, not refused by PostgreSQL."""
    event = create(db, body, venue_name="ß" * 200)
    db.session.commit()
    assert len(event.venue.name) == 200 and len(event.venue.name_key) == 200


# --- times -------------------------------------------------------------------------------------

def test_times_are_tehran_wall_clock_in_utc(db, body):
    summer_1398 = create(db, body, days=[jday(1398, 5, 24, "10:00", "13:00"),
                                         jday(1398, 5, 23, "09:30", "12:00")])
    db.session.commit()
    db.session.expire_all()
    assert services.starts_at(summer_1398) == datetime(2019, 8, 14, 5, 0, tzinfo=UTC)  # +04:30
    assert services.ends_at(summer_1398) == datetime(2019, 8, 15, 8, 30, tzinfo=UTC)
    assert services.registration_closes_at(summer_1398) == services.starts_at(summer_1398)
    assert services.registration_closes_at(summer_1398).utcoffset() == timedelta(0)

    summer_1405 = create(db, body, venue_name="تالار شهر", days=[jday(1405, 6, 5, "09:30", "11:00")])
    assert services.starts_at(summer_1405) == datetime(2026, 8, 27, 6, 0, tzinfo=UTC)  # +03:30


def test_registration_closes_at_as_set(db, body):
    closes = datetime(2019, 8, 13, 20, 30, tzinfo=UTC)
    event = create(db, body, registration_closes_at=closes)
    db.session.commit()
    db.session.expire_all()
    assert services.registration_closes_at(event) == closes
    assert services.registration_closes_at(event).tzinfo is not None


# --- occasions ---------------------------------------------------------------------------------

def test_occasion_spans_of_shipped_occasions(db):
    organizations = shipped_occasion(db, ORGANIZATIONS_DAY)
    assert services.occasion_span(organizations, 1398) == (date(2019, 8, 13), date(2019, 8, 13))
    assert services.occasion_span(organizations, 1403) == (from_jalali(1403, 5, 22),) * 2

    week = shipped_occasion(db, GOVERNMENT_WEEK)
    start, end = services.occasion_span(week, 1405)
    assert start == from_jalali(1405, 6, 2) and end == from_jalali(1405, 6, 8)
    assert (end - start).days + 1 == 7

    volunteer = shipped_occasion(db, VOLUNTEER_DAY)
    assert volunteer.calendar == OccasionCalendar.gregorian
    assert services.occasion_span(volunteer, 1405) == (date(2026, 12, 5), date(2026, 12, 5))
    assert services.occasion_span(volunteer, 1403) == (date(2024, 12, 5), date(2024, 12, 5))
    assert to_jalali(date(2024, 12, 5)).year == 1403


def test_gregorian_occasion_early_in_the_year_maps_to_the_right_jalali_year(db):
    new_year = services.save_occasion(db.session, None, name="آزمایش: آغاز سال میلادی",
                                      calendar="gregorian", month=1, day=1)
    start, end = services.occasion_span(new_year, 1403)
    assert start == end == date(2025, 1, 1)
    assert to_jalali(start).year == 1403
    march = services.save_occasion(db.session, None, name="آزمایش: بیست‌وپنجم مارس",
                                   calendar="gregorian", month=3, day=25)
    for jy in (1399, 1402, 1403, 1404):
        start = services.occasion_span(march, jy)[0]
        assert (start.month, start.day) == (3, 25) and to_jalali(start).year == jy
        assert start.year == jy + 621


def test_occasions_near(db):
    near = services.occasions_near(db.session, from_jalali(1398, 5, 23))
    names = [o.occasion.name for o in near]
    assert names[0] == ORGANIZATIONS_DAY
    assert near[0].start == near[0].end == date(2019, 8, 13)
    assert GOVERNMENT_WEEK in names
    assert VOLUNTEER_DAY not in names
    week = near[names.index(GOVERNMENT_WEEK)]
    assert week.start == from_jalali(1398, 6, 2) and week.end == from_jalali(1398, 6, 8)

    inside = services.occasions_near(db.session, from_jalali(1398, 6, 4))
    assert inside[0].occasion.name == GOVERNMENT_WEEK and inside[0].contains(from_jalali(1398, 6, 4))


def test_occasions_near_skips_inactive(db):
    services.save_occasion(db.session, None, name="آزمایش: غیرفعال", calendar="jalali",
                           month=5, day=23, active=False)
    names = [o.occasion.name for o in services.occasions_near(db.session, from_jalali(1398, 5, 23))]
    assert "آزمایش: غیرفعال" not in names


def test_save_occasion_creates_and_updates(db):
    before = counts(db)["Occasion"]
    occasion = services.save_occasion(db.session, None, name="  آزمایش:  روز  كيفيت ",
                                      calendar=OccasionCalendar.jalali, month=6, day=31,
                                      length_days=3, description=" توضیح ")
    assert occasion.id is not None
    assert occasion.name == "آزمایش: روز کیفیت"
    assert (occasion.month, occasion.day, occasion.length_days) == (6, 31, 3)
    assert counts(db)["Occasion"] == before + 1
    # Saving it again under its own name is not a clash.
    same = services.save_occasion(db.session, occasion, name="آزمایش: روز کیفیت",
                                  calendar="jalali", month=11, day=30)
    assert same is occasion and (occasion.month, occasion.day, occasion.length_days) == (11, 30, 1)
    services.save_occasion(db.session, None, name="آزمایش: اسفند", calendar="jalali",
                           month=12, day=29)
    services.save_occasion(db.session, None, name="آزمایش: فوریه", calendar="gregorian",
                           month=2, day=28)
    assert counts(db)["Occasion"] == before + 3


BAD_DATE = "این روز و ماه در تقویم انتخاب‌شده هر سال وجود ندارد."
OCCASION_REFUSALS = [
    ("blank name", dict(name=" \u200c "), R.occasion_name_required, "نام مناسبت را بنویسید."),
    ("shipped name", dict(name=GOVERNMENT_WEEK), R.occasion_name_taken,
     "مناسبتی با این نام پیش‌تر ثبت شده است."),
    ("own name, Arabic letters", dict(name="آزمایش: روز كيفيت"), R.occasion_name_taken,
     "مناسبتی با این نام پیش‌تر ثبت شده است."),
    ("Mehr 31", dict(month=7, day=31), R.occasion_date_invalid, BAD_DATE),
    ("Esfand 30", dict(month=12, day=30), R.occasion_date_invalid, BAD_DATE),
    ("month 13", dict(month=13, day=1), R.occasion_date_invalid, BAD_DATE),
    ("month 0", dict(month=0, day=1), R.occasion_date_invalid, BAD_DATE),
    ("day 0", dict(month=1, day=0), R.occasion_date_invalid, BAD_DATE),
    ("Farvardin 32", dict(month=1, day=32), R.occasion_date_invalid, BAD_DATE),
    ("32 days long", dict(month=1, day=1, length_days=32), R.occasion_date_invalid, BAD_DATE),
    ("Gregorian Feb 29", dict(calendar="gregorian", month=2, day=29), R.occasion_date_invalid,
     BAD_DATE),
    ("Gregorian month 13", dict(calendar="gregorian", month=13, day=1), R.occasion_date_invalid,
     BAD_DATE),
]


@pytest.mark.parametrize("changes, reason, message", [c[1:] for c in OCCASION_REFUSALS],
                         ids=[c[0] for c in OCCASION_REFUSALS])
def test_save_occasion_refusals_save_nothing(db, changes, reason, message):
    services.save_occasion(db.session, None, name="آزمایش: روز کیفیت", calendar="jalali",
                           month=3, day=3)
    db.session.commit()
    kwargs = dict(name="آزمایش: مناسبت تازه", calendar="jalali", month=5, day=1)
    kwargs.update(changes)
    refused(db, reason, message, services.save_occasion, db.session, None, **kwargs)


def test_save_occasion_refusal_leaves_an_edited_occasion_alone(db):
    occasion = services.save_occasion(db.session, None, name="آزمایش: روز کیفیت",
                                      calendar="jalali", month=3, day=3)
    db.session.commit()
    refused(db, R.occasion_date_invalid, BAD_DATE, services.save_occasion, db.session, occasion,
            name="آزمایش: نام دیگر", calendar="jalali", month=12, day=30)
    db.session.refresh(occasion)
    assert (occasion.name, occasion.month, occasion.day) == ("آزمایش: روز کیفیت", 3, 3)
    refused(db, R.occasion_name_taken, None, services.save_occasion, db.session, occasion,
            name=VOLUNTEER_DAY, calendar="jalali", month=3, day=3)


# --- month calendar ------------------------------------------------------------------------------

def test_month_calendar(db, body):
    two_days = published(db, body, title="دو روزه",
                         days=[jday(1398, 5, 23), jday(1398, 5, 24, "16:00", "18:00")])
    draft = create(db, body, title="پیش‌نویس", venue_name="تالار شهر", days=[jday(1398, 5, 10)])
    cancelled = published(db, body, title="لغوشده", venue_name="تالار دیگر",
                          days=[jday(1398, 5, 10)])
    services.cancel(cancelled, "علت", now=NOW)
    next_month = published(db, body, title="شهریور", days=[jday(1398, 6, 1)])
    spanning = published(db, body, title="از تیر تا مرداد", venue_name="سالن دیگر",
                         days=[jday(1398, 4, 31), jday(1398, 5, 1)])
    db.session.commit()

    weeks = services.month_calendar(db.session, 1398, 5)
    assert all(len(week) == 7 for week in weeks)
    first_mordad = from_jalali(1398, 5, 1)
    lead = (first_mordad.weekday() - 5) % 7  # Saturday first
    assert lead == 3  # 1 Mordad 1398 was a Tuesday
    first_row = weeks[0]
    assert first_row[:lead] == [None] * lead
    assert first_row[lead][0] == first_mordad
    cells = {cell[0]: cell[1] for week in weeks for cell in week if cell}
    assert len(cells) == 31
    assert sorted(cells) == [first_mordad + timedelta(days=i) for i in range(31)]
    for week in weeks:
        for i, cell in enumerate(week):
            if cell:
                assert (cell[0].weekday() - 5) % 7 == i  # column 0 is Saturday

    assert cells[from_jalali(1398, 5, 23)] == [two_days]
    assert cells[from_jalali(1398, 5, 24)] == [two_days]
    assert cells[from_jalali(1398, 5, 10)] == [cancelled]
    assert draft not in [e for events in cells.values() for e in events]
    assert next_month not in [e for events in cells.values() for e in events]
    assert cells[first_mordad] == [spanning]
    assert sum(len(events) for events in cells.values()) == 4


def test_month_calendar_filter(db, body):
    here = published(db, body, kind=EventKind.meeting)
    published(db, body, venue_name="تالار کرج", province_=province("البرز"),
              county_=county("کرج", "البرز"))
    weeks = services.month_calendar(db.session, 1398, 5, EventFilter(kind=EventKind.meeting))
    cells = {cell[0]: cell[1] for week in weeks for cell in week if cell}
    assert cells[from_jalali(1398, 5, 23)] == [here]


# --- public listing ----------------------------------------------------------------------------

def test_public_events_filters(db, body):
    organizations = shipped_occasion(db, ORGANIZATIONS_DAY)
    shemiranat = published(db, body, title="شمیرانات", kind=EventKind.workshop,
                           occasion=organizations, days=[jday(1398, 5, 22)])
    tehran = published(db, body, title="تهران", kind=EventKind.meeting, venue_name="تالار وحدت",
                       county_=county("تهران", "تهران"),
                       days=[jday(1398, 5, 31), jday(1398, 6, 2)])
    karaj = published(db, body, title="کرج", kind=EventKind.ceremony, venue_name="تالار کرج",
                      province_=province("البرز"), county_=county("کرج", "البرز"),
                      days=[jday(1398, 7, 1)])
    no_county = published(db, body, title="بی‌شهرستان", kind=EventKind.other,
                          venue_name="سالن استانداری", county_=None, days=[jday(1398, 8, 1)])
    create(db, body, title="پیش‌نویس", occasion=organizations, days=[jday(1398, 5, 22, "14:00", "16:00")])
    cancelled = published(db, body, title="لغوشده", venue_name="سالن لغو", days=[jday(1398, 9, 1)])
    services.cancel(cancelled, "علت", now=NOW)
    db.session.commit()

    def titles(f=None, **kw):
        return [e.title for e in db.session.scalars(services.public_events(f, **kw))]

    assert titles() == ["شمیرانات", "تهران", "کرج", "بی‌شهرستان", "لغوشده"]
    tehran_p, alborz = province("تهران"), province("البرز")
    assert titles(EventFilter(province_id=tehran_p.id)) == [
        "شمیرانات", "تهران", "بی‌شهرستان", "لغوشده"]
    assert titles(EventFilter(province_id=alborz.id)) == ["کرج"]
    assert titles(EventFilter(county_id=county().id)) == ["شمیرانات", "لغوشده"]
    assert titles(EventFilter(province_id=tehran_p.id, county_id=county("تهران", "تهران").id)) == [
        "تهران"]
    assert titles(EventFilter(kind=EventKind.meeting)) == ["تهران"]
    assert titles(EventFilter(kind="ceremony")) == ["کرج"]
    assert titles(EventFilter(occasion_id=organizations.id)) == ["شمیرانات"]
    # since/until bound the days: an event running across the bound is included.
    assert titles(since=from_jalali(1398, 6, 1)) == ["تهران", "کرج", "بی‌شهرستان", "لغوشده"]
    assert titles(since=from_jalali(1398, 6, 3)) == ["کرج", "بی‌شهرستان", "لغوشده"]
    assert titles(until=from_jalali(1398, 5, 31)) == ["شمیرانات", "تهران"]
    assert titles(until=from_jalali(1398, 5, 30)) == ["شمیرانات"]
    assert titles(since=from_jalali(1398, 6, 1), until=from_jalali(1398, 7, 1)) == ["تهران", "کرج"]
    assert titles(EventFilter(province_id=tehran_p.id), since=from_jalali(1398, 7, 1),
                  until=from_jalali(1398, 8, 30)) == ["بی‌شهرستان"]
    for event in db.session.scalars(services.public_events()):
        assert event.status != EventStatus.draft
    assert {shemiranat, tehran, karaj, no_county, cancelled} == set(
        db.session.scalars(services.public_events()))


def test_body_events_lists_every_status_newest_first(db, body, make_body):
    other = make_body(name="فرمانداری تهران", county="تهران")
    old = create(db, body, days=[jday(1398, 5, 1)])
    new = published(db, body, days=[jday(1398, 6, 1)])
    create(db, other, days=[jday(1398, 7, 1)])
    assert list(db.session.scalars(services.body_events(body.id))) == [new, old]
    assert len(db.session.scalars(services.body_events(None)).all()) == 3
