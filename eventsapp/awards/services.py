"""Awards: plaques, statuettes, letters and certificates given at events; revoking; verifying.

Plain functions over model objects; they flush, never commit; the clock comes in as ``now``.
A refusal is an ``AwardError`` carrying an ``AwardReason`` and a Persian message.

The rules:

- Only those who manage an event (its body's organizers, admins) give or revoke its awards;
  ``actor=None`` is the system itself (demo data, scripts) and is not checked. Pages and API
  load and authorise with ``managed_event`` and ``award_for`` (``AccessRefusal``: 404 for
  what the caller may not see, 403 for what they see but do not manage).
- A refusal of a well-formed request is 409 when it conflicts with the event's or the award's
  state (not held yet, duplicate, already revoked) and 422 for any other rule.
- Awards are given during or after an event: a published or completed event whose first day
  has come. Drafts, postponed and cancelled events give none.
- A recipient is an NGO, a person, or a person on behalf of an NGO.
- An NGO is expected to be one of the event's: with a confirmed registration or a check-in
  there. Any other NGO is refused (``ngo_not_at_event``) unless the caller says
  ``allow_other_ngos=True``; then it is accepted and named in the result's warnings. (At the
  end of a Government Week meeting the governor may honour the county's active NGOs, present
  or not; the pages offer "other NGOs of the county" for that, and the API asks for the flag.)
- A presenter is one of the event's officials (their name and title are copied onto the
  award, so editing the programme later does not change a printed plaque) or a name and title.
- ``awarded_on`` is a Jalali date typed by a person (or a ``date``: the API takes ISO
  Gregorian dates only, as everywhere); by default the event's last day, or today if that is
  earlier. It may not be before the event nor after today.
- The same award (kind, title, NGO, person) twice at one event is refused (``duplicate``): a
  double-clicked form must not give everything twice. Revoke the first to give it again.
- ``give_bulk`` is all or nothing.
- ``certificates_for_attendance`` gives one certificate of attendance to every registration
  checked in (live check-ins only) on at least ``min_days`` distinct days, by default every
  day of the event. It skips registrations that already have one — revoked ones too, since a
  revocation is a decision a re-run must not undo — so running it twice gives nothing new; the
  partial unique index on awards.registration_id is the backstop when two runs race.
- Revoking keeps the record, with who, when and why.
"""
import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import exports
from ..accounts.models import Role
from ..audit import services as audit
from ..audit.models import Action
from ..checkin.models import CheckIn
from ..events.models import Event, EventStatus, Official
from ..events.services import PUBLIC_STATUSES, can_manage, can_view
from ..jalali import JalaliError, format_date, format_datetime, parse_date, today, utcnow
from ..ngos.models import Ngo, NgoStatus
from ..notifications.outbox import announce
from ..persian import clean_text, normalize_text, sort_key, to_latin_digits, to_persian_digits
from ..refusals import Access, AccessRefusal, Refusal
from ..registrations.models import Registration, RegStatus
from .models import AWARD_KIND_LABELS, Award, AwardKind
from ..dbtypes import persian_order

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{20}}")
HELD_STATUSES = (EventStatus.published, EventStatus.completed)
MAX_OTHER_NGOS = 500
MAX_BULK = 500  # NGOs given one award at once

LIMITS = {
    "recipient_name": 150,
    "recipient_title": 200,
    "title": 250,
    "citation": 2000,
    "presented_by_name": 150,
    "presented_by_title": 250,
    "reason": 300,
}
FIELD_LABELS = {
    "recipient_name": "نام گیرنده",
    "recipient_title": "سمت گیرنده",
    "title": "عنوان",
    "citation": "متن",
    "presented_by_name": "نام اهداکننده",
    "presented_by_title": "سمت اهداکننده",
    "reason": "علت ابطال",
}


