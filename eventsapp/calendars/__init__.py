"""Calendars: .ics files for events and tickets, subscription feeds, occasions."""
from flask import Blueprint

bp = Blueprint("calendars", __name__)

from . import routes  # noqa: E402,F401
