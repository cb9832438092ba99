"""Registration rules: capacity, per-NGO seats, the window, the audience, one active
registration per person, the waitlist and approval.

Every function that counts seats runs inside the transaction that writes: the event row is
locked first (PostgreSQL ``SELECT … FOR UPDATE``; on SQLite the caller has taken the write
lock with ``begin_write``), the confirmed count is kept on the event under a CHECK
constraint, and a partial unique index keeps one active registration per national ID.
"""
import enum
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..audit.models import Action
from ..events.models import Audience, Event, EventStatus
from ..events.services import can_manage, registration_closes_at
from ..jalali import format_datetime, utcnow
from ..notifications.outbox import announce
from ..persian import (clean_text, mobile_key, normalize_text, number_term, search_key,
                       to_latin_digits, to_persian_digits)
from ..refusals import Refusal
from .models import ACTIVE, RegStatus, Registration

MAX_BATCH = 50
MOBILE_RE = re.compile(r"^09\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


class RegReason(str, enum.Enum):
    full = "full"
    ngo_quota = "ngo_quota"
    closed = "closed"
    not_open = "not_open"
    not_in_audience = "not_in_audience"
    duplicate = "duplicate"
    invalid_national_id = "invalid_national_id"
    invalid_mobile = "invalid_mobile"
    invalid_email = "invalid_email"
    name_required = "name_required"
    no_attendees = "no_attendees"
    too_many = "too_many"
    not_cancellable = "not_cancellable"
    not_pending = "not_pending"


# What is wrong with the request itself, whatever the event's state (422); the other refusals
# conflict with the current state (full, quota used, closed, already registered, decided): 409.
UNPROCESSABLE = frozenset({"invalid_national_id", "invalid_mobile", "invalid_email", "name_required",
                           "not_in_audience", "no_attendees", "too_many"})


class RegistrationError(Refusal):
    status = 409

    def __init__(self, reason, message=None, **details):
        super().__init__(reason, message, **details)
        self.status = 422 if reason.value in UNPROCESSABLE else 409

    messages = {
        RegReason.full: "ظرفیت رویداد پر است{left}.",
        RegReason.ngo_quota: "سهم سمن شما از این رویداد {quota} نفر است و {used} نفر ثبت شده‌اند؛ {left} جای دیگر دارید.",
        RegReason.closed: "ثبت‌نام این رویداد بسته است{when}.",
        RegReason.not_open: "ثبت‌نام این رویداد از {when} آغاز می‌شود.",
        RegReason.not_in_audience: "این رویداد ویژهٔ {audience} است و سمن شما در میان مخاطبان آن نیست.",
        RegReason.duplicate: "«{name}» با کد ملی {national_id} پیش‌تر برای این رویداد ثبت‌نام شده است.",
        RegReason.invalid_national_id: "ردیف {row}: کد ملی «{value}» درست نیست؛ ۱۰ رقم با رقم کنترل درست لازم است.",
        RegReason.invalid_mobile: "ردیف {row}: شمارهٔ همراه «{value}» درست نیست؛ ۱۱ رقم و با ۰۹ آغاز شود.",
        RegReason.invalid_email: "ردیف {row}: رایانامهٔ «{value}» درست نیست (مانند name@example.ir).",
        RegReason.name_required: "ردیف {row}: نام و نام خانوادگی را بنویسید.",
        RegReason.no_attendees: "دست‌کم یک نفر را برای ثبت‌نام وارد کنید.",
        RegReason.too_many: "در هر بار حداکثر ۵۰ نفر را می‌توان ثبت‌نام کرد.",
        RegReason.not_cancellable: "این ثبت‌نام «{status}» است و لغو نمی‌شود.",
        RegReason.not_pending: "این ثبت‌نام در انتظار تأیید نیست.",
    }


# --- attendees -----------------------------------------------------------------------------

def national_id_ok(value: str) -> bool:
    """The Iranian national ID (کد ملی) check digit."""
    if not re.fullmatch(r"\d{10}", value) or len(set(value)) == 1:
        return False
    total = sum(int(value[i]) * (10 - i) for i in range(9)) % 11
    check = int(value[9])
    return check == total if total < 2 else check == 11 - total


def complete_national_id(first_nine: str) -> str:
    """The valid national ID that starts with these nine digits (for demo and test data)."""
    total = sum(int(first_nine[i]) * (10 - i) for i in range(9)) % 11
    return first_nine + str(total if total < 2 else 11 - total)


def clean_national_id(value) -> str:
    digits = re.sub(r"[\s\-_.]", "", to_latin_digits(normalize_text(str(value or ""))))
    if re.fullmatch(r"\d{8,9}", digits):
        digits = digits.zfill(10)  # leading zeros are often dropped (spreadsheets)
    return digits


def clean_mobile(value) -> str:
    return mobile_key(str(value or ""))


@dataclass
class Attendee:
    full_name: str
    national_id: str
    mobile: str
    role: str = ""
    email: str = ""


def _get(row):
    return row.get if isinstance(row, dict) else (lambda k, _r=row: getattr(_r, k, ""))


def _row_problems(i: int, row) -> list[tuple[str, "RegistrationError"]]:
    """What is wrong with attendee row ``i`` (counted from 1): (field, refusal) pairs."""
    get = _get(row)
    problems = []
    if not normalize_text(get("full_name") or ""):
        problems.append(("full_name", RegistrationError(RegReason.name_required, row=_fa(i))))
    if not national_id_ok(clean_national_id(get("national_id"))):
        problems.append(("national_id", RegistrationError(
            RegReason.invalid_national_id, row=_fa(i), value=_fa(str(get("national_id") or "")))))
    if not MOBILE_RE.match(clean_mobile(get("mobile"))):
        problems.append(("mobile", RegistrationError(
            RegReason.invalid_mobile, row=_fa(i), value=_fa(str(get("mobile") or "")))))
    email = clean_email(get("email"))
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        problems.append(("email", RegistrationError(
            RegReason.invalid_email, row=_fa(i), value=str(get("email") or "")[:80])))
    return problems


def clean_email(value) -> str:
    """An optional e-mail address, trimmed and lower-cased ("" when none was given)."""
    return to_latin_digits(normalize_text(str(value or ""))).strip().lower()


def attendee_problems(rows) -> dict[int, list[tuple[str, "RegistrationError"]]]:
    """Every row's problems at once, by position (from 0): for a form to mark every field."""
    found = {}
    for i, row in enumerate(rows):
        problems = _row_problems(i + 1, row)
        if problems:
            found[i] = problems
    return found


def clean_attendees(rows) -> list[Attendee]:
    """Normalise and check each attendee (dicts or Attendee); the first bad row refuses all."""
    out = []
    for i, row in enumerate(rows, start=1):
        problems = _row_problems(i, row)
        if problems:
            raise problems[0][1]
        get = _get(row)
        out.append(Attendee(clean_text(get("full_name") or "")[:120],
                            clean_national_id(get("national_id")), clean_mobile(get("mobile")),
                            clean_text(get("role") or "")[:100], clean_email(get("email"))))
    return out


def _fa(n) -> str:
    return to_persian_digits(n)


# --- rules ---------------------------------------------------------------------------------

def lock_event(session, event: Event) -> Event:
    """Lock the event row for this transaction and reload its counters."""
    return session.scalars(select(Event).where(Event.id == event.id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def in_audience(event: Event, ngo) -> bool:
    if event.audience == Audience.all:
        return True
    if event.audience == Audience.province:
        return ngo.province_id is not None and ngo.province_id == event.audience_province_id
    if event.audience == Audience.county:
        return ngo.county_id is not None and ngo.county_id == event.audience_county_id
    return any(inv.ngo_id == ngo.id for inv in event.invitations)


def _audience_text(event: Event) -> str:
    if event.audience == Audience.province and event.audience_province:
        return f"سمن‌های استان {event.audience_province.name}"
    if event.audience == Audience.county and event.audience_county:
        return f"سمن‌های شهرستان {event.audience_county.name}"
    return "سمن‌های دعوت‌شده"


def check_open(event: Event, now) -> None:
    """Registration is open: a published event inside its window."""
    if event.status != EventStatus.published:
        raise RegistrationError(RegReason.closed, when=f" (رویداد {event.status.label} است)")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationError(RegReason.not_open, when=format_datetime(event.registration_opens_at))
    closes = registration_closes_at(event)
    if now > closes:
        raise RegistrationError(RegReason.closed, when=f" (از {format_datetime(closes)})")


def active_count(session, event: Event, ngo_id: int | None = None) -> int:
    query = select(func.count(Registration.id)).where(Registration.event_id == event.id,
                                                      Registration.status.in_(ACTIVE))
    if ngo_id is not None:
        query = query.where(Registration.ngo_id == ngo_id)
    return session.scalar(query)


def seats_left(event: Event) -> int:
    return max(0, event.capacity - event.confirmed_count)


def register(session, event: Event, ngo, attendees, *, actor=None, now=None) -> list[Registration]:
    """Register NGO members (all or none). Each is confirmed while seats last, then waitlisted;
    events that need approval hold them as pending."""
    now = now or utcnow()
    if len(attendees) > MAX_BATCH:
        raise RegistrationError(RegReason.too_many)
    people = clean_attendees(attendees)
    if not people:
        raise RegistrationError(RegReason.no_attendees)
    event = lock_event(session, event)
    check_open(event, now)
    if not in_audience(event, ngo):
        raise RegistrationError(RegReason.not_in_audience, audience=_audience_text(event))
    seen = {}
    for person in people:
        if person.national_id in seen:
            raise RegistrationError(RegReason.duplicate, name=person.full_name,
                                    national_id=_fa(person.national_id))
        seen[person.national_id] = person
    existing = session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE),
        Registration.national_id.in_(list(seen)))).first()
    if existing is not None:
        raise RegistrationError(RegReason.duplicate, name=existing.full_name,
                                national_id=_fa(existing.national_id))
    if event.per_ngo_quota:
        used = active_count(session, event, ngo.id)
        if used + len(people) > event.per_ngo_quota:
            raise RegistrationError(RegReason.ngo_quota, quota=_fa(event.per_ngo_quota),
                                    used=_fa(used), left=_fa(max(0, event.per_ngo_quota - used)))
    if not event.requires_approval and not event.waitlist and len(people) > seats_left(event):
        raise RegistrationError(RegReason.full, left=f"؛ {_fa(seats_left(event))} جا مانده است")
    made = []
    for person in people:
        if event.requires_approval:
            status = RegStatus.pending
        elif event.confirmed_count < event.capacity:
            status = RegStatus.confirmed
            event.confirmed_count += 1
        else:
            status = RegStatus.waitlisted
        reg = Registration(event=event, ngo=ngo, full_name=person.full_name,
                           national_id=person.national_id, mobile=person.mobile, role=person.role,
                           email=person.email,
                           name_key=search_key(person.full_name), status=status, created_at=now,
                           created_by_id=getattr(actor, "id", None))
        session.add(reg)
        made.append(reg)
    try:
        session.flush()
    except IntegrityError as error:
        # The unique index caught what the lock should have: a concurrent duplicate.
        if "uq_registrations_active_person" not in str(error.orig):
            raise
        raise RegistrationError(RegReason.duplicate, name=people[0].full_name,
                                national_id=_fa(people[0].national_id)) from None
    for reg in made:
        audit.record(session, actor, Action.registration_create, reg, None,
                     {"full_name": reg.full_name, "ngo": str(ngo), "role": reg.role,
                      "status": reg.status}, now=now)
        announce(session, "registration", registration=reg, change="registered", now=now)
    return made


