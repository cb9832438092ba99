"""Events: scheduling rules, status changes, occasions, venues and the queries pages need.

Plain functions over model objects; they flush, never commit; the clock comes in as ``now``.
"""
import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from hijridate import Gregorian, Hijri
from sqlalchemy.orm import object_session, selectinload

from ..accounts.models import OrganizingBody, Role
from ..audit import services as audit
from ..audit.models import Action
from ..jalali import (format_date, format_time, from_jalali, local_datetime, month_weeks,
                      to_jalali, to_utc, utcnow)
from ..ngos.models import Ngo
from ..notifications.outbox import announce
from ..persian import clean_text, normalize_text, search_key, to_latin_digits, to_persian_digits
from ..places.services import find_county, find_province
from ..refusals import Access, AccessRefusal, Refusal
from . import holidays
from .models import (Audience, Event, EventDay, EventKind, EventStatus, Invitation, Occasion,
                     OccasionCalendar, Official, OfficialRole, Venue, event_occasions)

MAX_DAYS = 31


class EventReason(str, enum.Enum):
    title_required = "title_required"
    no_days = "no_days"
    too_many_days = "too_many_days"
    end_before_start = "end_before_start"
    duplicate_day = "duplicate_day"
    overlapping_days = "overlapping_days"
    capacity_below_one = "capacity_below_one"
    quota_below_one = "quota_below_one"
    quota_above_capacity = "quota_above_capacity"
    closes_after_start = "closes_after_start"
    opens_after_closes = "opens_after_closes"
    venue_required = "venue_required"
    province_required = "province_required"
    county_mismatch = "county_mismatch"
    audience_province_required = "audience_province_required"
    audience_county_required = "audience_county_required"
    invited_required = "invited_required"
    official_name_required = "official_name_required"
    not_editable = "not_editable"
    capacity_below_confirmed = "capacity_below_confirmed"
    invalid_transition = "invalid_transition"
    reason_required = "reason_required"
    not_started = "not_started"
    occasion_name_required = "occasion_name_required"
    occasion_name_taken = "occasion_name_taken"
    occasion_date_invalid = "occasion_date_invalid"
    location_invalid = "location_invalid"
    body_required = "body_required"
    unknown_body = "unknown_body"
    unknown_province = "unknown_province"
    unknown_county = "unknown_county"
    unknown_ngo = "unknown_ngo"
    unknown_occasion = "unknown_occasion"
    dates_reversed = "dates_reversed"


# Refusals that conflict with the event's current state (409); every other rule is a 422.
CONFLICTS = {EventReason.not_editable, EventReason.invalid_transition,
             EventReason.capacity_below_confirmed, EventReason.not_started,
             EventReason.occasion_name_taken}


