"""Awards in the JSON API: give one, give the same award to several NGOs, certificates of
attendance, list, revoke.

Only the event's managers (its body's organizers, admins) use these: 404 for an event the
caller may not see, 403 for one they see but do not manage. Dates: ``awarded_on`` is an ISO
Gregorian date (``2025-08-27``) or a Jalali one (``1404/06/05``, any digits); responses give
both. The views parse, call one service, commit once; the rules and their refusals
(``{"error": reason, "message": Persian}``) are the services'.
"""
import math
import re

from flask import g, jsonify, request
from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy import select

from ..api import bp
from ..api.auth import token_required
from ..api.errors import ApiError, json_body
from ..events import services as events
from ..events.models import Event, Official
from ..extensions import begin_write, db
from ..jalali import JalaliError, format_date, gregorian_from_any, iso_instant
from ..ngos.models import Ngo
from ..persian import to_latin_digits, to_persian_digits
from . import services
from .models import Award, AwardKind
from .routes import verify_url

MAX_ID = 2**31 - 1
MAX_BULK = 500
DEFAULT_PER_PAGE, MAX_PER_PAGE = 100, 500

LABELS = {
    "kind": "نوع (kind)",
    "ngo_id": "شناسهٔ سمن (ngo_id)",
    "ngo_ids": "شناسه‌های سمن‌ها (ngo_ids)",
    "recipient_name": "نام گیرنده",
    "recipient_title": "سمت گیرنده",
    "title": "عنوان",
    "citation": "متن",
    "presented_by": "اهداکننده (presented_by)",
    "presented_by.official_id": "شناسهٔ مقام اهداکننده",
    "presented_by.name": "نام اهداکننده",
    "presented_by.title": "سمت اهداکننده",
    "presented_by_title": "سمت اهداکننده",
    "awarded_on": "تاریخ اهدا (awarded_on)",
    "allow_other_ngos": "allow_other_ngos",
    "min_days": "کمینهٔ روزهای حضور (min_days)",
    "reason": "علت ابطال",
    "page": "شمارهٔ صفحه",
    "per_page": "تعداد در هر صفحه",
    "include_revoked": "include_revoked",
}
INVALID = {
    "missing": "{label} را بفرستید.",
    "text": "{label} باید متن باشد.",
    "integer": "{label} باید عدد صحیح مثبت باشد.",
    "boolean": "{label} باید true یا false باشد.",
    "choice": "{label} باید یکی از این‌ها باشد: {choices}.",
    "list": "{label} باید فهرستی از شناسه‌ها باشد، حداکثر {max} مورد.",
    "presenter": "{label} را شناسهٔ یکی از مقامات رویداد، یک نام، یا شیء {{\"official_id\"}} یا {{\"name\", \"title\"}} بفرستید.",
}


def _invalid(field: str, problem: str, **details) -> ApiError:
    return ApiError(400, "invalid", INVALID[problem].format(label=LABELS.get(field, field), **details),
                    field=field)


def _text(data: dict, field: str) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid(field, "text")
    return value


def _id(value, field: str, *, required=False) -> int | None:
    if value is None or value == "":
        if required:
            raise _invalid(field, "missing")
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", to_latin_digits(value)):
        value = int(to_latin_digits(value))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise _invalid(field, "integer")
    return value


def _boolean(data: dict, field: str) -> bool:
    value = data.get(field)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _invalid(field, "boolean")
    return value


def _kind(data: dict, *, default=None) -> AwardKind:
    value = data.get("kind", default)
    if value is None:
        raise _invalid("kind", "missing")
    if not isinstance(value, str) or value not in {k.value for k in AwardKind}:
        raise _invalid("kind", "choice", choices="، ".join(k.value for k in AwardKind))
    return AwardKind(value)


def _awarded_on(data: dict):
    """A Gregorian ISO date becomes a date; anything else goes to the service as Jalali text
    (it refuses dates that do not exist, in Persian)."""
    value = data.get("awarded_on")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _invalid("awarded_on", "text")
    text = to_latin_digits(value).strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) and int(text[:4]) >= 1700:
        try:
            return gregorian_from_any(text)
        except JalaliError as error:
            raise ApiError(400, "invalid_date", error.message, field="awarded_on") from None
    return text


def _official(event: Event, official_id: int) -> Official:
    official = db.session.get(Official, official_id)
    if official is None or official.event_id != event.id:
        raise services.AwardError(services.AwardReason.official_not_of_event)
    return official


