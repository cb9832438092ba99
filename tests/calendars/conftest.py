"""Calendar test helpers: events made through the real services, and two independent parsers
(icalendar, and vobject with dateutil) for every file."""
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest
import vobject

from eventsapp.calendars import ical
from eventsapp.events import services as events
from eventsapp.events.models import EventKind
from eventsapp.jalali import from_jalali
from eventsapp.places.services import find_county, find_province

UTC = timezone.utc
# Created and published well before any test event, so DTSTAMP and registration are fixed.
CREATED = datetime(2019, 1, 10, 6, 0, tzinfo=UTC)
SITE = ical.Site("https://events.example.ir")


def t(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def jday(jy, jm, jd, start="09:30", end="12:00") -> events.DayInput:
    """One event day on a Jalali date with Tehran wall-clock hours."""
    return events.DayInput(from_jalali(jy, jm, jd), t(start), t(end))


def gday(d: date, start="09:30", end="12:00") -> events.DayInput:
    return events.DayInput(d, t(start), t(end))


def event_input(days, *, title="کارگاه نگارش طرح", venue="سالن همایش فرمانداری",
                province="تهران", county="شمیرانات", kind=EventKind.workshop, **kw):
    from eventsapp.extensions import db
    p = find_province(db.session, province)
    return events.EventInput(kind=kind, title=title, venue_name=venue, province=p,
                             county=find_county(db.session, county, p) if county else None,
                             days=list(days), capacity=kw.pop("capacity", 40), **kw)


@pytest.fixture
def make_event(db, make_body):
    """An event made and published through the event services; ``status`` "draft" keeps it a
    draft, "cancelled" / "completed" / "postponed" move it on."""
    bodies = {}

    def make(days=None, *, body=None, status="published", now=CREATED, actor=None, **kw):
        if body is None:
            body = bodies.get("default") or bodies.setdefault("default", make_body())
        data = event_input(days or [jday(1405, 6, 5)], **kw)
        event, _ = events.create_event(db.session, body, data, actor=actor, now=now)
        if status != "draft":
            events.publish(event, now=now)
        if status in ("cancelled", "postponed"):
            events.set_status(event, status, reason="به دلیل تعطیلی رسمی", now=now)
        elif status == "completed":  # marked held once it has begun
            events.set_status(event, status, now=max(now, events.starts_at(event)))
        db.session.commit()
        return event

    return make


def soon(days=10) -> date:
    from eventsapp.jalali import today
    return today() + timedelta(days=days)


# --- two parsers ----------------------------------------------------------------------------

def parse_icalendar(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def parse_vobject(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def vevents_icalendar(body: bytes):
    return list(parse_icalendar(body).walk("VEVENT"))


def vevents_vobject(body: bytes):
    cal = parse_vobject(body)
    return list(getattr(cal, "vevent_list", []))


def both(body: bytes) -> list[dict]:
    """Each VEVENT as the two parsers read it, checked to agree; a list of plain dicts."""
    a, b = vevents_icalendar(body), vevents_vobject(body)
    assert len(a) == len(b)
    out = []
    for x, y in zip(a, b):
        row = {
            "uid": str(x["UID"]),
            "start": x.decoded("DTSTART"),
            "end": x.decoded("DTEND"),
            "summary": str(x["SUMMARY"]),
            "status": str(x.get("STATUS", "")),
            "sequence": int(x.get("SEQUENCE", 0)),
            "description": str(x.get("DESCRIPTION", "")),
            "location": str(x.get("LOCATION", "")),
            "url": str(x.get("URL", "")),
            "related_to": str(x.get("RELATED-TO", "")),
        }
        assert y.uid.value == row["uid"]
        assert y.summary.value == row["summary"]
        assert y.dtstart.value == row["start"]
        assert y.dtend.value == row["end"]
        if isinstance(row["start"], datetime):
            assert y.dtstart.value.utcoffset() == row["start"].utcoffset()
        if row["status"]:
            assert y.status.value == row["status"]
        if row["description"]:
            assert y.description.value == row["description"]
        if row["location"]:
            assert y.location.value == row["location"]
        if row["url"]:
            assert y.url.value == row["url"]
        out.append(row)
    return out
