"""Reports across events, as aggregate queries: each report is a fixed handful of statements
whatever the number of events, registrations or NGOs (nothing is queried per row), and each
statement reads the indexes declared in ``models.py``.

Words used throughout:
- an event is *held* when it is published or marked held and its first day has come;
- *registered*: its confirmed seats (``Event.confirmed_count``, kept by the registration services);
- *attended*: people let in at the door at least once (a live check-in on any day);
- *no-shows*: registered minus attended (never below zero); *rate*: attended / registered;
- *check-ins*: person-days let in (a two-day workshop counts a person twice);
- *reached*: an NGO or a person (by national ID) with someone let in at an event of the report.
"""
import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, insert, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import BodyKind, Role
from ..awards.models import AWARD_KIND_LABELS, Award, AwardKind
from ..checkin.models import CheckIn
from ..events.models import KIND_LABELS, Event, EventDay, EventKind, EventStatus, Invitation, Venue
from ..jalali import add_months, format_month, from_jalali, month_length, to_jalali, today as tehran_today, utcnow
from ..ngos.models import NGO_STATUS_LABELS, Ngo, NgoStatus
from ..places.models import County, Province
from ..refusals import Refusal
from ..registrations.models import Registration, RegStatus
from .models import DEFAULT_ACTIVE_MIN, DEFAULT_MONTHS, DEFAULT_SEMI_MIN, Attendance, ReportSettings

HELD_STATUSES = (EventStatus.published, EventStatus.completed)
# Bodies that answer for a whole province: their organizers see every event held there.
PROVINCIAL_KINDS = (BodyKind.provincial_governorate, BodyKind.social_affairs_office)


class ReportReason(enum.Enum):
    not_allowed = "not_allowed"
    bad_settings = "bad_settings"
    event_not_upcoming = "event_not_upcoming"
    nothing_to_invite = "nothing_to_invite"
    unknown_province = "unknown_province"
    unknown_county = "unknown_county"
    bad_period = "bad_period"


FILTER_REASONS = (ReportReason.unknown_province, ReportReason.unknown_county, ReportReason.bad_period)


class ReportError(Refusal):
    """422 for a request the report refuses; 403 for a user who has no reports."""

    status = 422
    messages = {
        ReportReason.unknown_province: "این استان پیدا نشد؛ نام یا شناسهٔ یکی از ۳۱ استان را بفرستید.",
        ReportReason.unknown_county: "این شهرستان (در استان داده‌شده) پیدا نشد.",
        ReportReason.bad_period: "آغاز بازه پس از پایان آن است.",
        ReportReason.not_allowed: "گزارش‌ها برای برگزارکنندگان و مدیران سامانه است.",
        ReportReason.bad_settings: "شمار ماه‌ها باید از ۱ تا ۱۲۰ باشد و حد «فعال» بیش از حد «نیمه‌فعال» (دست‌کم ۱).",
        ReportReason.event_not_upcoming: "فهرست دعوت را تنها برای رویدادی می‌توان ساخت که هنوز برگزار نشده و لغو نشده است.",
        ReportReason.nothing_to_invite: "سمنی برای دعوت در این فهرست نمانده است.",
    }

    def __init__(self, reason, message=None, **details):
        super().__init__(reason, message, **details)
        if reason is ReportReason.not_allowed:
            self.status = 403


# --- who sees what ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """The events and NGOs a user's reports cover. None means no limit."""

    body_id: int | None = None          # only this body's events
    province_id: int | None = None      # only events held in this province
    ngo_province_id: int | None = None  # NGOs of this province (outreach, activity)
    ngo_county_id: int | None = None
    label: str = "همهٔ کشور"


