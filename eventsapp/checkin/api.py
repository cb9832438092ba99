"""Check-in in the JSON API: scanning at the door, undo, live counts, door staff and scanner
devices, on schemas (``schemas.py``). Loading and authorising is ``access.py``'s, the rules and
the one scan path (``services.scan_now``) the services', the rate limits ``throttle.py``'s:
the scanner page shares them all.
"""
from functools import wraps

from flask import g, request

from ..accounts import services as accounts
from ..api import bp
from ..api.auth import bearer_token, documented_auth, token_required
from ..api.errors import ApiError, ErrorSchema
from ..extensions import begin_write, db, limiter
from ..jalali import utcnow
from . import access, services, throttle
from .models import Verdict
from .schemas import (DeviceInputSchema, DeviceListSchema, DeviceSchema, LiveSchema,
                      NewDeviceSchema, ScanResultSchema, ScanSchema, StaffInputSchema,
                      StaffListSchema, StaffSchema, UndoneSchema)

UNAUTHORIZED = "توکن معتبر فرستاده نشده است."
MANAGED = {403: "the caller does not manage this event",
           404: "no such event, or a draft of another body"}


def errors(described: dict):
    """Documents each error status of an endpoint: {status: what it means}."""
    def decorate(view):
        for status, text in described.items():
            view = bp.alt_response(status, schema=ErrorSchema, description=text)(view)
        return view
    return decorate


# --- scanning --------------------------------------------------------------------------------

@limiter.request_filter
def _limited_by_hand() -> bool:
    """The limiter's own per-request work skips the scan, which counts itself (throttle.py)."""
    return request.endpoint == "api.checkin"


def scan_guard(view):
    """Before the body is read: the token's rate limit (by its hash, never the token), and
    401 without one."""
    @wraps(view)
    def guarded(*args, **kwargs):
        raw = bearer_token()
        g.scan_key = "checkin-token:" + services.token_hash(raw) if raw else ""
        throttle.before_scan(g.scan_key or "checkin-ip:" + (request.remote_addr or ""))
        if not raw:
            raise ApiError(401, "unauthorized", UNAUTHORIZED)
        return view(*args, **kwargs)

    guarded.access = frozenset({"door", "organizer", "admin", "device"})
    guarded.api_auth = True
    return documented_auth(guarded)


@bp.route("/checkin", methods=["POST"])
@scan_guard
@bp.arguments(ScanSchema)
@bp.response(200, ScanResultSchema, description="the verdict (ok or a reason not to let the person in)")
@errors({401: "no valid token (or a revoked device)",
         403: "the token may not scan for this event (another event's device, a user not on its staff)",
         404: "no such event, or one the caller may not know",
         429: "rate_limited: over CHECKIN_RATE_LIMIT (600 scans a minute per token), or the token "
              "used up CHECKIN_UNKNOWN_LIMIT (30 unknown codes a minute): until the minute is over"})
def checkin(scan):
    """Scan a ticket at the door: the verdict, in a 200 whatever it is. The token is a user's
    (door staff assigned to the event, its organizers, admins) or a scanner device's (sc_…,
    for its own event only). Every scan is logged with its verdict, gate and who scanned; a
    multi-day event lets a person in once per day."""
    raw, now = bearer_token(), services.utcnow()  # the service's clock: one instant per scan
    event_id, code = scan["event_id"], scan["code"]
    how = {"gate": scan["gate"], "nonce": scan["nonce"], "now": now}
    if raw.startswith(services.DEVICE_PREFIX):
        result = services.scan_now(db.engine, event_id, code, device_hash=services.token_hash(raw), **how)
    else:
        token = accounts.live_token(db.session, raw)
        if token is None:
            raise ApiError(401, "unauthorized", UNAUTHORIZED)
        g.api_user = user = token.user
        access.scannable_event(db.session, user, event_id)
        touch = token.id if accounts.touch_due(token, now) else None
        user_id = user.id
        db.session.rollback()  # its reads are over: end them, give the connection back
        result = services.scan_now(db.engine, event_id, code, staff_id=user_id,
                                   touch_token_id=touch, **how)
    throttle.after_scan(g.scan_key, result.verdict)
    return result


