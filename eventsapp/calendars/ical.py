"""iCalendar files for events, tickets, feeds and occasions: pure functions over model objects.

No Flask and no database here: a caller hands in the events (model objects with their days,
venue, body and occasion loaded, or :class:`EventData` rows) and a :class:`Site` that says
where the app lives. Every component is built with ``icalendar`` and serialised by it, which
folds lines at 75 octets without splitting a UTF-8 character.

UIDs (stable for the life of an event; never derived from dates, titles or places)
    Each day of an event is its own VEVENT with its own hours:

        event-<event id>-day-<n>@<domain>       n = the day's position, 1 … 31

    and every day carries ``RELATED-TO;RELTYPE=PARENT:event-<event id>@<domain>``, the UID of
    the event as a whole. A one-day event is ``event-<id>-day-1``; when a day is added it keeps
    that UID and ``…-day-2`` appears beside it. The same UIDs are used in the event file, the
    ticket file and every feed, so the same event never shows twice in one calendar.

    Occasions: ``occasion-<occasion id>-<year>@<domain>``, one all-day entry per year, where the
    year is the Jalali year for a Jalali occasion and the Gregorian year for a Gregorian one.

SEQUENCE and time stamps
    SEQUENCE is ``Event.sequence``, which the event services raise on every change of time,
    place or status. DTSTAMP and LAST-MODIFIED are the event's ``updated_at``, so the same
    event always gives the same bytes (feeds use a hash of the body as their ETag).

Times
    DTSTART/DTEND are Tehran wall-clock times with ``TZID=Asia/Tehran``; the VTIMEZONE is
    generated from the zoneinfo transitions, one observance per change, so summer days up to
    2022 get +04:30 and everything else +03:30. It covers 1990 to 2040, widened to the years of the file's events when they fall outside: every file
    carries the same definition, because some readers (vobject among them) keep the first
    VTIMEZONE they meet for a TZID and apply it to every later file.

Speed
    An event is first copied into an immutable :class:`EventData` holding everything its
    VEVENTs show; the serialised VEVENTs are memoised on that value (with the site, ticket
    and reminder), so a feed whose events have not changed is mostly a join of cached bytes.
    Any change to what a VEVENT shows is a different key: nothing is ever invalidated by hand.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlencode, urlsplit

import icalendar

from ..events.models import EventStatus
from ..jalali import TEHRAN, UTC, format_date, format_time, local_datetime, to_utc
from ..persian import to_persian_digits
from ..registrations.qr import ticket_path

PRODID = "-//eventsapp//NGO events//FA"
TZID = "Asia/Tehran"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# Subscribed calendars are asked to come back this often (clients may refresh less often).
REFRESH = dt.timedelta(hours=1)
# The reminder in downloaded files: this long before each day starts.
ALARM_BEFORE = dt.timedelta(hours=2)

# RFC 5545 STATUS for each event status. A postponed event keeps its old days until new ones
# are set, marked tentative.
ICAL_STATUS = {
    EventStatus.draft: "TENTATIVE",
    EventStatus.published: "CONFIRMED",
    EventStatus.postponed: "TENTATIVE",
    EventStatus.cancelled: "CANCELLED",
    EventStatus.completed: "CONFIRMED",
}
# Not every client shows STATUS, so the title says it too.
SUMMARY_PREFIX = {
    EventStatus.postponed: "به تعویق افتاد: ",
    EventStatus.cancelled: "لغو شد: ",
}


# UIDs end in this when no domain is configured: never the request's Host header, which would
# give one event different UIDs under different host names (and so twice in one calendar).
FALLBACK_UID_DOMAIN = "eventsapp.invalid"


@dataclass(frozen=True)
class Site:
    """Where the app lives: absolute URLs, the domain that UIDs end in, and the ORGANIZER
    address for events whose organizing body has no contact address."""

    base_url: str  # e.g. "https://events.example.ir" (no trailing slash needed)
    organizer_email: str = ""
    uid_domain: str = ""  # the app passes CALENDAR_UID_DOMAIN, else PUBLIC_BASE_URL's host,
    # else FALLBACK_UID_DOMAIN (never the request's host); when left out, base_url's host

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def domain(self) -> str:
        return self.uid_domain or urlsplit(self.base).hostname or FALLBACK_UID_DOMAIN

    def organizer_address(self, event) -> str | None:
        """The body's contact address; else the configured one; else none (no ORGANIZER)."""
        email = event.organizer_email or self.organizer_email
        return "mailto:" + email if email else None

    def url(self, path: str) -> str:
        return self.base + path

    def event_url(self, event) -> str:
        return self.url(f"/events/{event.id}")

    def ticket_url(self, code: str) -> str:
        return self.url(ticket_path(code))


