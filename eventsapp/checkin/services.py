"""Door check-in: one function decides every scan.

``scan_now`` is the one scan path of requests (the scanner page, a user's API token, a
scanner device's token): it returns a ``ScanResult`` whose verdict is an enum; views and
JavaScript only show it. A multi-day event lets a person in once per day; the partial unique
index on (registration, day) makes two gates scanning the same ticket at once end in one
``ok``. Every scan is logged, whatever the verdict; a scan sent with a client ``nonce`` is
answered once, and the same nonce again gets that first answer and writes nothing.
"""
import enum
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..audit import services as audit
from ..audit.models import Action
from ..events.models import Event, EventStatus
from ..events.services import can_manage
from ..ngos.models import Ngo
from ..jalali import format_time, local_datetime, to_tehran, utcnow
from ..persian import normalize_text, number_term, search_key, sort_key, to_latin_digits
from ..refusals import Access, AccessRefusal, Refusal
from ..registrations.models import ACTIVE, SHORT_ALPHABET, RegStatus, Registration
from . import doordb
from .doordb import DoorDb
from .models import CheckIn, EventStaff, ScanLog, ScannerDevice, Verdict
from ..dbtypes import persian_order

BARE_CODE = re.compile(r"[A-Za-z0-9_-]{16,32}")
CODE_IN_URL = re.compile(r"/t/([A-Za-z0-9_-]{16,32})(?:[/?#.]|$)")
UNDO_MINUTES = 10
DEVICE_TOUCH_EVERY = timedelta(minutes=5)  # a device's last_used_at: not a write per scan

VERDICT_MESSAGES = {
    Verdict.ok: "خوش آمدید",
    Verdict.already_checked_in: "پیش‌تر وارد شده است",
    Verdict.wrong_event: "بلیت رویداد دیگری است",
    Verdict.wrong_day: "این رویداد امروز برگزار نمی‌شود",
    Verdict.cancelled: "بلیت لغو شده است",
    Verdict.not_confirmed: "ثبت‌نام قطعی نیست",
    Verdict.unknown: "بلیت شناخته نشد",
    Verdict.closed: "پذیرش این روز باز نیست",
    Verdict.undone: "ورود لغو شد",
}
# What the door should do: go (green), stop (red), or look again (amber).
VERDICT_COLOURS = {
    Verdict.ok: "green",
    Verdict.already_checked_in: "amber",
    Verdict.wrong_event: "red",
    Verdict.wrong_day: "red",
    Verdict.cancelled: "red",
    Verdict.not_confirmed: "amber",
    Verdict.unknown: "red",
    Verdict.closed: "amber",
    Verdict.undone: "amber",
}


@dataclass
class Attendee:
    """Who a ticket belongs to, as the door sees them."""

    id: int
    full_name: str
    ngo: str
    role: str
    status: RegStatus


@dataclass
class ScanResult:
    """A scan's verdict and what the door shows with it (plain values, no ORM objects)."""

    verdict: Verdict
    attendee: Attendee | None = None
    detail: str = ""
    checkin_id: int | None = None  # the new check-in (ok) or the earlier one (already)
    checked_in_at: object = None
    gate: str | None = None

    @property
    def registration_id(self) -> int | None:
        return self.attendee.id if self.attendee else None

    @property
    def message(self) -> str:
        base = VERDICT_MESSAGES[self.verdict]
        return f"{base}؛ {self.detail}" if self.detail else base

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS[self.verdict]

    def answer(self) -> str:
        """The result as JSON, kept in the scan log with a nonce (``from_answer`` reads it)."""
        a = self.attendee
        return json.dumps([self.verdict.value, a and [a.id, a.full_name, a.ngo, a.role, a.status.value],
                           self.detail, self.checkin_id,
                           self.checked_in_at and self.checked_in_at.isoformat(), self.gate],
                          ensure_ascii=False)

    @classmethod
    def from_answer(cls, text: str) -> "ScanResult":
        verdict, a, detail, checkin_id, at, gate = json.loads(text)
        return cls(Verdict(verdict), a and Attendee(*a[:4], RegStatus(a[4])), detail, checkin_id,
                   at and datetime.fromisoformat(at), gate)


