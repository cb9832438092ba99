"""Loading and authorising registrations and tickets: one helper per resource, for the pages
and the API alike.

Each helper loads its row and checks the caller, refusing with ``AccessRefusal``: 404 for what
the caller may not know exists (another NGO's registration, another body's draft), 403 for
what they may see but not change (an event another body runs).
"""
from dataclasses import replace

from flask import current_app, request

from ..accounts.models import Role
from ..events import services as events
from ..events.models import Event
from ..extensions import db
from ..refusals import Access, AccessRefusal
from . import qr
from .models import Registration
from .services import RegFilter, by_ticket_code, can_register, can_see

EVENT_NOT_FOUND = "رویداد پیدا نشد."
NOT_FOUND = "ثبت‌نام پیدا نشد."
TICKET_NOT_FOUND = "بلیت پیدا نشد."
NOT_MANAGER = "اجازهٔ این کار را ندارید؛ این رویداد را نهاد دیگری برگزار می‌کند."
NO_NGO = "حساب شما به هیچ سمنی وصل نیست."
OTHER_NGO = "فقط ثبت‌نام‌های سمن خودتان را می‌توانید ببینید."


def event_for(user, event_id: int, *, manage: bool = False) -> Event:
    """An event the user may see (else 404); with ``manage``, one they run (else 403)."""
    event = db.session.get(Event, event_id)
    if event is None or not events.can_view(user, event):
        raise AccessRefusal(Access.not_found, EVENT_NOT_FOUND)
    if manage and not events.can_manage(user, event):
        raise AccessRefusal(Access.forbidden, NOT_MANAGER)
    return event


def registration_for(user, reg_id: int, *, manage: bool = False) -> Registration:
    """A registration the user may see: their NGO's, or one of an event they run (else 404);
    with ``manage`` (approve, reject), only the event's organizers and admins (else 403)."""
    reg = db.session.get(Registration, reg_id)
    if reg is None or not can_see(user, reg):
        raise AccessRefusal(Access.not_found, NOT_FOUND)
    if manage and not events.can_manage(user, reg.event):
        raise AccessRefusal(Access.forbidden, NOT_MANAGER)
    return reg


def registering_ngo(user):
    """The NGO whose members the user registers: a secretary's own (else 403)."""
    ngo = user.ngo
    if ngo is None or not can_register(user, ngo):
        raise AccessRefusal(Access.forbidden, NO_NGO)
    return ngo


def listing_filter(user, event: Event, f: RegFilter) -> RegFilter:
    """The filter the user may list an event's registrations with: its organizers (and admins)
    any; an NGO's secretary their NGO's only (403 for another's); anyone else 403."""
    if events.can_manage(user, event):
        return f
    if user.role != Role.secretary:
        raise AccessRefusal(Access.forbidden, NOT_MANAGER)
    if user.ngo_id is None:
        raise AccessRefusal(Access.forbidden, NO_NGO)
    if f.ngo_id is not None and f.ngo_id != user.ngo_id:
        raise AccessRefusal(Access.forbidden, OTHER_NGO)
    return replace(f, ngo_id=user.ngo_id)


# --- tickets: the code is the credential, so whoever holds it may see the ticket ------------

def ticket_for(code: str) -> Registration:
    """The registration whose ticket this code opens (else 404)."""
    reg = by_ticket_code(db.session, code)
    if reg is None:
        raise AccessRefusal(Access.not_found, TICKET_NOT_FOUND)
    return reg


def base_url() -> str:
    return qr.public_base(current_app.config.get("PUBLIC_BASE_URL"), request.host_url)


def ticket_url(code: str) -> str:
    """The ticket page's absolute URL, as its QR code says it (for pages, API and e-mails)."""
    return qr.ticket_url(code, base_url())
