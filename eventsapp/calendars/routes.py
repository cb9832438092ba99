"""Calendar files and feeds: /events/<id>.ics, /t/<code>.ics, /calendars/… and the feeds page.

Every .ics answer is ``text/calendar; charset=utf-8`` with a strong ETag (a hash of the body,
which is the same bytes for the same data) and answers ``If-None-Match`` with 304.
"""
import hashlib

from flask import (Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from sqlalchemy import select

from ..accounts.permissions import login_required_any, public
from ..events import services as events
from ..events.models import KIND_LABELS, Event, EventKind
from ..extensions import db
from ..jalali import utcnow
from ..places import services as places
from ..places.models import County, Province
from ..registrations.models import RegStatus
from ..registrations.services import by_ticket_code
from . import bp, ical, services
from .models import FeedKind
from ..dbtypes import persian_order

# Public files may sit in shared caches for a few minutes; secret ones are revalidated each time.
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-cache"

FEED_LABELS = {
    FeedKind.user: ("تقویم شخصی من", "رویدادهایی که ساخته‌اید، در پذیرش آن‌ها کار می‌کنید یا "
                                     "برایشان ثبت‌نام کرده‌اید."),
    FeedKind.ngo: ("تقویم سمن من", "رویدادهایی که اعضای سمن شما در آن‌ها ثبت‌نام کرده‌اند."),
    FeedKind.body: ("تقویم نهاد من", "همهٔ رویدادهای منتشرشدهٔ نهاد شما."),
}


# --- helpers --------------------------------------------------------------------------------

def site() -> ical.Site:
    """Absolute URLs: PUBLIC_BASE_URL when set, else the URL the request came to."""
    return ical.Site(base_url=current_app.config.get("PUBLIC_BASE_URL") or request.url_root,
                     organizer_email=current_app.config.get("CALENDAR_ORGANIZER_EMAIL", ""))


def absolute(endpoint: str, **values) -> str:
    path = url_for(endpoint, **values)
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root):]
    return site().url(path)


