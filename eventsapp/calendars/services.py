"""Calendar feeds: their secret tokens and which events each feed holds.

Plain functions over model objects; they flush, never commit; the clock comes in as ``now``.

Every feed holds events in a public status (published, postponed, cancelled, completed; never
drafts) whose last day is at most :data:`HISTORY_DAYS` ago, first day first:

- an NGO's feed: events its members hold (or wait for) a seat at; an event that was cancelled
  stays, with STATUS:CANCELLED, even if the registrations were cancelled with it;
- an organizing body's feed: the body's events;
- a person's feed: events they created, staff at the door, or registered members for;
- the public feed: every public event, filtered by province, county and kind.
"""
import enum
import hmac
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import OrganizingBody, Role
from ..checkin.models import EventStaff
from ..events.models import (Event, EventDay, EventKind, EventStatus, Occasion,
                             OccasionCalendar, Venue)
from ..events.services import EventFilter, occasion_span, public_events
from ..jalali import to_jalali, today, utcnow
from ..places.models import County, Province
from ..refusals import Refusal
from ..registrations.models import ACTIVE, Registration
from .ical import DayData, EventData
from .models import FeedKind, FeedToken, feed_token_hash

HISTORY_DAYS = 365
OCCASION_YEARS = 5
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")

OWNER_COLUMN = {FeedKind.ngo: "ngo_id", FeedKind.body: "body_id", FeedKind.user: "user_id"}


class FeedReason(str, enum.Enum):
    not_allowed = "not_allowed"


class FeedError(Refusal):
    status = 403
    messages = {
        FeedReason.not_allowed: "این تقویم از آنِ شما نیست.",
    }


# --- tokens ---------------------------------------------------------------------------------

def _owner_id(kind: FeedKind, owner) -> int:
    return owner if isinstance(owner, int) else owner.id


def live_token(session, kind: FeedKind, owner) -> FeedToken | None:
    """The owner's current token, if any."""
    kind = FeedKind(kind)
    column = getattr(FeedToken, OWNER_COLUMN[kind])
    return session.scalar(select(FeedToken).where(column == _owner_id(kind, owner),
                                                  FeedToken.revoked_at.is_(None)))


def _create(session, kind: FeedKind, owner, now) -> FeedToken:
    token = FeedToken(kind=kind, created_at=now, **{OWNER_COLUMN[kind]: _owner_id(kind, owner)})
    with session.begin_nested():
        session.add(token)
    return token


def get_or_create_token(session, kind: FeedKind, owner, *, now=None) -> FeedToken:
    """The owner's live token, made on first use. Two requests racing to make it both end up
    with the one the partial unique index let in."""
    kind = FeedKind(kind)
    token = live_token(session, kind, owner)
    if token is not None:
        if token.nonce and token.token_hash != feed_token_hash(token.token):
            token.token_hash = feed_token_hash(token.token)  # SECRET_KEY changed: a new URL
        return token
    try:
        return _create(session, kind, owner, now or utcnow())
    except IntegrityError:
        return live_token(session, kind, owner)


def regenerate_token(session, kind: FeedKind, owner, *, now=None) -> FeedToken:
    """Revoke the owner's token (its URL answers 404 from now on) and make a new one."""
    kind = FeedKind(kind)
    now = now or utcnow()
    old = live_token(session, kind, owner)
    if old is not None:
        old.revoked_at = now
        session.flush()
    try:
        return _create(session, kind, owner, now)
    except IntegrityError:
        # Regenerated twice at once: the other request's new token stands.
        return live_token(session, kind, owner)


def resolve_token(session, raw: str) -> FeedToken | None:
    """The live token behind a feed URL, or None (unknown, revoked, or its owner is gone)."""
    if not raw or not _TOKEN_RE.fullmatch(raw):
        return None
    token = session.scalar(select(FeedToken).where(FeedToken.token_hash == feed_token_hash(raw),
                                                   FeedToken.revoked_at.is_(None)))
    if token is None or (token.nonce and not hmac.compare_digest(token.token, raw)):
        return None  # unknown, or made under another SECRET_KEY
    if token.kind == FeedKind.user and (token.user is None or not token.user.active):
        return None
    return token


def owned_feeds(user) -> list[tuple[FeedKind, object]]:
    """The feeds a signed-in person holds: their own, and their NGO's or body's."""
    feeds = [(FeedKind.user, user)]
    if user.role == Role.secretary and user.ngo_id is not None:
        feeds.append((FeedKind.ngo, user.ngo))
    if user.role == Role.organizer and user.body_id is not None:
        feeds.append((FeedKind.body, user.body))
    return feeds


def owner_for(user, kind: FeedKind):
    """The owner of ``user``'s feed of ``kind``; FeedError if they hold no such feed."""
    kind = FeedKind(kind)
    for k, owner in owned_feeds(user):
        if k == kind:
            return owner
    raise FeedError(FeedReason.not_allowed)


# --- what a feed holds -----------------------------------------------------------------------

def _since(now) -> date:
    return today(now) - timedelta(days=HISTORY_DAYS)


