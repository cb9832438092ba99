"""The check-in API's schemas: they validate what comes in, serialise what goes out, and are
the OpenAPI document."""
import re

from ..api.schema import (MAX_ID, Enum, Instant, Schema, Text, ValidationError, add_labels, fields,
                          reason)
from ..jalali import format_datetime
from ..persian import to_latin_digits
from ..registrations.models import RegStatus
from .models import Verdict

add_labels({"event_id": "شناسهٔ رویداد (event_id)", "code": "کد بلیت (code)",
            "gate": "نام در ورودی (gate)", "nonce": "شناسهٔ یکتای اسکن (nonce)",
            "username": "نام کاربری (username)", "name": "نام (name)"})

_DIGITS = "[0-9۰-۹٠-٩]"
EVENT_ID_TEXT = f"^[0۰٠]*[1-9۱-۹١-٩]{_DIGITS}{{0,8}}$"  # up to 999,999,999: below MAX_ID


class EventId(fields.Field):
    """An event id as an integer, or as its digits in text (Persian digits too), as a
    scanner may send it."""

    default_error_messages = {"required": reason("missing"), "null": reason("null"),
                              "invalid": reason("integer")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("oneOf", [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                           {"type": "string", "pattern": EVENT_ID_TEXT}])

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.fullmatch(EVENT_ID_TEXT[1:-1], value):
            value = int(to_latin_digits(value))
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        if not 1 <= value <= MAX_ID:
            raise ValidationError(reason("range", min=1, max=MAX_ID))
        return value


class ScanFieldsSchema(Schema):
    """What the scanner page sends (its event is in the address)."""

    code = Text(max=500, required=True, metadata={
        "description": "what the scanner read: the ticket URL (…/t/<code>) or the bare code"})
    gate = Text(max=60, load_default="", metadata={"description": "which door, shown in later verdicts"})
    nonce = Text(max=64, blank=False, load_default=None, metadata={"description": (
        "the client's id for this scan: the same nonce again (same event, same user or device) "
        "gets the first answer and is not recorded again")})


class ScanSchema(ScanFieldsSchema):
    event_id = EventId(required=True)


class AttendeeSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    ngo = fields.String(required=True)
    role = fields.String(required=True)
    status = Enum(RegStatus, required=True)
    status_label = fields.String(attribute="status.label", required=True)


SCAN_VERDICTS = [v for v in Verdict if v != Verdict.undone]


class ScanResultSchema(Schema):
    verdict = Enum(Verdict, allowed=SCAN_VERDICTS, required=True, metadata={"description": (
        "ok, already_checked_in (message says when, where, by whom), wrong_event, wrong_day, "
        "cancelled, not_confirmed, unknown, closed")})
    message = fields.String(required=True, metadata={"description": "Persian, for the door"})
    colour = fields.String(required=True, metadata={"enum": ["green", "amber", "red"]})
    attendee = fields.Nested(AttendeeSchema, allow_none=True, required=True)
    checked_in_at = Instant(allow_none=True, required=True, metadata={
        "description": "this check-in (ok) or the earlier one (already_checked_in)"})
    checked_in_at_jalali = fields.Function(
        lambda r: format_datetime(r.checked_in_at) if r.checked_in_at else None,
        required=True, metadata={"type": "string", "nullable": True})
    checkin_id = fields.Function(lambda r: r.checkin_id if r.verdict == Verdict.ok else None,
                                 required=True, metadata={"type": "integer", "nullable": True,
                                                          "description": "for undo; only with ok"})
    gate = fields.Function(lambda r: r.gate if r.checked_in_at else None, required=True,
                           metadata={"type": "string", "nullable": True})


class UndoneSchema(Schema):
    undone = fields.Boolean(required=True)
    checkin_id = fields.Integer(required=True)
    undone_at = Instant(required=True)
    message = fields.String(required=True)


def _rows(schema_name: str, **columns):
    """A list of objects with these fields, all required."""
    for field in columns.values():
        field.required = True
    return fields.List(fields.Nested(Schema.from_dict(columns, name=schema_name)), required=True)


class LiveSchema(Schema):
    event_id = fields.Integer(required=True)
    registered = fields.Integer(required=True, metadata={"description": "confirmed registrations"})
    days = _rows("LiveDay", date=fields.String(metadata={"format": "date"}), checked_in=fields.Integer())
    ngos = _rows("LiveNgo", ngo_id=fields.Integer(), name=fields.String(), registered=fields.Integer(),
                 checked_in=fields.Integer())
    gates = _rows("LiveGate", gate=fields.String(), checked_in=fields.Integer())
    quarters = _rows("LiveQuarter", at=fields.String(metadata={"example": "2019-08-14 09:15",
                                                "description": "Tehran local"}),
                     checked_in=fields.Integer())
    at = Instant(required=True)


class StaffInputSchema(Schema):
    username = Text(max=100, blank=False, required=True,
                    metadata={"description": "a user with the door role"})


class StaffSchema(Schema):
    event_id = fields.Integer(required=True)
    user = fields.Nested(Schema.from_dict({"id": fields.Integer(required=True),
                                           "username": fields.String(required=True),
                                           "full_name": fields.String(required=True)},
                                          name="StaffUser"), required=True)
    assigned_at = Instant(required=True)


class StaffListSchema(Schema):
    staff = fields.List(fields.Nested(StaffSchema), required=True)


class DeviceInputSchema(Schema):
    name = Text(max=100, blank=False, required=True, metadata={"example": "گوشی درِ شمالی"})


class DeviceSchema(Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={
        "description": "the token's first characters, to tell them apart"})
    created_at = Instant(required=True)
    last_used_at = Instant(allow_none=True, required=True, metadata={"description": "to within minutes"})
    revoked_at = Instant(allow_none=True, required=True)


class NewDeviceSchema(DeviceSchema):
    token = fields.String(required=True, metadata={"description": "sc_…; shown only now, never again"})


class DeviceListSchema(Schema):
    devices = fields.List(fields.Nested(DeviceSchema), required=True)
