"""The check-in API's schemas (the scanner page's answers too): validation, answers, document."""
import re

from ..api.schema import (MAX_ID, Boolean, Enum, Instant, Schema, Text, ValidationError, add_labels, fields,
                          reason)
from ..jalali import format_datetime
from ..persian import to_latin_digits
from ..registrations.models import RegStatus
from .models import Verdict

add_labels({"event_id": "شناسهٔ رویداد (event_id)", "code": "کد بلیت (code)", "gate": "نام در ورودی (gate)",
            "nonce": "شناسهٔ یکتای اسکن (nonce)", "username": "نام کاربری (username)", "name": "نام (name)"})
EVENT_ID_TEXT = "[0۰٠]*[1-9۱-۹١-٩][0-9۰-۹٠-٩]{0,8}"  # up to 999,999,999: below MAX_ID
def Int(): return fields.Integer(required=True)  # noqa: E704,N802 (required fields, short)
def Str(): return fields.String(required=True)  # noqa: E704,N802


class EventId(fields.Field):
    """An event id as an integer, or its digits as text (Persian digits too), as scanners send it."""

    default_error_messages = {"required": reason("missing"), "null": reason("null"), "invalid": reason("integer")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs, metadata={"oneOf": [
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            {"type": "string", "pattern": f"^{EVENT_ID_TEXT}$"}]})

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.fullmatch(EVENT_ID_TEXT, value):
            value = int(to_latin_digits(value))
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        if not 1 <= value <= MAX_ID:
            raise ValidationError(reason("range", min=1, max=MAX_ID))
        return value


def _object(schema_name: str, **columns):
    """A nested object of required fields."""
    return fields.Nested(Schema.from_dict(columns, name=schema_name), required=True)


def _rows(schema_name: str, **columns):  # a list of such objects
    return fields.List(_object(schema_name, **columns), required=True)


class ScanFieldsSchema(Schema):  # what the scanner page sends (its event is in the address)
    code = Text(max=500, required=True, metadata={"description": "the ticket URL (…/t/<code>) or the bare code"})
    gate = Text(max=60, load_default="", metadata={"description": "which door, shown in later verdicts"})
    nonce = Text(max=64, blank=False, load_default=None, metadata={"description": "the client's id of "
                 "the scan: sent again (same event, user or device), the first answer, nothing recorded"})


class ScanSchema(ScanFieldsSchema):
    event_id = EventId(required=True)


class PageScanSchema(ScanFieldsSchema):  # the scanner page also says how the code came
    manual = Boolean(load_default=False)  # typed or picked from the search: an audit entry


class ScannedAttendeeSchema(Schema):
    id, full_name, ngo, role, status = Int(), Str(), Str(), Str(), Enum(RegStatus, required=True)
    status_label = fields.String(attribute="status.label", required=True)


class ScanResultSchema(Schema):
    verdict = Enum(Verdict, allowed=[v for v in Verdict if v != Verdict.undone], required=True)
    message = fields.String(required=True, metadata={"description": "Persian, for the door"})
    colour = fields.String(required=True, metadata={"enum": ["green", "amber", "red"]})
    attendee = fields.Nested(ScannedAttendeeSchema, allow_none=True, required=True)
    checked_in_at = Instant(allow_none=True, required=True, metadata={
        "description": "this check-in (ok) or the earlier one (already_checked_in)"})
    checked_in_at_jalali = fields.Function(lambda r: format_datetime(r.checked_in_at) if r.checked_in_at else None,
                                           required=True, metadata={"type": "string", "nullable": True})
    checkin_id = fields.Function(lambda r: r.checkin_id if r.verdict == Verdict.ok else None, required=True,
                                 metadata={"type": "integer", "nullable": True, "description": "for undo"})
    gate = fields.Function(lambda r: r.gate if r.checked_in_at else None, required=True,
                           metadata={"type": "string", "nullable": True})


class UndoneSchema(Schema):
    undone, checkin_id, undone_at, message = fields.Boolean(required=True), Int(), Instant(required=True), Str()


class LiveSchema(Schema):
    event_id, registered, at = Int(), Int(), Instant(required=True)
    days = _rows("LiveDay", date=Str(), checked_in=Int())
    ngos = _rows("LiveNgo", ngo_id=Int(), name=Str(), registered=Int(), checked_in=Int())
    gates = _rows("LiveGate", gate=Str(), checked_in=Int())
    quarters = _rows("LiveQuarter", at=Str(), checked_in=Int())  # at: "2019-08-14 09:15", Tehran


class StaffInputSchema(Schema):
    username = Text(max=100, blank=False, required=True, metadata={"description": "a door-staff user"})


class StaffSchema(Schema):
    event_id, assigned_at = Int(), Instant(required=True)
    user = _object("StaffUser", id=Int(), username=Str(), full_name=Str())


class StaffListSchema(Schema):
    staff = fields.List(fields.Nested(StaffSchema), required=True)  # by username


class DeviceInputSchema(Schema):
    name = Text(max=100, blank=False, required=True, metadata={"example": "گوشی درِ شمالی"})


class DeviceSchema(Schema):
    id, event_id, name, created_at = Int(), Int(), Str(), Instant(required=True)
    prefix = fields.String(required=True, metadata={"description": "the token's first characters"})
    last_used_at = Instant(allow_none=True, required=True, metadata={"description": "to within minutes"})
    revoked_at = Instant(allow_none=True, required=True)


class NewDeviceSchema(DeviceSchema):
    token = fields.String(required=True, metadata={"description": "sc_…; shown only now, never again"})


class DeviceListSchema(Schema):
    devices = fields.List(fields.Nested(DeviceSchema), required=True)