class AwardReason(str, enum.Enum):
    not_allowed = "not_allowed"
    event_not_held = "event_not_held"
    event_not_started = "event_not_started"
    invalid_kind = "invalid_kind"
    no_recipient = "no_recipient"
    no_ngos = "no_ngos"
    unknown_ngo = "unknown_ngo"
    ngo_not_at_event = "ngo_not_at_event"
    official_not_of_event = "official_not_of_event"
    invalid_date = "invalid_date"
    date_before_event = "date_before_event"
    date_in_future = "date_in_future"
    too_long = "too_long"
    duplicate = "duplicate"
    min_days_invalid = "min_days_invalid"
    reason_required = "reason_required"
    already_revoked = "already_revoked"


class AwardError(Refusal):
    messages = {
        AwardReason.not_allowed: "فقط برگزارکنندگان این رویداد می‌توانند لوح و گواهی آن را صادر یا باطل کنند.",
        AwardReason.event_not_held: "برای رویدادِ «{status}» نمی‌توان لوح یا گواهی صادر کرد.",
        AwardReason.event_not_started: "لوح و گواهی در روزهای برگزاری یا پس از آن صادر می‌شود؛ این رویداد {start} آغاز می‌شود.",
        AwardReason.invalid_kind: "نوع لوح یا گواهی را از میان گزینه‌ها انتخاب کنید.",
        AwardReason.no_recipient: "گیرنده را مشخص کنید: یک سمن، نام یک شخص، یا هر دو.",
        AwardReason.no_ngos: "دست‌کم یک سمن را انتخاب کنید.",
        AwardReason.unknown_ngo: "سمنی با این شناسه‌ها پیدا نشد: {shown}",
        AwardReason.ngo_not_at_event: "این سمن‌ها در این رویداد ثبت‌نام قطعی نداشته‌اند: {names}. قدردانی از سمنی که در رویداد نبوده باید آگاهانه انتخاب شود.",
        AwardReason.official_not_of_event: "اهداکنندهٔ انتخاب‌شده از مقامات این رویداد نیست.",
        AwardReason.invalid_date: "تاریخ اهدا درست نیست: {detail}",
        AwardReason.date_before_event: "تاریخ اهدا نمی‌تواند پیش از آغاز رویداد ({start}) باشد.",
        AwardReason.date_in_future: "تاریخ اهدا نمی‌تواند پس از امروز ({today}) باشد.",
        AwardReason.too_long: "{label} حداکثر {max} نویسه می‌تواند داشته باشد.",
        AwardReason.duplicate: "«{title}» پیش‌تر در این رویداد به {names} داده شده است؛ برای صدور دوباره، نخست قبلی را باطل کنید یا عنوان دیگری بنویسید.",
        AwardReason.min_days_invalid: "کمینهٔ روزهای حضور باید عددی از ۱ تا {days} باشد.",
        AwardReason.reason_required: "علت ابطال را بنویسید؛ همراه با نام شما در پرونده می‌ماند.",
        AwardReason.already_revoked: "این مورد پیش‌تر، {when}، باطل شده است.",
    }
    # A conflict with the event's or the award's state is 409; any other rule 422.
    statuses = {
        AwardReason.not_allowed: 403,
        AwardReason.event_not_held: 409,
        AwardReason.event_not_started: 409,
        AwardReason.duplicate: 409,
        AwardReason.already_revoked: 409,
    }

    @property
    def status(self) -> int:
        return self.statuses.get(self.reason, 422)


# --- loading and authorising (pages and API) -----------------------------------------------

def managed_event(session, user, event_id: int) -> Event:
    """An event whose awards ``user`` manages: 404 when they may not see the event, 403 when
    they see it but do not manage it."""
    event = session.get(Event, event_id)
    if event is None or not can_view(user, event):
        raise AccessRefusal(Access.not_found, "رویداد پیدا نشد.")
    if not can_manage(user, event):
        raise AccessRefusal(Access.forbidden, "فقط برگزارکنندگان این رویداد به لوح‌ها و گواهی‌های آن دسترسی دارند.")
    return event