def scope_for(user) -> Scope:
    """Admins: everything. The organizer of a provincial office (a governorate or its social
    affairs office, with a province and no county): every event held in its province. Any other
    organizer: their body's events; their NGOs are those of the body's county or province."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ReportError(ReportReason.not_allowed)
    if user.role == Role.admin:
        return Scope()
    body = user.body if user.role == Role.organizer else None
    if body is None:
        raise ReportError(ReportReason.not_allowed)
    if body.kind in PROVINCIAL_KINDS and body.province_id and not body.county_id:
        return Scope(province_id=body.province_id, ngo_province_id=body.province_id,
                     label=f"استان {body.province.name}")
    return Scope(body_id=body.id, ngo_province_id=body.province_id, ngo_county_id=body.county_id,
                 label=body.name)


def can_see_event(scope: Scope, event: Event) -> bool:
    if scope.body_id is not None and event.body_id != scope.body_id:
        return False
    if scope.province_id is not None and event.venue.province_id != scope.province_id:
        return False
    return True


# --- filters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportFilter:
    start: date | None = None
    end: date | None = None
    province_id: int | None = None
    county_id: int | None = None
    body_id: int | None = None
    kind: EventKind | None = None
    occasion_id: int | None = None


def jalali_year_range(jy: int) -> tuple[date, date]:
    return from_jalali(jy, 1, 1), from_jalali(jy, 12, month_length(jy, 12))


def _event_conditions(scope: Scope, f: ReportFilter, *, dates=True, today=None):
    today = today or tehran_today()
    conds = [Event.status.in_(HELD_STATUSES), Event.starts_on <= today]
    if scope.body_id is not None:
        conds.append(Event.body_id == scope.body_id)
    if scope.province_id is not None:
        conds.append(Venue.province_id == scope.province_id)
    if f.province_id:
        conds.append(Venue.province_id == f.province_id)
    if f.county_id:
        conds.append(Venue.county_id == f.county_id)
    if f.body_id:
        conds.append(Event.body_id == f.body_id)
    if f.kind:
        conds.append(Event.kind == EventKind(f.kind))
    if f.occasion_id:
        conds.append(Event.occasion_id == f.occasion_id)
    if dates and f.start:
        conds.append(Event.starts_on >= f.start)
    if dates and f.end:
        conds.append(Event.starts_on <= f.end)
    return conds


def event_ids(scope: Scope, f: ReportFilter, *, dates=True, today=None):
    """A subquery of the ids of the held events the report covers."""
    return (select(Event.id).join(Venue, Venue.id == Event.venue_id)
            .where(*_event_conditions(scope, f, dates=dates, today=today)))


def _attended_subquery(ids):
    """Per event: people let in at least once, and person-days (live check-ins)."""
    return (select(Attendance.event_id.label("event_id"), func.count().label("attended"),
                   func.sum(Attendance.days).label("checkins"))
            .where(Attendance.event_id.in_(ids)).group_by(Attendance.event_id).subquery())


# --- events per month ------------------------------------------------------------------------

class _Rates:
    """No-shows and the attendance rate of anything with ``registered`` and ``attended``."""

    @property
    def no_shows(self) -> int:
        return max(self.registered - self.attended, 0)

    @property
    def rate(self) -> float | None:
        return self.attended / self.registered if self.registered else None


@dataclass
class EventRow(_Rates):
    id: int
    title: str
    kind: EventKind
    starts_on: date
    province: str
    capacity: int
    registered: int
    attended: int
    checkins: int



@dataclass
class Totals(_Rates):
    events: int = 0
    capacity: int = 0
    registered: int = 0
    attended: int = 0
    checkins: int = 0

    def add(self, row: EventRow) -> None:
        self.events += 1
        self.capacity += row.capacity
        self.registered += row.registered
        self.attended += row.attended
        self.checkins += row.checkins



@dataclass
class MonthRow:
    year: int
    month: int
    total: Totals = field(default_factory=Totals)
    by_kind: dict = field(default_factory=lambda: {k: Totals() for k in EventKind})

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return format_month(self.year, self.month)


@dataclass
class EventsReport:
    events: list[EventRow]
    months: list[MonthRow]
    total: Totals
    by_kind: dict
    by_province: list[tuple[str, Totals]]


def event_rows(session, scope: Scope, f: ReportFilter, *, today=None) -> list[EventRow]:
    """Every held event of the report with its numbers: one statement."""
    att = _attended_subquery(event_ids(scope, f, today=today))
    query = (select(Event.id, Event.title, Event.kind, Event.starts_on, Province.name,
                    Event.capacity, Event.confirmed_count,
                    func.coalesce(att.c.attended, 0), func.coalesce(att.c.checkins, 0))
             .join(Venue, Venue.id == Event.venue_id)
             .join(Province, Province.id == Venue.province_id)
             .outerjoin(att, att.c.event_id == Event.id)
             .where(*_event_conditions(scope, f, today=today))
             .order_by(Event.starts_on, Event.id))
    return [EventRow(*row) for row in session.execute(query)]


def events_report(session, scope: Scope, f: ReportFilter, *, today=None) -> EventsReport:
    rows = event_rows(session, scope, f, today=today)
    months: dict[tuple[int, int], MonthRow] = {}
    total, by_kind = Totals(), {k: Totals() for k in EventKind}
    provinces: dict[str, Totals] = defaultdict(Totals)
    for row in rows:
        j = to_jalali(row.starts_on)
        month = months.setdefault((j.year, j.month), MonthRow(j.year, j.month))
        month.total.add(row)
        month.by_kind[row.kind].add(row)
        total.add(row)
        by_kind[row.kind].add(row)
        provinces[row.province].add(row)
    if rows and f.start and f.end:  # every month of the period, empty ones too
        y, m = to_jalali(f.start).year, to_jalali(f.start).month
        end = min(f.end, today or tehran_today())
        last = (to_jalali(end).year, to_jalali(end).month)
        while (y, m) <= last and len(months) < 240:
            months.setdefault((y, m), MonthRow(y, m))
            y, m = add_months(y, m, 1)
    from ..persian import search_key  # Persian order of province names
    return EventsReport(rows, [months[k] for k in sorted(months)], total, by_kind,
                        sorted(provinces.items(), key=lambda p: (-p[1].events, search_key(p[0]))))


# --- reach -----------------------------------------------------------------------------------

@dataclass
class Reach:
    ngos: int
    people: int
    first_time: int
    never_reached: int


def _came(scope, f, *, dates=True, today=None):
    """The condition on ``Attendance``: rows of the report's events."""
    return Attendance.event_id.in_(event_ids(scope, f, dates=dates, today=today))


