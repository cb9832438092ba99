"""Messages to people (SMS and e-mail): the outbox, the channels and the worker.

A service that changes something people must hear about calls :func:`outbox.announce` in the
same transaction as the change; what is sent to whom is composed above every domain
(``eventsapp.messages``), and lands here as rows of the outbox. ``flask send-outbox`` delivers
them, outside any request. This package imports no domain.
"""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401
