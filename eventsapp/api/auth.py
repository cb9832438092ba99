"""Bearer-token authentication for the API. Session cookies are never accepted here.

``token_required`` reads the token before anything else (a request without one is a 401 whatever
its body), documents the bearer security and the 401/403 answers, and commits nothing before the
view: the token's last use (at most every few minutes) is written after the view has made its
answer, in a short write transaction of its own.
"""
from functools import wraps

from flask import g, request

from ..accounts import services as accounts
from ..accounts.models import Role
from ..extensions import begin_write, db
from ..jalali import utcnow
from . import bp
from .errors import ApiError

UNAUTHORIZED = "توکن معتبر فرستاده نشده است."
FORBIDDEN = "این توکن اجازهٔ این کار را ندارد."


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def record_token_use(token_id: int, now) -> None:
    """After the view: end its transaction (it has committed what it wrote) and record the use."""
    db.session.rollback()
    begin_write(db.session)
    accounts.mark_token_used(db.session, token_id, now)
    db.session.commit()


def documented_auth(view, *, forbidden=True):
    """The OpenAPI part every guarded endpoint shares: bearer security, 401 (and 403)."""
    view = bp.doc(security=[{"bearer": []}])(view)
    view = bp.alt_response(401, response="UNAUTHORIZED")(view)
    if forbidden:
        view = bp.alt_response(403, response="FORBIDDEN")(view)
    return view


def token_required(*roles):
    """The caller must send a live token; with ``roles``, its user must have one of them."""
    allowed = {Role(r) for r in roles} if roles else set(Role)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            token = accounts.live_token(db.session, bearer_token())
            if token is None:
                raise ApiError(401, "unauthorized", UNAUTHORIZED)
            if token.user.role not in allowed:
                raise ApiError(403, "forbidden", FORBIDDEN)
            g.api_user = token.user
            now = utcnow()
            due = accounts.touch_due(token, now)
            token_id = token.id
            response = view(*args, **kwargs)
            if due:
                record_token_use(token_id, now)
            return response

        guarded.access = frozenset(r.value for r in allowed)
        guarded.api_auth = True
        return documented_auth(guarded)

    return decorate
