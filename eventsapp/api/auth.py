"""Bearer-token authentication for the API. Session cookies are never accepted here."""
from functools import wraps

from flask import g, request

from ..accounts import services as accounts
from ..accounts.models import Role
from ..extensions import begin_write, db
from .errors import ApiError


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_required(*roles):
    """The caller must send a live token; with ``roles``, its user must have one of them."""
    allowed = {Role(r) for r in roles} if roles else set(Role)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = accounts.user_for_token(db.session, bearer_token())
            if user is None:
                raise ApiError(401, "unauthorized", "توکن معتبر فرستاده نشده است.")
            if db.session.dirty:
                # last_used_at (at most every few minutes), in a write transaction of its own: on
                # SQLite a read transaction turning writer fails at once ("database is locked").
                db.session.rollback()
                begin_write(db.session)
                user = accounts.user_for_token(db.session, bearer_token())
                db.session.commit()
                if user is None:
                    raise ApiError(401, "unauthorized", "توکن معتبر فرستاده نشده است.")
            if user.role not in allowed:
                raise ApiError(403, "forbidden", "این توکن اجازهٔ این کار را ندارد.")
            g.api_user = user
            return view(*args, **kwargs)

        guarded.access = frozenset(r.value for r in allowed)
        guarded.api_auth = True
        return guarded

    return decorate