def _status_change(session, actor, action, reg, before, now, **more):
    """The one audit entry of a registration's change of status."""
    audit.record(session, actor, action, reg, {"status": before},
                 {"status": reg.status, **more}, now=now)


def promote_waitlist(session, event: Event, *, now=None, actor=None) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (event already locked)."""
    promoted = []
    while event.confirmed_count < event.capacity:
        reg = session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status == RegStatus.waitlisted)
            .order_by(Registration.id).limit(1)).first()
        if reg is None:
            break
        reg.status = RegStatus.confirmed
        reg.decided_at = now or utcnow()
        event.confirmed_count += 1
        promoted.append(reg)
        session.flush()
        _status_change(session, actor, Action.registration_promote, reg, RegStatus.waitlisted, now)
        announce(session, "registration", registration=reg, change="promoted", now=now)
    return promoted


def fill_from_waitlist(session, event: Event, *, now=None, actor=None) -> list[Registration]:
    """Promote waitlisted people into seats freed by a larger capacity."""
    return promote_waitlist(session, lock_event(session, event), now=now, actor=actor)


def cancel(session, registration: Registration, *, actor=None, now=None) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first in the waitlist. Returns promoted."""
    now = now or utcnow()
    event = lock_event(session, registration.event)
    session.refresh(registration)
    if registration.status not in ACTIVE:
        raise RegistrationError(RegReason.not_cancellable, status=registration.status.label)
    was_confirmed, before = registration.status == RegStatus.confirmed, registration.status
    registration.status = RegStatus.cancelled
    registration.cancelled_at = now
    registration.cancelled_by_id = getattr(actor, "id", None)
    if was_confirmed:
        event.confirmed_count -= 1
    session.flush()
    _status_change(session, actor, Action.registration_cancel, registration, before, now)
    announce(session, "registration", registration=registration, change="cancelled", now=now)
    return promote_waitlist(session, event, now=now, actor=actor) if was_confirmed else []