def award_for(session, user, award_id: int, *, to: str = "manage") -> Award:
    """An award ``user`` may manage (revoke) or, ``to="print"``, print: its event's managers,
    and the secretaries of the NGO it was given to. 404 for an award of an event they may not
    see, and for one they may not print; 403 for one they see but do not manage."""
    award = session.get(Award, award_id)
    if award is not None and to == "print" and can_print(user, award):
        return award
    if award is None or to == "print" or not can_view(user, award.event):
        raise AccessRefusal(Access.not_found, "لوح یا گواهی پیدا نشد.")
    managed_event(session, user, award.event_id)
    return award


def find_ngos(session, ids) -> list[Ngo]:
    """The NGOs with these ids, in the order given (once each); refuses ids that exist nowhere."""
    ids = list(dict.fromkeys(ids))
    found = {n.id: n for n in session.scalars(select(Ngo).where(Ngo.id.in_(ids)))}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise AwardError(AwardReason.unknown_ngo, shown="، ".join(_fa(i) for i in unknown),
                         unknown=",".join(map(str, unknown)))
    return [found[i] for i in ids]


# --- input ---------------------------------------------------------------------------------

@dataclass
class Presenter:
    """Who presents an award: one of the event's officials (or its id), or a name and a title."""

    official: Official | None = None
    official_id: int | None = None
    name: str = ""
    title: str = ""


@dataclass
class Given:
    """Awards just made, and warnings for the organizer (e.g. NGOs that were not there)."""

    awards: list[Award]
    warnings: list[str] = field(default_factory=list)

    @property
    def award(self) -> Award:
        return self.awards[0]


def _fa(n) -> str:
    return to_persian_digits(n)


# Control characters read as spaces (PostgreSQL's text cannot even hold NUL); line breaks stay.
CONTROLS = {c: " " for c in range(32) if c not in (10, 13)}


def _text(value, name: str) -> str:
    text = clean_text(str(value or "").translate(CONTROLS))
    if len(text) > LIMITS[name]:
        raise AwardError(AwardReason.too_long, label=FIELD_LABELS[name], max=_fa(LIMITS[name]))
    return text


def _citation(value) -> str:
    """Normalised like any text, but keeping its line breaks."""
    lines = [clean_text(line) for line in str(value or "").translate(CONTROLS).splitlines()]
    text = "\n".join(line for line in lines if line)
    if len(text) > LIMITS["citation"]:
        raise AwardError(AwardReason.too_long, label=FIELD_LABELS["citation"],
                         max=_fa(LIMITS["citation"]))
    return text


def _kind(value) -> AwardKind:
    try:
        return AwardKind(value)
    except ValueError:
        raise AwardError(AwardReason.invalid_kind) from None


def _check_event(event: Event, actor, now) -> None:
    if actor is not None and not can_manage(actor, event):
        raise AwardError(AwardReason.not_allowed)
    if event.status not in HELD_STATUSES:
        raise AwardError(AwardReason.event_not_held, status=event.status.label)
    if today(now) < event.starts_on:
        raise AwardError(AwardReason.event_not_started, start=format_date(event.starts_on, "long"))


def why_not_now(event: Event, now=None) -> str | None:
    """Why no award can be given at this event now (a Persian sentence), or None."""
    try:
        _check_event(event, None, now or utcnow())
    except AwardError as refusal:
        return refusal.message
    return None


def default_awarded_on(event: Event, now=None) -> date:
    """The event's last day, or today if that is earlier."""
    return min(event.ends_on, today(now or utcnow()))


