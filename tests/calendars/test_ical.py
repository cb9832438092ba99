"""The pure builders, read back by two independent parsers (icalendar; vobject with dateutil):
instants, the generated VTIMEZONE, one VEVENT per day, UIDs, SEQUENCE and STATUS across real
edits and cancellations, folding, Persian text, occasions and the Google link."""
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from eventsapp.calendars import ical
from eventsapp.calendars.services import OccasionEntry, occasion_entries
from eventsapp.events import services as events
from eventsapp.events.models import EventKind, Occasion
from eventsapp.jalali import from_jalali

from .conftest import (CREATED, SITE, both, event_input, jday, parse_icalendar, parse_vobject,
                       vevents_icalendar, vevents_vobject)

UTC = timezone.utc


def event_file(event, **kw) -> bytes:
    return ical.event_ics(event, SITE, **kw)


def unfold(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")


# --- instants ---------------------------------------------------------------------------------

@pytest.mark.parametrize("jalali, utc, offset", [
    ((1405, 6, 5), datetime(2026, 8, 27, 6, 0, tzinfo=UTC), timedelta(hours=3, minutes=30)),
    ((1398, 5, 23), datetime(2019, 8, 14, 5, 0, tzinfo=UTC), timedelta(hours=4, minutes=30)),
])
def test_0930_tehran_round_trips_to_the_right_utc_instant(make_event, jalali, utc, offset):
    event = make_event([jday(*jalali, "09:30", "12:00")])
    body = event_file(event)
    local = from_jalali(*jalali).strftime("%Y%m%d")
    assert f"DTSTART;TZID=Asia/Tehran:{local}T093000" in unfold(body)
    [row] = both(body)
    assert row["start"].astimezone(UTC) == utc
    assert row["start"].utcoffset() == offset
    assert row["end"] - row["start"] == timedelta(hours=2, minutes=30)
    [v] = vevents_vobject(body)
    assert v.dtstart.value.astimezone(UTC) == utc
    assert events.starts_at(event) == utc


def test_the_vtimezone_comes_from_the_zone_data_with_dst_before_2022(make_event):
    old = make_event([jday(1398, 5, 23)], title="کارگاه ۱۳۹۸")
    new = make_event([jday(1405, 6, 5)], title="کارگاه ۱۴۰۵", venue="سالن دیگر")
    body = ical.feed_ics([old, new], SITE, name="آزمایش")
    [tz] = parse_icalendar(body).walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Asia/Tehran"
    offsets = {(c.name, c.decoded("TZOFFSETFROM"), c.decoded("TZOFFSETTO"))
               for c in tz.walk() if c.name in ("STANDARD", "DAYLIGHT")}
    h330, h430 = timedelta(hours=3, minutes=30), timedelta(hours=4, minutes=30)
    assert ("DAYLIGHT", h330, h430) in offsets and ("STANDARD", h430, h330) in offsets
    # The VTIMEZONE alone (not the parser's own zone database) gives the right offsets:
    # icalendar's reading of the component…
    zone = tz.to_tz()
    assert zone.utcoffset(datetime(2019, 8, 14, 9, 30)) == timedelta(hours=4, minutes=30)
    assert zone.utcoffset(datetime(2026, 8, 27, 9, 30)) == timedelta(hours=3, minutes=30)
    assert zone.utcoffset(datetime(2021, 1, 10, 9, 30)) == timedelta(hours=3, minutes=30)
    # …and vobject/dateutil's, with the TZID renamed so no zone database can answer for it.
    renamed = body.replace(b"Asia/Tehran", b"Custom/Only-In-This-File")
    cal = parse_vobject(renamed)
    starts = sorted(v.dtstart.value for v in cal.vevent_list)
    assert [s.utcoffset() for s in starts] == [timedelta(hours=4, minutes=30),
                                               timedelta(hours=3, minutes=30)]
    assert [s.astimezone(UTC) for s in starts] == [datetime(2019, 8, 14, 5, 0, tzinfo=UTC),
                                                   datetime(2026, 8, 27, 6, 0, tzinfo=UTC)]
    assert cal.vtimezone.gettzinfo().utcoffset(datetime(2020, 6, 1, 12)) == timedelta(hours=4, minutes=30)


def test_every_file_carries_the_same_vtimezone_widened_for_far_years(make_event):
    """Readers that keep the first VTIMEZONE per TZID (vobject does) still read every file
    right: each file's definition is the same, with the daylight saving years in it."""
    recent = parse_icalendar(event_file(make_event([jday(1405, 6, 5)])))
    old = parse_icalendar(event_file(make_event([jday(1398, 5, 23)], venue="سالن دیگر")))
    assert recent.walk("VTIMEZONE")[0].to_ical() == old.walk("VTIMEZONE")[0].to_ical()
    far = make_event([jday(1425, 1, 20)], venue="سالن سوم")  # 2046
    zone = parse_icalendar(event_file(far)).walk("VTIMEZONE")[0]
    assert zone.walk("STANDARD")[0].to_ical().count(b"DTSTART:19700101T000000") == 1
    assert zone.to_tz().utcoffset(datetime(2046, 4, 9, 9, 30)) == timedelta(hours=3, minutes=30)


# --- days, UIDs, RELATED-TO ------------------------------------------------------------------

def test_each_day_is_its_own_vevent_with_its_own_hours(make_event):
    event = make_event([jday(1405, 6, 2, "09:00", "13:00"), jday(1405, 6, 3, "16:00", "19:30"),
                        jday(1405, 6, 8, "08:30", "10:00")], title="هفتهٔ دولت: سه نشست")
    rows = both(event_file(event))
    assert [r["uid"] for r in rows] == [f"event-{event.id}-day-{n}@events.example.ir"
                                        for n in (1, 2, 3)]
    assert {r["related_to"] for r in rows} == {f"event-{event.id}@events.example.ir"}
    assert [(r["start"].strftime("%Y-%m-%d %H:%M"), r["end"].strftime("%H:%M")) for r in rows] == [
        ("2026-08-24 09:00", "13:00"), ("2026-08-25 16:00", "19:30"), ("2026-08-30 08:30", "10:00")]
    assert [r["summary"] for r in rows] == [f"هفتهٔ دولت: سه نشست (روز {n} از ۳)" for n in "۱۲۳"]
    [x] = vevents_icalendar(event_file(event))[:1]
    assert x["RELATED-TO"].params["RELTYPE"] == "PARENT"
    for v in vevents_vobject(event_file(event)):
        assert v.related_to.value == f"event-{event.id}@events.example.ir"


def test_the_same_event_gives_the_same_bytes(make_event):
    event = make_event()
    assert event_file(event) == event_file(event)
    x = vevents_icalendar(event_file(event))[0]
    assert x.decoded("DTSTAMP") == CREATED
    assert x.decoded("LAST-MODIFIED") == CREATED


# --- SEQUENCE and STATUS through the real services ---------------------------------------------

def test_editing_time_or_place_raises_sequence_under_the_same_uid(db, make_event):
    event = make_event([jday(1405, 6, 5, "09:30", "12:00")])
    before = both(event_file(event))[0]
    assert before["status"] == "CONFIRMED"

    later = CREATED + timedelta(days=3)
    events.update_event(db.session, event, event_input([jday(1405, 6, 5, "10:00", "12:30")]),
                        now=later)
    db.session.commit()
    moved = both(event_file(event))[0]
    assert moved["uid"] == before["uid"]
    assert moved["sequence"] == before["sequence"] + 1
    assert moved["start"].astimezone(UTC) == datetime(2026, 8, 27, 6, 30, tzinfo=UTC)
    assert vevents_icalendar(event_file(event))[0].decoded("DTSTAMP") == later
    assert "زمان این رویداد تغییر کرده است." in moved["description"]

    events.update_event(db.session, event, event_input([jday(1405, 6, 5, "10:00", "12:30")],
                                                        venue="تالار شهر"), now=later)
    db.session.commit()
    placed = both(event_file(event))[0]
    assert placed["uid"] == before["uid"]
    assert placed["sequence"] == moved["sequence"] + 1
    assert placed["location"].startswith("تالار شهر")


def test_cancelling_yields_status_cancelled_under_the_same_uid(db, make_event):
    event = make_event([jday(1405, 6, 5), jday(1405, 6, 6)])
    before = both(event_file(event))
    events.cancel(event, "تعطیلی رسمی", now=CREATED + timedelta(days=1))
    db.session.commit()
    after = both(event_file(event))
    assert [r["uid"] for r in after] == [r["uid"] for r in before]
    assert {r["status"] for r in after} == {"CANCELLED"}
    assert all(a["sequence"] == b["sequence"] + 1 for a, b in zip(after, before))
    assert all(r["summary"].startswith("لغو شد: ") for r in after)
    assert "علت: تعطیلی رسمی" in after[0]["description"]
    assert not list(parse_icalendar(event_file(event)).walk("VALARM"))  # no reminder for it


def test_postponed_is_tentative(make_event):
    rows = both(event_file(make_event(status="postponed")))
    assert rows[0]["status"] == "TENTATIVE"
    assert rows[0]["summary"].startswith("به تعویق افتاد: ")


# --- text, folding, the rest of the properties ---------------------------------------------------

def test_persian_text_location_description_url_organizer_alarm(make_event, make_body):
    body_ = make_body(name="فرمانداری شمیرانات")
    body_.contact_email = "info@shemiranat.example.ir"
    event = make_event([jday(1398, 5, 23)], body=body_, topic="طرح‌نویسی برای سمن‌ها",
                       venue_address="خیابان شریعتی، پلاک ۱۲",
                       description="خط نخست شرح.\nخط دوم شرح.")
    body = event_file(event)
    [row] = both(body)
    assert row["summary"] == "کارگاه نگارش طرح"
    assert row["location"] == (f"سالن همایش فرمانداری، {event.venue.address}، شمیرانات، "
                               "استان تهران")
    assert event.venue.address.startswith("خیابان شریعتی، پلاک")
    assert "زمان: چهارشنبه ۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰ تا ۱۲:۰۰" in row["description"]
    assert "خط نخست شرح.\nخط دوم شرح." in row["description"]
    assert f"صفحهٔ رویداد: https://events.example.ir/events/{event.id}" in row["description"]
    assert row["url"] == f"https://events.example.ir/events/{event.id}"
    [x] = vevents_icalendar(body)
    assert x["ORGANIZER"].params["CN"] == "فرمانداری شمیرانات"
    assert str(x["ORGANIZER"]) == "mailto:info@shemiranat.example.ir"  # the body's contact
    [alarm] = x.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=2)
    assert str(alarm["ACTION"]) == "DISPLAY"
    [v] = vevents_vobject(body)
    assert v.organizer.params["CN"] == ["فرمانداری شمیرانات"]
    assert v.valarm.trigger.value == -timedelta(hours=2)
    cal = parse_icalendar(body)
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "کارگاه نگارش طرح"