def approve(session, registration: Registration, *, now=None, actor=None) -> Registration:
    """A pending registration becomes confirmed while seats last, else waitlisted."""
    now = now or utcnow()
    event = lock_event(session, registration.event)
    session.refresh(registration)
    if registration.status != RegStatus.pending:
        raise RegistrationError(RegReason.not_pending)
    if event.confirmed_count < event.capacity:
        registration.status = RegStatus.confirmed
        event.confirmed_count += 1
    elif event.waitlist:
        registration.status = RegStatus.waitlisted
    else:
        raise RegistrationError(RegReason.full, left="")
    registration.decided_at = now
    session.flush()
    _status_change(session, actor, Action.registration_approve, registration, RegStatus.pending, now)
    announce(session, "registration", registration=registration, change="approved", now=now)
    return registration


def reject(session, registration: Registration, *, note: str = "", now=None,
           actor=None) -> Registration:
    lock_event(session, registration.event)
    session.refresh(registration)
    if registration.status not in (RegStatus.pending, RegStatus.waitlisted):
        raise RegistrationError(RegReason.not_pending)
    before = registration.status
    registration.status = RegStatus.rejected
    registration.decided_at = now or utcnow()
    registration.note = clean_text(note)[:300]
    session.flush()
    _status_change(session, actor, Action.registration_reject, registration, before, now,
                   note=registration.note)
    announce(session, "registration", registration=registration, change="rejected", now=now)
    return registration