class EventError(Refusal):
    messages = {
        EventReason.title_required: "عنوان رویداد را بنویسید.",
        EventReason.no_days: "دست‌کم یک روز برای رویداد تعیین کنید.",
        EventReason.too_many_days: "یک رویداد حداکثر ۳۱ روز می‌تواند داشته باشد.",
        EventReason.end_before_start: "در روز {day}، ساعت پایان باید پس از ساعت آغاز باشد.",
        EventReason.duplicate_day: "روز {day} دو بار آمده است؛ هر روز را یک بار وارد کنید.",
        EventReason.overlapping_days: "ساعت‌های روز {day} با هم هم‌پوشانی دارند؛ هر روز را یک بار با ساعت آغاز و پایانش وارد کنید.",
        EventReason.capacity_below_one: "ظرفیت باید دست‌کم ۱ نفر باشد.",
        EventReason.quota_below_one: "سهم هر سمن باید دست‌کم ۱ نفر باشد.",
        EventReason.quota_above_capacity: "سهم هر سمن نمی‌تواند از ظرفیت کل رویداد بیشتر باشد.",
        EventReason.closes_after_start: "پایان ثبت‌نام باید پیش از آغاز رویداد ({start}) باشد.",
        EventReason.opens_after_closes: "آغاز ثبت‌نام باید پیش از پایان ثبت‌نام باشد.",
        EventReason.venue_required: "نام محل برگزاری را بنویسید.",
        EventReason.province_required: "استان محل برگزاری را انتخاب کنید.",
        EventReason.county_mismatch: "شهرستان انتخاب‌شده در استان انتخاب‌شده نیست.",
        EventReason.audience_province_required: "برای مخاطبان یک استان، استان را انتخاب کنید.",
        EventReason.audience_county_required: "برای مخاطبان یک شهرستان، شهرستان را انتخاب کنید.",
        EventReason.invited_required: "برای رویداد ویژهٔ دعوت‌شدگان، دست‌کم یک سمن دعوت کنید.",
        EventReason.official_name_required: "نام هر مقام یا سخنران را بنویسید.",
        EventReason.not_editable: "رویداد «{status}» را نمی‌توان ویرایش کرد.",
        EventReason.capacity_below_confirmed: "{confirmed} نفر ثبت‌نام قطعی دارند؛ ظرفیت را کمتر از این نمی‌توان کرد.",
        EventReason.invalid_transition: "رویدادِ «{current}» را نمی‌توان «{target}» کرد.",
        EventReason.location_invalid: "موقعیت را به شکل «۳۵٫۷۰۱۲، ۵۱٫۳۹۱۸» (عرض و طول جغرافیایی) بنویسید یا پیوند مکان را از نشان، بلد یا نقشهٔ دیگری بچسبانید؛ نقطه باید در ایران باشد.",
        EventReason.reason_required: "علت را بنویسید تا به ثبت‌نام‌کنندگان گفته شود.",
        EventReason.not_started: "رویدادی را که هنوز آغاز نشده نمی‌توان «برگزار شده» ثبت کرد.",
        EventReason.occasion_name_required: "نام مناسبت را بنویسید.",
        EventReason.occasion_name_taken: "مناسبتی با این نام پیش‌تر ثبت شده است.",
        EventReason.occasion_date_invalid: "این روز و ماه در تقویم انتخاب‌شده هر سال وجود ندارد.",
        EventReason.body_required: "نهاد برگزارکننده را انتخاب کنید.",
        EventReason.unknown_body: "نهاد برگزارکننده‌ای با شناسهٔ {value} پیدا نشد.",
        EventReason.unknown_province: "استانی با «{value}» پیدا نشد؛ نام، کد یا شناسهٔ یک استان را بفرستید.",
        EventReason.unknown_county: "شهرستانی با «{value}» پیدا نشد؛ نام یا شناسهٔ یک شهرستان را بفرستید.",
        EventReason.unknown_ngo: "این شماره‌های ثبت به هیچ سمنی نمی‌خورد: {numbers}",
        EventReason.unknown_occasion: "مناسبتی با شناسهٔ {value} پیدا نشد.",
        EventReason.dates_reversed: "«تا تاریخ» نمی‌تواند پیش از «از تاریخ» باشد.",
    }

    @property
    def status(self) -> int:
        return 409 if self.reason in CONFLICTS else 422

    def as_json(self) -> dict:
        out = super().as_json()
        if "unknown" in self.details:
            out["unknown"] = self.details["unknown"]  # the registration numbers no NGO has
        return out


# --- input -------------------------------------------------------------------------------------

@dataclass
class DayInput:
    date: date
    start: time
    end: time


@dataclass
class OfficialInput:
    name: str
    title: str = ""
    role: OfficialRole = OfficialRole.speaker


@dataclass
class EventInput:
    """What an organizer (form or API) says an event is; already parsed, not yet checked."""

    kind: EventKind
    title: str
    venue_name: str
    province: object  # Province
    days: list[DayInput]
    capacity: int
    county: object | None = None  # County
    venue_address: str = ""
    venue_location: tuple[float, float] | None = None  # (latitude, longitude); None keeps it
    topic: str = ""
    description: str = ""
    per_ngo_quota: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    audience: Audience = Audience.all
    audience_province: object | None = None
    audience_county: object | None = None
    invited_ngos: list = field(default_factory=list)
    requires_approval: bool = False
    occasion: Occasion | None = None
    other_occasions: list = field(default_factory=list)  # more Occasions, besides the main one
    officials: list[OfficialInput] = field(default_factory=list)


def _day_label(d: date) -> str:
    return format_date(d, "medium")