@dataclass(frozen=True)
class Ticket:
    """What a ticket file adds to its event: the ticket page, its holder, and the state of the
    registration. A void ticket (registration cancelled or rejected) makes the holder's copy
    CANCELLED with SEQUENCE one higher; one not yet confirmed (waitlisted, awaiting approval)
    makes it TENTATIVE. ``changed_at`` (the registration's last change) moves DTSTAMP on, so a
    re-imported file that only differs in the registration's state still counts as newer."""

    code: str
    holder: str = ""
    active: bool = True
    confirmed: bool = True
    status_label: str = ""
    changed_at: dt.datetime | None = None


@dataclass(frozen=True)
class DayData:
    date: dt.date
    start_time: dt.time
    end_time: dt.time


@dataclass(frozen=True)
class EventData:
    """Everything an event's VEVENTs show, copied from the model: hashable, so it can key a
    cache, and free of the database session."""

    id: int
    title: str
    topic: str
    description: str
    kind_label: str
    status: EventStatus
    status_reason: str
    change_note: str
    sequence: int
    updated_at: dt.datetime
    created_at: dt.datetime | None
    venue_name: str
    venue_address: str
    county_name: str
    province_name: str
    body_name: str
    occasion_name: str
    days: tuple[DayData, ...]
    organizer_email: str = ""  # the organizing body's contact address, when it has one

    @classmethod
    def of(cls, event) -> "EventData":
        if isinstance(event, cls):
            return event
        venue, body, occasion = event.venue, event.body, event.occasion
        return cls(
            id=event.id, title=event.title, topic=event.topic or "",
            description=(event.description or "").strip(), kind_label=event.kind.label,
            status=EventStatus(event.status), status_reason=event.status_reason or "",
            change_note=event.change_note or "", sequence=event.sequence or 0,
            updated_at=_utc(event.updated_at or event.created_at),
            created_at=_utc(event.created_at) if event.created_at else None,
            venue_name=venue.name, venue_address=venue.address or "",
            county_name=venue.county.name if venue.county is not None else "",
            province_name=venue.province.name if venue.province is not None else "",
            body_name=body.name if body is not None else "",
            occasion_name=occasion.name if occasion is not None else "",
            days=tuple(DayData(d.date, d.start_time, d.end_time) for d in event.days),
            organizer_email=(getattr(body, "contact_email", "") or "") if body is not None else "",
        )


# --- UIDs -----------------------------------------------------------------------------------

def event_uid(event_id: int, site: Site) -> str:
    """The UID of an event as a whole: the RELATED-TO parent of its days."""
    return f"event-{event_id}@{site.domain}"


def day_uid(event_id: int, n: int, site: Site) -> str:
    """The UID of day ``n`` (1-based) of an event."""
    return f"event-{event_id}-day-{n}@{site.domain}"


def occasion_uid(occasion_id: int, year: int, site: Site) -> str:
    return f"occasion-{occasion_id}-{year}@{site.domain}"


# --- text -----------------------------------------------------------------------------------

def _fa(n) -> str:
    return to_persian_digits(n)


def location_text(event) -> str:
    """«venue، address، county، استان province»."""
    e = EventData.of(event)
    parts = [e.venue_name, e.venue_address, e.county_name]
    if e.province_name:
        parts.append(f"استان {e.province_name}")
    return "، ".join(p for p in parts if p)


def day_text(day) -> str:
    """«چهارشنبه ۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰ تا ۱۲:۰۰»."""
    return (f"{format_date(day.date, 'long')}، ساعت {format_time(day.start_time)} تا "
            f"{format_time(day.end_time)}")


def summary_text(event, n: int, total: int) -> str:
    title = SUMMARY_PREFIX.get(event.status, "") + event.title
    if total > 1:
        title += f" (روز {_fa(n)} از {_fa(total)})"
    return title


