"""Registrations in the JSON API: a secretary registers NGO members for an event and lists or
cancels them; the event's organizers list everyone, approve and reject.

The writing views take the write lock first (``begin_write``: BEGIN IMMEDIATE on SQLite; on
PostgreSQL the service locks the event row), then load (404), authorise (403), call one service
and commit once. Every rule is the services'; their refusals (``RegistrationError``) reach the
app's handler, which rolls back and answers ``{"error": "<reason>", "message": "<Persian>"}``.
"""
import math

from flask import g, jsonify, request
from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy.orm import selectinload

from ..accounts.models import Role
from ..api import bp
from ..api.auth import token_required
from ..api.errors import ApiError, json_body, optional_json_body
from ..events import services as events
from ..events.models import Event
from ..extensions import begin_write, db
from ..jalali import format_datetime, iso_instant
from ..persian import normalize_text, to_latin_digits, to_persian_digits
from . import services
from .models import RegStatus, Registration
from .ticket_routes import absolute_ticket_url

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
MAX_ID = 2**31 - 1
NAME_MAX = 120  # Registration.full_name
NOTE_MAX = 300  # Registration.note
Q_MAX = 100

# --- Persian messages for what the API itself refuses (the services' are in RegistrationError) -

FIELD_LABELS = {
    "attendees": "فهرست شرکت‌کنندگان (attendees)",
    "full_name": "نام و نام خانوادگی",
    "national_id": "کد ملی",
    "mobile": "شمارهٔ همراه",
    "role": "سمت",
    "status": "وضعیت",
    "ngo_id": "شناسهٔ سمن",
    "q": "عبارت جست‌وجو",
    "page": "شمارهٔ صفحه",
    "per_page": "تعداد در هر صفحه",
    "note": "یادداشت",
}

INVALID = {
    "missing": "{label} را بفرستید.",
    "list": "{label} باید یک فهرست (آرایهٔ JSON) باشد.",
    "object": "{label} باید یک شیء JSON باشد.",
    "text": "{label} باید متن باشد.",
    "too_long": "{label} حداکثر {max} نویسه می‌تواند داشته باشد.",
    "integer": "{label} باید عدد صحیح باشد.",
    "positive": "{label} باید عددی بزرگ‌تر از صفر باشد.",
    "choice": "{label} باید یکی از این‌ها باشد: {choices}.",
}

MESSAGES = {
    "not_found": "ثبت‌نام پیدا نشد.",
    "event_not_found": "رویداد پیدا نشد.",
    "no_ngo": "حساب شما به هیچ سمنی وصل نیست.",
    "not_manager": "اجازهٔ دیدن ثبت‌نام‌های این رویداد را ندارید؛ آن را نهاد دیگری برگزار می‌کند.",
    "other_ngo": "فقط ثبت‌نام‌های سمن خودتان را می‌توانید ببینید.",
}


def _invalid(field: str, problem: str, **details) -> ApiError:
    base = field.rsplit(".", 1)[-1].split("[", 1)[0]
    message = INVALID[problem].format(label=FIELD_LABELS.get(base, field), **details)
    row = field.split("[", 1)[1].split("]", 1)[0] if field.startswith("attendees[") else None
    if row is not None:  # people count rows from one, as the services' messages do
        message = f"ردیف {to_persian_digits(int(row) + 1)}: {message}"
    return ApiError(400, "invalid", message, field=field)


def _forbidden(key: str) -> ApiError:
    return ApiError(403, "forbidden", MESSAGES[key])


def _not_found(key: str = "not_found") -> ApiError:
    return ApiError(404, "not_found", MESSAGES[key])


# --- parsing what comes in -------------------------------------------------------------------

ATTENDEE_FIELDS = ("full_name", "national_id", "mobile", "role")