def test_lines_are_folded_by_octets_and_unfold_to_intact_persian(make_event):
    title = "کارگاه ملی توانمندسازی سمن‌های محیط زیست، سلامت و توسعهٔ پایدار در شهرستان‌های استان تهران"
    event = make_event([jday(1405, 6, 5)], title=title,
                       description="شرحی بلند: " + "مشارکت اجتماعی و داوطلبی " * 20)
    body = event_file(event)
    lines = body.split(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in lines) <= 75
    assert any(len(line.decode("utf-8")) < len(line) for line in lines)  # multi-byte lines
    for line in lines:
        line.decode("utf-8")  # no UTF-8 character is split across a fold
    [row] = both(body)
    assert row["summary"] == title
    assert ("مشارکت اجتماعی و داوطلبی " * 20).strip() in row["description"]
    assert f"SUMMARY:{title}" in unfold(body)


def test_ticket_file_carries_the_ticket_url_and_cancels_for_a_dropped_registration(make_event):
    event = make_event([jday(1405, 6, 5)])
    code = "Abc123_-Abc123_-Abc123"
    body = event_file(event, ticket=ical.Ticket(code=code, holder="زهرا احمدی"))
    [row] = both(body)
    assert row["url"] == f"https://events.example.ir/t/{code}"
    assert f"بلیت زهرا احمدی: https://events.example.ir/t/{code}" in row["description"]
    assert f"https://events.example.ir/events/{event.id}" in row["description"]
    assert row["uid"] == f"event-{event.id}-day-1@events.example.ir"  # the event's own UID
    assert row["status"] == "CONFIRMED"

    gone = both(event_file(event, ticket=ical.Ticket(code=code, active=False)))[0]
    assert gone["uid"] == row["uid"]
    assert gone["status"] == "CANCELLED"
    assert gone["sequence"] == row["sequence"] + 1

    later = CREATED + timedelta(days=30)
    waiting = ical.Ticket(code=code, confirmed=False, status_label="فهرست انتظار", changed_at=later)
    body = event_file(event, ticket=waiting)
    [wait] = both(body)
    assert wait["status"] == "TENTATIVE" and wait["sequence"] == row["sequence"]
    assert "ثبت‌نام هنوز قطعی نیست (فهرست انتظار)." in wait["description"]
    assert vevents_icalendar(body)[0].decoded("DTSTAMP") == later  # newer than the old copy


