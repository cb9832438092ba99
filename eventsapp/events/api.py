"""Events in the JSON API: create, change, publish, cancel, postpone, list and read.

Each view loads and authorises through the events services, calls one service and commits once;
the schemas (``schemas.py``) validate what comes in before that and are the document. Refusals
of a schema-valid request are the services': 404/403 (access), 409 (the event's state) or 422.
"""
from flask import g
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from ..api import bp
from ..api.auth import token_required
from ..api.errors import ErrorSchema
from ..extensions import db
from . import services
from .models import Event, EventStatus, Invitation
from .schemas import (EventCreateSchema, EventFieldsSchema, EventPageSchema, EventQuerySchema,
                      EventSchema, EventStatusInputSchema, EventWrittenSchema)

EVENT_URL = "/events/<id:event_id>"  # ids beyond the database's integer are a 404 of the router


def answers(*statuses, **descriptions):
    """Documents the error statuses an endpoint answers besides 401/403 (token_required's)."""
    text = {400: "a field the schema refuses (invalid, invalid_date, invalid_time), with field "
                 "and fields", 404: "no such event, or a draft the caller may not know exists",
            409: "the event's status does not allow it (invalid_transition, not_editable, "
                 "capacity_below_confirmed)",
            422: "a rule of the event refused it: unknown_province, unknown_county, unknown_ngo "
                 "(with unknown), unknown_occasion, unknown_body, body_required, or a scheduling "
                 "rule such as end_before_start, duplicate_day, quota_above_capacity, "
                 "closes_after_start, reason_required"}

    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, schema=ErrorSchema,
                                   description=descriptions.get(f"s{status}", text[status]))(view)
        return view
    return decorate


def _written(event, conflicts):
    event.warnings = [c.message for c in conflicts]  # for EventWrittenSchema
    return event


@bp.route("/events", methods=["GET"])
@token_required()
@bp.arguments(EventQuerySchema, location="query")
@bp.response(200, EventPageSchema)
@answers(400, 422, s422="unknown_province")
def list_events(query):
    """List events: the public ones (published, postponed, cancelled, completed), first day first."""
    province = services.find_place(db.session, query.get("province"), "province")
    f = services.EventFilter(province_id=province.id if province else None, kind=query.get("kind"))
    events = services.public_events(f, since=query.get("from_"), until=query.get("to")).options(
        selectinload(Event.officials), selectinload(Event.audience_province),
        selectinload(Event.audience_county),
        selectinload(Event.invitations).selectinload(Invitation.ngo))
    return db.paginate(events, page=query["page"], per_page=query["per_page"], error_out=False,
                       count=True)


@bp.route("/events", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(EventCreateSchema)
@bp.response(201, EventWrittenSchema)
@answers(400, 422)
def create_event(fields):
    """Create an event for the caller's body (admins name it with body_id), as a draft or
    published at once; the answer warns (in Persian) of venue clashes."""
    body = services.body_for_new_event(db.session, g.api_user, fields.pop("body_id", None))
    status = fields.pop("status", EventStatus.draft)
    event, conflicts = services.create_event(
        db.session, body, services.event_input(db.session, fields), actor=g.api_user)
    if status == EventStatus.published:
        services.publish(event)
    db.session.commit()
    return _written(event, conflicts)


def _guarded(view):
    """The view of both methods: each checks its token itself (token_required)."""
    view.access, view.api_auth = frozenset({"admin", "organizer", "secretary", "door"}), True
    return view


@bp.route(EVENT_URL)
class EventView(MethodView):
    """One rule for GET and PATCH, so that an id the router refuses is a 404 for both (with two
    rules, werkzeug answers a PATCH of /events/0 with 405)."""

    decorators = [_guarded]

    @token_required()
    @bp.response(200, EventSchema)
    @answers(404)
    def get(self, event_id):
        """Read an event; drafts only for those who manage them."""
        return services.load_event(db.session, g.api_user, event_id)

    @token_required("organizer", "admin")
    @bp.arguments(EventFieldsSchema)
    @bp.response(200, EventWrittenSchema)
    @answers(400, 404, 409, 422)
    def patch(self, fields, event_id):
        """Change any of an event's fields; a live event whose days or venue change raises its
        sequence and says so in change_note."""
        event = services.load_event(db.session, g.api_user, event_id, manage=True)
        status = fields.pop("status", None)
        conflicts = services.update_event(db.session, event,
                                          services.event_input(db.session, fields, event))
        if status is not None and status != event.status:
            services.set_status(event, status)
        db.session.commit()
        return _written(event, conflicts)


def _change_status(event_id, target: EventStatus, reason: str = ""):
    event = services.load_event(db.session, g.api_user, event_id, manage=True)
    services.set_status(event, target, reason=reason)
    db.session.commit()
    return event


@bp.route(EVENT_URL + "/publish", methods=["POST"])
@token_required("organizer", "admin")
@bp.response(200, EventSchema)
@answers(404, 409)
def publish_event(event_id):
    """Publish an event (a draft, or a postponed one again)."""
    return _change_status(event_id, EventStatus.published)


@bp.route(EVENT_URL + "/cancel", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(EventStatusInputSchema, required=False)
@bp.response(200, EventSchema)
@answers(400, 404, 409, 422, s422="reason_required: a published event is cancelled with a reason")
def cancel_event(data, event_id):
    """Cancel an event; a reason is needed once it is published."""
    return _change_status(event_id, EventStatus.cancelled, data.get("reason", ""))


@bp.route(EVENT_URL + "/postpone", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(EventStatusInputSchema, required=False)
@bp.response(200, EventSchema)
@answers(400, 404, 409, 422, s422="reason_required: a postponement needs a reason")
def postpone_event(data, event_id):
    """Postpone a published event, with a reason."""
    return _change_status(event_id, EventStatus.postponed, data.get("reason", ""))
