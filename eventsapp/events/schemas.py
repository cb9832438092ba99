"""The events API's schemas: they validate what comes in (dates ISO Gregorian, times Tehran's
``HH:MM``), serialise what goes out (instants to the second with Tehran's offset, and the Jalali
rendering of each date) and are the OpenAPI document of /api/v1/events."""
from flask import g, url_for
from marshmallow import missing, post_load

from ..api.schema import (Boolean, Date, Enum, Id, Instant, Integer, List, Nested, PageQuery, PageSchema,
                          Reference, Schema, Text, Time, add_labels, fields)
from ..jalali import format_date, format_datetime, format_time, local_datetime
from . import services
from .models import Audience, EventKind, EventStatus, OfficialRole

CREATE_STATUSES = (EventStatus.draft, EventStatus.published)


def derived(field, get):
    """``field`` serialising ``get(obj)`` (documented as ``field``)."""
    field.get_value = lambda obj, attr, accessor=None, default=missing: get(obj)
    return field


add_labels({
    "body_id": "نهاد برگزارکننده (body_id)", "kind": "نوع رویداد", "title": "عنوان",
    "topic": "موضوع", "description": "توضیح", "venue": "محل برگزاری",
    "venue.name": "نام محل برگزاری", "venue.address": "نشانی محل برگزاری",
    "venue.province": "استان محل برگزاری", "venue.county": "شهرستان محل برگزاری",
    "days": "روزها", "days.date": "تاریخ روز", "days.start": "ساعت آغاز", "days.end": "ساعت پایان",
    "capacity": "ظرفیت", "per_ngo_quota": "سهم هر سمن", "audience": "مخاطبان",
    "audience_province": "استانِ مخاطبان", "audience_county": "شهرستانِ مخاطبان",
    "invited_ngos": "شماره‌های ثبت سمن‌های دعوت‌شده", "requires_approval": "نیاز به تأیید ثبت‌نام",
    "registration_opens_at": "آغاز ثبت‌نام", "registration_closes_at": "پایان ثبت‌نام",
    "occasion_id": "مناسبت", "officials": "مقامات و سخنرانان",
    "officials.name": "نام مقام یا سخنران", "officials.title": "سمت مقام یا سخنران",
    "officials.role": "نقش مقام یا سخنران", "status": "وضعیت", "reason": "علت",
    "from": "از تاریخ", "to": "تا تاریخ", "province": "استان",
})


# --- in ------------------------------------------------------------------------------------

class EventVenueFieldsSchema(Schema):
    name = Text(200, blank=False, attribute="venue_name")
    address = Text(400, attribute="venue_address")
    province = Reference(metadata={"description": "id, code or Persian name"})
    county = Reference(allow_none=True, metadata={"description": "id or Persian name"})


class EventVenueInputSchema(EventVenueFieldsSchema):
    name = Text(200, blank=False, required=True, attribute="venue_name")
    province = Reference(required=True, metadata={"description": "id, code or Persian name"})


class EventDayInputSchema(Schema):
    date = Date(required=True, metadata={"example": "2019-08-14"})
    start = Time(required=True, metadata={"description": "Tehran wall-clock time"})
    end = Time(required=True, metadata={"example": "17:00"})

    @post_load
    def day(self, data, **kwargs):
        return services.DayInput(data["date"], data["start"], data["end"])


class EventOfficialSchema(Schema):
    name = Text(150, blank=False, required=True)
    title = Text(250)
    role = Enum(OfficialRole, load_default=OfficialRole.speaker, dump_default="speaker")

    @post_load
    def official(self, data, **kwargs):
        return services.OfficialInput(data["name"], data.get("title", ""), data["role"])


class EventFieldsSchema(Schema):
    """Any of an event's fields (a PATCH changes only those it sends)."""

    kind = Enum(EventKind)
    title = Text(250, blank=False)
    topic = Text(250)
    description = Text(5000)
    venue = Nested(EventVenueFieldsSchema)
    days = List(Nested(EventDayInputSchema), min=1, max=services.MAX_DAYS)
    capacity = Integer(min=1)
    per_ngo_quota = Integer(min=1, allow_none=True)
    audience = Enum(Audience)
    audience_province = Reference(allow_none=True, metadata={"description": "id, code or name"})
    audience_county = Reference(allow_none=True, metadata={"description": "id or name"})
    invited_ngos = List(Text(30, blank=False), max=5000,
                        metadata={"description": "NGO registration numbers"})
    requires_approval = Boolean()
    registration_opens_at = Instant(allow_none=True, metadata={
        "description": "ISO 8601; without an offset, Tehran local time"})
    registration_closes_at = Instant(allow_none=True)
    occasion_id = Id(allow_none=True)
    officials = List(Nested(EventOfficialSchema), max=30)
    status = Enum(EventStatus, allowed=CREATE_STATUSES)

    @post_load
    def flat(self, data, **kwargs):
        """The venue's fields beside the others, as services.event_input takes them."""
        return {**data.pop("venue", {}), **data}


