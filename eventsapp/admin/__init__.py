"""The admin's pages (users, organizing bodies, a home with counts): they read accounts, NGOs and
events, so they sit above the domains (accounts itself knows none of them)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes  # noqa: E402,F401  (registers the views)
