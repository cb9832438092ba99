"""Ticket pages, QR codes and printing.

The ticket code (128 random bits) is the credential: whoever holds the link may see the ticket,
so these pages are public. They never show the national ID or the mobile number in full, and a
QR code exists only for a confirmed registration of an event that is not cancelled. The print
sheet of many tickets is for the NGO's secretary and the event's organizers.
"""
from dataclasses import dataclass

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.permissions import public, role_required
from ..events import services as events
from ..events.models import Event, EventStatus, Venue
from ..extensions import db
from ..ngos.models import Ngo
from ..paging import page_arg
from ..dbtypes import persian_order
from ..persian import to_persian_digits
from . import bp, qr, services
from .models import RegStatus, Registration

SHEET_PAGE_SIZE = 200
QR_CACHE = "private, max-age=300"
PAGE_CACHE = "private, no-cache"

# What a ticket says about its registration's status (none for a confirmed one).
STATUS_NOTES = {
    RegStatus.waitlisted: ("warn", "شما در فهرست انتظار این رویداد هستید. اگر جایی خالی شود، "
                                   "ثبت‌نام‌تان قطعی می‌شود و کد ورود همین‌جا نمایش داده می‌شود."),
    RegStatus.pending: ("warn", "ثبت‌نام شما در انتظار تأیید برگزارکننده است. پس از تأیید، "
                                "کد ورود همین‌جا نمایش داده می‌شود."),
    RegStatus.cancelled: ("danger", "این بلیت لغو شده است و با آن نمی‌توان وارد رویداد شد."),
    RegStatus.rejected: ("danger", "این ثبت‌نام رد شده است و با این بلیت نمی‌توان وارد رویداد شد."),
}
# What a ticket says about its event's status, when the event is not simply on.
EVENT_NOTES = {
    EventStatus.cancelled: ("danger", "این رویداد لغو شده است و برگزار نمی‌شود."),
    EventStatus.postponed: ("warn", "این رویداد به تعویق افتاده است؛ زمان تازه اعلام می‌شود."),
    EventStatus.completed: ("muted", "این رویداد برگزار شده است."),
}


def mask(value: str, head: int = 4, tail: int = 2) -> str:
    """«۰۰۱۲***۴۵»: enough to tell two people apart, not enough to misuse."""
    value = value or ""
    if len(value) <= head + tail:
        return "***"
    return to_persian_digits(value[:head]) + "***" + to_persian_digits(value[-tail:])


def base_url() -> str:
    return qr.public_base(current_app.config.get("PUBLIC_BASE_URL"), request.host_url)


def absolute_ticket_url(code: str) -> str:
    """The ticket page's absolute URL, as its QR code says it (for the API and e-mails too)."""
    return qr.ticket_url(code, base_url())


@dataclass
class Ticket:
    """What a ticket shows, ready for the template."""

    reg: Registration
    url: str

    @property
    def shows_qr(self) -> bool:
        return (self.reg.status == RegStatus.confirmed
                and self.reg.event.status != EventStatus.cancelled)

    @property
    def national_id(self) -> str:
        return mask(self.reg.national_id)

    @property
    def mobile(self) -> str:
        return mask(self.reg.mobile)

    @property
    def status_note(self):
        return STATUS_NOTES.get(self.reg.status)

    @property
    def event_note(self):
        return EVENT_NOTES.get(self.reg.event.status)

    @property
    def qr_markup(self) -> Markup:
        # Our own SVG (path data only, no user text in it), safe to embed as it is.
        return Markup(qr.qr_svg_markup(self.url))


def _ticket_or_404(code: str) -> Ticket:
    reg = services.by_ticket_code(db.session, code)
    if reg is None:
        abort(404)
    return Ticket(reg, absolute_ticket_url(reg.ticket_code))


def _private(response, cache=PAGE_CACHE):
    response.headers["Cache-Control"] = cache
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _back_link(reg: Registration):
    """Where a signed-in secretary or organizer came from, if it is theirs."""
    if not services.can_see(current_user, reg):
        return None
    if current_user.role.value == "secretary":
        return url_for(".my_registrations", event_id=reg.event_id), "ثبت‌نام‌های سمن"
    return url_for(".event_registrations", event_id=reg.event_id), "ثبت‌نام‌های رویداد"


@bp.route("/t/<code>")
@public
def ticket(code):
    t = _ticket_or_404(code)
    html = render_template("registrations/ticket.html", t=t, back=_back_link(t.reg))
    return _private(Response(html))


@bp.route("/t/<code>/print")
@public
def ticket_print(code):
    t = _ticket_or_404(code)
    return _private(Response(render_template("registrations/ticket_print.html", t=t)))


def _qr_text_or_404(code: str) -> str:
    t = _ticket_or_404(code)
    if not t.shows_qr:
        abort(404)
    return t.url


@bp.route("/t/<code>/qr.svg")
@public
def ticket_qr_svg(code):
    svg = qr.qr_svg(_qr_text_or_404(code))
    return _private(Response(svg, mimetype="image/svg+xml"), QR_CACHE)


@bp.route("/t/<code>/qr.png")
@public
def ticket_qr_png(code):
    png = qr.qr_png(_qr_text_or_404(code))
    return _private(Response(png, mimetype="image/png"), QR_CACHE)


# --- the print sheet -----------------------------------------------------------------------

def _sheet_scope(event_id: int) -> tuple[Event, Ngo | None]:
    """The event and the NGO whose tickets this user may print (None: every NGO's)."""
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(
        selectinload(Event.days), selectinload(Event.body),
        selectinload(Event.venue).selectinload(Venue.province),
        selectinload(Event.venue).selectinload(Venue.county)))
    if event is None:
        abort(404)
    if current_user.role.value == "secretary":
        if not events.can_view(current_user, event):
            abort(404)
        return event, db.session.get(Ngo, current_user.ngo_id)  # whatever ?ngo= says
    if not events.can_manage(current_user, event):
        abort(403 if events.can_view(current_user, event) else 404)
    ngo_id = request.args.get("ngo", type=int)
    if not request.args.get("ngo"):
        return event, None
    ngo = db.session.get(Ngo, ngo_id) if ngo_id and ngo_id > 0 else None
    if ngo is None:
        abort(404)
    return event, ngo


@bp.route("/events/<id:event_id>/tickets/print")
@role_required("secretary", "organizer", "admin")
def tickets_print(event_id):
    event, ngo = _sheet_scope(event_id)
    query = (select(Registration)
             .where(Registration.event_id == event.id, Registration.status == RegStatus.confirmed)
             .options(selectinload(Registration.ngo))
             .order_by(Registration.ngo_id, persian_order(Registration.full_name), Registration.id))
    if ngo is not None:
        query = query.where(Registration.ngo_id == ngo.id)
    page = db.paginate(query, page=page_arg(),
                       per_page=SHEET_PAGE_SIZE, error_out=False, count=True)
    base = base_url()
    tickets = [Ticket(reg, qr.ticket_url(reg.ticket_code, base)) for reg in page.items]
    html = render_template("registrations/ticket_sheet.html", event=event, ngo=ngo,
                           tickets=tickets, page=page)
    return _private(Response(html))
