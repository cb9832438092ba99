"""The NGO registry (سمن‌ها) and their secretaries."""
from flask import Blueprint

bp = Blueprint("ngos", __name__)

from . import routes  # noqa: E402,F401
