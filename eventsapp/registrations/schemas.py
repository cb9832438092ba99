"""The registrations API's schemas: they refuse what is malformed before any service runs,
serialise the answers and are the OpenAPI document. The rules (check digits, seats, the
window, the audience) are the services'."""
from ..api.me import NamedSchema
from ..api.schema import (MAX_ID, Enum, Instant, List, Nested, PageQuery, PageSchema, QueryInteger,
                          Schema, Text, ValidationError, add_labels, fields, reason)
from ..jalali import format_datetime
from .access import ticket_url
from .models import RegStatus
from .services import MAX_BATCH

add_labels({
    "attendees": "فهرست شرکت‌کنندگان (attendees)",
    "attendees.full_name": "نام و نام خانوادگی",
    "attendees.national_id": "کد ملی",
    "attendees.mobile": "شمارهٔ همراه",
    "attendees.role": "سمت",
    "status": "وضعیت",
    "ngo_id": "شناسهٔ سمن",
    "q": "عبارت جست‌وجو",
    "note": "یادداشت",
})


class Digits(fields.Field):
    """A number people write with digits (a national ID, a mobile): text of at most ``max``
    characters or a JSON integer; the service cleans and checks it (422 when it is wrong)."""

    default_error_messages = {"required": reason("missing"), "null": reason("null"),
                              "invalid": reason("text")}

    def __init__(self, max: int, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max
        self.metadata.setdefault("oneOf", [{"type": "string", "maxLength": max},
                                           {"type": "integer", "minimum": 0, "maximum": 10**max - 1}])

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.make_error("invalid")
        if isinstance(value, int) and value < 0:
            raise ValidationError(reason("range", min=0, max=10**self.max_length - 1))
        if len(str(value)) > self.max_length:
            raise ValidationError(reason("too_long", max=self.max_length))
        return str(value)


class AttendeeSchema(Schema):
    full_name = Text(max=120, blank=False, required=True, metadata={"example": "زهرا احمدی"})
    national_id = Digits(max=20, required=True, metadata={
        "example": "0012345679", "description": "10 digits with a valid check digit (Persian digits too)"})
    mobile = Digits(max=20, required=True, metadata={
        "example": "09121234567", "description": "09…, +98…, 0098… or 9…"})
    role = Text(max=100, load_default="", metadata={"description": "the attendee's role in the NGO"})


class RegCreateInputSchema(Schema):
    attendees = List(Nested(AttendeeSchema), min=1, max=MAX_BATCH, required=True,
                     metadata={"description": "registered all or none"})


class RegListQuerySchema(PageQuery):
    per_page = QueryInteger(min=1, max=100, load_default=50)
    status = Enum(RegStatus)
    ngo_id = QueryInteger(min=1, max=MAX_ID, metadata={"description": "organizers only"})
    q = Text(max=100, load_default="",
             metadata={"description": "a name, the start of a national ID, or part of a mobile"})


class RegRejectInputSchema(Schema):
    note = Text(max=300, load_default="", metadata={"description": "why, kept with the registration"})


class Whole(fields.Nested):
    """A sub-object of the same row's derived values (its schema reads the whole row)."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return self._serialize(obj, attr, obj, **kwargs)


class RegJalaliSchema(Schema):
    created_at = fields.Function(lambda reg: format_datetime(reg.created_at) or None,
                                 allow_none=True, required=True, metadata={"type": "string"})


class RegistrationOutSchema(Schema):
    id = fields.Integer(required=True)
    status = Enum(RegStatus, required=True)
    status_label = fields.String(attribute="status.label", required=True)
    ticket_code = fields.String(required=True)
    ticket_url = fields.Function(lambda reg: ticket_url(reg.ticket_code), required=True, metadata={
        "type": "string", "format": "uri", "description": "the ticket page; its QR encodes this"})
    event_id = fields.Integer(required=True)
    ngo = fields.Nested(NamedSchema, required=True)
    full_name = fields.String(required=True)
    national_id = fields.String(required=True)
    mobile = fields.String(required=True)
    role = fields.String(required=True)
    created_at = Instant(required=True)
    decided_at = Instant(allow_none=True, required=True)
    cancelled_at = Instant(allow_none=True, required=True)
    note = fields.String(required=True)
    jalali = Whole(RegJalaliSchema, required=True)


class RegCreatedSchema(Schema):
    registrations = fields.List(fields.Nested(RegistrationOutSchema), required=True)


class RegCancelledSchema(RegistrationOutSchema):
    promoted = fields.List(fields.Nested(RegistrationOutSchema), required=True,
                           metadata={"description": "moved up from the waitlist into the freed seat"})


class RegPageSchema(PageSchema):
    registrations = fields.List(fields.Nested(RegistrationOutSchema), required=True)
    per_page = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "per status, for the event's organizers"})
    capacity = fields.Integer(metadata={"description": "for the event's organizers"})
    confirmed = fields.Integer(metadata={"description": "for the event's organizers"})
