"""Awards in the JSON API, for the event's managers only (``services.managed_event`` and
``award_for``, shared with the pages). A view calls one service and commits once."""
from flask import g

from ..api import bp
from ..api.auth import token_required
from ..api.errors import answers as shared_answers
from ..extensions import begin_write, db
from . import schemas, services

STATUSES = services.AwardError.statuses
ANSWERS = {400: "a field the schema refuses", 404: "no such event or award, or one the caller may not see",
           409: "the state: " + ", ".join(r.value for r, s in STATUSES.items() if s == 409),
           422: "a rule: " + ", ".join(r.value for r in services.AwardReason if r not in STATUSES)}


def answers(*statuses):  # the error answers besides the token's 401/403: 400, 404 and these
    return shared_answers(ANSWERS, 400, 404, *statuses)


@bp.route("/events/<id:event_id>/awards", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.AwardCreateSchema)
@bp.response(201, schemas.AwardWrittenSchema)
@answers(409, 422)
def create_award(data, event_id):
    """Give one award: to an NGO, a person, or a person on behalf of an NGO."""
    given = services.give_award(db.session, services.managed_event(db.session, g.api_user, event_id),
                                actor=g.api_user, **data)
    db.session.commit()
    return given


@bp.route("/events/<id:event_id>/awards/bulk", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.AwardBulkSchema)
@bp.response(201, schemas.AwardBulkResultSchema)
@answers(409, 422)
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
@answers()
def list_awards(query, event_id):
    """An event's awards, revoked ones included (marked), honours before certificates."""
    awards = services.event_awards(db.session, services.managed_event(db.session, g.api_user, event_id),
                                   kind=query.get("kind"), live_only=not query["include_revoked"])
    page, per_page = query["page"], query["per_page"]
    return {"awards": awards[(page - 1) * per_page: page * per_page], "page": page,
            "per_page": per_page, "total": len(awards), "pages": -(-len(awards) // per_page)}


@bp.route("/events/<id:event_id>/certificates", methods=["POST"])
@token_required("organizer", "admin")
@bp.arguments(schemas.CertificatesInputSchema, required=False)
@bp.response(201, schemas.CertificatesResultSchema, description="certificates were given")
@bp.alt_response(200, schema=schemas.CertificatesResultSchema, description="nothing new to give (the counts say why)")
@answers(409, 422)
def create_certificates(data, event_id):
    """Certificates of attendance to all checked in on min_days days or more (default: all days)."""
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
@answers(409, 422)
def revoke_award(data, award_id):
    """Revoke an award; the record stays, with who, when and why (its verification page says so)."""
    award = services.award_for(db.session, g.api_user, award_id)
    services.revoke(db.session, award, reason=data["reason"], actor=g.api_user)
    db.session.commit()
    return award
