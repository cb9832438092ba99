"""Registrations of NGO members for events: capacity, quotas, waitlist, approval, tickets."""
from flask import Blueprint

bp = Blueprint("registrations", __name__)

from . import routes, ticket_routes  # noqa: E402,F401