@bp.route("/checkins/<id:checkin_id>/undo", methods=["POST"])
@token_required("door", "organizer", "admin")
@bp.response(200, UndoneSchema, description="undone; the person may be checked in again that day")
@errors({403: "the caller may not scan for this event (scanner devices cannot undo: 401)",
         404: "no such check-in, or one the caller may not know",
         409: "already_undone; undo_not_allowed (door staff after ten minutes, or another's scan)"})
def undo_checkin(checkin_id):
    """Undo a check-in (a mistaken scan): organizers any time, the scanner within ten minutes.
    The undo is logged."""
    begin_write(db.session)
    checkin = access.undoable_checkin(db.session, g.api_user, checkin_id)
    services.undo(db.session, checkin, user=g.api_user)
    db.session.commit()
    return {"undone": True, "checkin_id": checkin.id, "undone_at": checkin.undone_at,
            "message": services.VERDICT_MESSAGES[Verdict.undone]}


# --- organizers: live counts, door staff, devices ----------------------------------------

def managed():
    return access.managed_event(db.session, g.api_user, request.view_args["event_id"])


@bp.route("/events/<id:event_id>/checkins/live")
@token_required("organizer", "admin")
@bp.response(200, LiveSchema, description="the counts now")
@errors(MANAGED)
def live_counts(event_id):
    """Checked in against registered: per day, NGO, gate and quarter hour."""
    event = managed()
    return {"event_id": event.id, **services.live_counts(db.session, event), "at": utcnow()}


@bp.route("/events/<id:event_id>/staff", methods=["GET"])
@token_required("organizer", "admin")
@bp.response(200, StaffListSchema, description="the staff, by username")
@errors(MANAGED)
def list_staff(event_id):
    """The door staff assigned to an event."""
    return {"staff": services.event_staff(db.session, managed())}


@bp.route("/events/<id:event_id>/staff", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(StaffInputSchema)
@bp.response(201, StaffSchema, description="assigned")
@bp.alt_response(200, schema=StaffSchema, description="was already assigned")
@errors({**MANAGED, 422: "unknown_user; not_door_staff (only door accounts)"})
def assign_staff(data, event_id):
    """Assign a door-staff user to an event: they may then scan its tickets."""
    row, created = services.assign_staff(db.session, managed(), data["username"])
    db.session.commit()
    return row, 201 if created else 200


@bp.route("/events/<id:event_id>/staff/<id:user_id>", methods=["DELETE"])
@token_required("organizer", "admin")
@bp.response(204, description="removed")
@errors({**MANAGED, 404: "no such event, a draft of another body, or a user not on its staff"})
def remove_staff(event_id, user_id):
    """Take a user off an event's door staff."""
    row = access.assigned_staff(db.session, g.api_user, event_id, user_id)
    services.unassign_staff(db.session, row.event, user_id)
    db.session.commit()


@bp.route("/events/<id:event_id>/devices", methods=["GET"])
@token_required("organizer", "admin")
@bp.response(200, DeviceListSchema, description="the devices, newest first")
@errors(MANAGED)
def list_devices(event_id):
    """An event's scanner devices (their tokens are never shown again)."""
    return {"devices": services.event_devices(db.session, managed())}


@bp.route("/events/<id:event_id>/devices", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(DeviceInputSchema)
@bp.response(201, NewDeviceSchema, description="the device and its token")
@errors(MANAGED)
def create_device(data, event_id):
    """A scanner device for this event, with its own token (shown once) for POST /checkin."""
    device, raw = services.create_device(db.session, managed(), data["name"], actor=g.api_user)
    db.session.commit()
    device.token = raw  # for the answer only: what is kept is its hash
    return device


@bp.route("/devices/<id:device_id>/revoke", methods=["POST"])
@token_required("organizer", "admin")
@bp.response(200, DeviceSchema, description="the revoked device (revoking twice keeps the first time)")
@errors({403: "not an organizer's or admin's token",
         404: "no such device, or one of an event the caller does not manage"})
def revoke_device(device_id):
    """Revoke a scanner device's token: its next scan is a 401."""
    device = access.managed_device(db.session, g.api_user, device_id)
    services.revoke_device(device)
    db.session.commit()
    return device