def description_text(event, site: Site, ticket: Ticket | None = None) -> str:
    event = EventData.of(event)
    lines = []
    if event.status == EventStatus.cancelled:
        lines.append("این رویداد لغو شده است."
                     + (f" علت: {event.status_reason}" if event.status_reason else ""))
    elif event.status == EventStatus.postponed:
        lines.append("این رویداد به تعویق افتاده است؛ زمان تازه پس از تعیین اعلام می‌شود."
                     + (f" {event.status_reason}" if event.status_reason else ""))
    elif event.change_note:
        lines.append(event.change_note)
    if ticket is not None and not ticket.active:
        lines.append("این بلیت دیگر معتبر نیست (ثبت‌نام لغو یا رد شده است).")
    elif ticket is not None and not ticket.confirmed:
        lines.append(f"ثبت‌نام هنوز قطعی نیست ({ticket.status_label or 'در انتظار'}).")
    if lines:
        lines.append("")
    lines.append(event.kind_label + (f" · موضوع: {event.topic}" if event.topic else ""))
    if len(event.days) == 1:
        lines.append("زمان: " + day_text(event.days[0]))
    else:
        lines.append(f"زمان ({_fa(len(event.days))} روز):")
        lines.extend(f"روز {_fa(i)}: {day_text(d)}" for i, d in enumerate(event.days, 1))
    lines.append("مکان: " + location_text(event))
    if event.body_name:
        lines.append("برگزارکننده: " + event.body_name)
    if event.occasion_name:
        lines.append("به مناسبت " + event.occasion_name)
    if event.description:
        lines += ["", event.description]
    lines.append("")
    if ticket is not None:
        holder = f" {ticket.holder}" if ticket.holder else ""
        lines.append(f"بلیت{holder}: {site.ticket_url(ticket.code)}")
    lines.append(f"صفحهٔ رویداد: {site.event_url(event)}")
    return "\n".join(lines)


def _cn(text: str) -> str:
    """A parameter value: no double quotes or control characters (RFC 5545 QSAFE-CHAR)."""
    return "".join(ch for ch in text if ch != '"' and ch >= " ")


# --- components -----------------------------------------------------------------------------

def _utc(value) -> dt.datetime:
    return to_utc(value).replace(microsecond=0)


def event_components(event, site: Site, *, ticket: Ticket | None = None,
                     alarm: bool = False) -> list[icalendar.Event]:
    """One VEVENT per day of ``event``, each with its own hours, sharing a RELATED-TO parent."""
    event = EventData.of(event)
    days = event.days
    total = len(days)
    status = ICAL_STATUS[event.status]
    sequence = event.sequence
    stamp = event.updated_at
    if ticket is not None:
        if ticket.changed_at is not None:
            stamp = max(stamp, _utc(ticket.changed_at))
        if not ticket.active:
            # For this holder the event is off: a change beyond the event's own ones.
            status, sequence = "CANCELLED", sequence + 1
        elif not ticket.confirmed and status == "CONFIRMED":
            status = "TENTATIVE"
    description = description_text(event, site, ticket)
    location = location_text(event)
    url = site.ticket_url(ticket.code) if ticket is not None else site.event_url(event)
    parent = event_uid(event.id, site)
    out = []
    for n, day in enumerate(days, 1):
        vevent = icalendar.Event()
        vevent.add("uid", day_uid(event.id, n, site))
        vevent.add("related-to", parent, parameters={"reltype": "PARENT"})
        vevent.add("sequence", sequence)
        vevent.add("dtstamp", stamp)
        vevent.add("last-modified", stamp)
        if event.created_at is not None:
            vevent.add("created", event.created_at)
        vevent.add("dtstart", local_datetime(day.date, day.start_time))
        vevent.add("dtend", local_datetime(day.date, day.end_time))
        vevent.add("summary", summary_text(event, n, total))
        vevent.add("location", location)
        vevent.add("description", description)
        vevent.add("url", url, parameters={"value": "URI"})
        vevent.add("status", status)
        vevent.add("categories", [event.kind_label])
        organizer = site.organizer_address(event)
        if organizer:
            vevent.add("organizer", icalendar.vCalAddress(organizer),
                       parameters={"cn": _cn(event.body_name)} if event.body_name else {})
        if alarm and status != "CANCELLED":
            valarm = icalendar.Alarm()
            valarm.add("uid", f"alarm-{event.id}-day-{n}@{site.domain}")
            valarm.add("action", "DISPLAY")
            valarm.add("trigger", -ALARM_BEFORE)
            valarm.add("description", f"یادآوری: {event.title}")
            vevent.add_component(valarm)
        out.append(vevent)
    return out