def problems(data: EventInput) -> list[EventError]:
    """Every scheduling rule ``data`` breaks, in the form's order, each naming its field
    (``title``, ``days[1].end``, ``officials[0].name``) so a form can mark them all at once."""
    data.title = clean_text(data.title)
    data.venue_name = clean_text(data.venue_name)
    found: list[EventError] = []

    def broken(reason, field, **details):
        found.append(EventError(reason, field=field, **details))

    if not data.title:
        broken(EventReason.title_required, "title")
    if not data.days:
        broken(EventReason.no_days, "days")
    if len(data.days) > MAX_DAYS:
        broken(EventReason.too_many_days, "days")
    seen: dict[date, DayInput] = {}
    for index, day in sorted(enumerate(data.days), key=lambda pair: (pair[1].date, pair[1].start)):
        if day.end <= day.start:
            broken(EventReason.end_before_start, f"days[{index}].end", day=_day_label(day.date))
        elif day.date in seen:
            other = seen[day.date]
            reason = (EventReason.overlapping_days if day.start < other.end
                      else EventReason.duplicate_day)
            broken(reason, f"days[{index}].date", day=_day_label(day.date))
        seen.setdefault(day.date, day)
    if data.capacity is None or data.capacity < 1:
        broken(EventReason.capacity_below_one, "capacity")
    if data.per_ngo_quota is not None:
        if data.per_ngo_quota < 1:
            broken(EventReason.quota_below_one, "per_ngo_quota")
        elif data.capacity is not None and data.per_ngo_quota > data.capacity:
            broken(EventReason.quota_above_capacity, "per_ngo_quota")
    if not data.venue_name:
        broken(EventReason.venue_required, "venue.name")
    if data.province is None:
        broken(EventReason.province_required, "venue.province")
    elif data.county is not None and data.county.province_id != data.province.id:
        broken(EventReason.county_mismatch, "venue.county")
    if data.days:
        first = min(data.days, key=lambda d: (d.date, d.start))
        starts_at = local_datetime(first.date, first.start)
        if data.registration_closes_at is not None and data.registration_closes_at > starts_at:
            broken(EventReason.closes_after_start, "registration_closes_at",
                   start=f"{_day_label(first.date)}، ساعت {format_time(first.start)}")
        elif (data.registration_opens_at is not None
                and data.registration_opens_at >= (data.registration_closes_at or starts_at)):
            broken(EventReason.opens_after_closes, "registration_opens_at")
    if data.audience == Audience.province and data.audience_province is None:
        broken(EventReason.audience_province_required, "audience_province")
    if data.audience == Audience.county and data.audience_county is None:
        broken(EventReason.audience_county_required, "audience_county")
    if data.audience == Audience.invited and not data.invited_ngos:
        broken(EventReason.invited_required, "invited_ngos")
    for index, official in enumerate(data.officials):
        official.name = clean_text(official.name)
        official.title = clean_text(official.title)
        if not official.name:
            broken(EventReason.official_name_required, f"officials[{index}].name")
    return found


def validate(data: EventInput) -> None:
    """Every scheduling rule; raises the first one broken, carrying all of them (``.problems``)."""
    found = problems(data)
    if found:
        found[0].problems = found
        raise found[0]


# --- venues --------------------------------------------------------------------------------

def find_or_create_venue(session, name, address, province, county) -> Venue:
    """The venue with this (normalised) name in this county, created when new."""
    key = search_key(name)[:200]  # folding may lengthen it ("ß" → "ss"); the column holds 200
    query = select(Venue).where(Venue.name_key == key, Venue.province_id == province.id)
    query = query.where(Venue.county_id == county.id) if county else query.where(Venue.county_id.is_(None))
    venue = session.scalars(query).first()
    if venue is None:
        venue = Venue(name=clean_text(name), name_key=key, province=province, county=county)
        session.add(venue)
    if address:
        venue.address = clean_text(address)
    return venue


# Iran and its waters, with a margin: a point outside is a typo (latitude and longitude swapped).
IRAN_BOUNDS = ((24.0, 40.5), (43.5, 63.5))


def parse_location(text: str | None) -> tuple[float, float] | None:
    """A point typed as «۳۵٫۷۰۱, ۵۱٫۳۹» (any digits, either decimal mark) or pasted as a map link
    from Neshan, Balad, OpenStreetMap or Google Maps. None for blank; EventError when it is not a
    point in Iran."""
    text = to_latin_digits(text or "").replace("٫", ".").strip()
    if not text:
        return None
    numbers = re.findall(r"-?\d{1,3}\.\d+", text)
    if "mlat=" in text or "latitude=" in text or "@" in text or len(numbers) == 2:
        pairs = [(float(a), float(b)) for a, b in zip(numbers, numbers[1:])]
    else:
        pairs = []
    for lat, lon in pairs:
        (lat_min, lat_max), (lon_min, lon_max) = IRAN_BOUNDS
        if lat_min <= lat <= lat_max and lon_min <= lon <= lon_max:
            return round(lat, 6), round(lon, 6)
    raise EventError(EventReason.location_invalid, field="venue.location")


@dataclass
class VenueConflict:
    event: Event
    day: EventDay

    @property
    def message(self) -> str:
        return (f"«{self.event.venue.name}» در {_day_label(self.day.date)} از ساعت "
                f"{format_time(self.day.start_time)} تا {format_time(self.day.end_time)} برای "
                f"«{self.event.title}» رزرو شده است.")


def warnings(session, event: Event, days) -> list:
    """What to warn the organizer about (each has a ``message``), without refusing: the venue
    booked by another event at the same hours, and days on a Friday or an official holiday."""
    return (venue_conflicts(session, event.venue, days, exclude=event)
            + holidays.days_off(d.date for d in days))


