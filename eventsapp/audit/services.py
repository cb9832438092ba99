"""Writing and reading the audit log. Plain functions; they flush, never commit.

A service that changes something calls ``record`` in its own transaction, with the actor (a
user, or None for the app itself), the action, the object and the values before and after:
only the fields that differ are kept. ``snapshot`` takes the fields of an object as JSON values
(dates ISO, enums by value, instants ISO with the Tehran offset), so a service writes

    before = audit.snapshot(event, FIELDS)
    ...change the event...
    audit.record(session, actor, Action.event_edit, event, before, audit.snapshot(event, FIELDS))

The package imports no domain: the actor, the object and the scopes are read by duck typing.
"""
import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import object_session

from ..jalali import iso_instant, utcnow
from ..persian import normalize_text, search_key
from .models import Action, AuditEntry

_AUTO = object()


def jsonable(value):
    """A value as the log keeps it: JSON types only."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return iso_instant(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # a related row: its name


def snapshot(obj, fields, **extra) -> dict:
    """The named attributes of ``obj`` (and ``extra`` values computed by the caller) as JSON."""
    values = {name: getattr(obj, name) for name in fields}
    values.update(extra)
    return {name: jsonable(value) for name, value in values.items()}


def changes(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the fields that differ (both sides given), or the one side as it is."""
    if before is None or after is None:
        return before, after
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _scopes(obj):
    """(body_id, event_id) of an object: an event's own; a registration's, award's or
    check-in's event's; a user's or a body's body."""
    if obj is None:
        return None, None
    table = getattr(obj, "__tablename__", "")
    if table == "events":
        return obj.body_id, obj.id
    event = getattr(obj, "event", None)
    if event is None and getattr(obj, "registration", None) is not None:
        event = obj.registration.event
    if event is not None and getattr(event, "__tablename__", "") == "events":
        return event.body_id, event.id
    if table == "organizing_bodies":
        return obj.id, None
    return getattr(obj, "body_id", None), None


def _label(obj) -> str:
    if obj is None:
        return ""
    if type(obj).__str__ is object.__str__:
        name = getattr(obj, "full_name", None) or getattr(obj, "name", None) or ""
    else:
        name = str(obj)
    return str(name)[:250]


def record(session, actor, action: Action, obj=None, before: dict | None = None,
           after: dict | None = None, *, object_id=_AUTO, body_id=_AUTO, event_id=_AUTO,
           label: str | None = None, now=None) -> AuditEntry | None:
    """Add one entry in the session's transaction. With both ``before`` and ``after``, only the
    fields that changed are kept, and a change that changed nothing writes nothing (None)."""
    before, after = changes(jsonable(before), jsonable(after))
    if before is not None and after is not None and not before and not after:
        return None
    session = session or object_session(obj)
    action = Action(action)
    if obj is not None and getattr(obj, "id", None) is None:
        session.flush()  # a new row: its id
    scope_body, scope_event = _scopes(obj)
    entry = AuditEntry(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=(getattr(actor, "display_name", None) or getattr(actor, "username", "") or "")[:150],
        action=action.value, object_type=action.object_type,
        object_id=getattr(obj, "id", None) if object_id is _AUTO else object_id,
        object_label=_label(obj) if label is None else label[:250],
        body_id=scope_body if body_id is _AUTO else body_id,
        event_id=scope_event if event_id is _AUTO else event_id,
        before=before, after=after)
    session.add(entry)
    session.flush()
    return entry


# --- reading ---------------------------------------------------------------------------------

@dataclass
class AuditFilter:
    object_type: str | None = None
    object_id: int | None = None
    actor: str = ""          # part of the actor's name (any digits, ی/ک as typed or not)
    actor_id: int | None = None
    action: str | None = None
    since: dt.datetime | None = None   # instants, inclusive
    until: dt.datetime | None = None   # exclusive
    event_id: int | None = None


def entries_query(f: AuditFilter | None = None, *, body_id: int | None = None, all_bodies=True):
    """Entries newest first, filtered; without ``all_bodies`` only those of ``body_id``."""
    f = f or AuditFilter()
    q = select(AuditEntry)
    if not all_bodies:
        q = q.where(AuditEntry.body_id == body_id) if body_id is not None else q.where(False)
    if f.object_type:
        q = q.where(AuditEntry.object_type == f.object_type)
    if f.object_id is not None:
        q = q.where(AuditEntry.object_id == f.object_id)
    if f.event_id is not None:
        q = q.where(AuditEntry.event_id == f.event_id)
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.actor_id is not None:
        q = q.where(AuditEntry.actor_id == f.actor_id)
    if f.actor:
        text = normalize_text(f.actor)
        key = search_key(f.actor)
        q = q.where(or_(AuditEntry.actor_name.contains(text, autoescape=True),
                        AuditEntry.actor_name.contains(key, autoescape=True)))
    if f.since is not None:
        q = q.where(AuditEntry.at >= f.since)
    if f.until is not None:
        q = q.where(AuditEntry.at < f.until)
    return q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def sees_all(user) -> bool:
    """Admins see every entry; an organizer sees their body's entries only; nobody else any."""
    return getattr(getattr(user, "role", None), "value", None) == "admin"


def visible_entries(user, f: AuditFilter | None = None):
    """The entries ``user`` may read, filtered, newest first."""
    if sees_all(user):
        return entries_query(f)
    is_organizer = getattr(getattr(user, "role", None), "value", None) == "organizer"
    return entries_query(f, body_id=user.body_id if is_organizer else None, all_bodies=False)


def event_history(session, event_id: int, limit: int = 100) -> list[AuditEntry]:
    """An event's entries and those of its registrations, check-ins and awards, newest first."""
    return list(session.scalars(entries_query(AuditFilter(event_id=event_id)).limit(limit)))