def _ngo_conditions(scope: Scope, f: ReportFilter):
    conds = []
    if scope.ngo_province_id:
        conds.append(Ngo.province_id == scope.ngo_province_id)
    if scope.ngo_county_id:
        conds.append(Ngo.county_id == scope.ngo_county_id)
    if f.province_id:
        conds.append(Ngo.province_id == f.province_id)
    if f.county_id:
        conds.append(Ngo.county_id == f.county_id)
    return conds


BIG = 20_000  # attendance rows past which distinct counts walk an index in order instead


def reached_people(session, scope, f, *, today=None) -> tuple[int, int]:
    """Distinct NGOs and distinct people (national IDs) let in at the report's events. For a
    large report, each is counted by walking its own index in order (grouping without sorting
    a hundred thousand rows); SQLite is told which index, PostgreSQL finds it by itself."""
    came = _came(scope, f, today=today)
    rows = session.scalar(select(func.count()).select_from(Attendance).where(came))
    if rows <= BIG:
        row = session.execute(select(func.count(distinct(Attendance.ngo_id)),
                                     func.count(distinct(Attendance.person))).where(came)).one()
        return row[0], row[1]
    counts = []
    for column, index in ((Attendance.ngo_id, "ix_report_attendance_ngo"),
                          (Attendance.person, "ix_report_attendance_person")):
        grouped = (select(column).where(came).group_by(column)
                   .with_hint(Attendance, f"INDEXED BY {index}", "sqlite").subquery())
        counts.append(session.scalar(select(func.count()).select_from(grouped)))
    return counts[0], counts[1]


