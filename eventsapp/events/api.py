"""Events in the JSON API: create, change, publish, cancel, postpone, list and read.

Dates are ISO 8601 Gregorian in and out; an event day is a local Asia/Tehran date and wall-clock
times, and instants carry their offset (a naive instant sent in is taken as Tehran local time).
Responses add the Jalali rendering. The views parse and look things up, call one service,
commit once; every rule is the services' (their refusals become ``{"error", "message"}``).
"""
import math
import re
from datetime import date, datetime

from flask import g, jsonify, request, url_for
from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..accounts.models import OrganizingBody, Role
from ..api import bp
from ..api.auth import token_required
from ..api.errors import ApiError, json_body, optional_json_body
from ..extensions import db
from ..jalali import (MAX_YEAR, MIN_YEAR, JalaliError, format_date, format_datetime, format_time,
                      gregorian_from_any, iso_instant, local_datetime, parse_time, to_utc)
from ..ngos.models import Ngo
from ..persian import normalize_text, to_latin_digits, to_persian_digits
from ..places.services import find_county, find_province
from . import services
from .models import Audience, Event, EventKind, EventStatus, Invitation, Occasion, OfficialRole

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_COUNT = 1_000_000  # capacities and quotas; keeps numbers inside the database's integer
MAX_ID = 2**31 - 1  # larger ids exist nowhere and would overflow the database's integer
MAX_OFFICIALS = 30
MAX_INVITED = 5000
# Gregorian years whose Jalali year lies within what jalali.py accepts.
MIN_GREGORIAN_YEAR, MAX_GREGORIAN_YEAR = MIN_YEAR + 622, MAX_YEAR + 620

TEXT_LIMITS = {"title": 250, "topic": 250, "description": 5000, "venue.name": 200,
               "venue.address": 400, "officials.name": 150, "officials.title": 250, "reason": 500,
               "invited_ngos": 30}
CREATE_STATUSES = (EventStatus.draft, EventStatus.published)

# --- Persian messages for what the API itself refuses (the services' are in EventError) -------

FIELD_LABELS = {
    "body_id": "نهاد برگزارکننده (body_id)",
    "kind": "نوع رویداد",
    "title": "عنوان",
    "topic": "موضوع",
    "description": "توضیح",
    "venue": "محل برگزاری",
    "venue.name": "نام محل برگزاری",
    "venue.address": "نشانی محل برگزاری",
    "venue.province": "استان محل برگزاری",
    "venue.county": "شهرستان محل برگزاری",
    "days": "روزها",
    "days.date": "تاریخ روز",
    "days.start": "ساعت آغاز",
    "days.end": "ساعت پایان",
    "capacity": "ظرفیت",
    "per_ngo_quota": "سهم هر سمن",
    "audience": "مخاطبان",
    "audience_province": "استانِ مخاطبان",
    "audience_county": "شهرستانِ مخاطبان",
    "invited_ngos": "شماره‌های ثبت سمن‌های دعوت‌شده",
    "requires_approval": "نیاز به تأیید ثبت‌نام",
    "registration_opens_at": "آغاز ثبت‌نام",
    "registration_closes_at": "پایان ثبت‌نام",
    "occasion_id": "مناسبت",
    "officials": "مقامات و سخنرانان",
    "officials.name": "نام مقام یا سخنران",
    "officials.title": "سمت مقام یا سخنران",
    "officials.role": "نقش مقام یا سخنران",
    "status": "وضعیت",
    "reason": "علت",
    "from": "از تاریخ",
    "to": "تا تاریخ",
    "province": "استان",
    "page": "شمارهٔ صفحه",
    "per_page": "تعداد در هر صفحه",
}

