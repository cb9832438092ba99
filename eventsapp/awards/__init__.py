"""Awards: plaques, statuettes and certificates given at events; verification."""
from flask import Blueprint

bp = Blueprint("awards", __name__)

from . import routes  # noqa: E402,F401