def _ever_attended(scope, f, *, today=None):
    """NGO ids with someone let in at any event of the scope (whatever the dates)."""
    return select(Attendance.ngo_id).where(_came(scope, f, dates=False, today=today)).distinct()


def never_reached_query(scope, f, *, today=None):
    """NGOs of the scope (and the filter's province/county) that no event of the scope ever
    reached: the outreach list, in Persian alphabetical order of their names' keys, with their
    province and county loaded alongside (no query per row)."""
    return (select(Ngo).where(*_ngo_conditions(scope, f), Ngo.id.not_in(_ever_attended(scope, f, today=today)))
            .options(selectinload(Ngo.province), selectinload(Ngo.county))
            .order_by(Ngo.name_key, Ngo.id))


def _firsts(session, scope, f, *, today=None) -> tuple[int, int]:
    """(NGOs reached for the first time in the period, NGOs of the scope ever reached): one
    pass over the attendance of every event of the scope and filters, whatever their dates."""
    first = (select(Attendance.ngo_id.label("ngo_id"), func.min(Event.starts_on).label("first"))
             .join(Event, Event.id == Attendance.event_id)
             .where(_came(scope, f, dates=False, today=today)).group_by(Attendance.ngo_id).subquery())
    in_period = [first.c.first >= f.start] if f.start else []
    if f.end:
        in_period.append(first.c.first <= f.end)
    conds = _ngo_conditions(scope, f)
    first_count = func.count().filter(*in_period) if in_period else func.count()
    query = select(first_count, func.count(Ngo.id).filter(*conds) if conds else func.count()).select_from(first)
    if conds:
        query = query.outerjoin(Ngo, Ngo.id == first.c.ngo_id)
    return tuple(session.execute(query).one())


def first_timers(session, scope, f, *, today=None) -> int:
    """NGOs reached in the period that no earlier event of the same scope and filters reached."""
    return _firsts(session, scope, f, today=today)[0]


def reach(session, scope, f, *, today=None) -> Reach:
    ngos, people = reached_people(session, scope, f, today=today)
    first, ever = _firsts(session, scope, f, today=today)
    in_scope = session.scalar(select(func.count()).select_from(Ngo).where(*_ngo_conditions(scope, f)))
    return Reach(ngos, people, first, in_scope - ever)


def invite_never_reached(session, scope, f, event: Event, *, today=None) -> int:
    """Add every never-reached NGO of the report to ``event``'s invitation list (those already
    invited stay once); returns how many were added. The caller checks the event is the user's."""
    today = today or tehran_today()
    if event.status not in (EventStatus.draft, EventStatus.published, EventStatus.postponed) \
            or event.starts_on < today:
        raise ReportError(ReportReason.event_not_upcoming)
    invited = select(Invitation.ngo_id).where(Invitation.event_id == event.id)
    ids = session.scalars(never_reached_query(scope, f, today=today).with_only_columns(Ngo.id)
                          .where(Ngo.id.not_in(invited))).all()
    if not ids:
        raise ReportError(ReportReason.nothing_to_invite)
    for i in range(0, len(ids), 5000):
        session.execute(insert(Invitation), [{"event_id": event.id, "ngo_id": n} for n in ids[i:i + 5000]])
    session.flush()
    return len(ids)


def upcoming_events(session, scope: Scope, *, today=None):
    """Events an outreach list can be sent to: not yet held, not cancelled, of the user's body
    (or province)."""
    today = today or tehran_today()
    query = (select(Event).join(Venue, Venue.id == Event.venue_id)
             .where(Event.starts_on >= today,
                    Event.status.in_((EventStatus.draft, EventStatus.published, EventStatus.postponed))))
    if scope.body_id is not None:
        query = query.where(Event.body_id == scope.body_id)
    if scope.province_id is not None:
        query = query.where(Venue.province_id == scope.province_id)
    return session.scalars(query.order_by(Event.starts_on, Event.id).limit(200)).all()