def ics_response(body: bytes, filename: str, *, private: bool, attachment: bool = True):
    disposition = "attachment" if attachment else "inline"
    response = Response(body, content_type=ical.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = PRIVATE_CACHE if private else PUBLIC_CACHE
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


def calendar_links(event, ticket_code: str | None = None) -> dict:
    """Links for the "add to calendar" box: file, subscription, Google, feeds page."""
    s = site()
    if ticket_code:
        file_url = absolute("calendars.ticket_ics", code=ticket_code)
        ticket = ical.Ticket(code=ticket_code)
    else:
        file_url = absolute("calendars.event_ics", event_id=event.id)
        ticket = None
    return {
        "download": file_url,
        "subscribe": ical.webcal(file_url),
        "google": ical.google_calendar_url(event, s, ticket=ticket) if event.days else None,
        "feeds": url_for("calendars.feeds"),
    }


@bp.app_template_global("calendar_links")
def _calendar_links_global(event, ticket_code=None):
    return calendar_links(event, ticket_code)


# --- one event, one ticket ------------------------------------------------------------------

@bp.route("/events/<id:event_id>.ics")
@public
def event_ics(event_id):
    event = db.get_or_404(Event, event_id)
    if not events.can_view(current_user, event):
        abort(404)
    body = ical.event_ics(event, site())
    return ics_response(body, ical.filename_for_event(event),
                        private=event.status not in events.PUBLIC_STATUSES)


@bp.route("/t/<code>.ics")
@public
def ticket_ics(code):
    registration = by_ticket_code(db.session, code)
    if registration is None or registration.event.status not in events.PUBLIC_STATUSES:
        abort(404)
    changes = [t for t in (registration.created_at, registration.decided_at,
                           registration.cancelled_at) if t is not None]
    ticket = ical.Ticket(code=registration.ticket_code, holder=registration.full_name,
                         active=registration.is_active,
                         confirmed=registration.status == RegStatus.confirmed,
                         status_label=registration.status.label,
                         changed_at=max(changes) if changes else None)
    body = ical.event_ics(registration.event, site(), ticket=ticket)
    return ics_response(body, ical.filename_for_event(registration.event, ticket), private=True)


# --- feeds ----------------------------------------------------------------------------------

@bp.route("/calendars/<token>.ics")
@public
def feed(token):
    feed_token = services.resolve_token(db.session, token)
    if feed_token is None:
        abort(404)
    name = services.feed_name(feed_token)
    body = ical.feed_ics(services.feed_events(db.session, feed_token), site(), name=name)
    return ics_response(body, f"{feed_token.kind.value}-feed.ics", private=True, attachment=False)


def _public_filter() -> events.EventFilter:
    def positive(name):
        value = request.args.get(name, type=int)
        return value if value and value > 0 else None

    kind = request.args.get("kind") or None
    return events.EventFilter(province_id=positive("province"), county_id=positive("county"),
                              kind=EventKind(kind) if kind in {k.value for k in EventKind} else None)


def _public_feed_name(f: events.EventFilter) -> str:
    parts = []
    if f.county_id and (county := db.session.get(County, f.county_id)):
        parts.append(f"شهرستان {county.name}")
    elif f.province_id and (province := db.session.get(Province, f.province_id)):
        parts.append(f"استان {province.name}")
    if f.kind:
        parts.append(KIND_LABELS[f.kind])
    return "رویدادهای سمن‌ها" + (f" ({'، '.join(parts)})" if parts else "")


@bp.route("/calendars/public.ics")
@public
def public_feed():
    f = _public_filter()
    body = ical.feed_ics(services.public_feed_events(db.session, f), site(),
                         name=_public_feed_name(f))
    return ics_response(body, "public-feed.ics", private=False, attachment=False)


@bp.route("/calendars/occasions.ics")
@public
def occasions_feed():
    now = utcnow()
    entries = services.occasion_entries(db.session, services.occasion_years(now=now))
    # Occasions keep no change time; the day the feed is made stands for it.
    stamp = now.replace(hour=0, minute=0, second=0, microsecond=0)
    body = ical.occasions_ics(entries, site(), name="مناسبت‌های سمن‌ها", stamp=stamp,
                              description="روزها و هفته‌های مناسبتی، هر سال در روز خودش")
    return ics_response(body, "occasions.ics", private=False, attachment=False)


# --- the feeds page -------------------------------------------------------------------------

def _feed_view(kind: FeedKind, token) -> dict:
    url = absolute("calendars.feed", token=token.token)
    title, text = FEED_LABELS[kind]
    return {"kind": kind.value, "title": title, "text": text, "https": url,
            "webcal": ical.webcal(url), "created_at": token.created_at}


@bp.route("/calendars/")
@login_required_any
def feeds():
    mine = []
    for kind, owner in services.owned_feeds(current_user):
        mine.append(_feed_view(kind, services.get_or_create_token(db.session, kind, owner)))
    db.session.commit()

    f = _public_filter()
    public_url = absolute("calendars.public_feed", **{k: v for k, v in {
        "province": f.province_id, "county": f.county_id,
        "kind": f.kind.value if f.kind else None}.items() if v})
    counties = []
    if f.province_id:
        counties = db.session.scalars(select(County).where(County.province_id == f.province_id)
                                      .order_by(persian_order(County.name))).all()
    occasions_url = absolute("calendars.occasions_feed")
    return render_template(
        "calendars/feeds.html", feeds=mine, filters=f, public_url=public_url,
        public_webcal=ical.webcal(public_url), public_name=_public_feed_name(f),
        occasions_url=occasions_url, occasions_webcal=ical.webcal(occasions_url),
        provinces=places.all_provinces(db.session), counties=counties, kinds=KIND_LABELS,
        county_map=places.counties_by_province(db.session))


@bp.route("/calendars/<kind>/regenerate", methods=["POST"])
@login_required_any
def regenerate(kind):
    if kind not in {k.value for k in FeedKind}:
        abort(404)
    owner = services.owner_for(current_user, FeedKind(kind))
    services.regenerate_token(db.session, FeedKind(kind), owner)
    db.session.commit()
    flash(f"نشانی تازهٔ «{FEED_LABELS[FeedKind(kind)][0]}» ساخته شد. نشانی پیشین دیگر کار نمی‌کند؛ "
          "در تقویم‌هایتان نشانی تازه را دنبال کنید.", "success")
    return redirect(url_for("calendars.feeds") + f"#feed-{kind}")
