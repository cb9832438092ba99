"""Check-in in the JSON API, on schemas (``schemas.py``): loading and authorising is in
``access.py``, rules and the one scan path in the services, rate limits in ``throttle.py``."""
from functools import wraps

from flask import g, request

from ..api import bp
from ..api.auth import bearer_token, documented_auth, token_required
from ..api.errors import errors
from ..extensions import begin_write, db
from ..jalali import utcnow
from . import access, services, throttle
from .models import Verdict
from .schemas import (DeviceInputSchema, DeviceListSchema, DeviceSchema, LiveSchema, NewDeviceSchema,
                      ScanResultSchema, ScanSchema, StaffInputSchema, StaffListSchema, StaffSchema,
                      UndoneSchema)


def organizers(view):  # an organizer's or admin's endpoint of one event (``event_id``)
    return token_required("organizer", "admin")(errors(
        {403: "the caller does not manage this event", 404: "no such event, or a draft of another body"})(view))


def managed():  # the event of the address, which the caller manages
    return access.managed_event(db.session, g.api_user, request.view_args["event_id"])


def scan_guard(view):
    """Before the body is read: the token's rate limit (by its hash), and 401 without one."""
    @wraps(view)
    def guarded(*args, **kwargs):
        g.token_hash = services.token_hash(bearer_token()) if bearer_token() else ""
        g.scan_key = "checkin-token:" + g.token_hash if g.token_hash else ""
        throttle.before_scan(g.scan_key or "checkin-ip:" + (request.remote_addr or ""))
        if not g.token_hash:
            raise services.CheckinError(services.CheckinReason.unauthorized)
        return view(*args, **kwargs)

    guarded.access, guarded.api_auth = frozenset({"door", "organizer", "admin", "device"}), True
    guarded._apidoc = documented_auth(guarded)._apidoc  # the document, without its wrappers
    return guarded


@bp.route("/checkin", methods=["POST"])
@scan_guard
@bp.arguments(ScanSchema())  # an instance: not a new schema object per scan
@bp.response(200, ScanResultSchema, description="the verdict (ok or a reason not to let the person in)")
@errors({401: "no valid token (or a revoked device)", 404: "no such event, or one the caller may not know",
         403: "the token may not scan for this event (another event's device, a user not on its staff)",
         429: "rate_limited: over CHECKIN_RATE_LIMIT (600 scans a minute per token), or out of "
              "CHECKIN_UNKNOWN_LIMIT (30 unknown codes a minute): until the minute is over"})
def checkin(scan):
    """Scan a ticket at the door: the verdict, in a 200 whatever it is, for a user's token (the
    event's door staff, organizers, admins) or a scanner device's (for its event only)."""
    now, event_id, code = services.utcnow(), scan["event_id"], scan["code"]
    how = {"gate": scan["gate"], "nonce": scan["nonce"], "now": now}
    if bearer_token().startswith(services.DEVICE_PREFIX):
        result = services.scan_now(db.engine, event_id, code, device_hash=g.token_hash, **how)
    else:
        g.api_user, touch = access.scanning_token(db.session, bearer_token(), event_id, now)
        user_id = g.api_user.id
        db.session.rollback()  # its reads are over: end them, give the connection back
        result = services.scan_now(db.engine, event_id, code, staff_id=user_id, touch_token_id=touch, **how)
    throttle.after_scan(g.scan_key, result.verdict)
    return result


@bp.route("/checkins/<id:checkin_id>/undo", methods=["POST"])
@token_required("door", "organizer", "admin")
@bp.response(200, UndoneSchema, description="undone; the person may be checked in again that day")
@errors({403: "the caller may not scan for this event (scanner devices cannot undo: 401)",
         404: "no such check-in, or one the caller may not know",
         409: "already_undone; undo_not_allowed (door staff after ten minutes, or another's scan)"})
def undo_checkin(checkin_id):
    """Undo a check-in: organizers any time, the scanner within ten minutes; logged."""
    begin_write(db.session)
    checkin = access.undoable_checkin(db.session, g.api_user, checkin_id)
    services.undo(db.session, checkin, user=g.api_user)
    db.session.commit()
    return {"undone": True, "checkin_id": checkin.id, "undone_at": checkin.undone_at,
            "message": services.VERDICT_MESSAGES[Verdict.undone]}


@bp.route("/events/<id:event_id>/checkins/live")
@organizers
@bp.response(200, LiveSchema, description="the counts now")
def live_counts(event_id):
    """Checked in against registered: per day, NGO, gate and quarter hour."""
    event = managed()
    return {"event_id": event.id, **services.live_counts(db.session, event), "at": utcnow()}


@bp.route("/events/<id:event_id>/staff", methods=["GET"])
@organizers
@bp.response(200, StaffListSchema, description="the staff, by username")
def list_staff(event_id):
    """The door staff assigned to an event."""
    return {"staff": services.event_staff(db.session, managed())}


@bp.route("/events/<id:event_id>/staff", methods=["POST"])
@organizers
@bp.arguments(StaffInputSchema)
@bp.response(201, StaffSchema, description="assigned")
@bp.alt_response(200, schema=StaffSchema, description="was already assigned")
@errors({422: "unknown_user; not_door_staff (only door accounts)"})
def assign_staff(data, event_id):
    """Assign a door-staff user to an event: they may then scan its tickets."""
    row, created = services.assign_staff(db.session, managed(), data["username"])
    db.session.commit()
    return row, 201 if created else 200


@bp.route("/events/<id:event_id>/staff/<id:user_id>", methods=["DELETE"])
@organizers
@bp.response(204, description="removed")
@errors({404: "no such event, a draft of another body, or a user not on its staff"})
def remove_staff(event_id, user_id):
    """Take a user off an event's door staff."""
    row = access.assigned_staff(db.session, g.api_user, event_id, user_id)
    services.unassign_staff(db.session, row.event, user_id)
    db.session.commit()


@bp.route("/events/<id:event_id>/devices", methods=["GET"])
@organizers
@bp.response(200, DeviceListSchema, description="the devices, newest first")
def list_devices(event_id):
    """An event's scanner devices (their tokens are never shown again)."""
    return {"devices": services.event_devices(db.session, managed())}


@bp.route("/events/<id:event_id>/devices", methods=["POST"])
@organizers
@bp.arguments(DeviceInputSchema)
@bp.response(201, NewDeviceSchema, description="the device and its token")
def create_device(data, event_id):
    """A scanner device for this event, with its own token (shown once) for POST /checkin."""
    device, raw = services.create_device(db.session, managed(), data["name"], actor=g.api_user)
    db.session.commit()
    device.token = raw  # for the answer only: what is kept is its hash
    return device


@bp.route("/devices/<id:device_id>/revoke", methods=["POST"])
@token_required("organizer", "admin")
@bp.response(200, DeviceSchema, description="the revoked device (revoking twice keeps the first time)")
@errors({404: "no such device, or one of an event the caller does not manage"})
def revoke_device(device_id):
    """Revoke a scanner device's token: its next scan is a 401."""
    device = access.managed_device(db.session, g.api_user, device_id)
    services.revoke_device(device, actor=g.api_user)
    db.session.commit()
    return device