# --- per NGO ---------------------------------------------------------------------------------

@dataclass
class NgoRow:
    id: int
    name: str
    registration_no: str
    province: str
    county: str
    events: int
    days: int
    people: int
    awards: int


def ngo_rows(session, scope, f, *, today=None, limit=None, offset=0) -> tuple[int, list[NgoRow]]:
    """NGOs reached by the report's events, or honoured at them: events attended, person-days
    (each member let in on each day counts one), registrations let in, and awards that stand
    from those events; the most present first, then in Persian order. One statement (the
    count comes with the rows), or two for a page past the last."""
    ids = event_ids(scope, f, today=today)
    came = (select(Attendance.ngo_id.label("ngo_id"), func.count(distinct(Attendance.event_id)).label("events"),
                   func.sum(Attendance.days).label("days"), func.count().label("people"))
            .where(Attendance.event_id.in_(ids)).group_by(Attendance.ngo_id).subquery())
    honoured = (select(Award.ngo_id.label("ngo_id"), func.count().label("awards"))
                .where(Award.revoked_at.is_(None), Award.ngo_id.is_not(None), Award.event_id.in_(ids))
                .group_by(Award.ngo_id).subquery())
    wanted = select(came.c.ngo_id).union(select(honoured.c.ngo_id)).subquery()
    events_n = func.coalesce(came.c.events, 0)
    days_n = func.coalesce(came.c.days, 0)
    query = (select(Ngo.id, Ngo.name, Ngo.registration_no, func.coalesce(Province.name, ""),
                    func.coalesce(County.name, ""), events_n, days_n, func.coalesce(came.c.people, 0),
                    func.coalesce(honoured.c.awards, 0), func.count().over())
             .select_from(wanted).join(Ngo, Ngo.id == wanted.c.ngo_id)
             .outerjoin(came, came.c.ngo_id == Ngo.id).outerjoin(honoured, honoured.c.ngo_id == Ngo.id)
             .outerjoin(Province, Province.id == Ngo.province_id).outerjoin(County, County.id == Ngo.county_id)
             .order_by(events_n.desc(), days_n.desc(), Ngo.name_key, Ngo.id))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = session.execute(query).all()
    if not rows and offset:  # past the last page: the count still
        total = session.scalar(select(func.count()).select_from(wanted))
    else:
        total = rows[0][-1] if rows else 0
    return total, [NgoRow(*(int(v) if isinstance(v, float) else v for v in row[:-1])) for row in rows]


@dataclass
class HistoryRow:
    event_id: int
    title: str
    kind: EventKind
    starts_on: date
    registered: int
    attended: int
    days: int
    awards: list


def ngo_history(session, ngo: Ngo, scope: Scope | None = None, *, today=None) -> list[HistoryRow]:
    """The events an NGO's members were registered for (confirmed) or let in at, with how many
    of them came and on how many days (any of them), and the awards it received there. Four
    statements, read from the check-ins themselves (an NGO has few), so always current."""
    scope = scope or Scope()
    ids = event_ids(scope, ReportFilter(), today=today)
    registered = dict(session.execute(
        select(Registration.event_id, func.count())
        .where(Registration.ngo_id == ngo.id, Registration.status == RegStatus.confirmed,
               Registration.event_id.in_(ids)).group_by(Registration.event_id)).all())
    came = {e: (p, d) for e, p, d in session.execute(  # one NGO: its few check-ins, exactly
        select(CheckIn.event_id, func.count(distinct(CheckIn.registration_id)), func.count(distinct(CheckIn.day)))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.ngo_id == ngo.id, CheckIn.undone_at.is_(None), CheckIn.event_id.in_(ids))
        .group_by(CheckIn.event_id))}
    awards = defaultdict(list)
    for event_id, kind, title in session.execute(
            select(Award.event_id, Award.kind, Award.title)
            .where(Award.ngo_id == ngo.id, Award.revoked_at.is_(None), Award.event_id.in_(ids))
            .order_by(Award.id)):
        awards[event_id].append((kind, title))
    wanted = set(registered) | set(came) | set(awards)
    if not wanted:
        return []
    events = session.execute(select(Event.id, Event.title, Event.kind, Event.starts_on)
                             .where(Event.id.in_(wanted)).order_by(Event.starts_on.desc(), Event.id.desc()))
    return [HistoryRow(i, t, k, s, registered.get(i, 0), came.get(i, (0, 0))[0], came.get(i, (0, 0))[1],
                       awards.get(i, [])) for i, t, k, s in events]


