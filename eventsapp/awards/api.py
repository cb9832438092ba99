"""Awards in the JSON API: give one, give the same award to several NGOs, certificates of
attendance, list, revoke.

Only the event's managers (its body's organizers, admins) use these: 404 for an event the
caller may not see, 403 for one they see but do not manage (``services.managed_event`` and
``services.award_for``, shared with the pages). ``awarded_on`` is an ISO Gregorian date, as
every date the API takes. The views call one service and commit once; the rules and their
refusals are the services': 409 for a conflict with the event's or the award's state, 422 for
any other rule a request valid by its schema breaks.
"""
import math

from flask import g

from ..api import bp
from ..api.auth import token_required
from ..api.errors import ErrorSchema
from ..extensions import begin_write, db
from . import schemas, services

REFUSED = "a rule of the event or the award: " + ", ".join(sorted(
    r.value for r in services.AwardReason if r not in services.AwardError.statuses))
CONFLICT = "the event's or award's state: " + ", ".join(sorted(
    r.value for r, s in services.AwardError.statuses.items() if s == 409))


def documented(*statuses):
    """The answers besides the schema's 200/201 and the token's 401/403: 400 (a refused
    field), 404 (nothing the caller may see), and ``statuses`` (409, 422)."""
    answers = {400: "a field the schema refuses", 404: "no such event or award, or one the caller may not see",
               409: CONFLICT, 422: REFUSED}

    def decorate(view):
        for status in (400, 404, *statuses):
            view = bp.alt_response(status, schema=ErrorSchema, description=answers[status])(view)
        return view
    return decorate


@bp.route("/events/<id:event_id>/awards", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.AwardCreateSchema)
@bp.response(201, schemas.AwardWrittenSchema)
@documented(409, 422)
def create_award(data, event_id):
    """Give one award: to an NGO, a person, or a person on behalf of an NGO."""
    event = services.managed_event(db.session, g.api_user, event_id)
    ngo_id = data.pop("ngo_id", None)
    ngo = services.find_ngos(db.session, [ngo_id])[0] if ngo_id else None
    given = services.give_award(db.session, event, ngo=ngo, actor=g.api_user, **data)
    db.session.commit()
    return given


@bp.route("/events/<id:event_id>/awards/bulk", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.AwardBulkSchema)
@bp.response(201, schemas.AwardBulkResultSchema)
@documented(409, 422)
def create_awards_bulk(data, event_id):
    """Give the same award, with the same text, to each of several NGOs: all or none."""
    event = services.managed_event(db.session, g.api_user, event_id)
    ngos = services.find_ngos(db.session, data.pop("ngo_ids"))
    given = services.give_bulk(db.session, event, ngos, actor=g.api_user, **data)
    db.session.commit()
    return given


@bp.route("/events/<id:event_id>/awards", methods=["GET"])
@token_required("organizer", "admin")
@bp.arguments(schemas.AwardQuery, location="query")
@bp.response(200, schemas.AwardPageSchema)
@documented()
def list_awards(query, event_id):
    """An event's awards, revoked ones included (marked), honours before certificates."""
    event = services.managed_event(db.session, g.api_user, event_id)
    awards = services.event_awards(db.session, event, kind=query.get("kind"),
                                   live_only=not query["include_revoked"])
    page, per_page, total = query["page"], query["per_page"], len(awards)
    return {"awards": awards[(page - 1) * per_page: page * per_page], "page": page,
            "per_page": per_page, "total": total, "pages": math.ceil(total / per_page)}


@bp.route("/events/<id:event_id>/certificates", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.CertificatesInputSchema, required=False)
@bp.response(201, schemas.CertificatesResultSchema, description="certificates were given")
@bp.alt_response(200, schema=schemas.CertificatesResultSchema, description="nothing new to give (the counts say why)")
@documented(409, 422)
def create_certificates(data, event_id):
    """Certificates of attendance for everyone checked in on at least min_days distinct days
    (default: every day of the event); nobody else gets one. Running it again gives
    certificates only to those who have none yet."""
    event = services.managed_event(db.session, g.api_user, event_id)
    begin_write(db.session)  # SQLite: the write lock before counting (the event reloads in it)
    run = services.certificates_for_attendance(db.session, event, data.pop("min_days", None),
                                               actor=g.api_user, **data)
    db.session.commit()
    return run, 201 if run.created else 200


@bp.route("/awards/<id:award_id>/revoke", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.AwardRevokeSchema)
@bp.response(200, schemas.AwardSchema)
@documented(409, 422)
def revoke_award(data, award_id):
    """Revoke an award. The record stays, with who revoked it, when and why; its verification
    page then says it is revoked."""
    award = services.award_for(db.session, g.api_user, award_id)
    services.revoke(db.session, award, reason=data["reason"], actor=g.api_user)
    db.session.commit()
    return award
