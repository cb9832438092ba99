"""Check-in in the JSON API: scanning at the door, undo, live counts, door staff and scanner
devices.

``POST /api/v1/checkin`` takes a user's bearer token (door staff assigned to the event, or its
organizers and admins) or a scanner device's token (``sc_…``, good for its own event only).
Every verdict is a 200: the verdict is the answer. The scan is rate-limited per token: all scans
(``CHECKIN_RATE_LIMIT``) and, stricter, scans whose verdict is ``unknown``
(``CHECKIN_UNKNOWN_LIMIT``), against guessing codes; past a limit the token gets 429.

A scan reads first (a device's scan: the device, the event and today's day and the ticket, in one
statement; a user's: who may scan, through the ORM) and then writes in one short transaction
(the check-in, the scan log, and the token's or device's last use when due): on SQLite the write
lock is held only for the writes. bench/checkin.py measures the cost of a scan.
"""
import re
import threading
import time
from datetime import timedelta
from functools import lru_cache

from flask import current_app, g, jsonify, request
from limits import parse as parse_limit
from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy import select

from ..accounts import services as accounts
from ..accounts.models import User
from ..api import bp
from ..api.auth import bearer_token, token_required
from ..api.errors import HTTP_ERRORS, ApiError, json_body
from ..events.models import Event
from ..events.services import can_manage, can_view
from ..extensions import begin_write, db, limiter
from ..jalali import to_tehran, utcnow
from ..persian import normalize_text, to_latin_digits
from . import doordb, services
from .models import CheckIn, EventStaff, ScannerDevice, Verdict

MAX_ID = 2**31 - 1
DEVICE_TOUCH_EVERY = timedelta(minutes=5)  # last_used_at: not a write per scan

MESSAGES = {
    "event_id": "شناسهٔ رویداد (event_id) را به شکل عدد بفرستید.",
    "event_not_found": "رویداد پیدا نشد.",
    "not_scanner": "این توکن اجازهٔ پذیرش در این رویداد را ندارد.",
    "other_event": "این دستگاه برای پذیرش رویداد دیگری ساخته شده است.",
    "not_manager": "فقط برگزارکنندگان این رویداد اجازهٔ این کار را دارند.",
    "checkin_not_found": "این ورود پیدا نشد.",
    "device_not_found": "این دستگاه پیدا نشد.",
    "username": "نام کاربری (username) را بفرستید.",
    "name": "نامی برای دستگاه (name) بفرستید.",
    "not_staff": "این کاربر از کارکنان پذیرش این رویداد نیست.",
    "unauthorized": "توکن معتبر فرستاده نشده است.",
}


# --- who scans: a user's token or a scanner device's token ----------------------------------

def _token_hash() -> str:
    """The SHA-256 of the request's bearer token, worked out once per request."""
    if "checkin_token_hash" not in g:
        raw = bearer_token()
        g.checkin_token_hash = services.token_hash(raw) if raw else ""
    return g.checkin_token_hash


def _token_key() -> str:
    """The rate-limit key: the token's hash (never the token), or the address without one."""
    digest = _token_hash()
    return "checkin-token:" + digest if digest else "checkin-ip:" + (request.remote_addr or "")


def _scan_limit() -> str:
    return current_app.config.get("CHECKIN_RATE_LIMIT", "600 per minute")


def _unknown_limit() -> str:
    return current_app.config.get("CHECKIN_UNKNOWN_LIMIT", "30 per minute")


@lru_cache(maxsize=16)
def _parsed_limit(text: str):
    return parse_limit(text)


class WindowCounter:
    """Fixed-window counts in this process, for the check-in's limits when the limiter's
    storage is ``memory://`` (per process, as that storage is): the same counting, without the
    timer thread that storage starts to expire its keys, which costs a busy door dearly."""

    MAX_KEYS = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple, list] = {}

    def _slot(self, item, scope: str, key: str) -> list:
        window = int(time.time() // item.get_expiry())
        slot = self._counts.get((scope, key))
        if slot is None or slot[0] != window:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[0] >= window - 1}
            slot = self._counts[(scope, key)] = [window, 0]
        return slot

    def hit(self, item, scope: str, key: str) -> bool:
        with self._lock:
            slot = self._slot(item, scope, key)
            slot[1] += 1
            return slot[1] <= item.amount

    def test(self, item, scope: str, key: str) -> bool:
        with self._lock:
            return self._slot(item, scope, key)[1] < item.amount