def _registered(where):
    """Events with an active registration matching ``where``, or any such registration at
    all when the event was cancelled."""
    any_reg = select(Registration.event_id).where(where)
    active = any_reg.where(Registration.status.in_(ACTIVE))
    return or_(Event.id.in_(active),
               (Event.status == EventStatus.cancelled) & Event.id.in_(any_reg))


def feed_events_query(token: FeedToken, *, now=None):
    """A query of the events in ``token``'s feed (ORM objects, first day first)."""
    query = public_events(since=_since(now))
    if token.kind == FeedKind.body:
        return query.where(Event.body_id == token.body_id)
    if token.kind == FeedKind.ngo:
        return query.where(_registered(Registration.ngo_id == token.ngo_id))
    uid = token.user_id
    staffed = select(EventStaff.event_id).where(EventStaff.user_id == uid)
    return query.where(or_(Event.created_by_id == uid, Event.id.in_(staffed),
                           _registered(Registration.created_by_id == uid)))


def event_data(session, query) -> list[EventData]:
    """What the calendar shows of the events ``query`` selects, in its order.

    Two plain-row queries (events with their venue, places, body and occasion; then their
    days) instead of thousands of ORM objects: a feed of 1,000 events loads in a few tens of
    milliseconds.
    """
    ids = query.with_only_columns(Event.id).order_by(None).scalar_subquery()
    rows = session.execute(
        select(Event.id, Event.title, Event.topic, Event.description, Event.kind, Event.status,
               Event.status_reason, Event.change_note, Event.sequence, Event.updated_at,
               Event.created_at, Venue.name.label("venue_name"),
               Venue.address.label("venue_address"), County.name.label("county_name"),
               Province.name.label("province_name"), OrganizingBody.name.label("body_name"),
               Occasion.name.label("occasion_name"))
        .join(Venue, Venue.id == Event.venue_id)
        .outerjoin(County, County.id == Venue.county_id)
        .outerjoin(Province, Province.id == Venue.province_id)
        .outerjoin(OrganizingBody, OrganizingBody.id == Event.body_id)
        .outerjoin(Occasion, Occasion.id == Event.occasion_id)
        .where(Event.id.in_(ids))
        .order_by(Event.starts_on, Event.id)).all()
    days: dict[int, list[DayData]] = {}
    for event_id, d, start, end in session.execute(
            select(EventDay.event_id, EventDay.date, EventDay.start_time, EventDay.end_time)
            .where(EventDay.event_id.in_(ids)).order_by(EventDay.event_id, EventDay.date)):
        days.setdefault(event_id, []).append(DayData(d, start, end))
    return [EventData(
        id=r.id, title=r.title, topic=r.topic or "", description=(r.description or "").strip(),
        kind_label=EventKind(r.kind).label, status=EventStatus(r.status),
        status_reason=r.status_reason or "", change_note=r.change_note or "",
        sequence=r.sequence or 0, updated_at=(r.updated_at or r.created_at).replace(microsecond=0),
        created_at=r.created_at.replace(microsecond=0) if r.created_at else None,
        venue_name=r.venue_name, venue_address=r.venue_address or "",
        county_name=r.county_name or "", province_name=r.province_name or "",
        body_name=r.body_name or "", occasion_name=r.occasion_name or "",
        days=tuple(days.get(r.id, ())),
    ) for r in rows if r.id in days]


def feed_events(session, token: FeedToken, *, now=None) -> list[EventData]:
    return event_data(session, feed_events_query(token, now=now))


def public_feed_events(session, f: EventFilter | None = None, *, now=None) -> list[EventData]:
    return event_data(session, public_events(f, since=_since(now)))


def feed_name(token: FeedToken) -> str:
    """The calendar's name as subscribers see it."""
    if token.kind == FeedKind.ngo:
        return f"رویدادهای {token.ngo.name}"
    if token.kind == FeedKind.body:
        return f"رویدادهای {token.body.name}"
    return f"رویدادهای من ({token.user.display_name})"


# --- occasions ------------------------------------------------------------------------------

@dataclass
class OccasionEntry:
    """One year of an occasion. ``year`` names it in its UID: the Jalali year for a Jalali
    occasion, the Gregorian year of its day for a Gregorian one."""

    occasion: Occasion
    year: int
    start: date
    end: date


def occasion_years(*, now=None, count: int = OCCASION_YEARS) -> list[int]:
    """This Jalali year and the ones after it: ``count`` in all."""
    jy = to_jalali(today(now)).year
    return list(range(jy, jy + count))


def occasion_entries(session, years) -> list[OccasionEntry]:
    """Each active occasion once per Jalali year in ``years``, by date then name."""
    out = []
    for occasion in session.scalars(select(Occasion).where(Occasion.active.is_(True))):
        for jy in years:
            start, end = occasion_span(occasion, jy)
            year = start.year if occasion.calendar == OccasionCalendar.gregorian else jy
            out.append(OccasionEntry(occasion, year, start, end))
    return sorted(out, key=lambda e: (e.start, e.occasion.name))