def _presenter(event: Event, data: dict):
    """presented_by: an official's id, a name (with presented_by_title), or an object."""
    value = data.get("presented_by")
    title = _text(data, "presented_by_title")
    if value is None or value == "":
        return services.Presenter(title=title) if title else None
    if isinstance(value, bool):
        raise _invalid("presented_by", "presenter")
    if isinstance(value, int):
        return _official(event, _id(value, "presented_by"))
    if isinstance(value, str):
        return services.Presenter(name=value, title=title)
    if isinstance(value, dict):
        if value.get("official_id") is not None:
            return _official(event, _id(value.get("official_id"), "presented_by.official_id"))
        name, title = value.get("name") or "", value.get("title") or ""
        if not isinstance(name, str) or not isinstance(title, str):
            raise _invalid("presented_by", "presenter")
        return services.Presenter(name=name, title=title)
    raise _invalid("presented_by", "presenter")


def _ngos(ids, field="ngo_ids") -> list[Ngo]:
    if not ids:
        return []
    ngos = db.session.scalars(select(Ngo).where(Ngo.id.in_(set(ids)))).all()
    unknown = sorted(set(ids) - {n.id for n in ngos})
    if unknown:
        raise ApiError(400, "unknown_ngo", "سمنی با این شناسه‌ها پیدا نشد: " +
                       "، ".join(to_persian_digits(i) for i in unknown), field=field,
                       unknown=unknown)
    return list(ngos)


# --- loading ---------------------------------------------------------------------------------

def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not events.can_view(g.api_user, event):
        raise ApiError(404, "not_found", "رویداد پیدا نشد.")
    if not events.can_manage(g.api_user, event):
        raise ApiError(403, "forbidden", "فقط برگزارکنندگان این رویداد به لوح‌ها و گواهی‌های آن دسترسی دارند.")
    return event


def _award(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not events.can_view(g.api_user, award.event):
        raise ApiError(404, "not_found", "لوح یا گواهی پیدا نشد.")
    _event(award.event_id)
    return award


# --- what goes out -------------------------------------------------------------------------


def award_json(award: Award) -> dict:
    return {
        "id": award.id,
        "verification_code": award.verification_code,
        "verify_url": verify_url(award.verification_code),
        "event_id": award.event_id,
        "kind": award.kind.value,
        "kind_label": award.kind.label,
        "title": award.title,
        "citation": award.citation,
        "ngo_id": award.ngo_id,
        "ngo": ({"id": award.ngo.id, "name": award.ngo.name,
                 "registration_no": award.ngo.registration_no} if award.ngo else None),
        "recipient_name": award.recipient_name,
        "recipient_title": award.recipient_title,
        "registration_id": award.registration_id,
        "presented_by": {"official_id": award.presented_by_official_id,
                         "name": award.presented_by_name, "title": award.presented_by_title},
        "awarded_on": award.awarded_on.isoformat(),
        "awarded_on_jalali": format_date(award.awarded_on, "long"),
        "created_at": iso_instant(award.created_at),
        "revoked": award.is_revoked,
        "revoked_at": iso_instant(award.revoked_at),
        "revoked_by": award.revoked_by.username if award.revoked_by else None,
        "revoke_reason": award.revoke_reason,
    }


# --- OpenAPI shapes ----------------------------------------------------------------------------

KINDS = [k.value for k in AwardKind]


class AwardPresenterSchema(Schema):
    official_id = fields.Integer(allow_none=True, metadata={"description": "one of the event's officials"})
    name = fields.String()
    title = fields.String()


class AwardNgoSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    registration_no = fields.String()


class AwardSchema(Schema):
    id = fields.Integer()
    verification_code = fields.String(metadata={"description": "random, 20 characters"})
    verify_url = fields.Url(metadata={"description": "the public page /awards/verify/<code>"})
    event_id = fields.Integer()
    kind = fields.String(validate=OneOf(KINDS))
    kind_label = fields.String()
    title = fields.String()
    citation = fields.String()
    ngo_id = fields.Integer(allow_none=True)
    ngo = fields.Nested(AwardNgoSchema, allow_none=True)
    recipient_name = fields.String()
    recipient_title = fields.String()
    registration_id = fields.Integer(allow_none=True, metadata={"description": "certificates of attendance"})
    presented_by = fields.Nested(AwardPresenterSchema)
    awarded_on = fields.Date()
    awarded_on_jalali = fields.String(metadata={"example": "پنجشنبه ۵ شهریور ۱۴۰۴"})
    created_at = fields.DateTime()
    revoked = fields.Boolean()
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True, metadata={"description": "username"})
    revoke_reason = fields.String()


class AwardWrittenSchema(AwardSchema):
    warnings = fields.List(fields.String(), metadata={"description": "Persian, e.g. NGOs that were not at the event"})


