"""The awards API's schemas: what comes in (refused before any service runs) and what goes out."""
from dataclasses import replace

import marshmallow as ma

from ..api.schema import (MAX_ID, REASONS, Boolean, Date, Enum, Id, Instant, Integer, List, Nested,
                          PageQuery, PageSchema, QueryInteger, Schema, Text, add_labels, fields, reason)
from ..events.services import MAX_DAYS
from ..jalali import format_date
from .links import verify_url
from .models import AwardKind
from .services import LIMITS, MAX_BULK, Presenter

REASONS.setdefault("presenter", ("invalid", "{label} را شناسهٔ یکی از مقامات رویداد، یک نام، یا "
                                 "شیء {{\"official_id\"}} یا {{\"name\", \"title\"}} بفرستید."))
add_labels({
    "kind": "نوع", "ngo_id": "شناسهٔ سمن", "ngo_ids": "شناسه‌های سمن‌ها", "title": "عنوان", "reason": "علت",
    "recipient_name": "نام گیرنده", "recipient_title": "سمت گیرنده", "citation": "متن لوح",
    "presented_by": "اهداکننده", "presented_by.official_id": "شناسهٔ مقام اهداکننده", "awarded_on": "تاریخ اهدا",
    "presented_by.name": "نام اهداکننده", "presented_by_title": "سمت اهداکننده", "presented_by.title": "سمت اهداکننده",
    "allow_other_ngos": "پذیرفتن سمن‌های غایب", "min_days": "کمینهٔ روزهای حضور", "include_revoked": "با باطل‌شده‌ها"})
NAME, TITLE = LIMITS["presented_by_name"], LIMITS["presented_by_title"]
OFFICIAL = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
PresenterIn = Schema.from_dict({"official_id": Id(allow_none=True), "name": Text(NAME), "title": Text(TITLE)})


class PresentedBy(fields.Field):
    """One of the event's officials by id, a name (with ``presented_by_title``), or an object."""

    default_error_messages = {"null": reason("null"), "invalid": reason("presenter")}
    shapes = {int: Id(), str: Text(NAME), dict: Nested(PresenterIn)}

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) not in self.shapes:  # not a boolean either
            raise self.make_error("invalid")
        got = self.shapes[type(value)].deserialize(value)
        return Presenter(**{int: {"official_id": got}, str: {"name": got}}.get(type(value), got))


class _AwardFields(Schema):
    title = Text(LIMITS["title"], metadata={"description": "default: the kind's name, e.g. لوح تقدیر"})
    citation = Text(LIMITS["citation"])
    presented_by = PresentedBy(allow_none=True, metadata={"oneOf": [
        OFFICIAL, {"type": "string", "maxLength": NAME},
        {"type": "object", "additionalProperties": False, "properties": {
            "official_id": {**OFFICIAL, "nullable": True}, "name": {"type": "string", "maxLength": NAME},
            "title": {"type": "string", "maxLength": TITLE}}}]})
    presented_by_title = Text(TITLE, metadata={"description": "with presented_by as a name"})
    awarded_on = Date(allow_none=True, metadata={"description": "default: the last day, or today"})

    @ma.post_load
    def presenter(self, data, **kwargs):  # presented_by_title goes with a name, or alone
        title, who = data.pop("presented_by_title", ""), data.get("presented_by")
        if title and (who is None or not (who.official_id or who.title)):
            data["presented_by"] = replace(who or Presenter(), title=title)
        return data


AwardCreateSchema = _AwardFields.from_dict({
    "kind": Enum(AwardKind, required=True), "recipient_title": Text(LIMITS["recipient_title"]),
    "ngo_id": Id(allow_none=True, metadata={"description": "the NGO honoured, or the one the person represents"}),
    "recipient_name": Text(LIMITS["recipient_name"], metadata={"description": "a person; with ngo_id, on behalf of it"}),
    "allow_other_ngos": Boolean(metadata={"description": "accept an NGO not at the event (with a warning)"}),
}, name="AwardCreate")
AwardBulkSchema = _AwardFields.from_dict({
    "ngo_ids": List(Id(), min=1, max=MAX_BULK, required=True), "allow_other_ngos": Boolean(),
    "kind": Enum(AwardKind, load_default=AwardKind.plaque)}, name="AwardBulk")
CertificatesInputSchema = _AwardFields.from_dict({"min_days": Integer(min=1, max=MAX_DAYS, allow_none=True, metadata={
    "description": "default every day (422 beyond them)"})}, name="CertificatesInput")
AwardRevokeSchema = Schema.from_dict({"reason": Text(LIMITS["reason"], blank=False, required=True)}, name="AwardRevoke")
AwardQuery = PageQuery.from_dict({
    "kind": Enum(AwardKind), "per_page": QueryInteger(min=1, max=500, load_default=100),
    "include_revoked": fields.Boolean(load_default=True, error_messages={"invalid": reason("boolean")})},
    name="AwardQuery")


class Out(Schema):  # what goes out: every field is always there (null where it may be)
    def on_bind_field(self, field_name, field_obj):
        field_obj.required = True


class Whole(Nested):
    def get_value(self, obj, attr, accessor=None, default=ma.missing):  # the object itself, nested
        return obj


S, N, F = fields.String, fields.Integer, fields.Function
AwardNgo = Out.from_dict({"id": N(), "name": S(), "registration_no": S()}, name="AwardNgo")
AwardPresenter = Out.from_dict({"official_id": N(attribute="presented_by_official_id", allow_none=True),
                                "name": S(attribute="presented_by_name"),
                                "title": S(attribute="presented_by_title")}, name="AwardPresenter")
AwardSchema = Out.from_dict({
    "id": N(), "verification_code": S(metadata={"description": "random, 20 characters"}),
    "verify_url": F(lambda a: verify_url(a.verification_code), metadata={"type": "string", "format": "uri"}),
    "event_id": N(), "kind": Enum(AwardKind), "kind_label": S(attribute="kind.label"), "title": S(),
    "citation": S(), "ngo_id": N(allow_none=True), "ngo": fields.Nested(AwardNgo, allow_none=True),
    "recipient_name": S(), "recipient_title": S(),
    "registration_id": N(allow_none=True, metadata={"description": "certificates of attendance"}),
    "presented_by": Whole(AwardPresenter), "awarded_on": Date(), "awarded_on_jalali": F(
        lambda a: format_date(a.awarded_on, "long"), metadata={"type": "string", "example": "پنجشنبه ۵ شهریور ۱۴۰۴"}),
    "created_at": Instant(), "revoked": fields.Boolean(attribute="is_revoked"), "revoked_at": Instant(allow_none=True),
    "revoked_by": S(attribute="revoked_by.username", allow_none=True, dump_default=None), "revoke_reason": S()},
    name="Award")


class AwardWrittenSchema(AwardSchema):  # dumps a services.Given: its award, with the warnings
    warnings = fields.List(S(), metadata={"description": "Persian, e.g. NGOs that were not at the event"})
    award = ma.pre_dump(lambda self, given, **kwargs: setattr(given.award, "warnings", given.warnings) or given.award)


Awards = fields.List(fields.Nested(AwardSchema), required=True)
AwardBulkResultSchema = Out.from_dict({"awards": Awards, "warnings": fields.List(S())}, name="AwardBulkResult")
AwardPageSchema = PageSchema.from_dict({"awards": Awards, "per_page": N(required=True)}, name="AwardPage")
CertificatesResultSchema = Out.from_dict({
    "created": N(), "already": N(metadata={"description": "had one already (skipped)"}), "too_few_days": N(),
    "min_days": N(), "days": N(), "awards": Awards}, name="CertificatesResult")