def venue_conflicts(session, venue: Venue, days, exclude: Event | None = None) -> list[VenueConflict]:
    """Other live events at the same venue whose hours overlap these days."""
    if venue.id is None or not days:
        return []
    conds = [and_(EventDay.date == d.date, EventDay.start_time < d.end, EventDay.end_time > d.start)
             for d in days]
    query = (select(EventDay).join(Event)
             .where(Event.venue_id == venue.id, Event.status != EventStatus.cancelled, or_(*conds))
             .options(selectinload(EventDay.event)).order_by(EventDay.date))
    if exclude is not None and exclude.id is not None:
        query = query.where(Event.id != exclude.id)
    return [VenueConflict(day.event, day) for day in session.scalars(query)]


# --- create and change ---------------------------------------------------------------------

def _apply_days(event: Event, days: list[DayInput]) -> bool:
    """Make the event's days match; rows of kept dates are updated in place. True if changed."""
    wanted = {d.date: d for d in days}
    changed = False
    for day in list(event.days):
        new = wanted.pop(day.date, None)
        if new is None:
            event.days.remove(day)
            changed = True
        elif (day.start_time, day.end_time) != (new.start, new.end):
            day.start_time, day.end_time = new.start, new.end
            changed = True
    for new in wanted.values():
        event.days.append(EventDay(date=new.date, start_time=new.start, end_time=new.end))
        changed = True
    event.days.sort(key=lambda d: d.date)
    event.starts_on = min(d.date for d in days)
    event.ends_on = max(d.date for d in days)
    return changed


def _apply(session, event: Event, data: EventInput) -> tuple[bool, bool]:
    venue = find_or_create_venue(session, data.venue_name, data.venue_address, data.province,
                                 data.county)
    if data.venue_location is not None:
        venue.latitude, venue.longitude = data.venue_location
    venue_changed = event.venue is not None and event.venue is not venue
    event.venue = venue
    days_changed = _apply_days(event, data.days)
    event.kind = EventKind(data.kind)
    event.title = data.title
    event.topic = clean_text(data.topic)
    event.description = (data.description or "").strip()
    event.capacity = data.capacity
    event.per_ngo_quota = data.per_ngo_quota
    event.registration_opens_at = data.registration_opens_at
    event.registration_closes_at = data.registration_closes_at
    event.audience = Audience(data.audience)
    event.audience_province = data.audience_province if event.audience == Audience.province else None
    event.audience_county = data.audience_county if event.audience == Audience.county else None
    if event.audience == Audience.county and data.audience_county is not None:
        event.audience_province = data.audience_county.province
    wanted_ngos = {n.id: n for n in data.invited_ngos} if event.audience == Audience.invited else {}
    for inv in list(event.invitations):
        if inv.ngo_id not in wanted_ngos:
            event.invitations.remove(inv)
        else:
            wanted_ngos.pop(inv.ngo_id)
    for ngo in wanted_ngos.values():
        event.invitations.append(Invitation(ngo=ngo))
    event.requires_approval = bool(data.requires_approval)
    event.occasion = data.occasion
    event.other_occasions = [o for o in dict.fromkeys(data.other_occasions) if o is not data.occasion]
    event.officials.clear()
    for i, o in enumerate(data.officials):
        event.officials.append(Official(name=o.name, title=o.title, role=OfficialRole(o.role),
                                        position=i))
    return days_changed, venue_changed


# What the audit log keeps of an event (besides its days, venue, officials and invitations).
AUDITED = ("kind", "title", "topic", "description", "capacity", "per_ngo_quota",
           "registration_opens_at", "registration_closes_at", "audience", "audience_province",
           "audience_county", "requires_approval", "occasion")


def audited(event: Event) -> dict:
    """An event as the audit log compares it: fields, days with their hours, and the venue."""
    venue = event.venue
    return audit.snapshot(
        event, AUDITED,
        days=[{"date": d.date, "start": d.start_time, "end": d.end_time} for d in event.days],
        venue=None if venue is None else {"name": venue.name, "address": venue.address,
                                          "province": venue.province, "county": venue.county,
                                          **({"location": venue.location} if venue.location else {})},
        other_occasions=[o.name for o in event.other_occasions],
        officials=[{"name": o.name, "title": o.title, "role": o.role} for o in event.officials],
        invited_ngos=sorted(i.ngo.id if i.ngo is not None else i.ngo_id for i in event.invitations))


def create_event(session, body, data: EventInput, *, actor=None, now=None, publish=False):
    """A new draft event of ``body`` (published at once with ``publish``). Returns (event,
    warnings: venue conflicts, days off)."""
    validate(data)
    now = now or utcnow()
    event = Event(body=body, status=EventStatus.draft, created_by_id=getattr(actor, "id", None),
                  created_at=now, updated_at=now, sequence=0)
    with session.no_autoflush:
        _apply(session, event, data)
    session.add(event)
    if publish:
        set_status(event, EventStatus.published, now=now, actor=actor)
    session.flush()
    audit.record(session, actor, Action.event_create, event, None, audited(event), now=now)
    return event, warnings(session, event, data.days)


