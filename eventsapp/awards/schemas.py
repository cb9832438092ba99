"""The awards API's schemas: what comes in (validated before any service runs) and what goes out."""
import marshmallow as ma

from ..api.schema import (MAX_ID, REASONS, Boolean, Date, Enum, Id, Instant, Integer, List, Nested,
                          PageQuery, PageSchema, QueryInteger, Schema, Text, add_labels, fields,
                          reason)
from ..events.services import MAX_DAYS
from ..jalali import format_date
from .links import verify_url
from .models import AwardKind
from .services import LIMITS, MAX_BULK, Presenter

REASONS.setdefault("presenter", ("invalid", "{label} را شناسهٔ یکی از مقامات رویداد، یک نام، یا "
                                 "شیء {{\"official_id\"}} یا {{\"name\", \"title\"}} بفرستید."))
add_labels({
    "kind": "نوع", "ngo_id": "شناسهٔ سمن", "ngo_ids": "شناسه‌های سمن‌ها", "title": "عنوان",
    "recipient_name": "نام گیرنده", "recipient_title": "سمت گیرنده", "citation": "متن لوح",
    "presented_by": "اهداکننده", "presented_by.official_id": "شناسهٔ مقام اهداکننده",
    "presented_by.name": "نام اهداکننده", "presented_by.title": "سمت اهداکننده",
    "presented_by_title": "سمت اهداکننده", "awarded_on": "تاریخ اهدا",
    "allow_other_ngos": "پذیرفتن سمن‌های غایب", "min_days": "کمینهٔ روزهای حضور",
    "include_revoked": "با موارد باطل‌شده", "reason": "علت",
})


class IsoDate(Date):
    """``Date`` with its years in the document too (1922–2120, what jalali.py covers)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("pattern", r"^(192[2-9]|19[3-9][0-9]|20[0-9]{2}|21[01][0-9]|2120)-")


class PresenterIn(Schema):
    official_id = Id(allow_none=True)
    name = Text(LIMITS["presented_by_name"])
    title = Text(LIMITS["presented_by_title"])


class PresentedBy(fields.Field):
    """One of the event's officials by id, a name (with ``presented_by_title``), or an object."""

    default_error_messages = {"null": reason("null"), "invalid": reason("presenter")}
    shapes = [Id(), Text(LIMITS["presented_by_name"])]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("oneOf", [
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            {"type": "string", "maxLength": LIMITS["presented_by_name"]},
            {"type": "object", "additionalProperties": False, "properties": {
                "official_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID, "nullable": True},
                "name": {"type": "string", "maxLength": LIMITS["presented_by_name"]},
                "title": {"type": "string", "maxLength": LIMITS["presented_by_title"]}}}])

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            return Presenter(**PresenterIn().load(value))
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.make_error("invalid")
        if isinstance(value, int):
            return Presenter(official_id=self.shapes[0].deserialize(value))
        return Presenter(name=self.shapes[1].deserialize(value))


class _AwardFields(Schema):
    title = Text(LIMITS["title"], metadata={"description": "default: the kind's name, e.g. لوح تقدیر"})
    citation = Text(LIMITS["citation"])
    presented_by = PresentedBy(allow_none=True)
    presented_by_title = Text(LIMITS["presented_by_title"], metadata={"description": "with presented_by as a name"})
    awarded_on = IsoDate(allow_none=True, metadata={
        "description": "ISO Gregorian; default the event's last day, or today if earlier"})

    @ma.post_load
    def presenter(self, data, **kwargs):
        title, presenter = data.pop("presented_by_title", ""), data.get("presented_by")
        if presenter is None and title:
            data["presented_by"] = Presenter(title=title)
        elif presenter and presenter.official_id is None and not presenter.title:
            presenter.title = title
        return data


class AwardCreateSchema(_AwardFields):
    kind = Enum(AwardKind, required=True)
    ngo_id = Id(allow_none=True, metadata={"description": "the NGO honoured, or the one the person represents"})
    recipient_name = Text(LIMITS["recipient_name"], metadata={"description": "a person; with ngo_id, on behalf of it"})
    recipient_title = Text(LIMITS["recipient_title"])
    allow_other_ngos = Boolean(metadata={"description": "accept an NGO not at the event (with a warning)"})