def _attendees(data: dict) -> list[dict]:
    """The attendees as the service takes them; types checked here, rules there."""
    rows = data.get("attendees")
    if rows is None:
        raise _invalid("attendees", "missing")
    if not isinstance(rows, list):
        raise _invalid("attendees", "list")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _invalid(f"attendees[{i}]", "object")
        person = {}
        for key in ATTENDEE_FIELDS:
            value = row.get(key)
            numeric = key in ("national_id", "mobile")
            if value is not None and not (isinstance(value, str)
                                          or (numeric and isinstance(value, int)
                                              and not isinstance(value, bool))):
                raise _invalid(f"attendees[{i}].{key}", "text")
            person[key] = "" if value is None else str(value)
        if len(normalize_text(person["full_name"])) > NAME_MAX:
            raise _invalid(f"attendees[{i}].full_name", "too_long", max=to_persian_digits(NAME_MAX))
        out.append(person)
    return out


def _number(value, field, default) -> int:
    """A positive integer query argument (Persian digits too), or ``default`` when absent."""
    if value is None or value == "":
        return default
    text = to_latin_digits(str(value).strip())
    if not text.lstrip("+-").isdigit():
        raise _invalid(field, "integer")
    number = int(text)
    if number < 1 or number > MAX_ID:
        raise _invalid(field, "positive")
    return number


def _filter(args, *, ngo_id=None) -> services.RegFilter:
    status = args.get("status") or None
    if status is not None and status not in {s.value for s in RegStatus}:
        raise _invalid("status", "choice", choices="، ".join(s.value for s in RegStatus))
    q = normalize_text(args.get("q") or "")
    if len(q) > Q_MAX:
        raise _invalid("q", "too_long", max=to_persian_digits(Q_MAX))
    return services.RegFilter(status=RegStatus(status) if status else None,
                              ngo_id=ngo_id if ngo_id is not None
                              else _number(args.get("ngo_id"), "ngo_id", None),
                              q=q)


# --- what goes out ---------------------------------------------------------------------------


def registration_json(reg: Registration) -> dict:
    return {
        "id": reg.id,
        "status": reg.status.value,
        "status_label": reg.status.label,
        "ticket_code": reg.ticket_code,
        "ticket_url": absolute_ticket_url(reg.ticket_code),
        "event_id": reg.event_id,
        "ngo": {"id": reg.ngo.id, "name": reg.ngo.name},
        "full_name": reg.full_name,
        "national_id": reg.national_id,
        "mobile": reg.mobile,
        "role": reg.role,
        "created_at": iso_instant(reg.created_at),
        "decided_at": iso_instant(reg.decided_at),
        "cancelled_at": iso_instant(reg.cancelled_at),
        "note": reg.note,
        "jalali": {"created_at": format_datetime(reg.created_at) or None},
    }


# --- loading and permissions -----------------------------------------------------------------

def _event(event_id: int) -> Event:
    """The event the caller may see; 404 for an unknown one and another body's draft."""
    event = db.session.get(Event, event_id)
    if event is None or not events.can_view(g.api_user, event):
        raise _not_found("event_not_found")
    return event


def _registration(reg_id: int) -> Registration:
    """A registration the caller may see (their NGO's, or their event's); else 404."""
    reg = db.session.get(Registration, reg_id)
    if reg is None or not services.can_see(g.api_user, reg):
        raise _not_found()
    return reg


def _managed_registration(reg_id: int) -> Registration:
    reg = _registration(reg_id)
    if not events.can_manage(g.api_user, reg.event):
        raise _forbidden("not_manager")
    return reg


# --- OpenAPI shapes (documentation of the JSON above) ----------------------------------------

STATUSES = [s.value for s in RegStatus]


class RegAttendeeInputSchema(Schema):
    full_name = fields.String(required=True, metadata={"example": "زهرا احمدی"})
    national_id = fields.String(required=True, metadata={
        "example": "0012345679", "description": "10 digits with a valid check digit (Persian digits too)"})
    mobile = fields.String(required=True, metadata={
        "example": "09121234567", "description": "09…, +98…, 0098… or 9…"})
    role = fields.String(metadata={"description": "the attendee's role in the NGO"})


class RegCreateInputSchema(Schema):
    attendees = fields.List(fields.Nested(RegAttendeeInputSchema), required=True,
                            metadata={"description": f"1 to {services.MAX_BATCH}; all or none"})


class RegNgoSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class RegJalaliSchema(Schema):
    created_at = fields.String()