EDITABLE = {EventStatus.draft, EventStatus.published, EventStatus.postponed}


def update_event(session, event: Event, data: EventInput, *, now=None, status=None, actor=None):
    """Change an event (and then its ``status``, when another). A live event whose days or venue
    change keeps its registrations, says so on its page, and raises its SEQUENCE. Returns the
    warnings (venue conflicts, days off)."""
    if event.status not in EDITABLE:
        raise EventError(EventReason.not_editable, status=event.status.label)
    validate(data)
    if data.capacity < event.confirmed_count:
        raise EventError(EventReason.capacity_below_confirmed,
                         confirmed=to_persian_digits(event.confirmed_count), field="capacity")
    now = now or utcnow()
    before = audited(event)
    with session.no_autoflush:
        days_changed, venue_changed = _apply(session, event, data)
    event.updated_at = now
    if (days_changed or venue_changed) and event.status != EventStatus.draft:
        event.sequence += 1
        event.changed_at = now
        what = {(True, True): "زمان و مکان", (True, False): "زمان", (False, True): "مکان"}
        event.change_note = f"{what[(days_changed, venue_changed)]} این رویداد تغییر کرده است."
    if status is not None and status != event.status:
        set_status(event, status, now=now, actor=actor)
    session.flush()
    audit.record(session, actor, Action.event_edit, event, before, audited(event), now=now)
    if (days_changed or venue_changed) and event.status != EventStatus.draft:
        announce(session, "event", event=event, what="changed", now=now)
    return warnings(session, event, data.days)


# Which status may follow which.
TRANSITIONS = {
    EventStatus.draft: {EventStatus.published, EventStatus.cancelled},
    EventStatus.published: {EventStatus.postponed, EventStatus.cancelled, EventStatus.completed},
    EventStatus.postponed: {EventStatus.published, EventStatus.cancelled},
    EventStatus.cancelled: set(),
    EventStatus.completed: set(),
}
NEEDS_REASON = {EventStatus.cancelled, EventStatus.postponed}


STATUS_ACTIONS = {EventStatus.published: Action.event_publish, EventStatus.cancelled: Action.event_cancel,
                  EventStatus.postponed: Action.event_postpone, EventStatus.completed: Action.event_complete}


def set_status(event: Event, target: EventStatus, *, reason: str = "", now=None, actor=None) -> None:
    target = EventStatus(target)
    if target not in TRANSITIONS[event.status]:
        raise EventError(EventReason.invalid_transition, current=event.status.label,
                         target=target.label)
    now = now or utcnow()
    if target == EventStatus.completed and not has_started(event, now):
        raise EventError(EventReason.not_started)
    reason = clean_text(reason)
    if target in NEEDS_REASON and event.status != EventStatus.draft and not reason:
        raise EventError(EventReason.reason_required)
    before = {"status": event.status, "status_reason": event.status_reason}
    was = event.status
    event.status = target
    event.status_reason = reason if target in NEEDS_REASON else ""
    event.updated_at = now
    event.sequence += 1
    audit.record(None, actor, STATUS_ACTIONS[target], event, before,
                 {"status": event.status, "status_reason": event.status_reason}, now=now)
    if was != EventStatus.draft and target in (EventStatus.postponed, EventStatus.cancelled):
        session = object_session(event)
        if session is not None:  # an event never saved has nobody registered
            session.flush()
            announce(session, "event", event=event, what=target.value, now=now)


def publish(event, *, now=None, actor=None):
    set_status(event, EventStatus.published, now=now, actor=actor)


def cancel(event, reason, *, now=None, actor=None):
    set_status(event, EventStatus.cancelled, reason=reason, now=now, actor=actor)


# --- who may do what ---------------------------------------------------------------------

