"""Events: scheduling rules, status changes, occasions, venues and the queries pages need.

Plain functions over model objects; they flush, never commit; the clock comes in as ``now``.
"""
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import object_session, selectinload

from ..accounts.models import Role
from ..jalali import (format_date, format_time, from_jalali, local_datetime, month_weeks,
                      to_jalali, to_utc, utcnow)
from ..notifications.outbox import announce
from ..persian import normalize_text, search_key, to_persian_digits
from ..refusals import Refusal
from .models import (Audience, Event, EventDay, EventKind, EventStatus, Invitation, Occasion,
                     OccasionCalendar, Official, OfficialRole, Venue)

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
        EventReason.reason_required: "علت را بنویسید تا به ثبت‌نام‌کنندگان گفته شود.",
        EventReason.not_started: "رویدادی را که هنوز آغاز نشده نمی‌توان «برگزار شده» ثبت کرد.",
        EventReason.occasion_name_required: "نام مناسبت را بنویسید.",
        EventReason.occasion_name_taken: "مناسبتی با این نام پیش‌تر ثبت شده است.",
        EventReason.occasion_date_invalid: "این روز و ماه در تقویم انتخاب‌شده هر سال وجود ندارد.",
    }


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
    officials: list[OfficialInput] = field(default_factory=list)


def _day_label(d: date) -> str:
    return format_date(d, "medium")


def validate(data: EventInput) -> None:
    """Every scheduling rule; raises EventError with the first one broken."""
    data.title = normalize_text(data.title)
    data.venue_name = normalize_text(data.venue_name)
    if not data.title:
        raise EventError(EventReason.title_required)
    if not data.days:
        raise EventError(EventReason.no_days)
    if len(data.days) > MAX_DAYS:
        raise EventError(EventReason.too_many_days)
    seen: dict[date, DayInput] = {}
    for day in sorted(data.days, key=lambda d: (d.date, d.start)):
        if day.end <= day.start:
            raise EventError(EventReason.end_before_start, day=_day_label(day.date))
        if day.date in seen:
            other = seen[day.date]
            reason = (EventReason.overlapping_days if day.start < other.end
                      else EventReason.duplicate_day)
            raise EventError(reason, day=_day_label(day.date))
        seen[day.date] = day
    if data.capacity is None or data.capacity < 1:
        raise EventError(EventReason.capacity_below_one)
    if data.per_ngo_quota is not None:
        if data.per_ngo_quota < 1:
            raise EventError(EventReason.quota_below_one)
        if data.per_ngo_quota > data.capacity:
            raise EventError(EventReason.quota_above_capacity)
    if not data.venue_name:
        raise EventError(EventReason.venue_required)
    if data.province is None:
        raise EventError(EventReason.province_required)
    if data.county is not None and data.county.province_id != data.province.id:
        raise EventError(EventReason.county_mismatch)
    first = min(data.days, key=lambda d: (d.date, d.start))
    starts_at = local_datetime(first.date, first.start)
    if data.registration_closes_at is not None and data.registration_closes_at > starts_at:
        raise EventError(EventReason.closes_after_start,
                         start=f"{_day_label(first.date)}، ساعت {format_time(first.start)}")
    if (data.registration_opens_at is not None
            and data.registration_opens_at >= (data.registration_closes_at or starts_at)):
        raise EventError(EventReason.opens_after_closes)
    if data.audience == Audience.province and data.audience_province is None:
        raise EventError(EventReason.audience_province_required)
    if data.audience == Audience.county and data.audience_county is None:
        raise EventError(EventReason.audience_county_required)
    if data.audience == Audience.invited and not data.invited_ngos:
        raise EventError(EventReason.invited_required)
    for official in data.officials:
        official.name = normalize_text(official.name)
        official.title = normalize_text(official.title)
        if not official.name:
            raise EventError(EventReason.official_name_required)


# --- venues --------------------------------------------------------------------------------

def find_or_create_venue(session, name, address, province, county) -> Venue:
    """The venue with this (normalised) name in this county, created when new."""
    key = search_key(name)
    query = select(Venue).where(Venue.name_key == key, Venue.province_id == province.id)
    query = query.where(Venue.county_id == county.id) if county else query.where(Venue.county_id.is_(None))
    venue = session.scalars(query).first()
    if venue is None:
        venue = Venue(name=normalize_text(name), name_key=key, province=province, county=county)
        session.add(venue)
    if address:
        venue.address = normalize_text(address)
    return venue


@dataclass
class VenueConflict:
    event: Event
    day: EventDay

    @property
    def message(self) -> str:
        return (f"«{self.event.venue.name}» در {_day_label(self.day.date)} از ساعت "
                f"{format_time(self.day.start_time)} تا {format_time(self.day.end_time)} برای "
                f"«{self.event.title}» رزرو شده است.")


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
    venue_changed = event.venue is not None and event.venue is not venue
    event.venue = venue
    days_changed = _apply_days(event, data.days)
    event.kind = EventKind(data.kind)
    event.title = data.title
    event.topic = normalize_text(data.topic)
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
    event.officials.clear()
    for i, o in enumerate(data.officials):
        event.officials.append(Official(name=o.name, title=o.title, role=OfficialRole(o.role),
                                        position=i))
    return days_changed, venue_changed