def test_an_empty_feed_is_still_a_valid_calendar():
    body = ical.feed_ics([], SITE, name="خالی")
    assert vevents_icalendar(body) == [] and vevents_vobject(body) == []
    assert len(list(parse_icalendar(body).walk("VTIMEZONE"))) == 1
    cal = parse_icalendar(body)
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)


def test_feeds_have_no_alarms(make_event):
    body = ical.feed_ics([make_event()], SITE, name="آزمایش")
    assert not list(parse_icalendar(body).walk("VALARM"))
    assert "VALARM" not in body.decode()


# --- occasions -------------------------------------------------------------------------------

def _occasion(db, name) -> Occasion:
    from sqlalchemy import select
    return db.session.scalar(select(Occasion).where(Occasion.name == name))


def test_occasions_one_dated_entry_per_year_with_stable_uids(db):
    years = [1405, 1406, 1407, 1408, 1409]
    entries = occasion_entries(db.session, years)
    stamp = datetime(2026, 11, 22, tzinfo=UTC)
    body = ical.occasions_ics(entries, SITE, name="مناسبت‌ها", stamp=stamp)
    rows = both(body)
    assert "RRULE" not in body.decode() and "RSCALE" not in body.decode()
    week = _occasion(db, "هفتهٔ دولت")
    gov = {r["uid"]: r for r in rows if r["summary"] == "هفتهٔ دولت"}
    assert sorted(gov) == [f"occasion-{week.id}-{y}@events.example.ir" for y in years]
    first = gov[f"occasion-{week.id}-1405@events.example.ir"]
    assert (first["start"], first["end"]) == (date(2026, 8, 24), date(2026, 8, 31))  # 7 days
    assert "دوشنبه ۲ شهریور ۱۴۰۵ تا یکشنبه ۸ شهریور ۱۴۰۵" in first["description"]
    for y, r in ((y, gov[f"occasion-{week.id}-{y}@events.example.ir"]) for y in years):
        assert r["start"] == from_jalali(y, 6, 2) and r["end"] == from_jalali(y, 6, 9)

    volunteer = _occasion(db, "روز جهانی داوطلب")
    vol = sorted((r for r in rows if r["summary"] == "روز جهانی داوطلب"), key=lambda r: r["start"])
    assert [r["start"] for r in vol] == [date(y, 12, 5) for y in range(2026, 2031)]
    assert [r["end"] for r in vol] == [date(y, 12, 6) for y in range(2026, 2031)]
    assert [r["uid"] for r in vol] == [f"occasion-{volunteer.id}-{y}@events.example.ir"
                                       for y in range(2026, 2031)]
    # The same year gives the same UID whichever years are asked for.
    again = occasion_entries(db.session, [1406])
    assert {ical.occasion_uid(e.occasion.id, e.year, SITE) for e in again} <= {r["uid"] for r in rows}
    for x in vevents_icalendar(body):
        assert x["DTSTART"].params.get("VALUE") == "DATE"
        assert str(x["TRANSP"]) == "TRANSPARENT"