# --- activity derived from participation ---------------------------------------------------

def settings(session) -> ReportSettings:
    found = session.scalar(select(ReportSettings).order_by(ReportSettings.id).limit(1))
    return found or ReportSettings(months=DEFAULT_MONTHS, active_min=DEFAULT_ACTIVE_MIN,
                                   semi_min=DEFAULT_SEMI_MIN)


def save_settings(session, *, months: int, active_min: int, semi_min: int, actor=None, now=None) -> ReportSettings:
    if not (1 <= months <= 120 and 1 <= semi_min < active_min <= 1000):
        raise ReportError(ReportReason.bad_settings)
    row = session.scalar(select(ReportSettings).order_by(ReportSettings.id).limit(1))
    if row is None:
        row = ReportSettings()
        session.add(row)
    row.months, row.active_min, row.semi_min = months, active_min, semi_min
    row.updated_at, row.updated_by_id = now or utcnow(), getattr(actor, "id", None)
    session.flush()
    return row


def activity_rule(rule: ReportSettings) -> str:
    from ..persian import to_persian_digits as fa
    semi = (fa(rule.semi_min) if rule.semi_min == rule.active_min - 1
            else f"{fa(rule.semi_min)} تا {fa(rule.active_min - 1)}")
    return (f"در {fa(rule.months)} ماه گذشته: حضور در دست‌کم {fa(rule.active_min)} رویداد «فعال»، "
            f"در {semi} رویداد «نیمه‌فعال» و کمتر از آن «غیرفعال». "
            "حضور یعنی دست‌کم یک نفر از سمن در ورودی پذیرش شده باشد.")


@dataclass
class ActivityRow:
    province: str
    derived: dict
    declared: dict

    @property
    def total(self) -> int:
        return sum(self.derived.values())


@dataclass
class Activity:
    rule: ReportSettings
    since: date
    derived: dict
    declared: dict
    provinces: list[ActivityRow]

    @property
    def total(self) -> int:
        return sum(self.derived.values())


def _empty():
    return {s: 0 for s in NgoStatus}