def _awarded_on(event: Event, value, now) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default_awarded_on(event, now)
    if isinstance(value, str):
        try:
            value = parse_date(value)
        except JalaliError as error:
            raise AwardError(AwardReason.invalid_date, detail=error.message) from None
    elif isinstance(value, datetime):
        value = today(value)
    if value < event.starts_on:
        raise AwardError(AwardReason.date_before_event, start=format_date(event.starts_on, "long"))
    if value > today(now):
        raise AwardError(AwardReason.date_in_future, today=format_date(today(now), "long"))
    return value


def _presenter(event: Event, presented_by) -> tuple[int | None, str, str]:
    """(official id, name, title) from an Official, a Presenter, a bare name, or None."""
    if presented_by is None:
        return None, "", ""
    if isinstance(presented_by, Official):
        presented_by = Presenter(official=presented_by)
    elif isinstance(presented_by, str):
        presented_by = Presenter(name=presented_by)
    official = presented_by.official
    if presented_by.official_id is not None:
        official = next((o for o in event.officials if o.id == presented_by.official_id), None)
        if official is None:
            raise AwardError(AwardReason.official_not_of_event)
    if official is not None:
        if official.event_id != event.id:
            raise AwardError(AwardReason.official_not_of_event)
        return (official.id, _text(official.name, "presented_by_name"),
                _text(official.title, "presented_by_title"))
    return (None, _text(presented_by.name, "presented_by_name"),
            _text(presented_by.title, "presented_by_title"))


# --- the event's NGOs --------------------------------------------------------------------------

@dataclass
class EventNgo:
    ngo: Ngo
    registered: int  # confirmed registrations
    attended: int    # people checked in on at least one day


def event_ngos(session, event: Event) -> list[EventNgo]:
    """The NGOs at an event: those with confirmed registrations or check-ins, by name."""
    registered = dict(session.execute(
        select(Registration.ngo_id, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.status == RegStatus.confirmed)
        .group_by(Registration.ngo_id)).all())
    attended = dict(session.execute(
        select(Registration.ngo_id, func.count(distinct(CheckIn.registration_id)))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))
        .group_by(Registration.ngo_id)).all())
    ids = set(registered) | set(attended)
    if not ids:
        return []
    ngos = session.scalars(select(Ngo).where(Ngo.id.in_(ids)).order_by(persian_order(Ngo.name), Ngo.id)).all()
    return [EventNgo(n, registered.get(n.id, 0), attended.get(n.id, 0)) for n in ngos]


def event_county(event: Event):
    """The county whose NGOs an event concerns: its venue's, else its audience's."""
    return event.venue.county or event.audience_county


def other_county_ngos(session, event: Event, exclude_ids=()) -> list[Ngo]:
    """Active and semi-active NGOs of the event's county that were not at it (by name)."""
    county = event_county(event)
    if county is None:
        return []
    query = (select(Ngo).where(Ngo.county_id == county.id, Ngo.status != NgoStatus.inactive)
             .order_by(persian_order(Ngo.name), Ngo.id).limit(MAX_OTHER_NGOS + len(exclude_ids)))
    return [n for n in session.scalars(query) if n.id not in set(exclude_ids)][:MAX_OTHER_NGOS]


def _check_ngos(session, event: Event, ngos, allow_other_ngos: bool) -> list[str]:
    """Refuse (or, allowed, warn about) NGOs that were not at the event."""
    if not ngos:
        return []
    at_event = {e.ngo.id for e in event_ngos(session, event)}
    others = [n for n in ngos if n.id not in at_event]
    if not others:
        return []
    names = "، ".join(f"«{n.name}»" for n in others)
    if not allow_other_ngos:
        raise AwardError(AwardReason.ngo_not_at_event, names=names,
                         ngo_ids=",".join(str(n.id) for n in others))
    return [f"این سمن‌ها در این رویداد ثبت‌نام قطعی نداشتند و با این حال تقدیر شدند: {names}."]


# --- giving --------------------------------------------------------------------------------

def _recipient_label(ngo, name: str) -> str:
    if name and ngo is not None:
        return f"«{name}» از «{ngo.name}»"
    return f"«{name or ngo.name}»"