class AwardFieldsSchema(Schema):
    title = fields.String(metadata={"description": "default: the kind's name, e.g. لوح تقدیر"})
    citation = fields.String()
    presented_by = fields.Raw(metadata={"description": "an official's id, a name, {official_id} or {name, title}"})
    presented_by_title = fields.String(metadata={"description": "with presented_by as a name"})
    awarded_on = fields.String(metadata={
        "description": "YYYY-MM-DD (Gregorian) or YYYY/MM/DD (Jalali); default the event's last day, or today if earlier",
        "example": "1404/06/05"})


class AwardCreateSchema(AwardFieldsSchema):
    kind = fields.String(required=True, validate=OneOf(KINDS))
    ngo_id = fields.Integer(metadata={"description": "the NGO honoured, or the one the person represents"})
    recipient_name = fields.String(metadata={"description": "a person; with ngo_id, on behalf of it"})
    recipient_title = fields.String()
    allow_other_ngos = fields.Boolean(metadata={"description": "accept an NGO not registered at the event (with a warning)"})


class AwardBulkSchema(AwardFieldsSchema):
    ngo_ids = fields.List(fields.Integer(), required=True)
    kind = fields.String(validate=OneOf(KINDS), metadata={"default": "plaque"})
    allow_other_ngos = fields.Boolean()


class AwardBulkResultSchema(Schema):
    awards = fields.List(fields.Nested(AwardSchema))
    warnings = fields.List(fields.String())


