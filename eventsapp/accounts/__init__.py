"""Users, roles, organizing bodies, login and API tokens."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import routes  # noqa: E402,F401  (registers the views)