class AwardBulkSchema(_AwardFields):
    ngo_ids = List(Id(), min=1, max=MAX_BULK, required=True)
    kind = Enum(AwardKind, load_default=AwardKind.plaque)
    allow_other_ngos = Boolean()


class CertificatesInputSchema(_AwardFields):
    min_days = Integer(min=1, max=MAX_DAYS, allow_none=True,
                       metadata={"description": "distinct days checked in; default every day (422 beyond the event's days)"})


class AwardRevokeSchema(Schema):
    reason = Text(LIMITS["reason"], blank=False, required=True)


class AwardQuery(PageQuery):
    kind = Enum(AwardKind)
    include_revoked = fields.Boolean(truthy={"true", "1"}, falsy={"false", "0"}, load_default=True,
                                     error_messages={"invalid": reason("boolean")})
    per_page = QueryInteger(min=1, max=500, load_default=100)


# --- what goes out ---------------------------------------------------------------------------

class Whole(Nested):
    """The object itself, shown as a nested object."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj


class AwardNgoSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    registration_no = fields.String(required=True)


class AwardPresenterSchema(Schema):
    official_id = fields.Integer(attribute="presented_by_official_id", allow_none=True, required=True,
                                 metadata={"description": "one of the event's officials"})
    name = fields.String(attribute="presented_by_name", required=True)
    title = fields.String(attribute="presented_by_title", required=True)


def _string(func, **kwargs):
    return fields.Function(func, metadata={"type": "string", **kwargs.pop("metadata", {})}, **kwargs)


class AwardSchema(Schema):
    id = fields.Integer(required=True)
    verification_code = fields.String(required=True, metadata={"description": "random, 20 characters"})
    verify_url = _string(lambda a: verify_url(a.verification_code), required=True,
                         metadata={"format": "uri", "description": "the public page /awards/verify/<code>"})
    event_id = fields.Integer(required=True)
    kind = Enum(AwardKind, required=True)
    kind_label = _string(lambda a: a.kind.label, required=True)
    title = fields.String(required=True)
    citation = fields.String(required=True)
    ngo_id = fields.Integer(allow_none=True, required=True)
    ngo = fields.Nested(AwardNgoSchema, allow_none=True, required=True)
    recipient_name = fields.String(required=True)
    recipient_title = fields.String(required=True)
    registration_id = fields.Integer(allow_none=True, required=True, metadata={"description": "certificates of attendance"})
    presented_by = Whole(AwardPresenterSchema, required=True)
    awarded_on = Date(required=True)
    awarded_on_jalali = _string(lambda a: format_date(a.awarded_on, "long"), required=True,
                                metadata={"example": "پنجشنبه ۵ شهریور ۱۴۰۴"})
    created_at = Instant(required=True)
    revoked = fields.Boolean(attribute="is_revoked", required=True)
    revoked_at = Instant(allow_none=True, required=True)
    revoked_by = _string(lambda a: a.revoked_by.username if a.revoked_by else None, allow_none=True,
                         required=True, metadata={"description": "username"})
    revoke_reason = fields.String(required=True)


class AwardWrittenSchema(AwardSchema):
    warnings = fields.List(fields.String(), required=True,
                           metadata={"description": "Persian, e.g. NGOs that were not at the event"})

    @ma.pre_dump
    def award(self, given, **kwargs):
        given.award.warnings = given.warnings
        return given.award


class AwardBulkResultSchema(Schema):
    awards = fields.List(fields.Nested(AwardSchema), required=True)
    warnings = fields.List(fields.String(), required=True)


class AwardPageSchema(PageSchema):
    awards = fields.List(fields.Nested(AwardSchema), required=True)
    per_page = fields.Integer(required=True)


class CertificatesResultSchema(Schema):
    created = fields.Integer(required=True)
    already = fields.Integer(required=True, metadata={"description": "had a certificate already (skipped)"})
    too_few_days = fields.Integer(required=True)
    min_days = fields.Integer(required=True)
    days = fields.Integer(required=True)
    awards = fields.List(fields.Nested(AwardSchema), required=True)