def extract_code(text: str) -> str | None:
    """The ticket code in what a scanner read: the ticket URL or the bare code."""
    text = to_latin_digits((text or "").strip())[:300]
    if BARE_CODE.fullmatch(text):
        return text
    match = CODE_IN_URL.search(text)
    if match:
        return match.group(1)
    return short_code(text)


SHORT_CODE = re.compile(r"([A-Za-z0-9]{4})[\s-]?([A-Za-z0-9]{4})")


def short_code(text: str) -> str | None:
    """A ticket's short code as typed at the door («acde-3467», «ACDE 3467»): upper case, no
    separator; None unless every character is of the short-code alphabet."""
    match = SHORT_CODE.fullmatch(text)
    if not match:
        return None
    code = (match.group(1) + match.group(2)).upper()
    return code if all(c in SHORT_ALPHABET for c in code) else None


def window(date, start, end, before: int, after: int):
    """The check-in window of a day from ``start`` to ``end`` (Tehran wall clock), opening
    ``before`` minutes earlier and closing ``after`` minutes later, as aware instants."""
    return (local_datetime(date, start) - timedelta(minutes=before),
            local_datetime(date, end) + timedelta(minutes=after))


@dataclass
class PendingScan:
    """A scan decided but not yet recorded: ``record_scan`` writes it."""

    event_id: int
    text: str
    now: object
    result: ScanResult


_UNREAD = object()


def decide_scan(door: DoorDb, event_id: int, text: str, *, now=None, event=None,
                ticket=_UNREAD) -> PendingScan:
    """The verdict of a scan, from reads only: everything but 'already checked in'.

    ``event`` and ``ticket`` are the ``DoorDb.event_today`` and ``DoorDb.ticket`` rows (the
    ticket's for ``extract_code(text)``) when the caller has read them already.
    """
    now = now or utcnow()
    if ticket is _UNREAD:
        code = extract_code(text)
        row = door.ticket(code, event_id) if code else None
    else:
        row = ticket
    pending = PendingScan(event_id, text or "", now, ScanResult(Verdict.unknown))
    if row is None:
        return pending
    reg_id, reg_event_id, status, full_name, role, ngo, title = row
    attendee = Attendee(reg_id, full_name, ngo or "", role or "", status)
    if reg_event_id != event_id:
        pending.result = ScanResult(Verdict.wrong_event, attendee, detail=f"«{title}»")
    elif status in (RegStatus.cancelled, RegStatus.rejected):
        pending.result = ScanResult(Verdict.cancelled, attendee)
    elif status != RegStatus.confirmed:
        pending.result = ScanResult(Verdict.not_confirmed, attendee, detail=status.label)
    else:
        ev = event if event is not None else door.event_today(event_id, to_tehran(now).date())
        if ev is None or ev[3] is None:
            pending.result = ScanResult(Verdict.wrong_day, attendee)
        else:
            ev_status, before, after, day, start, end = ev
            opens, closes = window(day, start, end, before, after)
            if ev_status not in (EventStatus.published, EventStatus.completed) or not opens <= now <= closes:
                pending.result = ScanResult(Verdict.closed, attendee,
                                            detail=f"از {format_time(opens)} تا {format_time(closes)}")
            else:
                pending.result = ScanResult(Verdict.ok, attendee)
    return pending


@dataclass
class ManualBy:
    """Who checked a person in by hand (typed the code or picked them from the search), and
    the event's body: such a check-in is written to the audit log in the scan's transaction."""

    id: int
    name: str
    body_id: int | None


