"""The JSON API under /api/v1/: bearer tokens, JSON errors, an OpenAPI document.

Domains add their endpoints in their own ``api.py`` with ``@bp.route`` on this blueprint and
describe them with an OpenAPI YAML docstring after ``---``; ``spec.py`` collects them.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import auth, errors, spec  # noqa: E402,F401
