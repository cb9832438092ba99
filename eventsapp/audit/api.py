"""``GET /api/v1/audit``: the audit log as JSON, on the schema foundation. Admins read every
entry, organizers their body's; other roles get 403. Filters: object type and id, action,
actor id, and a date range (ISO Gregorian days, Tehran time)."""
from datetime import time, timedelta

from flask import g

from ..api import bp
from ..api.auth import token_required
from ..api.errors import ErrorSchema
from ..api.schema import (MAX_ID, Date, Enum, Id, Instant, PageQuery, PageSchema, QueryInteger,
                          Schema, add_labels, fields)
from ..extensions import db
from ..jalali import local_datetime
from . import services
from .models import Action, ObjectType

add_labels({"object_type": "نوع موضوع", "object_id": "شناسهٔ موضوع", "action": "کار",
            "actor_id": "شناسهٔ کاربر", "event_id": "شناسهٔ رویداد", "from": "از تاریخ",
            "to": "تا تاریخ"})


class AuditQuery(PageQuery):
    object_type = Enum(ObjectType, metadata={"description": "the type of object"})
    object_id = QueryInteger(min=1, max=MAX_ID, metadata={"description": "the object's id"})
    action = Enum(Action)
    actor_id = QueryInteger(min=1, max=MAX_ID)
    event_id = QueryInteger(min=1, max=MAX_ID, metadata={
        "description": "an event's entries and those of its registrations, check-ins and awards"})
    from_ = Date(data_key="from", metadata={"description": "first day (Tehran), ISO Gregorian, 1922–2120"})
    to = Date(metadata={"description": "last day (Tehran), ISO Gregorian, inclusive, 1922–2120"})


class ActorSchema(Schema):
    id = fields.Integer(required=True, allow_none=True,
                        metadata={"description": "the user's id; null for the app itself"})
    name = fields.String(required=True, metadata={"description": "the user's name at the time"})


class EntrySchema(Schema):
    id = Id(required=True)
    at = Instant(required=True)
    actor = fields.Nested(ActorSchema, required=True)
    action = fields.String(required=True, metadata={"enum": [a.value for a in Action]})
    action_label = fields.String(required=True, metadata={"description": "the action in Persian"})
    object_type = fields.String(required=True, metadata={"enum": [t.value for t in ObjectType]})
    object_id = fields.Integer(required=True, allow_none=True)
    object_label = fields.String(required=True)
    event_id = fields.Integer(required=True, allow_none=True)
    before = fields.Dict(required=True, allow_none=True,
                         metadata={"description": "the changed fields' values before (null: created)"})
    after = fields.Dict(required=True, allow_none=True,
                        metadata={"description": "the changed fields' values after"})


class AuditPageSchema(PageSchema):
    entries = fields.List(fields.Nested(EntrySchema), required=True)


def _filter(args) -> services.AuditFilter:
    f = services.AuditFilter(
        object_type=args["object_type"].value if args.get("object_type") else None,
        object_id=args.get("object_id"), actor_id=args.get("actor_id"),
        action=args["action"].value if args.get("action") else None, event_id=args.get("event_id"))
    if args.get("from_"):
        f.since = local_datetime(args["from_"], time(0))
    if args.get("to"):
        f.until = local_datetime(args["to"] + timedelta(days=1), time(0))
    return f


@bp.route("/audit", methods=["GET"])
@token_required("admin", "organizer")
@bp.arguments(AuditQuery, location="query")
@bp.response(200, AuditPageSchema)
@bp.alt_response(400, schema=ErrorSchema, description="a filter that cannot be read")
def audit_log(args):
    """The audit log, newest first: who changed what, when, with the changed fields' values
    before and after. Admins see every entry, organizers their body's."""
    query = services.visible_entries(g.api_user, _filter(args))
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    return {"entries": page.items, "total": page.total, "page": page.page, "pages": page.pages}