class EventCreateSchema(EventFieldsSchema):
    body_id = Id(metadata={"description": "the organizing body; admins must send it"})
    kind = Enum(EventKind, required=True)
    title = Text(250, blank=False, required=True)
    venue = Nested(EventVenueInputSchema, required=True)
    days = List(Nested(EventDayInputSchema), min=1, max=services.MAX_DAYS, required=True)
    capacity = Integer(min=1, required=True)


class EventStatusInputSchema(Schema):
    reason = Text(500, load_default="", metadata={"description": "shown to registrants"})


class EventQuerySchema(PageQuery):
    from_ = Date(data_key="from", metadata={"description": "events ending on or after"})
    to = Date(metadata={"description": "events starting on or before"})
    province = Text(100, metadata={"description": "id, code or Persian name"})
    kind = Enum(EventKind)


# --- out -----------------------------------------------------------------------------------

class EventRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


def Ref(attribute=None):  # noqa: N802 (a field factory)
    return Nested(EventRefSchema, allow_none=True, attribute=attribute)


def jalali(get, style="long"):
    """A Persian rendering of the date (or, with style None, the instant) ``get(obj)``."""
    render = (lambda v: format_date(v, style)) if style else (lambda v: format_datetime(v) or None)
    return derived(fields.String(allow_none=not style), lambda obj: render(get(obj)))


class EventDaySchema(Schema):
    date = Date()
    start = Time(attribute="start_time")
    end = Time(attribute="end_time")
    starts_at = derived(Instant(), lambda d: local_datetime(d.date, d.start_time))
    ends_at = derived(Instant(), lambda d: local_datetime(d.date, d.end_time))
    jalali = jalali(lambda d: d.date)
    jalali_hours = derived(fields.String(), lambda d: f"{format_time(d.start_time)} تا "
                                                      f"{format_time(d.end_time)}")


class EventVenueSchema(Schema):
    name = fields.String()
    address = fields.String()
    province = Ref()
    county = Ref()


def _span(event) -> str:
    first, last = event.days[0].date, event.days[-1].date
    return format_date(first, "long") + ("" if last == first else " تا " + format_date(last, "long"))


class EventJalaliSchema(Schema):
    starts_on = jalali(lambda e: e.starts_on)
    ends_on = jalali(lambda e: e.ends_on)
    dates = derived(fields.String(), _span)
    registration_opens_at = jalali(lambda e: e.registration_opens_at, None)
    registration_closes_at = jalali(lambda e: e.registration_closes_at, None)


class EventSchema(Schema):
    id = fields.Integer()
    kind = Enum(EventKind)
    kind_label = fields.String(attribute="kind.label")
    title = fields.String()
    topic = fields.String()
    description = fields.String()
    status = Enum(EventStatus)
    status_label = fields.String(attribute="status.label")
    status_reason = fields.String()
    body = Ref()
    venue = Nested(EventVenueSchema)
    days = fields.List(Nested(EventDaySchema))
    starts_at = derived(Instant(), services.starts_at)
    ends_at = derived(Instant(), services.ends_at)
    capacity = fields.Integer()
    per_ngo_quota = fields.Integer(allow_none=True)
    audience = Enum(Audience)
    audience_province = Ref()
    audience_county = Ref()
    requires_approval = fields.Boolean()
    registration_opens_at = Instant(allow_none=True)
    registration_closes_at = Instant(allow_none=True)
    occasion = Ref()
    officials = fields.List(Nested(EventOfficialSchema))
    sequence = fields.Integer()
    changed_at = Instant(allow_none=True)
    change_note = fields.String()
    updated_at = Instant()
    url = derived(fields.String(metadata={"format": "uri"}),
                  lambda e: url_for("events.detail", event_id=e.id, _external=True))
    jalali = derived(Nested(EventJalaliSchema), lambda e: e)
    invited_ngos = derived(
        fields.List(fields.String(), metadata={"description": "only for its managers"}),
        lambda e: ([i.ngo.registration_no for i in e.invitations]
                   if services.can_manage(g.api_user, e) else missing))


class EventWrittenSchema(EventSchema):
    warnings = fields.List(fields.String(), metadata={"description": "venue clashes, in Persian"})


class EventPageSchema(PageSchema):
    events = fields.List(Nested(EventSchema), attribute="items")
    per_page = fields.Integer(required=True)