class AwardPageSchema(Schema):
    awards = fields.List(fields.Nested(AwardSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class CertificatesInputSchema(AwardFieldsSchema):
    min_days = fields.Integer(metadata={"description": "distinct days checked in; default every day"})


class CertificatesResultSchema(Schema):
    created = fields.Integer()
    already = fields.Integer(metadata={"description": "had a certificate already (skipped)"})
    too_few_days = fields.Integer()
    min_days = fields.Integer()
    days = fields.Integer()
    awards = fields.List(fields.Nested(AwardSchema))


class AwardRevokeSchema(Schema):
    reason = fields.String(required=True)


ERRORS = """
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
          description: no such event (or award), or one the caller may not see
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
"""
REFUSALS = ("no_recipient, ngo_not_at_event, official_not_of_event, invalid_date, "
            "date_before_event, date_in_future, event_not_held, event_not_started, too_long, "
            "invalid, unknown_ngo; 409 duplicate")


def documented(doc: str):
    def decorate(view):
        view.__doc__ = doc + ERRORS
        return view
    return decorate


# --- endpoints -----------------------------------------------------------------------------

@bp.route("/events/<id:event_id>/awards", methods=["POST"])
@documented(f"""Give one award: to an NGO, a person, or a person on behalf of an NGO.
    ---
    post:
      summary: Give an award
      security: [{{bearer: []}}]
      parameters:
        - {{in: path, name: event_id, required: true, schema: {{type: integer}}}}
      requestBody:
        required: true
        content:
          application/json:
            schema: AwardCreateSchema
      responses:
        201:
          description: the award, with its verification code and URL
          content:
            application/json:
              schema: AwardWrittenSchema
        400:
          description: "{REFUSALS}"
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}""")
@token_required("organizer", "admin")
def create_award(event_id):
    event = _event(event_id)
    data = json_body()
    kind = _kind(data)
    ngo_id = _id(data.get("ngo_id"), "ngo_id")
    ngo = _ngos([ngo_id], "ngo_id")[0] if ngo_id else None
    given = services.give_award(
        db.session, event, kind=kind, ngo=ngo, recipient_name=_text(data, "recipient_name"),
        recipient_title=_text(data, "recipient_title"), title=_text(data, "title"),
        citation=_text(data, "citation"), presented_by=_presenter(event, data),
        awarded_on=_awarded_on(data), actor=g.api_user,
        allow_other_ngos=_boolean(data, "allow_other_ngos"))
    db.session.commit()
    return jsonify({**award_json(given.award), "warnings": given.warnings}), 201


@bp.route("/events/<id:event_id>/awards/bulk", methods=["POST"])
@documented(f"""Give the same award, with the same text, to each of several NGOs: all or none.
    ---
    post:
      summary: Give an award to several NGOs
      security: [{{bearer: []}}]
      parameters:
        - {{in: path, name: event_id, required: true, schema: {{type: integer}}}}
      requestBody:
        required: true
        content:
          application/json:
            schema: AwardBulkSchema
      responses:
        201:
          description: the awards, one per NGO
          content:
            application/json:
              schema: AwardBulkResultSchema
        400:
          description: "no_ngos, {REFUSALS}"
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Error"}}""")
@token_required("organizer", "admin")
def create_awards_bulk(event_id):
    event = _event(event_id)
    data = json_body()
    raw = data.get("ngo_ids")
    if not isinstance(raw, list) or len(raw) > MAX_BULK:
        raise _invalid("ngo_ids", "list", max=to_persian_digits(MAX_BULK))
    ngos = _ngos([_id(v, "ngo_ids", required=True) for v in raw])
    given = services.give_bulk(
        db.session, event, ngos, kind=_kind(data, default="plaque"), title=_text(data, "title"),
        citation=_text(data, "citation"), presented_by=_presenter(event, data),
        awarded_on=_awarded_on(data), actor=g.api_user,
        allow_other_ngos=_boolean(data, "allow_other_ngos"))
    db.session.commit()
    return jsonify({"awards": [award_json(a) for a in given.awards],
                    "warnings": given.warnings}), 201


@bp.route("/events/<id:event_id>/awards", methods=["GET"])
@documented("""An event's awards, revoked ones included (marked), honours before certificates.
    ---
    get:
      summary: List an event's awards
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
        - {in: query, name: kind, schema: {type: string, enum: [plaque, statuette, certificate, letter, other]}}
        - {in: query, name: include_revoked, schema: {type: boolean, default: true}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 500, default: 100}}
      responses:
        200:
          description: a page of awards
          content:
            application/json:
              schema: AwardPageSchema
        400:
          description: invalid (a bad filter)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}""")
@token_required("organizer", "admin")
def list_awards(event_id):
    event = _event(event_id)
    args = request.args
    kind = _kind(dict(args), default=None) if args.get("kind") else None
    include = args.get("include_revoked", "true").lower()
    if include not in ("true", "false", "1", "0"):
        raise _invalid("include_revoked", "boolean")
    page = _id(args.get("page"), "page") or 1
    per_page = min(_id(args.get("per_page"), "per_page") or DEFAULT_PER_PAGE, MAX_PER_PAGE)
    awards = services.event_awards(db.session, event, kind=kind,
                                   live_only=include in ("false", "0"))
    total = len(awards)
    chunk = awards[(page - 1) * per_page: page * per_page]
    return jsonify({"awards": [award_json(a) for a in chunk], "page": page, "per_page": per_page,
                    "total": total, "pages": math.ceil(total / per_page) if total else 0})


@bp.route("/events/<id:event_id>/certificates", methods=["POST"])
@documented("""Certificates of attendance for everyone checked in on at least min_days distinct
    days (default: every day of the event); nobody else gets one. Running it again gives
    certificates only to those who have none yet.
    ---
    post:
      summary: Give certificates of attendance
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: CertificatesInputSchema
      responses:
        201:
          description: certificates were given
          content:
            application/json:
              schema: CertificatesResultSchema
        200:
          description: nothing new to give (counts say why)
          content:
            application/json:
              schema: CertificatesResultSchema
        400:
          description: min_days_invalid, official_not_of_event, invalid_date, event_not_held, event_not_started, invalid
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}""")
@token_required("organizer", "admin")
def create_certificates(event_id):
    _event(event_id)
    data = json_body() if request.get_data(cache=True) else {}
    min_days = _id(data.get("min_days"), "min_days")
    begin_write(db.session)
    event = db.session.get(Event, event_id)
    run = services.certificates_for_attendance(
        db.session, event, min_days, title=_text(data, "title"), citation=_text(data, "citation"),
        presented_by=_presenter(event, data), awarded_on=_awarded_on(data), actor=g.api_user)
    db.session.commit()
    return jsonify({"created": run.created, "already": run.already,
                    "too_few_days": run.too_few_days, "min_days": run.min_days, "days": run.days,
                    "awards": [award_json(a) for a in run.awards]}), 201 if run.created else 200


@bp.route("/awards/<id:award_id>/revoke", methods=["POST"])
@documented("""Revoke an award. The record stays, with who revoked it, when and why; its
    verification page then says it is revoked.
    ---
    post:
      summary: Revoke an award
      security: [{bearer: []}]
      parameters:
        - {in: path, name: award_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: AwardRevokeSchema
      responses:
        200:
          description: the revoked award
          content:
            application/json:
              schema: AwardSchema
        400:
          description: reason_required, too_long, invalid
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        409:
          description: already_revoked
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}""")
@token_required("organizer", "admin")
def revoke_award(award_id):
    award = _award(award_id)
    data = json_body()
    services.revoke(db.session, award, reason=_text(data, "reason"), actor=g.api_user)
    db.session.commit()
    return jsonify(award_json(award))

