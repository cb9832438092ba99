"""Reports in the JSON API: the summary of the held events and the NGOs' activity derived from
participation, with the same scope and numbers as the /reports/ pages.

Organizers see their body's events (a provincial office: its province's), admins everything.
``from``/``to`` are ISO Gregorian dates; ``province`` and ``county`` are ids or Persian names.
A province or county that does not exist, a county outside the province and a ``from`` after
``to`` are valid by the schema but refused by the report: 422.
"""
import marshmallow as ma
from flask import g

from ..api import bp
from ..api.auth import token_required
from ..api.errors import ErrorSchema
from ..api.schema import MAX_ID, Date, Enum, QueryInteger, Reference, Schema, add_labels, fields
from ..events.models import EventKind
from ..extensions import db
from ..persian import to_latin_digits
from ..places import services as places
from . import facts, services

add_labels({"from": "آغاز بازه", "to": "پایان بازه", "province": "استان", "county": "شهرستان",
            "body": "نهاد برگزارکننده", "kind": "نوع رویداد", "occasion": "مناسبت", "months": "شمار ماه‌ها"})

REFUSED = ("a filter valid by the schema that the report refuses: " +
           ", ".join(r.value for r in services.FILTER_REASONS))


def ReportDate(**kwargs):  # noqa: N802 (a field factory)
    """``Date`` with the years it takes in the document too (1922–2120, as a pattern); the
    foundation's ``Date`` leaves them out, so a client could not know that 1449 is refused."""
    field = Date(**kwargs)
    field.metadata.setdefault("pattern", YEARS_PATTERN)
    return field


YEARS_PATTERN = r"^(192[2-9]|19[3-9][0-9]|20[0-9][0-9]|21[01][0-9]|2120)-[0-9]{2}-[0-9]{2}$"


class _Query(Schema):
    class Meta:
        unknown = ma.EXCLUDE  # a query string may carry what a browser or proxy added


class ReportSummaryQuery(_Query):
    start = ReportDate(data_key="from", metadata={"description": "first day (ISO Gregorian) of the events' first days"})
    end = ReportDate(data_key="to", metadata={"description": "last day (ISO Gregorian)"})
    province = Reference(max=80, metadata={"description": "province id or Persian name"})
    county = Reference(max=80, metadata={"description": "county id or Persian name"})
    body = QueryInteger(min=1, max=MAX_ID, metadata={"description": "organizing body id"})
    kind = Enum(EventKind)
    occasion = QueryInteger(min=1, max=MAX_ID, metadata={"description": "occasion id"})


class ReportMonthSchema(Schema):
    month = fields.String(required=True, metadata={"description": "Jalali year and month, as 1405-06"})
    events = fields.Integer(required=True)
    attendees = fields.Integer(required=True)


class ReportSummarySchema(Schema):
    events_held = fields.Integer(required=True, metadata={"description": "published or held events whose first day has come"})
    registrations = fields.Integer(required=True, metadata={"description": "confirmed registrations"})
    attendees = fields.Integer(required=True, metadata={"description": "people let in at least once, summed over events"})
    checkins = fields.Integer(required=True, metadata={"description": "person-days let in"})
    ngos_reached = fields.Integer(required=True, metadata={"description": "distinct NGOs with someone let in"})
    people_reached = fields.Integer(required=True, metadata={"description": "distinct people (national IDs) let in"})
    no_show_rate = fields.Float(required=True, metadata={"description": "(registrations − attendees) / registrations, 0…1"})
    by_month = fields.List(fields.Nested(ReportMonthSchema), required=True)


class NgoActivityQuery(_Query):
    province = Reference(max=80, metadata={"description": "province id or Persian name"})
    months = QueryInteger(min=1, max=120, metadata={"description": "the last N months (default: the admins' rule)"})


class NgoStatusCountsSchema(Schema):
    active = fields.Integer(required=True)
    semi_active = fields.Integer(required=True)
    inactive = fields.Integer(required=True)


class NgoActivitySchema(Schema):
    derived = fields.Nested(NgoStatusCountsSchema, required=True,
                            metadata={"description": "by events attended in the last N months"})
    declared = fields.Nested(NgoStatusCountsSchema, required=True, metadata={"description": "the status typed in"})
    months = fields.Integer(required=True)
    active_min = fields.Integer(required=True)
    semi_min = fields.Integer(required=True)
    since = fields.Date(required=True)


def documented(view):
    for status, description in ((400, "a field the schema refuses"), (422, REFUSED)):
        view = bp.alt_response(status, schema=ErrorSchema, description=description)(view)
    return view


def _reference(value):
    """A query string's id (any digits) as an int, a name as it is; an id no row can have → None."""
    text = to_latin_digits(str(value)).strip()
    if text.isascii() and text.isdigit():
        number = int(text)
        return number if 1 <= number <= MAX_ID else None
    return value


def _filter(query) -> services.ReportFilter:
    province = county = None
    if query.get("province") is not None:
        ref = _reference(query["province"])
        province = places.find_province(db.session, ref) if ref is not None else None
        if province is None:
            raise services.ReportError(services.ReportReason.unknown_province)
    if query.get("county") is not None:
        ref = _reference(query["county"])
        county = places.find_county(db.session, ref, province) if ref is not None else None
        if county is None:
            raise services.ReportError(services.ReportReason.unknown_county)
    start, end = query.get("start"), query.get("end")
    if start and end and start > end:
        raise services.ReportError(services.ReportReason.bad_period)
    return services.ReportFilter(start=start, end=end, province_id=province.id if province else None,
                                 county_id=county.id if county else None, body_id=query.get("body"),
                                 kind=query.get("kind"), occasion_id=query.get("occasion"))


@bp.route("/reports/summary", methods=["GET"])
@token_required("organizer", "admin")
@bp.arguments(ReportSummaryQuery, location="query")
@bp.response(200, ReportSummarySchema)
@documented
def report_summary(query):
    """Events held, registrations, attendees, check-ins, NGOs and people reached, the no-show
    rate, and events and attendees per Jalali month."""
    scope = services.scope_for(g.api_user)
    f = _filter(query)
    facts.refresh(db.session)
    db.session.commit()
    return services.summary(db.session, scope, f)


@bp.route("/reports/ngo-activity", methods=["GET"])
@token_required("organizer", "admin")
@bp.arguments(NgoActivityQuery, location="query")
@bp.response(200, NgoActivitySchema)
@documented
def report_ngo_activity(query):
    """NGOs active, semi-active and inactive by participation in the last N months, beside their
    declared status."""
    scope = services.scope_for(g.api_user)
    f = _filter({"province": query.get("province")})
    facts.refresh(db.session)
    db.session.commit()
    result = services.activity(db.session, scope, province_id=f.province_id, months=query.get("months"))
    return {**services.activity_counts(result), "months": result.rule.months,
            "active_min": result.rule.active_min, "semi_min": result.rule.semi_min, "since": result.since}