def _counter():
    """This app's ``WindowCounter`` with in-process storage; else the limiter's own strategy
    on its shared storage (Redis: every app server counts together)."""
    if current_app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        return current_app.extensions.setdefault("checkin_window_counter", WindowCounter())
    return limiter.limiter


def _check_rate_limits(key: str) -> None:
    """Count this scan against the token's limit, and refuse it when the token is over that
    or has used up its unknown codes (counted after the verdict: ``_count_unknown``).

    By hand rather than with the limiter's decorators: the same limits and storage settings at
    a fraction of the cost per scan (and no X-RateLimit headers, which scanners do not read).
    """
    if not limiter.enabled:
        return
    counter = _counter()
    if (not counter.hit(_parsed_limit(_scan_limit()), "checkin-all", key)
            or not counter.test(_parsed_limit(_unknown_limit()), "checkin-unknown", key)):
        raise ApiError(429, *HTTP_ERRORS[429])


def _count_unknown(key: str) -> None:
    if limiter.enabled:
        _counter().hit(_parsed_limit(_unknown_limit()), "checkin-unknown", key)


def _scan_with_device(event_id: int, code: str, gate: str) -> services.ScanResult:
    """A scanner device's scan, on a pooled connection of its own (``doordb``): reads first,
    holding no lock, then one short write transaction (the check-in, the scan log, and the
    device's last use when due)."""
    now = services.utcnow()  # the service's clock, one instant for the whole scan
    with doordb.checkout(db.engine) as door:
        event_id = event_id if 0 < event_id <= MAX_ID else 0
        device, event, ticket = door.device_scan(_token_hash(), event_id, to_tehran(now).date(),
                                                 services.extract_code(code))
        if device is None:
            raise ApiError(401, "unauthorized", MESSAGES["unauthorized"])
        device_id, device_event_id, last_used_at = device
        if event is None:
            raise ApiError(404, "not_found", MESSAGES["event_not_found"])
        if device_event_id != event_id:
            raise ApiError(403, "forbidden", MESSAGES["other_event"])
        pending = services.decide_scan(door, event_id, code, now=now, event=event, ticket=ticket)
        door.begin_write()
        if last_used_at is None or now - last_used_at > DEVICE_TOUCH_EVERY:
            door.touch_device(device_id, now)
        result = services.record_scan(door, pending, device_id=device_id, gate=gate)
        door.commit()
    return result


def _scan_as_user(raw: str, event_id: int, code: str, gate: str) -> services.ScanResult:
    """A user's scan (door staff, organizers, admins): who may scan is read through the ORM
    session, whose transaction then ends; the scan takes the short-write path devices take, and
    records the token's use in the same transaction when that is due."""
    now = services.utcnow()
    token = accounts.live_token(db.session, raw)
    if token is None:
        raise ApiError(401, "unauthorized", MESSAGES["unauthorized"])
    user = token.user
    event = db.session.get(Event, event_id) if 0 < event_id <= MAX_ID else None
    if event is None:
        raise ApiError(404, "not_found", MESSAGES["event_not_found"])
    if not services.may_scan(user, event, db.session):
        if not can_view(user, event):
            raise ApiError(404, "not_found", MESSAGES["event_not_found"])
        raise ApiError(403, "forbidden", MESSAGES["not_scanner"])
    user_id, token_id = user.id, (token.id if accounts.touch_due(token, now) else None)
    g.api_user = user
    db.session.rollback()  # its reads are over: end them, give the connection back to the pool
    return services.scan_now(db.engine, event_id, code, staff_id=user_id, gate=gate, now=now,
                             touch_token_id=token_id)