def _check_duplicates(session, event: Event, kind: AwardKind, title: str, recipients) -> None:
    live = session.execute(
        select(Award.ngo_id, Award.recipient_name)
        .where(Award.event_id == event.id, Award.kind == kind, Award.title == title,
               Award.revoked_at.is_(None))).all()
    taken = {(ngo_id, name) for ngo_id, name in live}
    clashes = [_recipient_label(ngo, name) for ngo, name, _title in recipients
               if (getattr(ngo, "id", None), name) in taken]
    if clashes:
        raise AwardError(AwardReason.duplicate, title=title, names="، ".join(clashes))


AUDITED = ("kind", "title", "recipient_name", "recipient_title", "ngo_id", "registration_id",
           "presented_by_name", "awarded_on", "verification_code")


def _audit_issued(session, awards, actor, now) -> None:
    """One audit entry per award given."""
    for award in awards:
        audit.record(session, actor, Action.award_issue, award, None,
                     audit.snapshot(award, AUDITED), label=award.recipient_name or award.title,
                     now=now)


def _give(session, event: Event, recipients, *, kind, title, citation, presented_by, awarded_on,
          actor, now, allow_other_ngos) -> Given:
    """Check everything first, then add every award: all or nothing."""
    now = now or utcnow()
    _check_event(event, actor, now)
    kind = _kind(kind)
    title = _text(title, "title") or AWARD_KIND_LABELS[kind]
    citation = _citation(citation)
    official_id, presenter_name, presenter_title = _presenter(event, presented_by)
    day = _awarded_on(event, awarded_on, now)
    warnings = _check_ngos(session, event, [ngo for ngo, _, _ in recipients if ngo is not None],
                           allow_other_ngos)
    _check_duplicates(session, event, kind, title, recipients)
    awards = [Award(event_id=event.id, event=event, kind=kind, ngo_id=getattr(ngo, "id", None), ngo=ngo,
                    recipient_name=name, recipient_title=recipient_title, title=title,
                    citation=citation, presented_by_official_id=official_id,
                    presented_by_name=presenter_name, presented_by_title=presenter_title,
                    awarded_on=day, created_by_id=getattr(actor, "id", None), created_at=now)
              for ngo, name, recipient_title in recipients]
    session.add_all(awards)
    session.flush()
    _audit_issued(session, awards, actor, now)
    announce(session, "awards", awards=awards, now=now)
    return Given(awards, warnings)


def give_award(session, event: Event, *, kind=AwardKind.plaque, ngo: Ngo | None = None,
               ngo_id: int | None = None, recipient_name: str = "", recipient_title: str = "",
               title: str = "", citation: str = "", presented_by=None, awarded_on=None,
               actor=None, now=None, allow_other_ngos: bool = False) -> Given:
    """One award to an NGO (or ``ngo_id``: ``unknown_ngo`` when none has it), a person, or a
    person on behalf of an NGO."""
    if ngo is None and ngo_id is not None:
        ngo = find_ngos(session, [ngo_id])[0]
    name = _text(recipient_name, "recipient_name")
    recipient_title = _text(recipient_title, "recipient_title")
    if ngo is None and not name:
        raise AwardError(AwardReason.no_recipient)
    return _give(session, event, [(ngo, name, recipient_title)], kind=kind, title=title,
                 citation=citation, presented_by=presented_by, awarded_on=awarded_on,
                 actor=actor, now=now, allow_other_ngos=allow_other_ngos)


def give_bulk(session, event: Event, ngos, *, kind=AwardKind.plaque, title: str = "",
              citation: str = "", presented_by=None, awarded_on=None, actor=None, now=None,
              allow_other_ngos: bool = False) -> Given:
    """The same award (say a plaque with one citation) to each of several NGOs; all or none."""
    unique = list({n.id: n for n in ngos if n is not None}.values())
    if not unique:
        raise AwardError(AwardReason.no_ngos)
    return _give(session, event, [(n, "", "") for n in unique], kind=kind, title=title,
                 citation=citation, presented_by=presented_by, awarded_on=awarded_on,
                 actor=actor, now=now, allow_other_ngos=allow_other_ngos)