INVALID = {
    "missing": "{label} را بفرستید.",
    "text": "{label} باید متن باشد.",
    "too_long": "{label} حداکثر {max} نویسه می‌تواند داشته باشد.",
    "integer": "{label} باید عدد صحیح باشد.",
    "too_large": "{label} بیش از اندازه بزرگ است.",
    "positive": "{label} باید عددی بزرگ‌تر از صفر باشد.",
    "boolean": "{label} باید true یا false باشد.",
    "choice": "{label} باید یکی از این‌ها باشد: {choices}.",
    "object": "{label} باید یک شیء JSON باشد.",
    "list": "{label} باید یک فهرست (آرایهٔ JSON) باشد.",
    "too_many": "{label} حداکثر {max} مورد می‌تواند داشته باشد.",
    "reference": "{label} را با نام، کد یا شناسه بفرستید.",
    "range": "«تا تاریخ» نمی‌تواند پیش از «از تاریخ» باشد.",
    "not_changeable": "{label} رویداد را نمی‌توان تغییر داد.",
}

MESSAGES = {
    "instant": "زمان را به شکل ISO 8601 بفرستید، مانند 2019-08-01T09:00:00+04:30 "
               "(بدون اختلاف ساعت، به وقت تهران خوانده می‌شود).",
    "year": "سال {year} پذیرفته نیست؛ تاریخ میلادی باید میان سال‌های {min} و {max} باشد.",
    "unknown_province": "استانی با «{value}» پیدا نشد؛ نام، کد یا شناسهٔ یک استان را بفرستید.",
    "unknown_county": "شهرستانی با «{value}» پیدا نشد؛ نام یا شناسهٔ یک شهرستان را بفرستید.",
    "unknown_occasion": "مناسبتی با شناسهٔ {value} پیدا نشد.",
    "unknown_body": "نهاد برگزارکننده‌ای با شناسهٔ {value} پیدا نشد.",
    "unknown_ngo": "این شماره‌های ثبت به هیچ سمنی نمی‌خورد: {numbers}",
    "no_body": "حساب شما به هیچ نهاد برگزارکننده‌ای وصل نیست.",
    "other_body": "رویداد را فقط برای نهاد خودتان می‌توانید بسازید.",
    "not_manager": "اجازهٔ تغییر این رویداد را ندارید؛ آن را نهاد دیگری برگزار می‌کند.",
}


def _label(field: str) -> str:
    return FIELD_LABELS.get(re.sub(r"\[\d+\]", "", field), field)


def _invalid(field: str, problem: str, **details) -> ApiError:
    message = INVALID[problem].format(label=_label(field), **details)
    return ApiError(400, "invalid", message, field=field)


def _refused(error: str, field: str, **details) -> ApiError:
    return ApiError(400, error, MESSAGES[error].format(**details), field=field)


# --- parsing what comes in -----------------------------------------------------------------

def _text(value, field, *, required=False) -> str:
    if value is None:
        if required:
            raise _invalid(field, "missing")
        return ""
    if not isinstance(value, str):
        raise _invalid(field, "text")
    limit = TEXT_LIMITS.get(re.sub(r"\[\d+\]", "", field))
    stored = value.strip() if field == "description" else normalize_text(value)
    if limit and len(stored) > limit:
        raise _invalid(field, "too_long", max=to_persian_digits(limit))
    return value


def _integer(value, field, *, required=False, maximum=MAX_COUNT) -> int | None:
    if value is None:
        if required:
            raise _invalid(field, "missing")
        return None
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", to_latin_digits(value.strip())):
        value = int(to_latin_digits(value.strip()))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, "integer")
    if abs(value) > maximum:
        raise _invalid(field, "too_large")
    return value


def _boolean(value, field) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _invalid(field, "boolean")
    return value


def _choice(value, enum_cls, field, *, allowed=None, required=False):
    allowed = list(allowed or enum_cls)
    if value is None:
        if required:
            raise _invalid(field, "missing")
        return None
    if not isinstance(value, str) or value not in {m.value for m in allowed}:
        raise _invalid(field, "choice", choices="، ".join(m.value for m in allowed))
    return enum_cls(value)


def _object(value, field, *, required=False) -> dict | None:
    if value is None:
        if required:
            raise _invalid(field, "missing")
        return None
    if not isinstance(value, dict):
        raise _invalid(field, "object")
    return value


def _list(value, field, *, required=False, maximum=None) -> list:
    if value is None:
        if required:
            raise _invalid(field, "missing")
        return []
    if not isinstance(value, list):
        raise _invalid(field, "list")
    if maximum is not None and len(value) > maximum:
        raise _invalid(field, "too_many", max=to_persian_digits(maximum))
    return value


