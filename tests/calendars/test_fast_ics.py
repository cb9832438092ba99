"""The VEVENTs written straight to text (``ical._vevents_ics``, what files and feeds carry) say
exactly what the icalendar-built components (``ical.event_components``) say: every property,
parameter and value, read back by icalendar."""
import datetime as dt

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsapp.calendars import ical
from eventsapp.events.models import EventStatus

UTC = dt.timezone.utc
SITE = ical.Site("https://events.example.ir", organizer_email="office@example.ir")


def event(**over) -> ical.EventData:
    data = dict(
        id=7, title="کارگاه توانمندسازی سمن‌ها، روز اول; بخش\\دوم", topic="نشاط اجتماعی",
        description="سطر یک\nسطر دو، با ویرگول; و نقطه‌ویرگول", kind_label="کارگاه",
        status=EventStatus.published, status_reason="", change_note="", sequence=3,
        updated_at=dt.datetime(2026, 8, 1, 6, 30, tzinfo=UTC),
        created_at=dt.datetime(2026, 7, 1, 5, 0, tzinfo=UTC),
        venue_name="مجتمع گردشگری دامنهٔ مهدیشهر", venue_address="جادهٔ شهمیرزاد، کیلومتر ۳",
        county_name="مهدیشهر", province_name="سمنان", body_name='دفتر "امور" اجتماعی',
        occasion_name="هفتهٔ دولت",
        days=(ical.DayData(dt.date(2026, 8, 23), dt.time(9, 30), dt.time(13)),
              ical.DayData(dt.date(2026, 8, 24), dt.time(14), dt.time(17, 45))),
        organizer_email="")
    data.update(over)
    return ical.EventData(**data)


def read(raw: bytes) -> list[dict]:
    cal = icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + raw + b"END:VCALENDAR\r\n")
    out = []
    for component in cal.walk():
        if component.name in ("VEVENT", "VALARM"):
            out.append({(component.name, key): (component.decoded(key), dict(value.params))
                        for key, value in component.property_items(recursive=False)[1:-1]
                        for value in [component[key]] if key not in ("BEGIN", "END")})
    return out


def built(data, ticket=None, alarm=False) -> bytes:
    return b"".join(c.to_ical() for c in ical.event_components(data, SITE, ticket=ticket, alarm=alarm))


CASES = [
    dict(),
    dict(status=EventStatus.cancelled, status_reason="هم‌زمانی با برنامهٔ استانی"),
    dict(status=EventStatus.postponed, change_note="روزهای این رویداد تغییر کرده است."),
    dict(body_name="", occasion_name="", topic="", description="", created_at=None),
    dict(organizer_email="contact@body.example.ir", title="ا" * 300),
]


@pytest.mark.parametrize("over", CASES)
@pytest.mark.parametrize("alarm", [False, True])
def test_text_writer_says_what_icalendar_says(over, alarm):
    data = event(**over)
    ical._vevents_ics.cache_clear()
    assert read(ical._vevents_ics(data, SITE, None, alarm)) == read(built(data, alarm=alarm))


@pytest.mark.parametrize("ticket", [
    ical.Ticket("abc", holder="مریم احمدی"),
    ical.Ticket("abc", active=False, changed_at=dt.datetime(2026, 8, 10, tzinfo=UTC)),
    ical.Ticket("abc", confirmed=False),
])
def test_ticket_files_agree_too(ticket):
    data = event()
    assert read(ical._vevents_ics(data, SITE, ticket, True)) == read(built(data, ticket, True))


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    raw = ical._vevents_ics(event(title="گ" * 200, description="ی" * 500), SITE, None, False)
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character cut in two


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200), st.text(max_size=300))
def test_any_text_reads_back_as_written(title, description):
    data = event(title=title.replace("\r", ""), description=description.replace("\r", "").strip())
    assert read(ical._vevents_ics(data, SITE, None, False)) == read(built(data))