def create_event(session, body, data: EventInput, *, actor=None, now=None):
    """A new draft event of ``body``. Returns (event, venue conflicts to warn about)."""
    validate(data)
    now = now or utcnow()
    event = Event(body=body, status=EventStatus.draft, created_by_id=getattr(actor, "id", None),
                  created_at=now, updated_at=now, sequence=0)
    with session.no_autoflush:
        _apply(session, event, data)
    session.add(event)
    session.flush()
    return event, venue_conflicts(session, event.venue, data.days, exclude=event)


EDITABLE = {EventStatus.draft, EventStatus.published, EventStatus.postponed}


def update_event(session, event: Event, data: EventInput, *, now=None):
    """Change an event. A live event whose days or venue change keeps its registrations, says so
    on its page, and raises its SEQUENCE. Returns the venue conflicts to warn about."""
    if event.status not in EDITABLE:
        raise EventError(EventReason.not_editable, status=event.status.label)
    validate(data)
    if data.capacity < event.confirmed_count:
        raise EventError(EventReason.capacity_below_confirmed,
                         confirmed=to_persian_digits(event.confirmed_count))
    now = now or utcnow()
    with session.no_autoflush:
        days_changed, venue_changed = _apply(session, event, data)
    event.updated_at = now
    if (days_changed or venue_changed) and event.status != EventStatus.draft:
        event.sequence += 1
        event.changed_at = now
        what = {(True, True): "زمان و مکان", (True, False): "زمان", (False, True): "مکان"}
        event.change_note = f"{what[(days_changed, venue_changed)]} این رویداد تغییر کرده است."
    session.flush()
    if (days_changed or venue_changed) and event.status != EventStatus.draft:
        announce(session, "event", event=event, what="changed", now=now)
    return venue_conflicts(session, event.venue, data.days, exclude=event)


# Which status may follow which.
TRANSITIONS = {
    EventStatus.draft: {EventStatus.published, EventStatus.cancelled},
    EventStatus.published: {EventStatus.postponed, EventStatus.cancelled, EventStatus.completed},
    EventStatus.postponed: {EventStatus.published, EventStatus.cancelled},
    EventStatus.cancelled: set(),
    EventStatus.completed: set(),
}
NEEDS_REASON = {EventStatus.cancelled, EventStatus.postponed}


def set_status(event: Event, target: EventStatus, *, reason: str = "", now=None) -> None:
    target = EventStatus(target)
    if target not in TRANSITIONS[event.status]:
        raise EventError(EventReason.invalid_transition, current=event.status.label,
                         target=target.label)
    now = now or utcnow()
    if target == EventStatus.completed and not has_started(event, now):
        raise EventError(EventReason.not_started)
    reason = normalize_text(reason)
    if target in NEEDS_REASON and event.status != EventStatus.draft and not reason:
        raise EventError(EventReason.reason_required)
    was = event.status
    event.status = target
    event.status_reason = reason if target in NEEDS_REASON else ""
    event.updated_at = now
    event.sequence += 1
    if was != EventStatus.draft and target in (EventStatus.postponed, EventStatus.cancelled):
        session = object_session(event)
        if session is not None:  # an event never saved has nobody registered
            session.flush()
            announce(session, "event", event=event, what=target.value, now=now)


def publish(event, *, now=None):
    set_status(event, EventStatus.published, now=now)


def cancel(event, reason, *, now=None):
    set_status(event, EventStatus.cancelled, reason=reason, now=now)


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
    else:
        start = from_jalali(jy, occasion.month, occasion.day)
    return start, start + timedelta(days=occasion.length_days - 1)


def save_occasion(session, occasion: Occasion | None, *, name, calendar, month, day,
                  length_days=1, description="", active=True) -> Occasion:
    """Create or change a yearly occasion; its date must exist every year."""
    name = normalize_text(name)
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
    else:
        try:
            date(2001, month, day)  # a common year: 29 February is not yearly
            valid = True
        except ValueError:
            valid = False
    if not valid or not 1 <= length_days <= 31:
        raise EventError(EventReason.occasion_date_invalid)
    if occasion is None:
        occasion = Occasion()
        session.add(occasion)
    occasion.name, occasion.calendar, occasion.month, occasion.day = name, calendar, month, day
    occasion.length_days, occasion.description, occasion.active = length_days, normalize_text(description), active
    session.flush()
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
        query = query.where(Event.occasion_id == f.occasion_id)
    return query


def _with_details(query):
    return query.options(selectinload(Event.days), selectinload(Event.venue).selectinload(Venue.county),
                         selectinload(Event.venue).selectinload(Venue.province),
                         selectinload(Event.body), selectinload(Event.occasion))


def public_events(f: EventFilter | None = None, *, since: date | None = None,
                  until: date | None = None):
    """A query of the events anyone may see, first day first; ``since``/``until`` bound the days."""
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
