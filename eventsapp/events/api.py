"""Events in the JSON API. The schemas (``schemas.py``) validate what comes in before any
service runs and are the document; each view loads and authorises through the services, calls
one service and commits once. The services refuse with 404/403, 409 (the state) or 422."""
from flask import g
from flask.views import MethodView

from ..api import bp
from ..api.auth import token_required
from ..api.errors import answers as shared_answers
from ..extensions import db
from . import services
from .models import EventStatus
from .schemas import (EventCreateSchema, EventFieldsSchema, EventPageSchema, EventQuerySchema,
                      EventSchema, EventStatusInputSchema, EventWrittenSchema)

EVENT_URL = "/events/<id:event_id>"  # ids beyond the database's integer are a 404 of the router


ERRORS = {400: "a field the schema refuses (invalid, invalid_date, invalid_time)",
          404: "no such event, or a draft the caller may not know exists",
          409: "not in this status (invalid_transition, not_editable, capacity_below_confirmed)",
          422: "a rule refused it: unknown_* (province, county, ngo, occasion, body), "
               "body_required, end_before_start, duplicate_day, quota_above_capacity, …"}


def answers(*statuses, **descriptions):
    return shared_answers(ERRORS, *statuses, **descriptions)


def _written(event, conflicts):
    event.warnings = [c.message for c in conflicts]  # for EventWrittenSchema
    return event


@bp.route("/events", methods=["GET"])
@token_required()
@bp.arguments(EventQuerySchema, location="query")
@bp.response(200, EventPageSchema)
@answers(400, 422, s422="unknown_province, dates_reversed")
def list_events(query):
    """List events: the public ones (published, postponed, cancelled, completed), first day first."""
    province = services.find_place(db.session, query.get("province"), "province")
    f = services.EventFilter(province_id=province.id if province else None, kind=query.get("kind"))
    events = services.with_everything(
        services.public_events(f, since=query.get("from_"), until=query.get("to")))
    return db.paginate(events, page=query["page"], per_page=query["per_page"], error_out=False,
                       count=True)


@bp.route("/events", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(EventCreateSchema)
@bp.response(201, EventWrittenSchema)
@answers(400, 422)
def create_event(fields):
    """Create an event (a draft, or published at once) for the caller's body; admins name it."""
    body = services.body_for_new_event(db.session, g.api_user, fields.pop("body_id", None))
    publish = fields.pop("status", None) == EventStatus.published
    event, conflicts = services.create_event(db.session, body, services.event_input(
        db.session, fields), actor=g.api_user, publish=publish)
    db.session.commit()
    return _written(event, conflicts)


def _guarded(view):  # both methods check their token themselves (token_required)
    view.access, view.api_auth = frozenset({"admin", "organizer", "secretary", "door"}), True
    return view


@bp.route(EVENT_URL)
class EventView(MethodView):
    """One rule for GET and PATCH: with two, werkzeug answers a PATCH of /events/0 with 405."""

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
        """Change any of an event's fields (a live event's new days or venue raise its sequence)."""
        event = services.load_event(db.session, g.api_user, event_id, manage=True)
        status = fields.pop("status", None)
        conflicts = services.update_event(db.session, event, services.event_input(
            db.session, fields, event), status=status, actor=g.api_user)
        db.session.commit()
        return _written(event, conflicts)


def _change_status(event_id, target: EventStatus, reason: str = ""):
    event = services.load_event(db.session, g.api_user, event_id, manage=True)
    services.set_status(event, target, reason=reason, actor=g.api_user)
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