# --- the same VEVENTs written straight to text ---------------------------------------------
# A feed of 1,000 events built through icalendar's objects takes most of a second; written as
# content lines here it takes a tenth of that. Tests parse both with icalendar and compare.

_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})


def _text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newline escaped."""
    return value.translate(_TEXT_ESCAPES)


def _fold(line: str) -> bytes:
    """One content line, folded at 75 octets without splitting a UTF-8 character."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return raw + b"\r\n"
    out, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # inside a character: back off
            end -= 1
        out.append(raw[start:end])
        start, limit = end, 74  # continuation lines begin with a space
    return b"\r\n ".join(out) + b"\r\n"


def _utc_text(value: dt.datetime) -> str:
    return _utc(value).strftime("%Y%m%dT%H%M%SZ")


def _local_text(day: dt.date, at: dt.time) -> str:
    return f"{day:%Y%m%d}T{at:%H%M%S}"


@lru_cache(maxsize=8192)
def _vevents_ics(event: EventData, site: Site, ticket: Ticket | None, alarm: bool) -> bytes:
    """The serialised VEVENTs of one event, as ``event_components`` builds them (memoised:
    see "Speed" above)."""
    days, total = event.days, len(event.days)
    status, sequence, stamp = ICAL_STATUS[event.status], event.sequence, event.updated_at
    if ticket is not None:
        if ticket.changed_at is not None:
            stamp = max(stamp, _utc(ticket.changed_at))
        if not ticket.active:
            status, sequence = "CANCELLED", sequence + 1
        elif not ticket.confirmed and status == "CONFIRMED":
            status = "TENTATIVE"
    url = site.ticket_url(ticket.code) if ticket is not None else site.event_url(event)
    organizer = site.organizer_address(event)
    head = [f"RELATED-TO;RELTYPE=PARENT:{event_uid(event.id, site)}", f"SEQUENCE:{sequence}",
            f"DTSTAMP:{_utc_text(stamp)}", f"LAST-MODIFIED:{_utc_text(stamp)}"]
    if event.created_at is not None:
        head.append(f"CREATED:{_utc_text(event.created_at)}")
    tail = [f"LOCATION:{_text(location_text(event))}",
            f"DESCRIPTION:{_text(description_text(event, site, ticket))}",
            f"URL;VALUE=URI:{url}", f"STATUS:{status}", f"CATEGORIES:{_text(event.kind_label)}"]
    if organizer:
        cn = f';CN="{_cn(event.body_name)}"' if event.body_name else ""
        tail.append(f"ORGANIZER{cn}:{organizer}")
    out = []
    for n, day in enumerate(days, 1):
        lines = ["BEGIN:VEVENT", f"UID:{day_uid(event.id, n, site)}", *head,
                 f"DTSTART;TZID={TZID}:{_local_text(day.date, day.start_time)}",
                 f"DTEND;TZID={TZID}:{_local_text(day.date, day.end_time)}",
                 f"SUMMARY:{_text(summary_text(event, n, total))}", *tail]
        if alarm and status != "CANCELLED":
            lines += ["BEGIN:VALARM", f"UID:alarm-{event.id}-day-{n}@{site.domain}", "ACTION:DISPLAY",
                      f"TRIGGER:-PT{int(ALARM_BEFORE.total_seconds() // 3600)}H",
                      f"DESCRIPTION:{_text('یادآوری: ' + event.title)}", "END:VALARM"]
        lines.append("END:VEVENT")
        out.extend(_fold(line) for line in lines)
    return b"".join(out)


