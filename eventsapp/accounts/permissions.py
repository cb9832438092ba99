"""Who may see what. Every view is either ``public`` or guarded by ``role_required``.

A test walks the URL map and fails on any view that is neither, so a new route cannot
forget its check.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from .models import Role


def public(view):
    """Marks a view that anyone may open."""
    view.access = "public"
    return view


def role_required(*roles):
    """Only signed-in users with one of ``roles`` (401 → login page, 403 otherwise)."""
    allowed = {Role(r) for r in roles}

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.access = frozenset(r.value for r in allowed)
        return guarded

    return decorate


def login_required_any(view):
    """Any signed-in user, whatever the role."""
    return role_required(*Role)(view)