def can_manage(user, event: Event) -> bool:
    """Admins manage every event; organizers only their own body's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.admin:
        return True
    return user.role == Role.organizer and user.body_id is not None and user.body_id == event.body_id


PUBLIC_STATUSES = (EventStatus.published, EventStatus.postponed, EventStatus.cancelled,
                   EventStatus.completed)


def can_view(user, event: Event) -> bool:
    return event.status in PUBLIC_STATUSES or can_manage(user, event)


def load_event(session, user, event_id: int, *, manage: bool = False) -> Event:
    """The event ``user`` may see (and with ``manage``, change), for pages and API alike: 404
    for an unknown event and for a draft they may not know exists, 403 for one they may see
    but not change."""
    event = session.get(Event, event_id)
    if event is None or not can_view(user, event):
        raise AccessRefusal(Access.not_found, "رویداد پیدا نشد.")
    if manage and not can_manage(user, event):
        raise AccessRefusal(Access.forbidden,
                            "اجازهٔ تغییر این رویداد را ندارید؛ آن را نهاد دیگری برگزار می‌کند.")
    return event


def body_for_new_event(session, user, body_id: int | None = None) -> OrganizingBody:
    """The body a new event of ``user`` belongs to: the one an admin names, an organizer's own."""
    if user.role == Role.admin:
        body = session.get(OrganizingBody, body_id) if body_id else None
        if body is None:
            if body_id:
                raise EventError(EventReason.unknown_body, field="body_id", value=body_id)
            raise EventError(EventReason.body_required, field="body_id")
        return body
    if user.body is None:
        raise AccessRefusal(Access.forbidden, "حساب شما به هیچ نهاد برگزارکننده‌ای وصل نیست.")
    if body_id is not None and body_id != user.body_id:
        raise AccessRefusal(Access.forbidden, "رویداد را فقط برای نهاد خودتان می‌توانید بسازید.")
    return user.body


# --- what pages and API name by number or name ---------------------------------------------

MAX_ID = 2**31 - 1
FIELD_PATHS = {"province": "venue.province", "county": "venue.county"}  # as the API names them


def _reference(value):
    """An id (int, or a string of digits in any script), or a name; None for nothing."""
    if isinstance(value, str):
        value = to_latin_digits(value).strip()
        if value.isascii() and value.isdigit():
            value = int(value)
        elif value.isdigit():
            return 0  # digits no id is written in (such as "²"): nothing has it
    if isinstance(value, int) and not 0 < value <= MAX_ID:
        return 0  # beyond the database's integer: nothing has it
    return None if value == "" else value


def find_place(session, value, field: str, *, county: bool = False, within=None):
    """The province (or ``county``, preferably ``within`` a province) named by id, code or
    name; None for none; refused as unknown_province / unknown_county, naming ``field``, when
    nothing matches. A county of another province is returned: the rules refuse it as
    county_mismatch."""
    ref = _reference(value)
    if ref is None:
        return None
    if county:
        place = (find_county(session, ref, within) or find_county(session, ref)) if ref else None
    else:
        place = find_province(session, ref) if ref else None
    if place is None:
        reason = EventReason.unknown_county if county else EventReason.unknown_province
        raise EventError(reason, field=field, value=value)
    return place


def invited_ngos(session, numbers) -> list[Ngo]:
    """The NGOs with these registration numbers (any digits); refused naming the unknown ones."""
    wanted = {normalize_text(n) for n in numbers} - {""}
    if not wanted:
        return []
    ngos = list(session.scalars(select(Ngo).where(Ngo.registration_no.in_(wanted))))
    unknown = sorted(wanted - {n.registration_no for n in ngos})
    if unknown:
        raise EventError(EventReason.unknown_ngo, field="invited_ngos", unknown=unknown,
                         numbers="، ".join(unknown))
    return ngos


def current_input(event: Event) -> EventInput:
    """What the event is now, as an EventInput (a change is applied over it)."""
    venue = event.venue
    return EventInput(
        kind=event.kind, title=event.title, topic=event.topic, description=event.description,
        venue_name=venue.name, venue_address=venue.address, province=venue.province,
        county=venue.county, capacity=event.capacity, per_ngo_quota=event.per_ngo_quota,
        days=[DayInput(d.date, d.start_time, d.end_time) for d in event.days],
        registration_opens_at=event.registration_opens_at,
        registration_closes_at=event.registration_closes_at, audience=event.audience,
        audience_province=event.audience_province, audience_county=event.audience_county,
        invited_ngos=[i.ngo for i in event.invitations], requires_approval=event.requires_approval,
        occasion=event.occasion, other_occasions=list(event.other_occasions),
        officials=[OfficialInput(o.name, o.title, o.role) for o in event.officials])


def event_input(session, fields: dict, event: Event | None = None) -> EventInput:
    """An EventInput from named fields (as the API takes them: places by id, code or name,
    invited NGOs by registration number, the occasion by id), over what ``event`` is now.
    A new province without a county (venue or audience) drops the old county."""
    data = current_input(event) if event is not None else EventInput(None, "", "", None, [], None)
    fields = dict(fields)
    for province, county in (("province", "county"), ("audience_province", "audience_county")):
        if province in fields:
            fields.setdefault(county, None)
    for key in sorted(fields, key=lambda k: k.endswith("county")):  # provinces first
        value = fields[key]
        if key in ("province", "audience_province"):
            value = find_place(session, value, FIELD_PATHS.get(key, key))
        elif key in ("county", "audience_county"):
            value = find_place(session, value, FIELD_PATHS.get(key, key), county=True,
                               within=getattr(data, key.replace("county", "province")))
        elif key == "invited_ngos":
            value = invited_ngos(session, value)
        elif key == "occasion_id":
            key, value = "occasion", session.get(Occasion, value) if value else None
            if value is None and fields["occasion_id"]:
                raise EventError(EventReason.unknown_occasion, field="occasion_id",
                                 value=to_persian_digits(fields["occasion_id"]))
        setattr(data, key, value)
    return data


