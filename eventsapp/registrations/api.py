"""Registrations in the JSON API. Schemas refuse the malformed (400); writing views lock, load and
authorise (``access``: 404/403), call one service, commit; its refusal is 409 (state) or 422 (rule)."""
from flask import g

from ..api import bp
from ..api.auth import token_required
from ..api.errors import errors
from ..events.services import can_manage
from ..extensions import begin_write, db
from . import access, services
from .schemas import (RegCancelledSchema, RegCreatedSchema, RegCreateInputSchema, RegistrationOutSchema,
                      RegListQuerySchema, RegPageSchema, RegRejectInputSchema)

EVENT_REGS_URL = "/events/<id:event_id>/registrations"
REG_URL = "/registrations/<id:reg_id>"
NO_REG = "no such registration, or one the caller may not see (another NGO's, another body's event)"



@bp.route(EVENT_REGS_URL, methods=["POST"])
@token_required("secretary")
@errors({404: "no such event, or a draft",
         409: "full, ngo_quota, closed, not_open, duplicate: nothing saved",
         422: "invalid_national_id, invalid_mobile, invalid_email, name_required (with its row), "
              "not_in_audience"})
@bp.arguments(RegCreateInputSchema)
@bp.response(201, RegCreatedSchema, description="confirmed while seats last, then waitlisted")
def create_registrations(data, event_id):
    """Register members of the secretary's NGO (all or none; 403 for an account without one), in
    the order sent: confirmed while seats last, then waitlisted; pending if the event needs approval."""
    begin_write(db.session)
    event = access.event_for(g.api_user, event_id)
    ngo = access.registering_ngo(g.api_user)
    made = services.register(db.session, event, ngo, data["attendees"], actor=g.api_user)
    db.session.commit()
    return {"registrations": made}


@bp.route(EVENT_REGS_URL, methods=["GET"])
@token_required()
@errors({404: "no such event, or a draft of another body"})
@bp.arguments(RegListQuerySchema, location="query")
@bp.response(200, RegPageSchema)
def list_registrations(args, event_id):
    """An event's registrations, first registered first: a secretary's NGO's (403 for another
    NGO's), or everyone's with the counts per status for the event's organizers (else 403)."""
    user = g.api_user
    event = access.event_for(user, event_id)
    f = access.listing_filter(user, event, services.RegFilter(args.get("status"), args.get("ngo_id"), args["q"]))
    query = services.registrations_query(event, f)
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    if can_manage(user, event):  # the event's totals, for its organizers only
        page.counts, page.capacity = services.status_counts(db.session, event), event.capacity
        page.confirmed = event.confirmed_count
    return page


@bp.route(REG_URL, methods=["GET"])
@token_required()
@errors({404: NO_REG})
@bp.response(200, RegistrationOutSchema)
def get_registration(reg_id):
    """One registration: for its NGO's secretary and the event's organizers."""
    return access.registration_for(g.api_user, reg_id)


@bp.route(REG_URL, methods=["DELETE"])
@token_required("secretary", "organizer", "admin")
@errors({404: NO_REG, 409: "not_cancellable (already cancelled or rejected)"})
@bp.response(200, RegCancelledSchema, description="the cancelled registration")
def cancel_registration(reg_id):
    """Cancel a registration; a freed seat goes to the first in the waitlist."""
    begin_write(db.session)
    reg = access.registration_for(g.api_user, reg_id)
    reg.promoted = services.cancel(db.session, reg, actor=g.api_user)  # for the answer only
    db.session.commit()
    return reg


@bp.route(REG_URL + "/approve", methods=["POST"])
@token_required("organizer", "admin")
@errors({404: NO_REG, 409: "not_pending, or full when the event keeps no waitlist"})
@bp.response(200, RegistrationOutSchema, description="confirmed while seats last, else waitlisted")
def approve_registration(reg_id):
    """Approve a pending registration."""
    begin_write(db.session)
    reg = access.registration_for(g.api_user, reg_id, manage=True)
    services.approve(db.session, reg, actor=g.api_user)
    db.session.commit()
    return reg


@bp.route(REG_URL + "/reject", methods=["POST"])
@token_required("organizer", "admin")
@errors({404: NO_REG, 409: "not_pending (already decided or cancelled)"})
@bp.arguments(RegRejectInputSchema, required=False)
@bp.response(200, RegistrationOutSchema, description="the rejected registration")
def reject_registration(data, reg_id):
    """Reject a pending or waitlisted registration, with an optional note."""
    begin_write(db.session)
    reg = access.registration_for(g.api_user, reg_id, manage=True)
    services.reject(db.session, reg, note=data["note"], actor=g.api_user)
    db.session.commit()
    return reg