def _check_year(d: date, field: str) -> date:
    if not MIN_GREGORIAN_YEAR <= d.year <= MAX_GREGORIAN_YEAR:
        raise ApiError(400, "invalid_date", MESSAGES["year"].format(
            year=to_persian_digits(d.year), min=to_persian_digits(MIN_GREGORIAN_YEAR),
            max=to_persian_digits(MAX_GREGORIAN_YEAR)), field=field)
    return d


def _date(value, field, *, required=True) -> date | None:
    if value is None and not required:
        return None
    if value is not None and not isinstance(value, str):
        raise _invalid(field, "text")
    try:
        return _check_year(gregorian_from_any(value or ""), field)
    except JalaliError as error:
        raise ApiError(400, "invalid_date", error.message, field=field) from None


def _time(value, field):
    if value is not None and not isinstance(value, str):
        raise _invalid(field, "text")
    try:
        return parse_time(value or "")
    except JalaliError as error:
        raise ApiError(400, "invalid_time", error.message, field=field) from None


def _instant(value, field) -> datetime | None:
    """An ISO 8601 instant; with an offset as given, without one in Tehran local time → UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _invalid(field, "text")
    try:
        parsed = datetime.fromisoformat(to_latin_digits(value).strip())
    except ValueError:
        raise ApiError(400, "invalid_date", MESSAGES["instant"], field=field) from None
    _check_year(parsed.date(), field)
    if parsed.tzinfo is None:
        parsed = local_datetime(parsed.date(), parsed.time())
    return to_utc(parsed)


def _reference(value, field):
    """An id (int) or a name or code (str), as find_province/find_county take them."""
    if isinstance(value, bool) or not isinstance(value, (int, str, type(None))):
        raise _invalid(field, "reference")
    if isinstance(value, str):
        value = to_latin_digits(value).strip()
        if re.fullmatch(r"[0-9]+", value):
            value = int(value)
    return None if value in (None, "") else value


def _plausible(value) -> bool:
    """False for ids no row can have (they would overflow the database's integer)."""
    return not isinstance(value, int) or 0 < value <= MAX_ID


def _province(session, value, field):
    value = _reference(value, field)
    if value is None:
        return None
    province = find_province(session, value) if _plausible(value) else None
    if province is None:
        raise _refused("unknown_province", field, value=value)
    return province


def _county(session, value, field, province):
    value = _reference(value, field)
    if value is None:
        return None
    county = None
    if _plausible(value):
        # A county of another province is passed on: the service refuses it as county_mismatch.
        county = find_county(session, value, province) or find_county(session, value)
    if county is None:
        raise _refused("unknown_county", field, value=value)
    return county


def _invited(session, value) -> list[Ngo]:
    numbers = []
    for i, item in enumerate(_list(value, "invited_ngos", maximum=MAX_INVITED)):
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        numbers.append(normalize_text(_text(item, f"invited_ngos[{i}]", required=True)))
    if not numbers:
        return []
    ngos = list(session.scalars(select(Ngo).where(Ngo.registration_no.in_(set(numbers)))))
    unknown = sorted(set(numbers) - {n.registration_no for n in ngos})
    if unknown:
        raise ApiError(400, "unknown_ngo", MESSAGES["unknown_ngo"].format(numbers="، ".join(unknown)),
                       field="invited_ngos", unknown=unknown)
    return ngos


def _occasion(session, value):
    occasion_id = _integer(value, "occasion_id", maximum=MAX_ID)
    if occasion_id is None:
        return None
    occasion = session.get(Occasion, occasion_id) if occasion_id > 0 else None
    if occasion is None:
        raise _refused("unknown_occasion", "occasion_id", value=occasion_id)
    return occasion


def event_input(session, data: dict) -> services.EventInput:
    """The parsed event from an API body; ApiError (400) names the first bad field."""
    kind = _choice(data.get("kind"), EventKind, "kind", required=True)
    title = _text(data.get("title"), "title", required=True)
    venue = _object(data.get("venue"), "venue", required=True)
    province = _province(session, venue.get("province"), "venue.province")
    days = []
    for i, day in enumerate(_list(data.get("days"), "days", required=True)):
        day = _object(day, f"days[{i}]", required=True)
        days.append(services.DayInput(_date(day.get("date"), f"days[{i}].date"),
                                      _time(day.get("start"), f"days[{i}].start"),
                                      _time(day.get("end"), f"days[{i}].end")))
    officials = []
    for i, official in enumerate(_list(data.get("officials"), "officials", maximum=MAX_OFFICIALS)):
        official = _object(official, f"officials[{i}]", required=True)
        officials.append(services.OfficialInput(
            name=_text(official.get("name"), f"officials[{i}].name", required=True),
            title=_text(official.get("title"), f"officials[{i}].title"),
            role=_choice(official.get("role"), OfficialRole, f"officials[{i}].role")
            or OfficialRole.speaker))
    audience_province = _province(session, data.get("audience_province"), "audience_province")
    return services.EventInput(
        kind=kind,
        title=title,
        topic=_text(data.get("topic"), "topic"),
        description=_text(data.get("description"), "description"),
        venue_name=_text(venue.get("name"), "venue.name", required=True),
        venue_address=_text(venue.get("address"), "venue.address"),
        province=province,
        county=_county(session, venue.get("county"), "venue.county", province),
        days=days,
        capacity=_integer(data.get("capacity"), "capacity", required=True),
        per_ngo_quota=_integer(data.get("per_ngo_quota"), "per_ngo_quota"),
        registration_opens_at=_instant(data.get("registration_opens_at"), "registration_opens_at"),
        registration_closes_at=_instant(data.get("registration_closes_at"), "registration_closes_at"),
        audience=_choice(data.get("audience"), Audience, "audience") or Audience.all,
        audience_province=audience_province,
        audience_county=_county(session, data.get("audience_county"), "audience_county",
                                audience_province),
        invited_ngos=_invited(session, data.get("invited_ngos")),
        requires_approval=_boolean(data.get("requires_approval"), "requires_approval"),
        occasion=_occasion(session, data.get("occasion_id")),
        officials=officials,
    )


def _as_input_fields(event: Event) -> dict:
    """The event as an API body, for PATCH to merge changes onto."""
    def clock(t):
        return t.isoformat(timespec="seconds" if t.second else "minutes")

    return {
        "kind": event.kind.value, "title": event.title, "topic": event.topic,
        "description": event.description,
        "venue": {"name": event.venue.name, "address": event.venue.address,
                  "province": event.venue.province_id, "county": event.venue.county_id},
        "days": [{"date": d.date.isoformat(), "start": clock(d.start_time), "end": clock(d.end_time)}
                 for d in event.days],
        "capacity": event.capacity, "per_ngo_quota": event.per_ngo_quota,
        "registration_opens_at": iso_instant(event.registration_opens_at),
        "registration_closes_at": iso_instant(event.registration_closes_at),
        "audience": event.audience.value,
        "audience_province": event.audience_province_id,
        "audience_county": event.audience_county_id,
        "invited_ngos": [i.ngo.registration_no for i in event.invitations],
        "requires_approval": event.requires_approval,
        "occasion_id": event.occasion_id,
        "officials": [{"name": o.name, "title": o.title, "role": o.role.value} for o in event.officials],
    }


def _merged(event: Event, patch: dict) -> dict:
    merged = _as_input_fields(event)
    for key, value in patch.items():
        if key == "venue" and isinstance(value, dict):
            venue = dict(merged["venue"])
            if "province" in value and "county" not in value:
                venue["county"] = None  # a new province without a county: none, not the old one
            venue.update(value)
            merged["venue"] = venue
        elif key in merged:
            merged[key] = value
    if "audience_province" in patch and "audience_county" not in patch:
        merged["audience_county"] = None
    return merged


# --- what goes out -------------------------------------------------------------------------


def _ref(obj) -> dict | None:
    return {"id": obj.id, "name": obj.name} if obj is not None else None


def _clock(t) -> str:
    return t.strftime("%H:%M")


def event_url(event: Event) -> str:
    try:
        return url_for("events.detail", event_id=event.id, _external=True)
    except BuildError:  # the page route not (yet) registered
        return f"{request.url_root.rstrip('/')}/events/{event.id}"


def event_json(event: Event, user=None) -> dict:
    days = event.days
    first, last = days[0], days[-1]
    span = format_date(first.date, "long")
    if last.date != first.date:
        span += " تا " + format_date(last.date, "long")
    out = {
        "id": event.id,
        "kind": event.kind.value,
        "kind_label": event.kind.label,
        "title": event.title,
        "topic": event.topic,
        "description": event.description,
        "status": event.status.value,
        "status_label": event.status.label,
        "status_reason": event.status_reason,
        "body": _ref(event.body),
        "venue": {"name": event.venue.name, "address": event.venue.address,
                  "province": _ref(event.venue.province), "county": _ref(event.venue.county)},
        "days": [{
            "date": d.date.isoformat(),
            "start": _clock(d.start_time),
            "end": _clock(d.end_time),
            "starts_at": local_datetime(d.date, d.start_time).isoformat(),
            "ends_at": local_datetime(d.date, d.end_time).isoformat(),
            "jalali": format_date(d.date, "long"),
            "jalali_hours": f"{format_time(d.start_time)} تا {format_time(d.end_time)}",
        } for d in days],
        "starts_at": local_datetime(first.date, first.start_time).isoformat(),
        "ends_at": local_datetime(last.date, last.end_time).isoformat(),
        "capacity": event.capacity,
        "per_ngo_quota": event.per_ngo_quota,
        "audience": event.audience.value,
        "audience_province": _ref(event.audience_province),
        "audience_county": _ref(event.audience_county),
        "requires_approval": event.requires_approval,
        "registration_opens_at": iso_instant(event.registration_opens_at),
        "registration_closes_at": iso_instant(event.registration_closes_at),
        "occasion": _ref(event.occasion),
        "officials": [{"name": o.name, "title": o.title, "role": o.role.value}
                      for o in event.officials],
        "sequence": event.sequence,
        "changed_at": iso_instant(event.changed_at),
        "change_note": event.change_note,
        "updated_at": iso_instant(event.updated_at),
        "url": event_url(event),
        "jalali": {
            "starts_on": format_date(first.date, "long"),
            "ends_on": format_date(last.date, "long"),
            "dates": span,
            "registration_opens_at": format_datetime(event.registration_opens_at) or None,
            "registration_closes_at": format_datetime(event.registration_closes_at) or None,
        },
    }
    if user is not None and services.can_manage(user, event):
        out["invited_ngos"] = [i.ngo.registration_no for i in event.invitations]
    return out


def _written(event: Event, conflicts, status: int):
    body = event_json(event, g.api_user)
    body["warnings"] = [c.message for c in conflicts]
    return jsonify(body), status


# --- loading and permissions -------------------------------------------------------------------

def _not_found() -> ApiError:
    return ApiError(404, "not_found", "رویداد پیدا نشد.")


def _load(event_id: int) -> Event:
    """The event the caller may see; 404 for an unknown one and for another body's draft."""
    event = db.session.get(Event, event_id)
    if event is None or not services.can_view(g.api_user, event):
        raise _not_found()
    return event


def _load_managed(event_id: int) -> Event:
    event = _load(event_id)
    if not services.can_manage(g.api_user, event):
        raise ApiError(403, "forbidden", MESSAGES["not_manager"])
    return event


def _body_for_new_event(data: dict) -> OrganizingBody:
    user = g.api_user
    body_id = _integer(data.get("body_id"), "body_id", maximum=MAX_ID)
    if user.role == Role.admin:
        if body_id is None:
            raise _invalid("body_id", "missing")
        body = db.session.get(OrganizingBody, body_id) if body_id > 0 else None
        if body is None:
            raise _refused("unknown_body", "body_id", value=body_id)
        return body
    if user.body is None:
        raise ApiError(403, "forbidden", MESSAGES["no_body"])
    if body_id is not None and body_id != user.body_id:
        raise ApiError(403, "forbidden", MESSAGES["other_body"])
    return user.body


def _status_reason(data: dict) -> str:
    return _text(data.get("reason"), "reason")


# --- OpenAPI shapes (documentation of the JSON below) --------------------------------------

KINDS = [k.value for k in EventKind]
AUDIENCES = [a.value for a in Audience]
ROLES = [r.value for r in OfficialRole]


class EventRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class EventVenueInputSchema(Schema):
    name = fields.String(required=True)
    address = fields.String()
    province = fields.String(required=True, metadata={"description": "id, code or Persian name"})
    county = fields.String(allow_none=True, metadata={"description": "id or Persian name"})


class EventDayInputSchema(Schema):
    date = fields.Date(required=True, metadata={"example": "2019-08-14"})
    start = fields.String(required=True, metadata={"example": "09:30",
                                                   "description": "Tehran wall-clock time"})
    end = fields.String(required=True, metadata={"example": "17:00"})


class EventOfficialSchema(Schema):
    name = fields.String(required=True)
    title = fields.String()
    role = fields.String(validate=OneOf(ROLES), metadata={"default": "speaker"})


class EventFieldsSchema(Schema):
    """Any of an event's fields (PATCH merges them onto the event)."""

    kind = fields.String(validate=OneOf(KINDS))
    title = fields.String()
    topic = fields.String()
    description = fields.String()
    venue = fields.Nested(EventVenueInputSchema)
    days = fields.List(fields.Nested(EventDayInputSchema))
    capacity = fields.Integer()
    per_ngo_quota = fields.Integer(allow_none=True)
    audience = fields.String(validate=OneOf(AUDIENCES))
    audience_province = fields.String(allow_none=True, metadata={"description": "id, code or name"})
    audience_county = fields.String(allow_none=True, metadata={"description": "id or name"})
    invited_ngos = fields.List(fields.String(), metadata={"description": "NGO registration numbers"})
    requires_approval = fields.Boolean()
    registration_opens_at = fields.DateTime(
        allow_none=True, metadata={"description": "ISO 8601; without an offset, Tehran local time"})
    registration_closes_at = fields.DateTime(allow_none=True)
    occasion_id = fields.Integer(allow_none=True)
    officials = fields.List(fields.Nested(EventOfficialSchema))
    status = fields.String(validate=OneOf([s.value for s in CREATE_STATUSES]))


class EventCreateSchema(EventFieldsSchema):
    body_id = fields.Integer(metadata={"description": "the organizing body; admins must send it"})
    kind = fields.String(required=True, validate=OneOf(KINDS))
    title = fields.String(required=True)
    venue = fields.Nested(EventVenueInputSchema, required=True)
    days = fields.List(fields.Nested(EventDayInputSchema), required=True)
    capacity = fields.Integer(required=True)


class EventDaySchema(Schema):
    date = fields.Date()
    start = fields.String(metadata={"example": "09:30"})
    end = fields.String(metadata={"example": "17:00"})
    starts_at = fields.DateTime(metadata={"example": "2019-08-14T09:30:00+04:30"})
    ends_at = fields.DateTime()
    jalali = fields.String(metadata={"example": "چهارشنبه ۲۳ مرداد ۱۳۹۸"})
    jalali_hours = fields.String()


class EventVenueSchema(Schema):
    name = fields.String()
    address = fields.String()
    province = fields.Nested(EventRefSchema)
    county = fields.Nested(EventRefSchema, allow_none=True)


class EventJalaliSchema(Schema):
    starts_on = fields.String()
    ends_on = fields.String()
    dates = fields.String()
    registration_opens_at = fields.String(allow_none=True)
    registration_closes_at = fields.String(allow_none=True)


class EventSchema(Schema):
    id = fields.Integer()
    kind = fields.String(validate=OneOf(KINDS))
    kind_label = fields.String()
    title = fields.String()
    topic = fields.String()
    description = fields.String()
    status = fields.String(validate=OneOf([s.value for s in EventStatus]))
    status_label = fields.String()
    status_reason = fields.String()
    body = fields.Nested(EventRefSchema)
    venue = fields.Nested(EventVenueSchema)
    days = fields.List(fields.Nested(EventDaySchema))
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    capacity = fields.Integer()
    per_ngo_quota = fields.Integer(allow_none=True)
    audience = fields.String(validate=OneOf(AUDIENCES))
    audience_province = fields.Nested(EventRefSchema, allow_none=True)
    audience_county = fields.Nested(EventRefSchema, allow_none=True)
    requires_approval = fields.Boolean()
    registration_opens_at = fields.DateTime(allow_none=True)
    registration_closes_at = fields.DateTime(allow_none=True)
    occasion = fields.Nested(EventRefSchema, allow_none=True)
    officials = fields.List(fields.Nested(EventOfficialSchema))
    sequence = fields.Integer()
    changed_at = fields.DateTime(allow_none=True)
    change_note = fields.String()
    updated_at = fields.DateTime()
    url = fields.Url()
    jalali = fields.Nested(EventJalaliSchema)
    invited_ngos = fields.List(fields.String(), metadata={"description": "only for its managers"})


class EventWrittenSchema(EventSchema):
    warnings = fields.List(fields.String(), metadata={"description": "venue clashes, in Persian"})


class EventPageSchema(Schema):
    events = fields.List(fields.Nested(EventSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class EventStatusInputSchema(Schema):
    reason = fields.String(metadata={"description": "shown to registrants"})


# --- endpoints -----------------------------------------------------------------------------

def _positive(value, field, default) -> int:
    number = _integer(value or None, field, maximum=MAX_ID)
    if number is None:
        return default
    if number < 1:
        raise _invalid(field, "positive")
    return number


@bp.route("/events", methods=["GET"])
@token_required()
def list_events():
    """Public events (published, postponed, cancelled, completed), first day first.
    ---
    get:
      summary: List events
      security: [{bearer: []}]
      parameters:
        - {in: query, name: from, schema: {type: string, format: date}, description: "events ending on or after"}
        - {in: query, name: to, schema: {type: string, format: date}, description: "events starting on or before"}
        - {in: query, name: province, schema: {type: string}, description: "id, code or Persian name"}
        - {in: query, name: kind, schema: {type: string, enum: [workshop, meeting, ceremony, other]}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
      responses:
        200:
          description: a page of events
          content:
            application/json:
              schema: EventPageSchema
        400:
          description: a bad filter (invalid, invalid_date, unknown_province)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    args = request.args
    since = _date(args.get("from"), "from", required=False)
    until = _date(args.get("to"), "to", required=False)
    if since and until and until < since:
        raise _invalid("to", "range")
    province = _province(db.session, args.get("province"), "province")
    kind = _choice(args.get("kind") or None, EventKind, "kind")
    page = _positive(args.get("page"), "page", 1)
    per_page = min(_positive(args.get("per_page"), "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    f = services.EventFilter(province_id=province.id if province else None, kind=kind)
    query = services.public_events(f, since=since, until=until).options(
        selectinload(Event.officials), selectinload(Event.audience_province),
        selectinload(Event.audience_county),
        selectinload(Event.invitations).selectinload(Invitation.ngo))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    return jsonify({
        "events": [event_json(e, g.api_user) for e in result.items],
        "page": page,
        "per_page": per_page,
        "total": result.total,
        "pages": math.ceil(result.total / per_page) if result.total else 0,
    })


@bp.route("/events", methods=["POST"])
@token_required("organizer", "admin")
def create_event():
    """Create an event for the caller's body (admins name it with body_id).
    ---
    post:
      summary: Create an event
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: EventCreateSchema
      responses:
        201:
          description: the event, with Persian warnings about venue clashes
          content:
            application/json:
              schema: EventWrittenSchema
        400:
          description: >
            invalid (with field), invalid_date, invalid_time, unknown_province, unknown_county,
            unknown_ngo, unknown_occasion, unknown_body, or a scheduling refusal such as
            end_before_start, duplicate_day, overlapping_days, capacity_below_one,
            quota_above_capacity, closes_after_start
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the caller may not create events (or not for that body)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    data = json_body()
    body = _body_for_new_event(data)
    status = _choice(data.get("status"), EventStatus, "status", allowed=CREATE_STATUSES)
    parsed = event_input(db.session, data)
    event, conflicts = services.create_event(db.session, body, parsed, actor=g.api_user)
    if status == EventStatus.published:
        services.publish(event)
    db.session.commit()
    return _written(event, conflicts, 201)


EVENT_ID = "{in: path, name: event_id, required: true, schema: {type: integer}}"
# Ids beyond the database's integer are a 404 from the router, not an overflow in the query.
EVENT_URL = "/events/<id:event_id>"


@bp.route(EVENT_URL, methods=["GET"])
@token_required()
def get_event(event_id):
    """One event; drafts only for those who manage them.
    ---
    get:
      summary: Read an event
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: the event
          content:
            application/json:
              schema: EventSchema
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or a draft of another body
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    return jsonify(event_json(_load(event_id), g.api_user))


@bp.route(EVENT_URL, methods=["PATCH"])
@token_required("organizer", "admin")
def patch_event(event_id):
    """Change any of an event's fields; a published event whose days or venue change raises its
    sequence and says so in change_note.
    ---
    patch:
      summary: Change an event
      security: [{bearer: []}]
      parameters:
        - {in: path, name: event_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: EventFieldsSchema
      responses:
        200:
          description: the changed event, with Persian warnings about venue clashes
          content:
            application/json:
              schema: EventWrittenSchema
        400:
          description: >
            invalid (with field), invalid_date, invalid_time, unknown_*, not_editable,
            invalid_transition, or a scheduling refusal as for creating
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the caller may not change this event
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or a draft of another body
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    event = _load_managed(event_id)
    patch = json_body()
    if "body_id" in patch and _integer(patch["body_id"], "body_id", maximum=MAX_ID) != event.body_id:
        raise _invalid("body_id", "not_changeable")
    status = _choice(patch.get("status"), EventStatus, "status", allowed=CREATE_STATUSES)
    parsed = event_input(db.session, _merged(event, patch))
    conflicts = services.update_event(db.session, event, parsed)
    if status is not None and status != event.status:
        services.set_status(event, status)
    db.session.commit()
    return _written(event, conflicts, 200)


def _change_status(event_id, target: EventStatus, *, with_reason: bool):
    event = _load_managed(event_id)
    reason = _status_reason(optional_json_body()) if with_reason else ""
    services.set_status(event, target, reason=reason)
    db.session.commit()
    return jsonify(event_json(event, g.api_user))


STATUS_RESPONSES = """
      responses:
        200:
          description: the event in its new status
          content:
            application/json:
              schema: EventSchema
        400:
          description: invalid_transition, reason_required, invalid
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        403:
          description: the caller may not change this event
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        404:
          description: no such event, or a draft of another body
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
"""
REASON_BODY = """
      requestBody:
        content:
          application/json:
            schema: EventStatusInputSchema
"""


def status_doc(summary: str, *, with_reason: bool):
    """Gives a status endpoint its OpenAPI docstring (the three differ only in these)."""
    def decorate(view):
        view.__doc__ = (f"""{summary}
    ---
    post:
      summary: {summary}
      security: [{{bearer: []}}]
      parameters:
        - {EVENT_ID}
""" + (REASON_BODY if with_reason else "") + STATUS_RESPONSES)
        return view
    return decorate


@bp.route(EVENT_URL + "/publish", methods=["POST"])
@status_doc("Publish an event (a draft, or a postponed one again)", with_reason=False)
@token_required("organizer", "admin")
def publish_event(event_id):
    return _change_status(event_id, EventStatus.published, with_reason=False)


@bp.route(EVENT_URL + "/cancel", methods=["POST"])
@status_doc("Cancel an event; a reason is needed once it is published", with_reason=True)
@token_required("organizer", "admin")
def cancel_event(event_id):
    return _change_status(event_id, EventStatus.cancelled, with_reason=True)


@bp.route(EVENT_URL + "/postpone", methods=["POST"])
@status_doc("Postpone a published event, with a reason", with_reason=True)
@token_required("organizer", "admin")
def postpone_event(event_id):
    return _change_status(event_id, EventStatus.postponed, with_reason=True)