def test_occasion_entry_for_a_one_day_occasion(db):
    day = _occasion(db, "روز تشکل‌ها و مشارکت‌های اجتماعی")
    entry = OccasionEntry(day, 1398, date(2019, 8, 13), date(2019, 8, 13))
    x = ical.occasion_component(entry, SITE, stamp=datetime(2019, 1, 1, tzinfo=UTC))
    assert x.decoded("DTEND") == date(2019, 8, 14)
    assert str(x["DESCRIPTION"]).startswith("سه‌شنبه ۲۲ مرداد ۱۳۹۸")


# --- Google Calendar --------------------------------------------------------------------------

def test_google_link_for_the_first_day_in_utc(make_event):
    event = make_event([jday(1398, 5, 23, "09:30", "12:00"), jday(1398, 5, 24, "14:00", "16:00")],
                       kind=EventKind.meeting)
    url = ical.google_calendar_url(event, SITE)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://calendar.google.com/calendar/render"
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q["action"] == "TEMPLATE"
    assert q["dates"] == "20190814T050000Z/20190814T073000Z"
    assert q["text"] == "کارگاه نگارش طرح"
    assert q["location"].startswith("سالن همایش فرمانداری")
    assert f"https://events.example.ir/events/{event.id}" in q["details"]
    assert "این رویداد ۲ روز است" in q["details"]
    assert q["ctz"] == "Asia/Tehran"


