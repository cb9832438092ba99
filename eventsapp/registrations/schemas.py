"""The registrations API's schemas: they check what comes in, serialise what goes out, are the document."""
from ..api.me import NamedSchema
from ..api.schema import (MAX_ID, Enum, Instant, List, Nested, PageQuery, PageSchema, QueryInteger,
                          Schema, Text, ValidationError, add_labels, fields, reason)
from ..jalali import format_datetime
from .access import ticket_url
from .models import RegStatus
from .services import MAX_BATCH

add_labels({"attendees": "فهرست شرکت‌کنندگان (attendees)", "attendees.full_name": "نام و نام خانوادگی",
            "attendees.national_id": "کد ملی", "attendees.mobile": "شمارهٔ همراه", "attendees.role": "سمت", "attendees.email": "رایانامه",
            "status": "وضعیت", "ngo_id": "شناسهٔ سمن", "q": "عبارت جست‌وجو", "note": "یادداشت"})


class Digits(fields.Field):
    """Digits people write (a national ID, a mobile), as text or a JSON integer."""

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
        if isinstance(value, int) and not 0 <= value < 10**self.max_length:
            raise ValidationError(reason("range", min=0, max=10**self.max_length - 1))
        if len(str(value)) > self.max_length:
            raise ValidationError(reason("too_long", max=self.max_length))
        return str(value)


class AttendeeSchema(Schema):
    full_name = Text(max=120, blank=False, required=True, metadata={"example": "زهرا احمدی"})
    national_id = Digits(max=20, required=True, metadata={
        "example": "0012345679", "description": "10 digits; a wrong check digit is 422"})
    mobile = Digits(max=20, required=True, metadata={"example": "09121234567"})  # or +98…, 0098…, 9…
    role = Text(max=100, load_default="", metadata={"description": "the attendee's role in the NGO"})
    email = Text(max=254, load_default="", metadata={
        "example": "zahra@example.ir", "description": "optional: tickets and changes by e-mail too; "
        "an address that is not one is 422 invalid_email"})


class RegCreateInputSchema(Schema):
    attendees = List(Nested(AttendeeSchema), min=1, max=MAX_BATCH, required=True)


class RegListQuerySchema(PageQuery):
    per_page = QueryInteger(min=1, max=100, load_default=50)
    status = Enum(RegStatus)
    ngo_id = QueryInteger(min=1, max=MAX_ID, metadata={"description": "organizers only"})
    q = Text(max=100, load_default="", metadata={"description": "a name, national ID or mobile"})


class RegRejectInputSchema(Schema):
    note = Text(max=300, load_default="", metadata={"description": "why, kept with the registration"})


class RegistrationOutSchema(Schema):
    id = fields.Integer(required=True)
    status = Enum(RegStatus, required=True)
    status_label = fields.String(attribute="status.label", required=True)
    ticket_code = fields.String(required=True)
    short_code = fields.String(required=True, metadata={
        "description": "8 characters printed under the QR code; the door takes it typed"})
    ticket_url = fields.Function(lambda reg: ticket_url(reg.ticket_code), required=True, metadata={
        "type": "string", "format": "uri", "description": "the ticket page; its QR encodes this"})
    event_id = fields.Integer(required=True)
    ngo = fields.Nested(NamedSchema, required=True)
    full_name = fields.String(required=True)
    national_id = fields.String(required=True)
    mobile = fields.String(required=True)
    role = fields.String(required=True)
    email = fields.String(required=True)
    created_at = Instant(required=True)
    decided_at = Instant(allow_none=True, required=True)
    cancelled_at = Instant(allow_none=True, required=True)
    note = fields.String(required=True)
    jalali = fields.Function(lambda reg: {"created_at": format_datetime(reg.created_at) or None},
                             required=True, metadata={"type": "object", "properties": {
                                 "created_at": {"type": "string", "nullable": True}}})


class RegCreatedSchema(Schema):
    registrations = fields.List(fields.Nested(RegistrationOutSchema), required=True)


class RegCancelledSchema(RegistrationOutSchema):
    promoted = fields.List(fields.Nested(RegistrationOutSchema), required=True)  # from the waitlist


class RegPageSchema(PageSchema):  # dumped from the paginated query
    registrations = fields.List(fields.Nested(RegistrationOutSchema), required=True, attribute="items")
    per_page = fields.Integer(required=True)
    counts = fields.Dict(keys=Enum(RegStatus), values=fields.Integer(),
                         metadata={"description": "per status, for the event's organizers"})
    capacity = fields.Integer(metadata={"description": "for the event's organizers"})
    confirmed = fields.Integer(metadata={"description": "for the event's organizers"})