def record_scan(door: DoorDb, pending: PendingScan, *, staff_id=None, device_id=None,
                gate: str = "", nonce: str | None = None,
                manual: ManualBy | None = None) -> ScanResult | None:
    """Write a decided scan: the check-in when it is ``ok``, and the scan log (with ``nonce``
    and the answer, when given), in the connection's (write) transaction; the caller commits.
    None when the nonce is in the log already: the caller rolls back and answers as then.

    Two gates scanning one ticket at once: the partial unique index on (registration, day)
    lets one check-in in; the other finds nothing inserted and answers 'already checked in'.
    ``gate`` is as typed; «در شمالی» and «شمالی» are one gate.
    """
    gate = re.sub(r"^درِ?\s+", "", normalize_text(gate))[:60]
    result, now = _recheck(door, pending), pending.now
    if result.verdict == Verdict.ok:
        day = to_tehran(now).date()
        new_id = door.insert_checkin(event_id=pending.event_id, registration_id=result.attendee.id,
                                     day=day, now=now, staff_id=staff_id, device_id=device_id,
                                     gate=gate)
        if new_id is not None:
            result.checkin_id, result.checked_in_at, result.gate = new_id, now, gate
            if manual is not None:
                door.audit(now=now, actor_id=manual.id, actor_name=manual.name,
                           action=Action.checkin_manual.value, object_type="checkin",
                           object_id=new_id, object_label=result.attendee.full_name,
                           body_id=manual.body_id, event_id=pending.event_id,
                           after={"day": day.isoformat(), "gate": gate, "registration_id": result.attendee.id})
        else:
            result = _already(door, result.attendee, day)
    logged = door.log(event_id=pending.event_id, registration_id=result.registration_id,
                      code=pending.text[:200], verdict=result.verdict, staff_id=staff_id,
                      device_id=device_id, gate=gate, now=now, nonce=nonce,
                      answer=result.answer() if nonce else None)
    return result if logged else None


def _recheck(door: DoorDb, pending: PendingScan) -> ScanResult:
    """The verdict again, from the ticket and the event read under the write lock: the
    decision was made from reads that held no lock, and an ``ok`` stands only if nothing it
    rests on changed since (a ticket or event cancelled in between is not checked in)."""
    result = pending.result
    if result.verdict != Verdict.ok:
        return result
    fresh = door.recheck(result.attendee.id, to_tehran(pending.now).date())
    if fresh is None:  # the registration is gone
        return ScanResult(Verdict.unknown)
    status, event = fresh
    a = result.attendee
    ticket = (a.id, pending.event_id, status, a.full_name, a.role, a.ngo, "")
    return decide_scan(door, pending.event_id, pending.text, now=pending.now, event=event,
                       ticket=ticket).result


def _already(door: DoorDb, attendee: Attendee, day) -> ScanResult:
    earlier = door.earlier(attendee.id, day)
    if earlier is None:  # undone in between: the door scans again
        return ScanResult(Verdict.already_checked_in, attendee)
    checkin_id, at, gate, staff_name, username, device_name = earlier
    parts = [f"ساعت {format_time(to_tehran(at))}"]
    if gate:
        parts.append(f"درِ {gate}")
    who = (staff_name or username) or device_name or ""
    if who:
        parts.append(f"با {who}")
    return ScanResult(Verdict.already_checked_in, attendee, detail="، ".join(parts),
                      checkin_id=checkin_id, checked_in_at=at, gate=gate)


def scan_now(engine, event_id: int, text: str, *, staff_id=None, device_hash: str | None = None,
             gate: str = "", nonce: str | None = None, now=None, touch_token_id=None,
             between=None, manual: ManualBy | None = None) -> ScanResult:
    """The one scan path of requests: decide and record a scan on a pooled connection of its
    own, and commit. Reads hold no lock; then one short write transaction (on SQLite,
    ``BEGIN IMMEDIATE``) in which the verdict is checked again (``record_scan``).

    The scanner is a user (``staff_id``, already authorised by ``access.scannable_event``;
    ``touch_token_id`` records their API token's use in the same transaction) or a scanner
    device (``device_hash``, its token's hash: the device, the event and the ticket are read in
    one statement, and the device's own event is the only one it may scan). With a ``nonce``,
    a scan already logged with it (same event, same user or device) is answered as it was
    then, writing nothing. ``between`` (tests) runs after the reads, before the lock."""
    now = now or utcnow()
    with doordb.checkout(engine) as door:
        event, ticket, device_id, touch_device = None, _UNREAD, None, False
        if device_hash is not None:
            device, event, ticket = door.device_scan(device_hash, event_id, to_tehran(now).date(),
                                                     extract_code(text))
            device_id = _device_may_scan(device, event, event_id)
            touch_device = device[2] is None or now - device[2] > DEVICE_TOUCH_EVERY
        key = f"d{device_id}:{nonce}" if device_id else f"u{staff_id}:{nonce}"
        key = key if nonce else None
        if key and (first := door.answer(event_id, key)) is not None:
            return ScanResult.from_answer(first)
        pending = decide_scan(door, event_id, text, now=now, event=event, ticket=ticket)
        if between is not None:
            between()
        door.begin_write()
        if key and (first := door.answer(event_id, key)) is not None:  # SQLite: under the lock
            door.rollback()
            return ScanResult.from_answer(first)
        if touch_device:
            door.touch_device(device_id, now)
        if touch_token_id is not None:
            door.touch_token(touch_token_id, now)
        result = record_scan(door, pending, staff_id=staff_id, device_id=device_id, gate=gate,
                             nonce=key, manual=manual)
        if result is None:  # PostgreSQL: the same nonce was committed meanwhile
            door.rollback()
            first = door.answer(event_id, key)
        else:
            door.commit()
            return result
    if first is None:  # (that scan's transaction did not commit after all: scan afresh)
        return scan_now(engine, event_id, text, staff_id=staff_id, device_hash=device_hash, gate=gate,
                        nonce=nonce, now=now, touch_token_id=touch_token_id, manual=manual)
    return ScanResult.from_answer(first)