# --- certificates of attendance ------------------------------------------------------------

@dataclass
class CertificateRun:
    """What one run of ``certificates_for_attendance`` did."""

    awards: list[Award]
    min_days: int
    days: int
    already: int = 0        # had a certificate already (live or revoked): skipped
    too_few_days: int = 0   # checked in, but on fewer days than asked

    @property
    def created(self) -> int:
        return len(self.awards)

    @property
    def attendees(self) -> int:
        return self.created + self.already + self.too_few_days


def attendance_days(session, event: Event) -> dict[int, int]:
    """Registration id → distinct days with a live check-in."""
    return dict(session.execute(
        select(CheckIn.registration_id, func.count(distinct(CheckIn.day)))
        .where(CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))
        .group_by(CheckIn.registration_id)).all())


def certified_registrations(session, event: Event) -> set[int]:
    """Registrations that have a certificate of attendance (live or revoked)."""
    return set(session.scalars(select(Award.registration_id).where(
        Award.event_id == event.id, Award.registration_id.is_not(None))))


def _certificate_citation(event: Event, attended: int) -> str:
    total = len(event.days)
    if total == 1:
        span = ""
    elif attended >= total:
        span = f" در همهٔ {_fa(total)} روزِ آن"
    else:
        span = f" در {_fa(attended)} روز از {_fa(total)} روزِ آن"
    # The printed certificate reads: «بدین‌وسیله گواهی می‌شود» / name / role, NGO / this.
    return f"در این {event.kind.label}{span} حضور داشته است."


def certificates_for_attendance(session, event: Event, min_days: int | None = None, *,
                                title: str = "", citation: str = "", presented_by=None,
                                awarded_on=None, actor=None, now=None) -> CertificateRun:
    """A certificate of attendance for each registration checked in on ≥ ``min_days`` days
    (default: every day of the event); nobody else gets one. Idempotent."""
    now = now or utcnow()
    _check_event(event, actor, now)
    total = len(event.days)
    min_days = total if min_days is None else min_days
    if not isinstance(min_days, int) or not 1 <= min_days <= total:
        raise AwardError(AwardReason.min_days_invalid, days=_fa(total))
    title = _text(title, "title") or AWARD_KIND_LABELS[AwardKind.certificate]
    citation = _citation(citation)
    official_id, presenter_name, presenter_title = _presenter(event, presented_by)
    day = _awarded_on(event, awarded_on, now)

    # PostgreSQL: runs for one event queue here (SQLite: the write lock does it).
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    days_by_reg = attendance_days(session, event)
    have = certified_registrations(session, event)
    run = CertificateRun([], min_days, total)
    wanted = []
    for reg_id, attended in days_by_reg.items():
        if attended < min_days:
            run.too_few_days += 1
        elif reg_id in have:
            run.already += 1
        else:
            wanted.append(reg_id)
    if not wanted:
        return run
    regs = session.scalars(select(Registration).where(Registration.id.in_(wanted))
                           .options(selectinload(Registration.ngo)).order_by(Registration.id)).all()

    def make(reg):
        return Award(event_id=event.id, kind=AwardKind.certificate, ngo_id=reg.ngo_id,
                     registration_id=reg.id, recipient_name=reg.full_name,
                     recipient_title=(reg.role or "")[:LIMITS["recipient_title"]], title=title,
                     citation=citation or _certificate_citation(event, days_by_reg[reg.id]),
                     presented_by_official_id=official_id, presented_by_name=presenter_name,
                     presented_by_title=presenter_title, awarded_on=day,
                     created_by_id=getattr(actor, "id", None), created_at=now)

    try:
        with session.begin_nested():
            batch = [make(reg) for reg in regs]
            session.add_all(batch)
        run.awards = batch
    except IntegrityError:
        # Another run got some of them first: one at a time, skipping those it made.
        for reg in regs:
            award = make(reg)
            try:
                with session.begin_nested():
                    session.add(award)
                run.awards.append(award)
            except IntegrityError:
                run.already += 1
    session.flush()
    _audit_issued(session, run.awards, actor, now)
    announce(session, "awards", awards=run.awards, now=now)
    return run