# --- times -------------------------------------------------------------------------------

def starts_at(event: Event) -> datetime:
    first = event.days[0]
    return to_utc(local_datetime(first.date, first.start_time))


def has_started(event: Event, now=None) -> bool:
    """Whether the event's first day has begun: only then can it be marked held."""
    return bool(event.days) and (now or utcnow()) >= starts_at(event)


def ends_at(event: Event) -> datetime:
    last = event.days[-1]
    return to_utc(local_datetime(last.date, last.end_time))


def registration_closes_at(event: Event) -> datetime:
    """When registration closes: as set, or when the event starts."""
    return event.registration_closes_at or starts_at(event)


# --- occasions ---------------------------------------------------------------------------

def occasion_span(occasion: Occasion, jy: int) -> tuple[date, date]:
    """The Gregorian first and last day of ``occasion`` in Jalali year ``jy``."""
    if occasion.calendar == OccasionCalendar.gregorian:
        start = date(jy + 621, occasion.month, occasion.day)
        if to_jalali(start).year != jy:
            start = date(jy + 622, occasion.month, occasion.day)
    elif occasion.calendar == OccasionCalendar.hijri:
        start = _hijri_in_jalali_year(occasion.month, occasion.day, jy)
    else:
        start = from_jalali(jy, occasion.month, occasion.day)
    return start, start + timedelta(days=occasion.length_days - 1)


def _hijri_in_jalali_year(month: int, day: int, jy: int) -> date:
    """The first Gregorian day of Jalali year ``jy`` that is ``day`` ``month`` of the lunar
    calendar (the Umm al-Qura tables; Iran's official lunar calendar, fixed by sighting, can be a
    day off — the official holidays come from their own maintained data)."""
    first = from_jalali(jy, 1, 1)
    hy = Gregorian.fromdate(first).to_hijri().year
    for year in (hy, hy + 1):
        found = Hijri(year, month, day).to_gregorian()
        if found >= first:
            return found
    raise AssertionError("a lunar year is shorter than a solar one")


OCCASION_FIELDS = ("name", "calendar", "month", "day", "length_days", "description", "active")


def save_occasion(session, occasion: Occasion | None, *, name, calendar, month, day,
                  length_days=1, description="", active=True, actor=None) -> Occasion:
    """Create or change a yearly occasion; its date must exist every year."""
    name = clean_text(name)
    if not name:
        raise EventError(EventReason.occasion_name_required)
    clash = session.scalar(select(Occasion).where(Occasion.name == name))
    if clash is not None and clash is not occasion:
        raise EventError(EventReason.occasion_name_taken)
    calendar = OccasionCalendar(calendar)
    month, day = month or 0, day or 0
    length_days = 1 if length_days is None else length_days
    if calendar == OccasionCalendar.jalali:
        # Esfand 30 exists only in leap years; months 7–11 have 30 days.
        valid = 1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30 if month <= 11 else 29)
    elif calendar == OccasionCalendar.hijri:
        valid = 1 <= month <= 12 and 1 <= day <= 29  # a lunar month has 29 or 30 days
    else:
        try:
            date(2001, month, day)  # a common year: 29 February is not yearly
            valid = True
        except ValueError:
            valid = False
    if not valid or not 1 <= length_days <= 31:
        raise EventError(EventReason.occasion_date_invalid)
    before = None if occasion is None else audit.snapshot(occasion, OCCASION_FIELDS)
    if occasion is None:
        occasion = Occasion()
        session.add(occasion)
    occasion.name, occasion.calendar, occasion.month, occasion.day = name, calendar, month, day
    occasion.length_days, occasion.description, occasion.active = length_days, clean_text(description), active
    session.flush()
    audit.record(session, actor, Action.occasion_edit if before else Action.occasion_create,
                 occasion, before, audit.snapshot(occasion, OCCASION_FIELDS))
    return occasion