class RegistrationOutSchema(Schema):
    id = fields.Integer()
    status = fields.String(validate=OneOf(STATUSES))
    status_label = fields.String()
    ticket_code = fields.String()
    ticket_url = fields.Url(metadata={"description": "the ticket page; its QR encodes this"})
    event_id = fields.Integer()
    ngo = fields.Nested(RegNgoSchema)
    full_name = fields.String()
    national_id = fields.String()
    mobile = fields.String()
    role = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    note = fields.String()
    jalali = fields.Nested(RegJalaliSchema)


class RegCreatedSchema(Schema):
    registrations = fields.List(fields.Nested(RegistrationOutSchema))


class RegCancelledSchema(RegistrationOutSchema):
    promoted = fields.List(fields.Nested(RegistrationOutSchema),
                           metadata={"description": "moved up from the waitlist into the freed seat"})


class RegPageSchema(Schema):
    registrations = fields.List(fields.Nested(RegistrationOutSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "per status, for the event's organizers"})
    capacity = fields.Integer()
    confirmed = fields.Integer()


class RegRejectInputSchema(Schema):
    note = fields.String(metadata={"description": "why, kept with the registration"})


# --- endpoints -------------------------------------------------------------------------------

EVENT_REGS_URL = "/events/<id:event_id>/registrations"
REG_URL = "/registrations/<id:reg_id>"