def _device_may_scan(device, event, event_id: int) -> int:
    """The device's id, if it is live and made for this (existing) event."""
    if device is None:
        raise CheckinError(CheckinReason.unauthorized)
    if event is None:
        raise AccessRefusal(Access.not_found, "رویداد پیدا نشد.")
    if device[1] != event_id:
        raise AccessRefusal(Access.forbidden, "این دستگاه برای پذیرش رویداد دیگری ساخته شده است.")
    return device[0]


def door_db(session) -> DoorDb:
    """The scan's statements on the session's connection, in its transaction."""
    connection = session.connection()
    return DoorDb(connection.connection.driver_connection, connection.dialect.name)


def check_in(session, event: Event, text: str, *, staff=None, device=None, gate: str = "",
             now=None) -> ScanResult:
    """Decide and record a scan in the session's transaction, for callers holding ORM objects
    (scripts, the demo, tests); the caller commits. Requests use ``scan_now``."""
    session.flush()  # the scan reads through the connection, past the session
    door = door_db(session)
    pending = decide_scan(door, event.id, text, now=now)
    return record_scan(door, pending, staff_id=getattr(staff, "id", None),
                       device_id=getattr(device, "id", None), gate=gate)


# --- undo ----------------------------------------------------------------------------------

class CheckinReason(str, enum.Enum):
    not_found = "not_found"
    undo_not_allowed = "undo_not_allowed"
    already_undone = "already_undone"
    unknown_user = "unknown_user"
    not_door_staff = "not_door_staff"
    name_required = "name_required"
    window_out_of_range = "window_out_of_range"
    unauthorized = "unauthorized"
    rate_limited = "rate_limited"


class CheckinError(Refusal):
    """409 for a conflict with the current state (already undone, too late to undo), 422 for
    another rule a valid request breaks, 401 for a device token that is not (or no longer)
    live, 429 past the door's rate limits."""

    STATUSES = {CheckinReason.unknown_user: 422, CheckinReason.not_door_staff: 422,
                CheckinReason.name_required: 422, CheckinReason.window_out_of_range: 422,
                CheckinReason.unauthorized: 401, CheckinReason.rate_limited: 429}
    messages = {
        CheckinReason.unauthorized: "توکن معتبر فرستاده نشده است.",
        CheckinReason.rate_limited: "درخواست‌ها بیش از اندازه است؛ کمی بعد دوباره بفرستید.",
        CheckinReason.not_found: "این ورود پیدا نشد.",
        CheckinReason.undo_not_allowed: "فقط برگزارکننده، یا همان کسی که پذیرش کرده تا ۱۰ دقیقه، می‌تواند ورود را لغو کند.",
        CheckinReason.already_undone: "این ورود پیش‌تر لغو شده است.",
        CheckinReason.unknown_user: "کاربری با این نام کاربری پیدا نشد.",
        CheckinReason.not_door_staff: "فقط حساب‌های «کارکنان پذیرش» را می‌توان به در ورودی گماشت.",
        CheckinReason.name_required: "نامی برای دستگاه بنویسید.",
        CheckinReason.window_out_of_range: "دقیقه‌ها باید عددی بین ۰ و ۷۲۰ باشند.",
    }

    def __init__(self, reason: CheckinReason, message: str | None = None, **details):
        super().__init__(reason, message, **details)
        self.status = self.STATUSES.get(reason, 409)