@dataclass
class OccasionDate:
    occasion: Occasion
    start: date
    end: date

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def occasions_near(session, d: date, *, window: int = 15) -> list[OccasionDate]:
    """Active occasions falling within ``window`` days of ``d``, nearest first."""
    jy = to_jalali(d).year
    out = []
    for occasion in session.scalars(select(Occasion).where(Occasion.active.is_(True))):
        if occasion.calendar == OccasionCalendar.gregorian:
            starts = [date(y, occasion.month, occasion.day) for y in (d.year - 1, d.year, d.year + 1)]
        else:
            starts = [occasion_span(occasion, y)[0] for y in (jy - 1, jy, jy + 1)]
        for start in starts:
            end = start + timedelta(days=occasion.length_days - 1)
            if start - timedelta(days=window) <= d <= end + timedelta(days=window):
                out.append(OccasionDate(occasion, start, end))
    return sorted(out, key=lambda o: 0 if o.contains(d) else min(abs((o.start - d).days),
                                                                   abs((o.end - d).days)))


# --- queries -----------------------------------------------------------------------------

@dataclass
class EventFilter:
    province_id: int | None = None
    county_id: int | None = None
    kind: EventKind | None = None
    occasion_id: int | None = None


def _filtered(query, f: EventFilter | None):
    if f is None:
        return query
    if f.province_id or f.county_id:
        query = query.join(Venue, Event.venue_id == Venue.id)
        if f.province_id:
            query = query.where(Venue.province_id == f.province_id)
        if f.county_id:
            query = query.where(Venue.county_id == f.county_id)
    if f.kind:
        query = query.where(Event.kind == EventKind(f.kind))
    if f.occasion_id:
        others = select(event_occasions.c.event_id).where(event_occasions.c.occasion_id == f.occasion_id)
        query = query.where((Event.occasion_id == f.occasion_id) | Event.id.in_(others))
    return query


def _with_details(query):
    return query.options(selectinload(Event.days), selectinload(Event.venue).selectinload(Venue.county),
                         selectinload(Event.venue).selectinload(Venue.province),
                         selectinload(Event.body), selectinload(Event.occasion))


def with_everything(query):
    """``query`` loading all an event shows (officials, audience, invited NGOs) up front."""
    return query.options(selectinload(Event.officials), selectinload(Event.audience_province),
                         selectinload(Event.audience_county),
                         selectinload(Event.invitations).selectinload(Invitation.ngo))


def public_events(f: EventFilter | None = None, *, since: date | None = None,
                  until: date | None = None):
    """A query of the events anyone may see, first day first; ``since``/``until`` bound the days."""
    if since is not None and until is not None and until < since:
        raise EventError(EventReason.dates_reversed, field="to")
    query = select(Event).where(Event.status.in_(PUBLIC_STATUSES))
    if since is not None:
        query = query.where(Event.ends_on >= since)
    if until is not None:
        query = query.where(Event.starts_on <= until)
    return _with_details(_filtered(query, f)).order_by(Event.starts_on, Event.id)


def body_events(body_id: int | None):
    """A query of one body's events (every status), newest first; all events when None."""
    query = select(Event)
    if body_id is not None:
        query = query.where(Event.body_id == body_id)
    return _with_details(query).order_by(Event.starts_on.desc(), Event.id.desc())


def drafts(limit: int = 20):
    """A query of draft events of every body, the latest first (the admin's home lists them)."""
    return (select(Event).where(Event.status == EventStatus.draft)
            .order_by(Event.starts_on.desc(), Event.id.desc()).limit(limit))


@dataclass
class DayMark:
    """An official holiday or an occasion, to mark on a calendar day."""

    kind: str  # "holiday" or "occasion"
    name: str
    occasion_id: int | None = None


def day_marks(session, first: date, last: date) -> dict[date, list[DayMark]]:
    """The official holidays and the active occasions of each day from ``first`` to ``last``."""
    marks: dict[date, list[DayMark]] = {}
    for day, names in holidays.between(first, last).items():
        marks.setdefault(day, []).extend(DayMark("holiday", n) for n in names)
    years = range(to_jalali(first).year - 1, to_jalali(last).year + 1)
    for occasion in session.scalars(select(Occasion).where(Occasion.active.is_(True))):
        for jy in years:
            start, end = occasion_span(occasion, jy)
            day = max(start, first)
            while day <= min(end, last):
                marks.setdefault(day, []).append(DayMark("occasion", occasion.name, occasion.id))
                day += timedelta(days=1)
    return marks


def month_calendar(session, jy: int, jm: int, f: EventFilter | None = None):
    """Weeks (Saturday first) of the Jalali month, each cell (date, [events that day])."""
    weeks = month_weeks(jy, jm)
    days = [d for week in weeks for d in week if d]
    first, last = days[0], days[-1]
    events = session.scalars(public_events(f, since=first, until=last)).all()
    by_day: dict[date, list[Event]] = {}
    for event in events:
        for day in event.days:
            if first <= day.date <= last:
                by_day.setdefault(day.date, []).append(event)
    return [[(d, by_day.get(d, [])) if d else None for d in week] for week in weeks]