# --- revoking and settings -----------------------------------------------------------------

def revoke(session, award: Award, *, reason: str, actor=None, now=None) -> Award:
    """Mark an award revoked, keeping the record with who, when and why."""
    now = now or utcnow()
    if actor is not None and not can_manage(actor, award.event):
        raise AwardError(AwardReason.not_allowed)
    if award.revoked_at is not None:
        raise AwardError(AwardReason.already_revoked, when=format_datetime(award.revoked_at))
    reason = _text(reason, "reason")
    if not reason:
        raise AwardError(AwardReason.reason_required)
    award.revoked_at = now
    award.revoked_by_id = getattr(actor, "id", None)
    award.revoke_reason = reason
    session.flush()
    audit.record(session, actor, Action.award_revoke, award, {"revoked_at": None, "revoke_reason": ""},
                 {"revoked_at": now, "revoke_reason": reason}, label=award.recipient_name or award.title,
                 now=now)
    return award


def set_awards_public(event: Event, public: bool, *, actor=None) -> None:
    """Whether the event page lists the NGOs honoured at it."""
    if actor is not None and not can_manage(actor, event):
        raise AwardError(AwardReason.not_allowed)
    before = event.awards_public
    event.awards_public = bool(public)
    audit.record(None, actor, Action.event_settings, event, {"awards_public": before},
                 {"awards_public": event.awards_public})


# --- lookups and who sees what -----------------------------------------------------------

def clean_code(text) -> str | None:
    """A verification code from what a person typed or a scanner read (the verify URL, or the
    code with spaces or dashes, in any digits, any case); None when it cannot be one."""
    text = to_latin_digits("" if text is None else str(text)).strip()[:300]
    text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[-1]
    text = re.sub(r"[\s\u200c\u2010-\u2015-]+", "", text).upper()
    return text if CODE_RE.fullmatch(text) else None


def by_code(session, text) -> Award | None:
    code = clean_code(text)
    if code is None:
        return None
    return session.scalar(select(Award).where(Award.verification_code == code))


def format_code(code: str, dash: str = "-") -> str:
    """A code in groups of four, easier to read off paper: ABCD-EFGH-JKLM-NPQR-STUV."""
    return dash.join(code[i:i + 4] for i in range(0, len(code), 4))


KIND_ORDER = [AwardKind.plaque, AwardKind.statuette, AwardKind.letter, AwardKind.other,
              AwardKind.certificate]


def _with_details(query):
    return query.options(selectinload(Award.ngo), selectinload(Award.event),
                         selectinload(Award.revoked_by), selectinload(Award.created_by))


def event_awards(session, event: Event, *, live_only: bool = False, kind: AwardKind | None = None,
                 ids=None) -> list[Award]:
    """An event's awards: honours before certificates, then as given."""
    query = select(Award).where(Award.event_id == event.id)
    if live_only:
        query = query.where(Award.revoked_at.is_(None))
    if kind is not None:
        query = query.where(Award.kind == kind)
    if ids is not None:
        query = query.where(Award.id.in_(list(ids)))
    awards = session.scalars(_with_details(query).order_by(Award.id)).all()
    return sorted(awards, key=lambda a: (KIND_ORDER.index(a.kind), a.id))


def _is_public(event: Event) -> bool:
    return event.awards_public and event.status in PUBLIC_STATUSES


