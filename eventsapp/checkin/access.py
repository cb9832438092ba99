"""Loading and authorising the door's resources, one helper each, for pages and API alike:
404 (``Access.not_found``) for what the caller may not know exists (another body's draft, its
devices and check-ins), 403 (``Access.forbidden``) for what they may see but not change."""
from sqlalchemy import select

from ..accounts import services as accounts
from ..events.models import Event
from ..events.services import can_manage, can_view
from ..refusals import Access, AccessRefusal
from .models import CheckIn, EventStaff, ScannerDevice
from .services import CheckinError, CheckinReason, may_scan


def _visible_event(session, user, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None or not can_view(user, event):
        raise AccessRefusal(Access.not_found, "رویداد پیدا نشد.")
    return event


def scannable_event(session, user, event_id: int) -> Event:
    """An event whose tickets the user may scan: its door staff, organizers and admins."""
    event = _visible_event(session, user, event_id)
    if not may_scan(user, event, session):
        raise AccessRefusal(Access.forbidden, "اجازهٔ پذیرش در این رویداد را ندارید.")
    return event


def managed_event(session, user, event_id: int) -> Event:
    """An event whose door (staff, devices, window, live counts) the user manages."""
    event = _visible_event(session, user, event_id)
    if not can_manage(user, event):
        raise AccessRefusal(Access.forbidden, "فقط برگزارکنندگان این رویداد اجازهٔ این کار را دارند.")
    return event


def undoable_checkin(session, user, checkin_id: int) -> CheckIn:
    """A check-in at an event the user may scan for (whether this user may undo it, and
    whether it is still live, are the undo service's rules)."""
    checkin = session.get(CheckIn, checkin_id)
    event = checkin and session.get(Event, checkin.event_id)
    if checkin is None or not can_view(user, event):
        raise AccessRefusal(Access.not_found, "این ورود پیدا نشد.")
    scannable_event(session, user, event.id)
    return checkin


def managed_device(session, user, device_id: int, event: Event | None = None) -> ScannerDevice:
    """A scanner device of an event the user manages (of ``event``, when given); another
    body's device is none of the caller's business: not found, like its events."""
    device = session.get(ScannerDevice, device_id)
    owner = device and session.get(Event, device.event_id)
    if (device is None or (event is not None and device.event_id != event.id)
            or not (can_view(user, owner) and can_manage(user, owner))):
        raise AccessRefusal(Access.not_found, "این دستگاه پیدا نشد.")
    return device


def assigned_staff(session, user, event_id: int, user_id: int) -> EventStaff:
    """A door-staff assignment of an event the user manages."""
    event = managed_event(session, user, event_id)
    row = session.scalar(select(EventStaff).where(EventStaff.event_id == event.id,
                                                  EventStaff.user_id == user_id))
    if row is None:
        raise AccessRefusal(Access.not_found, "این کاربر از کارکنان پذیرش این رویداد نیست.")
    return row


def scanning_token(session, raw_token: str, event_id: int, now):
    """A user's API token that may scan for this event: (its user, the token's id when its use
    is due to be recorded, else None). 401 for no live token."""
    token = accounts.live_token(session, raw_token)
    if token is None:
        raise CheckinError(CheckinReason.unauthorized)
    scannable_event(session, token.user, event_id)
    return token.user, (token.id if accounts.touch_due(token, now) else None)