def _event_id(value) -> int:
    """An integer, or its digits as text (Persian digits too, as a scanner may send them)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", to_latin_digits(value.strip())):
        value = int(to_latin_digits(value.strip()))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "invalid", MESSAGES["event_id"], field="event_id")
    return value


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


# --- OpenAPI shapes ------------------------------------------------------------------------

VERDICTS = [v.value for v in Verdict if v != Verdict.undone]


class CheckinInputSchema(Schema):
    event_id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={
        "description": "what the scanner read: the ticket URL (…/t/<code>) or the bare code"})
    gate = fields.String(metadata={"description": "which door, shown in later verdicts"})


class CheckinAttendeeSchema(Schema):
    id = fields.Integer()
    full_name = fields.String()
    ngo = fields.String()
    role = fields.String()
    status = fields.String()


class CheckinResultSchema(Schema):
    verdict = fields.String(validate=OneOf(VERDICTS), metadata={"description": (
        "ok, already_checked_in (message says when, where, by whom), wrong_event, wrong_day, "
        "cancelled, not_confirmed, unknown, closed")})
    message = fields.String(metadata={"description": "Persian, for the door"})
    colour = fields.String(validate=OneOf(["green", "amber", "red"]))
    attendee = fields.Nested(CheckinAttendeeSchema, allow_none=True)
    checked_in_at = fields.DateTime(allow_none=True, metadata={
        "description": "this check-in (ok) or the earlier one (already_checked_in)"})
    checked_in_at_jalali = fields.String(allow_none=True)
    checkin_id = fields.Integer(allow_none=True, metadata={"description": "for undo; only with ok"})
    gate = fields.String(allow_none=True)


class CheckinUndoneSchema(Schema):
    undone = fields.Boolean()
    checkin_id = fields.Integer()
    undone_at = fields.DateTime()
    message = fields.String()


class CheckinCountSchema(Schema):
    date = fields.Date()
    checked_in = fields.Integer()


class CheckinNgoCountSchema(Schema):
    ngo_id = fields.Integer()
    name = fields.String()
    registered = fields.Integer()
    checked_in = fields.Integer()


class CheckinGateCountSchema(Schema):
    gate = fields.String()
    checked_in = fields.Integer()


class CheckinQuarterSchema(Schema):
    at = fields.String(metadata={"example": "2019-08-14 09:15", "description": "Tehran local"})
    checked_in = fields.Integer()


class CheckinLiveSchema(Schema):
    event_id = fields.Integer()
    registered = fields.Integer(metadata={"description": "confirmed registrations"})
    days = fields.List(fields.Nested(CheckinCountSchema))
    ngos = fields.List(fields.Nested(CheckinNgoCountSchema))
    gates = fields.List(fields.Nested(CheckinGateCountSchema))
    quarters = fields.List(fields.Nested(CheckinQuarterSchema))
    at = fields.DateTime()


class CheckinStaffInputSchema(Schema):
    username = fields.String(required=True, metadata={"description": "a user with the door role"})


class CheckinUserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()


class CheckinStaffSchema(Schema):
    event_id = fields.Integer()
    user = fields.Nested(CheckinUserSchema)
    assigned_at = fields.DateTime()


class CheckinStaffListSchema(Schema):
    staff = fields.List(fields.Nested(CheckinStaffSchema))


class CheckinDeviceInputSchema(Schema):
    name = fields.String(required=True, metadata={"example": "گوشی درِ شمالی"})


class CheckinDeviceSchema(Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "the token's first characters, to tell them apart"})
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True, metadata={"description": "to within minutes"})
    revoked_at = fields.DateTime(allow_none=True)


class CheckinNewDeviceSchema(CheckinDeviceSchema):
    token = fields.String(metadata={"description": "sc_…; shown only now, never again"})


class CheckinDeviceListSchema(Schema):
    devices = fields.List(fields.Nested(CheckinDeviceSchema))


# --- scanning --------------------------------------------------------------------------------

@limiter.request_filter
def _limited_by_hand() -> bool:
    """The limiter's own per-request work skips the scan, which counts itself (below)."""
    return request.endpoint == "api.checkin"