def public_honours(session, event: Event) -> list[tuple[Ngo, list[Award]]]:
    """The NGOs honoured at an event (not certificates of attendance, not revoked), for its
    public page; empty unless the organizer has chosen to show them."""
    if not _is_public(event):
        return []
    awards = session.scalars(
        select(Award).where(Award.event_id == event.id, Award.ngo_id.is_not(None),
                            Award.revoked_at.is_(None), Award.kind != AwardKind.certificate)
        .options(selectinload(Award.ngo)).order_by(Award.id)).all()
    by_ngo: dict[int, tuple[Ngo, list[Award]]] = {}
    for award in awards:
        by_ngo.setdefault(award.ngo_id, (award.ngo, []))[1].append(award)
    return sorted(by_ngo.values(), key=lambda pair: sort_key(pair[0].name))


def sees_all_of_ngo(user, ngo: Ngo) -> bool:
    """Admins and the NGO's own secretaries see all its awards, certificates and revoked ones."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.admin or (user.role == Role.secretary and user.ngo_id == ngo.id)


def ngo_awards(session, ngo: Ngo, user=None) -> list[Award]:
    """An NGO's awards across events, newest first, as far as ``user`` may see them: everyone
    sees live honours from events that show theirs; organizers also all of their own events';
    admins and the NGO's secretaries everything (certificates of its members, revoked ones)."""
    query = select(Award).join(Event, Event.id == Award.event_id).where(Award.ngo_id == ngo.id)
    if not sees_all_of_ngo(user, ngo):
        shown = and_(Event.awards_public.is_(True), Event.status.in_(PUBLIC_STATUSES),
                     Award.revoked_at.is_(None), Award.kind != AwardKind.certificate)
        if (getattr(user, "is_authenticated", False) and user.role == Role.organizer
                and user.body_id is not None):
            shown = or_(shown, Event.body_id == user.body_id)
        query = query.where(shown)
    query = _with_details(query).order_by(Award.awarded_on.desc(), Award.id.desc())
    return session.scalars(query).all()


def can_print(user, award: Award) -> bool:
    """The event's managers, and the secretaries of the NGO it was given to."""
    if can_manage(user, award.event):
        return True
    return (getattr(user, "is_authenticated", False) and user.role == Role.secretary
            and award.ngo_id is not None and user.ngo_id == award.ngo_id)


# --- exports -------------------------------------------------------------------------------

HEADERS = ["ردیف", "نوع", "عنوان", "گیرنده", "سمت گیرنده", "سمن", "شمارهٔ ثبت سمن", "متن",
           "اهداکننده", "سمت اهداکننده", "تاریخ اهدا", "کد تأیید", "نشانی تأیید", "وضعیت",
           "زمان ابطال", "ابطال‌کننده", "علت ابطال"]


def export_rows(awards, verify_url):
    """Rows for CSV/XLSX; ``verify_url(code)`` gives each award's verification address."""
    for i, a in enumerate(awards, start=1):
        row = [i, a.kind.label, a.title, a.recipient_name, a.recipient_title,
               a.ngo.name if a.ngo else "", a.ngo.registration_no if a.ngo else "", a.citation,
               a.presented_by_name, a.presented_by_title, format_date(a.awarded_on, "input"),
               format_code(a.verification_code), verify_url(a.verification_code),
               "باطل شده" if a.is_revoked else "معتبر",
               format_datetime(a.revoked_at, "input") if a.revoked_at else "",
               a.revoked_by.display_name if a.revoked_by else "", a.revoke_reason]
        yield row


def to_csv(awards, verify_url) -> bytes:
    return exports.to_csv(HEADERS, export_rows(awards, verify_url))


def to_xlsx(awards, verify_url, title: str) -> bytes:
    return exports.to_xlsx(HEADERS, export_rows(awards, verify_url), title=title, fallback="لوح‌ها")