def can_undo(user, checkin: CheckIn, now) -> bool:
    if can_manage(user, checkin.registration.event):
        return True
    return (user is not None and checkin.staff_id == user.id
            and now - checkin.checked_in_at <= timedelta(minutes=UNDO_MINUTES))


def undo(session, checkin: CheckIn, *, user, now=None) -> None:
    now = now or utcnow()
    if checkin.undone_at is not None:
        raise CheckinError(CheckinReason.already_undone)
    if not can_undo(user, checkin, now):
        raise CheckinError(CheckinReason.undo_not_allowed)
    checkin.undone_at = now
    checkin.undone_by_id = user.id
    session.add(ScanLog(event_id=checkin.event_id, registration_id=checkin.registration_id,
                        code="", verdict=Verdict.undone, staff_id=user.id, gate=checkin.gate,
                        scanned_at=now))
    session.flush()
    audit.record(session, user, Action.checkin_undo, checkin, {"undone_at": None},
                 {"undone_at": now}, label=checkin.registration.full_name, now=now)


# --- door staff and devices ----------------------------------------------------------------

def may_scan(user, event: Event, session) -> bool:
    """Organizers of the event, admins, and door staff assigned to it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can_manage(user, event):
        return True
    return user.role == Role.door and session.scalar(select(EventStaff.id).where(
        EventStaff.event_id == event.id, EventStaff.user_id == user.id)) is not None


def assign_staff(session, event: Event, username: str) -> tuple[EventStaff, bool]:
    """The user (by username, as typed) on the event's door staff, and whether newly."""
    user = session.scalar(select(User).where(User.username == to_latin_digits(normalize_text(username)).lower()))
    if user is None:
        raise CheckinError(CheckinReason.unknown_user)
    if user.role != Role.door:
        raise CheckinError(CheckinReason.not_door_staff)
    existing = session.scalar(select(EventStaff).where(EventStaff.event_id == event.id,
                                                       EventStaff.user_id == user.id))
    if existing is not None:
        return existing, False
    staff = EventStaff(event_id=event.id, user_id=user.id)
    session.add(staff)
    session.flush()
    return staff, True


def unassign_staff(session, event: Event, user_id: int) -> None:
    row = session.scalar(select(EventStaff).where(EventStaff.event_id == event.id,
                                                  EventStaff.user_id == user_id))
    if row is not None:
        session.delete(row)
        session.flush()


def event_staff(session, event: Event) -> list[EventStaff]:
    return list(session.scalars(select(EventStaff).join(User, User.id == EventStaff.user_id)
                                .where(EventStaff.event_id == event.id).order_by(User.username)))


def event_devices(session, event: Event) -> list[ScannerDevice]:
    """The event's scanner devices, newest first."""
    return list(session.scalars(select(ScannerDevice).where(ScannerDevice.event_id == event.id)
                                .order_by(ScannerDevice.id.desc())))


def staff_events(session, user) -> list[Event]:
    return list(session.scalars(select(Event).join(EventStaff, EventStaff.event_id == Event.id)
                                .where(EventStaff.user_id == user.id).order_by(Event.starts_on.desc())))


DEVICE_PREFIX = "sc_"