@bp.route("/checkin", methods=["POST"])
def checkin():
    """Scan a ticket at the door: the verdict, in a 200 whatever it is.
    ---
    post:
      summary: Check a ticket in
      description: >
        The token is a user's (door staff assigned to the event, its organizers, admins) or a
        scanner device's (sc_…, for its own event only). Every scan is logged with its verdict,
        gate and who scanned. A multi-day event lets a person in once per day. Rate limits per
        token: CHECKIN_RATE_LIMIT for all scans (600 per minute) and CHECKIN_UNKNOWN_LIMIT for
        scans whose verdict is unknown (30 per minute); past either the token gets 429. Once a
        token has used up its unknown codes, all its scans get 429 until the minute is over.
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: CheckinInputSchema
      responses:
        200:
          description: the verdict (ok or a reason not to let the person in)
          content:
            application/json:
              schema: CheckinResultSchema
        400:
          description: not a JSON object (invalid_json), or no integer event_id (invalid)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token (or a revoked device)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the token may not scan for this event (another event's device)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or one the caller may not know
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        429:
          description: rate_limited (too many scans, or too many unknown codes)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    key = _token_key()
    _check_rate_limits(key)
    raw = bearer_token()
    if not raw:
        raise ApiError(401, "unauthorized", MESSAGES["unauthorized"])
    data = json_body()
    if data.get("event_id") is None:
        raise ApiError(400, "invalid", MESSAGES["event_id"], field="event_id")
    event_id = _event_id(data["event_id"])
    code, gate = _text(data.get("code")), _text(data.get("gate"))
    if raw.startswith(services.DEVICE_PREFIX):
        result = _scan_with_device(event_id, code, gate)
    else:
        result = _scan_as_user(raw, event_id, code, gate)
    if result.verdict == Verdict.unknown:
        _count_unknown(key)
    return jsonify(services.result_json(result))


checkin.access = frozenset({"door", "organizer", "admin", "device"})
checkin.api_auth = True


@bp.route("/checkins/<id:checkin_id>/undo", methods=["POST"])
@token_required("door", "organizer", "admin")
def undo_checkin(checkin_id):
    """Undo a check-in (a mistaken scan): organizers any time, the scanner within ten minutes.
    ---
    post:
      summary: Undo a check-in
      description: The person may then be checked in again that day. The undo is logged.
      security: [{bearer: []}]
      parameters:
        - {in: path, name: checkin_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: undone
          content:
            application/json:
              schema: CheckinUndoneSchema
        401:
          description: no valid user token (scanner devices cannot undo)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the caller may not scan for this event
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such check-in, or one the caller may not know
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        409:
          description: already_undone, undo_not_allowed (door staff after ten minutes, or another's)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    begin_write(db.session)
    user = g.api_user
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None:
        raise ApiError(404, "not_found", MESSAGES["checkin_not_found"])
    event = db.session.get(Event, checkin.event_id)
    if not services.may_scan(user, event, db.session):
        if not can_view(user, event):
            raise ApiError(404, "not_found", MESSAGES["checkin_not_found"])
        raise ApiError(403, "forbidden", MESSAGES["not_scanner"])
    services.undo(db.session, checkin, user=user)  # a refusal becomes its 409 JSON
    db.session.commit()
    return jsonify({"undone": True, "checkin_id": checkin.id, "undone_at": checkin.undone_at.isoformat(),
                    "message": services.VERDICT_MESSAGES[Verdict.undone]})


# --- organizers: live counts, door staff, devices ----------------------------------------

def _managed(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not can_view(g.api_user, event):
        raise ApiError(404, "not_found", MESSAGES["event_not_found"])
    if not can_manage(g.api_user, event):
        raise ApiError(403, "forbidden", MESSAGES["not_manager"])
    return event


MANAGED_ERRORS = """
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the caller does not manage this event
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or a draft of another body
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
"""


def managed_doc(view):
    """Appends the 401/403/404 responses every organizer endpoint shares to its docstring."""
    view.__doc__ = view.__doc__.rstrip() + "\n" + MANAGED_ERRORS.strip("\n") + "\n"
    return view


@bp.route("/events/<id:event_id>/checkins/live")
@managed_doc
@token_required("organizer", "admin")
def live_counts(event_id):
    """Checked in against registered: per day, NGO, gate and quarter hour.
    ---
    get:
      summary: Live check-in counts
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the counts now
          content:
            application/json:
              schema: CheckinLiveSchema
    """
    event = _managed(event_id)
    return jsonify({"event_id": event.id, **services.live_counts(db.session, event),
                    "at": utcnow().isoformat()})


def _staff_json(row: EventStaff) -> dict:
    return {"event_id": row.event_id,
            "user": {"id": row.user.id, "username": row.user.username, "full_name": row.user.full_name},
            "assigned_at": row.assigned_at.isoformat() if row.assigned_at else None}


@bp.route("/events/<id:event_id>/staff", methods=["GET"])
@managed_doc
@token_required("organizer", "admin")
def list_staff(event_id):
    """The door staff assigned to an event.
    ---
    get:
      summary: List door staff
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the staff
          content:
            application/json:
              schema: CheckinStaffListSchema
    """
    event = _managed(event_id)
    rows = db.session.scalars(select(EventStaff).join(User, User.id == EventStaff.user_id)
                              .where(EventStaff.event_id == event.id).order_by(User.username))
    return jsonify({"staff": [_staff_json(r) for r in rows]})


@bp.route("/events/<id:event_id>/staff", methods=["POST"])
@managed_doc
@token_required("organizer", "admin")
def assign_staff(event_id):
    """Assign a door-staff user to an event: they may then scan its tickets.
    ---
    post:
      summary: Assign door staff
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: CheckinStaffInputSchema
      responses:
        201:
          description: assigned
          content:
            application/json:
              schema: CheckinStaffSchema
        200:
          description: was already assigned
          content:
            application/json:
              schema: CheckinStaffSchema
        400:
          description: invalid (no username), unknown_user, not_door_staff (only door accounts)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    event = _managed(event_id)
    username = json_body().get("username")
    if not isinstance(username, str) or not normalize_text(username):
        raise ApiError(400, "invalid", MESSAGES["username"], field="username")
    before = set(db.session.scalars(select(EventStaff.id).where(EventStaff.event_id == event.id)))
    try:
        row = services.assign_staff(db.session, event, username)
    except services.CheckinError as refusal:
        raise ApiError(400, refusal.code, refusal.message, field="username") from None
    db.session.commit()
    return jsonify(_staff_json(row)), 200 if row.id in before else 201


@bp.route("/events/<id:event_id>/staff/<id:user_id>", methods=["DELETE"])
@managed_doc
@token_required("organizer", "admin")
def remove_staff(event_id, user_id):
    """Take a user off an event's door staff.
    ---
    delete:
      summary: Remove door staff
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
        - {in: path, name: user_id, required: true, schema: {type: integer}}
      responses:
        204:
          description: removed
        404:
          description: not_found (also when the user is not on the event's staff)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    event = _managed(event_id)
    assigned = db.session.scalar(select(EventStaff.id).where(EventStaff.event_id == event.id,
                                                             EventStaff.user_id == user_id))
    if assigned is None:
        raise ApiError(404, "not_found", MESSAGES["not_staff"])
    services.unassign_staff(db.session, event, user_id)
    db.session.commit()
    return "", 204


def _device_json(device: ScannerDevice) -> dict:
    def iso(instant):
        return instant.isoformat() if instant else None

    return {"id": device.id, "event_id": device.event_id, "name": device.name, "prefix": device.prefix,
            "created_at": iso(device.created_at), "last_used_at": iso(device.last_used_at),
            "revoked_at": iso(device.revoked_at)}


@bp.route("/events/<id:event_id>/devices", methods=["GET"])
@managed_doc
@token_required("organizer", "admin")
def list_devices(event_id):
    """An event's scanner devices, newest first (their tokens are never shown again).
    ---
    get:
      summary: List scanner devices
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the devices
          content:
            application/json:
              schema: CheckinDeviceListSchema
    """
    event = _managed(event_id)
    devices = db.session.scalars(select(ScannerDevice).where(ScannerDevice.event_id == event.id)
                                 .order_by(ScannerDevice.id.desc()))
    return jsonify({"devices": [_device_json(d) for d in devices]})


@bp.route("/events/<id:event_id>/devices", methods=["POST"])
@managed_doc
@token_required("organizer", "admin")
def create_device(event_id):
    """A scanner device for this event, with its own token (shown once) for POST /checkin.
    ---
    post:
      summary: Create a scanner device
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: CheckinDeviceInputSchema
      responses:
        201:
          description: the device and its token
          content:
            application/json:
              schema: CheckinNewDeviceSchema
        400:
          description: invalid or name_required
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    event = _managed(event_id)
    name = json_body().get("name")
    if not isinstance(name, str):
        raise ApiError(400, "invalid", MESSAGES["name"], field="name")
    try:
        device, raw = services.create_device(db.session, event, name, actor=g.api_user)
    except services.CheckinError as refusal:
        raise ApiError(400, refusal.code, refusal.message, field="name") from None
    db.session.commit()
    return jsonify({**_device_json(device), "token": raw}), 201


@bp.route("/devices/<id:device_id>/revoke", methods=["POST"])
@token_required("organizer", "admin")
def revoke_device(device_id):
    """Revoke a scanner device's token: its next scan is a 401.
    ---
    post:
      summary: Revoke a scanner device
      security: [{bearer: []}]
      parameters:
        - {in: path, name: device_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the revoked device (revoking twice keeps the first time)
          content:
            application/json:
              schema: CheckinDeviceSchema
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such device, or one of an event the caller does not manage
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    device = db.session.get(ScannerDevice, device_id)
    if device is None:
        raise ApiError(404, "not_found", MESSAGES["device_not_found"])
    event = db.session.get(Event, device.event_id)
    if not can_view(g.api_user, event) or not can_manage(g.api_user, event):
        # Another body's device is none of the caller's business: not found, like its events.
        raise ApiError(404, "not_found", MESSAGES["device_not_found"])
    services.revoke_device(device)
    db.session.commit()
    return jsonify(_device_json(device))
