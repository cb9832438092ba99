"""Events: workshops, meetings and ceremonies; their days, venues, officials and occasions."""
from flask import Blueprint

bp = Blueprint("events", __name__)

from . import routes  # noqa: E402,F401