def occasion_component(entry, site: Site, *, stamp: dt.datetime) -> icalendar.Event:
    """One year of an occasion as an all-day entry. ``entry`` has .occasion, .start, .end,
    .year (see :func:`calendars.services.occasion_entries`)."""
    occasion = entry.occasion
    vevent = icalendar.Event()
    vevent.add("uid", occasion_uid(occasion.id, entry.year, site))
    vevent.add("sequence", 0)
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("dtstart", entry.start)
    vevent.add("dtend", entry.end + dt.timedelta(days=1))  # exclusive
    vevent.add("summary", occasion.name)
    if entry.start == entry.end:
        when = format_date(entry.start, "long")
    else:
        when = f"{format_date(entry.start, 'long')} تا {format_date(entry.end, 'long')}"
    text = [when]
    if occasion.description:
        text.append(occasion.description)
    vevent.add("description", "\n".join(text))
    vevent.add("categories", ["مناسبت"])
    vevent.add("transp", "TRANSPARENT")
    return vevent


# --- calendars ------------------------------------------------------------------------------

def _transitions(first_year: int, last_year: int):
    """Asia/Tehran's offset changes from 1 January ``first_year`` to the end of ``last_year``,
    from zoneinfo: (instant in UTC, offset before, offset after), found to the second."""
    out = []
    t = dt.datetime(first_year, 1, 1, tzinfo=UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=UTC)
    offset = t.astimezone(TEHRAN).utcoffset()
    step = dt.timedelta(days=1)
    while t < end:
        later = t + step
        after = later.astimezone(TEHRAN).utcoffset()
        if after != offset:
            low, high = t, later  # the change is in (low, high]
            while high - low > dt.timedelta(seconds=1):
                mid = low + (high - low) / 2
                if mid.astimezone(TEHRAN).utcoffset() == offset:
                    low = mid
                else:
                    high = mid
            out.append((high.replace(microsecond=0), offset, after))
            offset = after
        t = later
    return out