# --- who may do what, and lookups ----------------------------------------------------------

def can_register(user, ngo) -> bool:
    return user is not None and user.role.value == "secretary" and user.ngo_id == ngo.id


def can_see(user, registration: Registration) -> bool:
    """The NGO's secretary, the event's organizers, admins."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role.value == "secretary":
        return user.ngo_id == registration.ngo_id
    return can_manage(user, registration.event)


def by_ticket_code(session, code: str) -> Registration | None:
    code = (code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,32}", code):
        return None
    return session.scalar(select(Registration).where(Registration.ticket_code == code))


@dataclass
class RegFilter:
    status: RegStatus | None = None
    ngo_id: int | None = None
    q: str = ""


def registrations_query(event: Event, f: RegFilter | None = None):
    """The event's registrations, filtered, with their NGOs; first registered first."""
    query = select(Registration).where(Registration.event_id == event.id).options(
        selectinload(Registration.ngo))
    if f is not None:
        if f.status:
            query = query.where(Registration.status == f.status)
        if f.ngo_id:
            query = query.where(Registration.ngo_id == f.ngo_id)
        if f.q:
            number = number_term(f.q)  # a mobile typed +98…, 0098… or 09… finds the same
            if number is not None:
                query = query.where((Registration.national_id.startswith(number[0]))
                                    | (Registration.mobile.contains(number[1])))
            else:
                query = query.where(Registration.name_key.contains(search_key(f.q)))
    return query.order_by(Registration.id)


def status_counts(session, event: Event) -> dict[RegStatus, int]:
    rows = session.execute(select(Registration.status, func.count(Registration.id))
                           .where(Registration.event_id == event.id).group_by(Registration.status))
    counts = {s: 0 for s in RegStatus}
    counts.update({status: n for status, n in rows})
    return counts