def test_webcal_swaps_the_scheme():
    assert ical.webcal("https://x.ir/calendars/a.ics") == "webcal://x.ir/calendars/a.ics"
    assert ical.webcal("http://localhost/calendars/a.ics") == "webcal://localhost/calendars/a.ics"


def test_uids_never_depend_on_dates_or_titles():
    assert ical.day_uid(12, 2, SITE) == "event-12-day-2@events.example.ir"
    assert ical.event_uid(12, SITE) == "event-12@events.example.ir"
    assert ical.occasion_uid(3, 1405, SITE) == "occasion-3-1405@events.example.ir"
    assert re.fullmatch(r"[a-z0-9.-]+", ical.Site("https://Events.Example.ir:8443/app").domain)


def test_vobject_reads_the_vtimezone_like_zoneinfo_every_day_1990_to_2040():
    """One observance per change, its DTSTART the local time before the change (RFC 5545):
    spring 2022's change is at 00:00, as the clocks went from 00:00 to 01:00."""
    from eventsapp.jalali import TEHRAN
    body = ical.feed_ics([], SITE, name="خالی")
    assert b"DTSTART:20220322T000000\r\nTZNAME:+0430\r\nTZOFFSETFROM:+0330\r\n" in body
    assert b"RDATE" not in body and b"RRULE" not in body
    zone = parse_vobject(body.replace(b"Asia/Tehran", b"Sweep/Tehran")).vtimezone.gettzinfo()
    day, wrong = datetime(1990, 1, 1, 12), []
    while day.year <= 2040:
        if zone.utcoffset(day) != day.replace(tzinfo=TEHRAN).utcoffset():
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []
