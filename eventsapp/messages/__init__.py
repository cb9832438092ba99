"""What is sent to whom: the composers behind ``notifications.announce`` (texts in
``templates/messages/``, calendar invitations from ``calendars.ical``), the organizer's page
of an event's messages, and a secretary's "send all tickets again".

It sits above every domain (it reads events, registrations, awards and calendars), so the
domains below reach it only through ``notifications.announce``, by topic name.
"""
from flask import Blueprint

bp = Blueprint("messages", __name__)

from . import compose, routes  # noqa: E402,F401