def activity(session, scope: Scope, *, province_id=None, months=None, today=None) -> Activity:
    """Each NGO of the scope is active, semi-active or inactive by the events it attended (any
    organizer's) in the last N months, beside its declared status; per province. One statement,
    grouped by province, declared status and number of events (a few hundred rows at most)."""
    rule = settings(session)
    if months is not None:
        rule = ReportSettings(months=months, active_min=rule.active_min, semi_min=rule.semi_min)
    today = today or tehran_today()
    j = to_jalali(today)
    y, m = add_months(j.year, j.month, -rule.months)
    since = from_jalali(y, m, min(j.day, month_length(y, m)))
    attended = (select(Attendance.ngo_id.label("ngo_id"), func.count(distinct(Attendance.event_id)).label("n"))
                .join(Event, Event.id == Attendance.event_id)
                .where(Event.starts_on >= since, Event.starts_on <= today)
                .group_by(Attendance.ngo_id).subquery())
    conds = _ngo_conditions(scope, ReportFilter(province_id=province_id))
    query = (select(Province.name, Ngo.status, attended.c.n, func.count())
             .select_from(Ngo).outerjoin(attended, attended.c.ngo_id == Ngo.id)
             .outerjoin(Province, Province.id == Ngo.province_id)
             .where(*conds).group_by(Province.name, Ngo.status, attended.c.n))
    derived, declared = _empty(), _empty()
    per: dict[str, ActivityRow] = {}
    for province, status, n, count in session.execute(query):
        n = n or 0
        derived_status = (NgoStatus.active if n >= rule.active_min else
                          NgoStatus.semi_active if n >= rule.semi_min else NgoStatus.inactive)
        province = province or "بدون استان"
        row = per.setdefault(province, ActivityRow(province, _empty(), _empty()))
        row.derived[derived_status] += count
        row.declared[NgoStatus(status)] += count
        derived[derived_status] += count
        declared[NgoStatus(status)] += count
    from ..persian import search_key
    rows = sorted(per.values(), key=lambda r: (-r.total, search_key(r.province)))
    return Activity(rule, since, derived, declared, rows)


# --- awards ----------------------------------------------------------------------------------

@dataclass
class AwardsReport:
    by_kind: dict
    by_event: list  # (event id, title, starts_on, {kind: n}, total)
    by_ngo: list    # (ngo id, name, {kind: n}, total)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def awards_report(session, scope, f, *, today=None) -> AwardsReport:
    """Awards that stand, given at the report's events: per kind, per event and per NGO."""
    ids = event_ids(scope, f, today=today)
    by_kind = {k: 0 for k in AwardKind}
    events: dict[int, list] = {}
    for event_id, title, starts_on, kind, count in session.execute(
            select(Award.event_id, Event.title, Event.starts_on, Award.kind, func.count())
            .join(Event, Event.id == Award.event_id)
            .where(Award.revoked_at.is_(None), Award.event_id.in_(ids))
            .group_by(Award.event_id, Event.title, Event.starts_on, Award.kind)):
        by_kind[kind] += count
        entry = events.setdefault(event_id, [event_id, title, starts_on, {k: 0 for k in AwardKind}, 0])
        entry[3][kind] += count
        entry[4] += count
    ngos: dict[int, list] = {}
    for ngo_id, name, key, kind, count in session.execute(
            select(Award.ngo_id, Ngo.name, Ngo.name_key, Award.kind, func.count())
            .join(Ngo, Ngo.id == Award.ngo_id)
            .where(Award.revoked_at.is_(None), Award.event_id.in_(ids))
            .group_by(Award.ngo_id, Ngo.name, Ngo.name_key, Award.kind)):
        entry = ngos.setdefault(ngo_id, [ngo_id, name, {k: 0 for k in AwardKind}, 0, key])
        entry[2][kind] += count
        entry[3] += count
    by_event = sorted((tuple(e) for e in events.values()), key=lambda e: (e[2], e[0]))
    by_ngo = [tuple(e[:4]) for e in sorted(ngos.values(), key=lambda e: (-e[3], e[4], e[0]))]
    return AwardsReport(by_kind, by_event, by_ngo)


# --- the attendance sheet of one event -------------------------------------------------------

@dataclass
class SheetRow:
    full_name: str
    national_id: str
    ngo: str
    county: str
    status: RegStatus
    times: list  # per day: the check-in instant or None