@bp.route(EVENT_REGS_URL, methods=["POST"])
@token_required("secretary")
def create_registrations(event_id):
    """Register members of the secretary's NGO (all or none): each is confirmed while seats
    last, then waitlisted; events that need approval hold them as pending.
    ---
    post:
      summary: Register NGO members for an event
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: RegCreateInputSchema
      responses:
        201:
          description: the registrations, in the order sent, each with its status and ticket
          content:
            application/json:
              schema: RegCreatedSchema
        400:
          description: invalid_json, or invalid (with field) when attendees is not a list of objects
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the token is not an NGO secretary's
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or a draft
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        409:
          description: >
            a refusal, nothing saved: full, ngo_quota, closed, not_open, not_in_audience,
            duplicate, invalid_national_id, invalid_mobile, name_required, no_attendees,
            too_many (row-level ones carry the row number in the message)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    people = _attendees(json_body())
    begin_write(db.session)
    event = _event(event_id)
    ngo = g.api_user.ngo
    if ngo is None or not services.can_register(g.api_user, ngo):
        raise _forbidden("no_ngo")
    made = services.register(db.session, event, ngo, people, actor=g.api_user)
    db.session.commit()
    return jsonify({"registrations": [registration_json(r) for r in made]}), 201


@bp.route(EVENT_REGS_URL, methods=["GET"])
@token_required()
def list_registrations(event_id):
    """An event's registrations, first registered first: a secretary sees their NGO's, the
    event's organizers (and admins) see everyone's.
    ---
    get:
      summary: List an event's registrations
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
        - in: query
          name: status
          schema: {type: string, enum: [confirmed, waitlisted, pending, cancelled, rejected]}
        - {in: query, name: ngo_id, schema: {type: integer}, description: "organizers only"}
        - {in: query, name: q, schema: {type: string},
           description: "a name, the start of a national ID, or part of a mobile"}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 50}}
      responses:
        200:
          description: a page of registrations
          content:
            application/json:
              schema: RegPageSchema
        400:
          description: invalid (with field) for a bad filter
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: neither the event's organizer nor an NGO secretary, or another NGO asked for
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or a draft of another body
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    user = g.api_user
    event = _event(event_id)
    manager = events.can_manage(user, event)
    if manager:
        f = _filter(request.args)
    elif user.role == Role.secretary and user.ngo_id is not None:
        asked = _number(request.args.get("ngo_id"), "ngo_id", None)
        if asked is not None and asked != user.ngo_id:
            raise _forbidden("other_ngo")
        f = _filter(request.args, ngo_id=user.ngo_id)
    else:
        raise _forbidden("not_manager" if user.role != Role.secretary else "no_ngo")
    page = _number(request.args.get("page"), "page", 1)
    per_page = min(_number(request.args.get("per_page"), "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    query = services.registrations_query(event, f).options(selectinload(Registration.ngo))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    body = {
        "registrations": [registration_json(r) for r in result.items],
        "page": page,
        "per_page": per_page,
        "total": result.total,
        "pages": math.ceil(result.total / per_page) if result.total else 0,
    }
    if manager:
        body["counts"] = {s.value: n for s, n in services.status_counts(db.session, event).items()}
        body["capacity"] = event.capacity
        body["confirmed"] = event.confirmed_count
    return jsonify(body)


@bp.route(REG_URL, methods=["GET"])
@token_required()
def get_registration(reg_id):
    """One registration: for its NGO's secretary and the event's organizers.
    ---
    get:
      summary: Read a registration
      security: [{bearer: []}]
      parameters:
        - {in: path, name: reg_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the registration
          content:
            application/json:
              schema: RegistrationOutSchema
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such registration, or one the caller may not see
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    return jsonify(registration_json(_registration(reg_id)))


@bp.route(REG_URL, methods=["DELETE"])
@token_required("secretary", "organizer", "admin")
def cancel_registration(reg_id):
    """Cancel a registration; a freed seat goes to the first in the waitlist.
    ---
    delete:
      summary: Cancel a registration
      security: [{bearer: []}]
      parameters:
        - {in: path, name: reg_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the cancelled registration, and who moved up from the waitlist
          content:
            application/json:
              schema: RegCancelledSchema
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the token is not a secretary's, organizer's or admin's
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such registration, or one the caller may not see
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        409:
          description: not_cancellable (already cancelled or rejected)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    begin_write(db.session)
    reg = _registration(reg_id)
    promoted = services.cancel(db.session, reg, actor=g.api_user)
    db.session.commit()
    body = registration_json(reg)
    body["promoted"] = [registration_json(p) for p in promoted]
    return jsonify(body)


DECISION_DOC = """{summary}
    ---
    post:
      summary: {summary}
      security: [{{bearer: []}}]
      parameters:
        - {{in: path, name: reg_id, required: true, schema: {{type: integer}}}}
{body}      responses:
        200:
          description: {done}
          content:
            application/json:
              schema: RegistrationOutSchema
{bad}        401:
          description: no valid token
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}
        403:
          description: the token is not an organizer's or admin's
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}
        404:
          description: no such registration, or another body's event
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}
        409:
          description: {refusals}
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}
"""
REJECT_BODY = """      requestBody:
        content:
          application/json:
            schema: RegRejectInputSchema
"""
BAD_BODY = """        400:
          description: invalid_json, or invalid (with field) for a note that is not text or too long
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
"""


def decision_doc(summary, done, refusals, *, with_body=False):
    """Gives approve and reject their OpenAPI docstrings (they differ only in these)."""
    def decorate(view):
        view.__doc__ = DECISION_DOC.format(summary=summary, done=done, refusals=refusals,
                                           body=REJECT_BODY if with_body else "",
                                           bad=BAD_BODY if with_body else "")
        return view
    return decorate


@bp.route(REG_URL + "/approve", methods=["POST"])
@decision_doc("Approve a pending registration", "confirmed while seats last, else waitlisted",
              "not_pending, or full when the event keeps no waitlist")
@token_required("organizer", "admin")
def approve_registration(reg_id):
    begin_write(db.session)
    reg = _managed_registration(reg_id)
    services.approve(db.session, reg)
    db.session.commit()
    return jsonify(registration_json(reg))


@bp.route(REG_URL + "/reject", methods=["POST"])
@decision_doc("Reject a pending or waitlisted registration", "the rejected registration",
              "not_pending", with_body=True)
@token_required("organizer", "admin")
def reject_registration(reg_id):
    data = optional_json_body()
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise _invalid("note", "text")
    if note and len(normalize_text(note)) > NOTE_MAX:
        raise _invalid("note", "too_long", max=to_persian_digits(NOTE_MAX))
    begin_write(db.session)
    reg = _managed_registration(reg_id)
    services.reject(db.session, reg, note=note or "")
    db.session.commit()
    return jsonify(registration_json(reg))