def token_hash(token: str) -> str:
    """What is kept of a scanner device's token (and looked up): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(session, event: Event, name: str, *, actor=None) -> tuple[ScannerDevice, str]:
    name = normalize_text(name)
    if not name:
        raise CheckinError(CheckinReason.name_required)
    raw = DEVICE_PREFIX + secrets.token_urlsafe(32)
    device = ScannerDevice(event_id=event.id, name=name[:100], token_hash=token_hash(raw), prefix=raw[:10],
                           created_by_id=getattr(actor, "id", None))
    session.add(device)
    session.flush()
    audit.record(session, actor, Action.device_create, device, None,
                 {"name": device.name, "prefix": device.prefix}, body_id=event.body_id,
                 event_id=event.id, label=device.name)
    return device, raw


MAX_WINDOW_MINUTES = 720


def set_window(event: Event, before: int | None, after: int | None, *, actor=None) -> None:
    """How many minutes before each day's start the door opens, and after its end it closes."""
    if not all(m is not None and 0 <= m <= MAX_WINDOW_MINUTES for m in (before, after)):
        raise CheckinError(CheckinReason.window_out_of_range)
    was = audit.snapshot(event, ("checkin_before", "checkin_after"))
    event.checkin_before, event.checkin_after = before, after
    audit.record(None, actor, Action.event_settings, event, was,
                 audit.snapshot(event, ("checkin_before", "checkin_after")))


def revoke_device(device: ScannerDevice, *, now=None, actor=None) -> None:
    if device.revoked_at is None:
        device.revoked_at = now or utcnow()
        audit.record(None, actor, Action.device_revoke, device, {"revoked_at": None},
                     {"revoked_at": device.revoked_at}, label=device.name)


# --- finding people at the door, and counts ------------------------------------------------

def search_attendees(session, event: Event, q: str, limit: int = 20) -> list[Registration]:
    """Active attendees (confirmed, waitlisted, pending) by name, mobile or national ID."""
    term = to_latin_digits(normalize_text(q or "")).strip()
    if len(term) < 2:
        return []
    query = select(Registration).where(Registration.event_id == event.id,
                                       Registration.status.in_(ACTIVE))
    number = number_term(term)  # a mobile typed +98…, 0098… or 09… finds the same
    if number is not None:
        query = query.where((Registration.national_id.contains(number[0]))
                            | (Registration.mobile.contains(number[1])))
    else:
        query = query.where(Registration.name_key.contains(search_key(term)))
    return list(session.scalars(query.order_by(persian_order(Registration.full_name)).limit(limit)))


def live_counts(session, event: Event) -> dict:
    """Checked in vs registered: per day, per NGO, per gate, and by quarter hour today."""
    live = (CheckIn.event_id == event.id) & CheckIn.undone_at.is_(None)
    confirmed = event.confirmed_count
    per_day = dict(session.execute(select(CheckIn.day, func.count(CheckIn.id)).where(live)
                                   .group_by(CheckIn.day)).all())
    per_gate = dict(session.execute(select(CheckIn.gate, func.count(CheckIn.id)).where(live)
                                    .group_by(CheckIn.gate)).all())
    registered = dict(session.execute(
        select(Registration.ngo_id, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.status == RegStatus.confirmed)
        .group_by(Registration.ngo_id)).all())
    came = dict(session.execute(
        select(Registration.ngo_id, func.count(func.distinct(CheckIn.registration_id)))
        .join(Registration, Registration.id == CheckIn.registration_id).where(live)
        .group_by(Registration.ngo_id)).all())
    names = dict(session.execute(select(Ngo.id, Ngo.name).where(Ngo.id.in_(list(registered)))).all())
    times = session.scalars(select(CheckIn.checked_in_at).where(live)).all()
    quarters: dict[str, int] = {}
    for t in times:
        local = to_tehran(t)
        key = f"{local.date().isoformat()} {local.hour:02d}:{local.minute // 15 * 15:02d}"
        quarters[key] = quarters.get(key, 0) + 1
    return {
        "registered": confirmed,
        "days": [{"date": d.date.isoformat(), "checked_in": per_day.get(d.date, 0)} for d in event.days],
        "ngos": sorted(({"ngo_id": i, "name": names.get(i, ""), "registered": n, "checked_in": came.get(i, 0)}
                        for i, n in registered.items()), key=lambda r: (-r["registered"], sort_key(r["name"]))),
        "gates": [{"gate": g or "—", "checked_in": n} for g, n in sorted(per_gate.items())],
        "quarters": [{"at": k, "checked_in": v} for k, v in sorted(quarters.items())],
    }


def attendee(reg: Registration) -> Attendee:
    """A registration as the door sees it."""
    return Attendee(reg.id, reg.full_name, reg.ngo.name if reg.ngo else "", reg.role or "", reg.status)