def _tzname(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"+{minutes // 60:02d}{minutes % 60:02d}"


@lru_cache(maxsize=64)
def _vtimezone(first_year: int, last_year: int) -> icalendar.Timezone:
    """Asia/Tehran from the zoneinfo transitions, 1 January ``first_year`` … end of
    ``last_year`` (cached; never mutate the result).

    One observance per change, each with its own DTSTART and nothing to expand (no RRULE, no
    RDATE): the one form that icalendar, vobject (dateutil) and ical.js all read the same. As
    RFC 5545 says, DTSTART is the local time *before* the change (TZOFFSETFROM), so spring's
    changes read 00:00 (when clocks went from 00:00 to 01:00) and autumn's 00:00 of summer time.
    A first STANDARD observance gives the offset in force on 1 January ``first_year``."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    start = dt.datetime(first_year, 1, 1, tzinfo=UTC)
    offset = start.astimezone(TEHRAN).utcoffset()
    base = icalendar.TimezoneStandard()
    base.add("dtstart", dt.datetime(1970, 1, 1))
    base.add("tzoffsetfrom", offset)
    base.add("tzoffsetto", offset)
    base.add("tzname", _tzname(offset))
    zone.add_component(base)
    for instant, before, after in _transitions(first_year, last_year):
        observance = (icalendar.TimezoneDaylight() if after > before
                      else icalendar.TimezoneStandard())
        observance.add("dtstart", (instant + before).replace(tzinfo=None))
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        observance.add("tzname", _tzname(after))
        zone.add_component(observance)
    return zone


def new_calendar(name: str, *, description: str = "", feed: bool = False,
                 years: tuple[int, int] | None = None) -> icalendar.Calendar:
    """An empty VCALENDAR; with ``years`` (first, last), the Tehran VTIMEZONE for them."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Text values, escaped as RFC 5545 says (icalendar leaves properties it does not know, such
    # as X-WR-CALNAME, unescaped unless they are given as text).
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    if description:
        cal.add("x-wr-caldesc", icalendar.vText(description))
    cal.add("x-wr-timezone", TZID)
    if feed:
        cal.add("refresh-interval", REFRESH, parameters={"value": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(REFRESH))  # PT1H
    if years is not None:
        cal.add_component(_vtimezone(*years))
    return cal


TZ_FIRST_YEAR, TZ_LAST_YEAR = 1990, 2040


def _years(events) -> tuple[int, int]:
    """The years the VTIMEZONE covers: the standard range, widened to the events' days."""
    days = [d.date for e in events for d in e.days]
    if not days:
        return TZ_FIRST_YEAR, TZ_LAST_YEAR
    return min(TZ_FIRST_YEAR, min(days).year), max(TZ_LAST_YEAR, max(days).year)


_END = b"END:VCALENDAR\r\n"


def _assemble(cal: icalendar.Calendar, components: list[bytes]) -> bytes:
    """``cal`` serialised by icalendar with the already serialised ``components`` inside."""
    head = cal.to_ical()
    if not head.endswith(_END):
        raise ValueError("unexpected VCALENDAR serialisation")
    return head[:-len(_END)] + b"".join(components) + _END


def event_ics(event, site: Site, *, ticket: Ticket | None = None) -> bytes:
    """The file for one event (or one ticket): every day, with a reminder."""
    data = EventData.of(event)
    cal = new_calendar(data.title, years=_years([data]))
    return _assemble(cal, [_vevents_ics(data, site, ticket, True)])


def feed_ics(events, site: Site, *, name: str, description: str = "") -> bytes:
    """A subscription feed of ``events``. No reminders: subscribers choose their own. An empty
    feed still holds the VTIMEZONE, since a VCALENDAR must have at least one component."""
    data = [EventData.of(e) for e in events]
    cal = new_calendar(name, description=description, feed=True, years=_years(data))
    return _assemble(cal, [_vevents_ics(e, site, None, False) for e in data])


def occasions_ics(entries, site: Site, *, name: str, stamp: dt.datetime,
                  description: str = "") -> bytes:
    """All-day entries: no TZID, so no VTIMEZONE is needed; an empty list gets one anyway."""
    entries = list(entries)
    cal = new_calendar(name, description=description, feed=True,
                       years=None if entries else _years([]))
    for entry in entries:
        cal.add_component(occasion_component(entry, site, stamp=stamp))
    return cal.to_ical()


def filename_for_event(event, ticket: Ticket | None = None) -> str:
    return f"event-{event.id}-ticket.ics" if ticket is not None else f"event-{event.id}.ics"


# --- Google Calendar -----------------------------------------------------------------------

GOOGLE_RENDER = "https://calendar.google.com/calendar/render"


def _google_stamp(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event, site: Site, *, ticket: Ticket | None = None) -> str:
    """An "add to Google Calendar" link for the event's first day (Google's template link
    takes one time range); the details list every day and link to the page."""
    event = EventData.of(event)
    first = event.days[0]
    start = local_datetime(first.date, first.start_time)
    end = local_datetime(first.date, first.end_time)
    details = []
    if len(event.days) > 1:
        details.append(f"این رویداد {_fa(len(event.days))} روز است:")
        details.extend(day_text(d) for d in event.days)
        details.append("")
    if ticket is not None:
        details.append(f"بلیت: {site.ticket_url(ticket.code)}")
    details.append(f"صفحهٔ رویداد: {site.event_url(event)}")
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_google_stamp(start)}/{_google_stamp(end)}",
        "details": "\n".join(details),
        "location": location_text(event),
        "ctz": TZID,
    }
    return GOOGLE_RENDER + "?" + urlencode(params, quote_via=quote, safe="/")


def webcal(url: str) -> str:
    """The same URL with the webcal:// scheme, which calendar apps open as a subscription."""
    scheme, _, rest = url.partition("://")
    return "webcal://" + rest if scheme in ("http", "https") else url


def invitation_ics(event, site: Site, *, ticket: Ticket | None = None, method: str = "REQUEST",
                   attendee: str = "", attendee_name: str = "") -> bytes:
    """An iTIP invitation for e-mail (RFC 5546): ``METHOD:REQUEST`` for a new or changed event,
    ``METHOD:CANCEL`` when it or the holder's registration is off. The VEVENTs are those of
    :func:`event_ics` (same UIDs and SEQUENCE), each naming the attendee."""
    data = EventData.of(event)
    cal = new_calendar(data.title, years=_years([data]))
    cal.pop("method")
    cal.add("method", method)
    components = event_components(data, site, ticket=ticket)
    for vevent in components:
        if method == "CANCEL":
            vevent.pop("status")
            vevent.add("status", "CANCELLED")
        if attendee:
            params = {"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"}
            if attendee_name:
                params["cn"] = _cn(attendee_name)
            vevent.add("attendee", icalendar.vCalAddress(f"mailto:{attendee}"), parameters=params)
        if "organizer" not in vevent:
            vevent.add("organizer", icalendar.vCalAddress(site.organizer_address))
    return _assemble(cal, [c.to_ical() for c in components])