def attendance_sheet(session, event: Event) -> tuple[list[date], list[SheetRow]]:
    """Each person registered (confirmed, or let in whatever their status now) with their NGO and
    its county, and per day of the event when they were let in (None: absent). Three statements."""
    days = [d for (d,) in session.execute(select(EventDay.date).where(EventDay.event_id == event.id)
                                          .order_by(EventDay.date))]
    times = {}
    for reg_id, day, at in session.execute(
            select(CheckIn.registration_id, CheckIn.day, CheckIn.checked_in_at)
            .where(CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))):
        times[(reg_id, day)] = at
    rows = []
    query = (select(Registration.id, Registration.full_name, Registration.national_id, Registration.status,
                    Ngo.name, func.coalesce(County.name, ""), Registration.name_key, Ngo.name_key)
             .join(Ngo, Ngo.id == Registration.ngo_id).outerjoin(County, County.id == Ngo.county_id)
             .where(Registration.event_id == event.id,
                    or_(Registration.status == RegStatus.confirmed,
                        Registration.id.in_(select(CheckIn.registration_id).where(
                            CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))))))
    for reg_id, name, nid, status, ngo, county, key, ngo_key in session.execute(query):
        rows.append(((ngo_key, key, reg_id), SheetRow(name, nid, ngo, county, status,
                                                      [times.get((reg_id, d)) for d in days])))
    rows.sort(key=lambda r: r[0])
    return days, [r for _, r in rows]


# --- the organizer's dashboard ---------------------------------------------------------------

@dataclass
class Dashboard:
    upcoming: list      # (event, seats left)
    today_checkins: int
    recent: list        # (registration id, full name, ngo name, event title, created_at)
    year: Totals
    year_label: int


def dashboard(session, scope: Scope, *, today=None) -> Dashboard:
    today = today or tehran_today()
    query = (select(Event).join(Venue, Venue.id == Event.venue_id)
             .where(Event.ends_on >= today, Event.status.in_((EventStatus.published, EventStatus.postponed))))
    if scope.body_id is not None:
        query = query.where(Event.body_id == scope.body_id)
    if scope.province_id is not None:
        query = query.where(Venue.province_id == scope.province_id)
    upcoming = [(e, max(e.capacity - e.confirmed_count, 0))
                for e in session.scalars(query.order_by(Event.starts_on, Event.id).limit(10))]
    mine = select(Event.id).join(Venue, Venue.id == Event.venue_id)
    if scope.body_id is not None:
        mine = mine.where(Event.body_id == scope.body_id)
    if scope.province_id is not None:
        mine = mine.where(Venue.province_id == scope.province_id)
    today_checkins = session.scalar(select(func.count()).select_from(CheckIn).where(
        CheckIn.day == today, CheckIn.undone_at.is_(None), CheckIn.event_id.in_(mine)))
    recent = session.execute(
        select(Registration.id, Registration.full_name, Ngo.name, Event.title, Registration.created_at)
        .join(Ngo, Ngo.id == Registration.ngo_id).join(Event, Event.id == Registration.event_id)
        .where(Registration.event_id.in_([e.id for e, _ in upcoming] or [0]))
        .order_by(Registration.id.desc()).limit(10)).all()
    jy = to_jalali(today).year
    start, end = jalali_year_range(jy)
    year = Totals()
    for row in event_rows(session, scope, ReportFilter(start=start, end=end), today=today):
        year.add(row)
    return Dashboard(upcoming, today_checkins or 0, recent, year, jy)


# --- the summary of the API ------------------------------------------------------------------

def summary(session, scope, f, *, today=None) -> dict:
    report = events_report(session, scope, f, today=today)
    ngos, people = reached_people(session, scope, f, today=today)
    t = report.total
    return {
        "events_held": t.events, "registrations": t.registered, "attendees": t.attended,
        "checkins": t.checkins, "ngos_reached": ngos, "people_reached": people,
        "no_show_rate": round(t.no_shows / t.registered, 4) if t.registered else 0.0,
        "by_month": [{"month": m.key, "events": m.total.events, "attendees": m.total.attended}
                     for m in report.months],
    }


def activity_counts(result: Activity) -> dict:
    return {"derived": {s.value: result.derived[s] for s in NgoStatus},
            "declared": {s.value: result.declared[s] for s in NgoStatus}}


LABELS = {"kinds": KIND_LABELS, "statuses": NGO_STATUS_LABELS, "awards": AWARD_KIND_LABELS}
