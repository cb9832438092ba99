"""Calendar routes: event and ticket files, token feeds (regenerate → old URL 404), the public
and occasions feeds, ETag / 304, the feeds page and the "add to calendar" partial."""
import re
from datetime import date, timedelta

import pytest
from flask import render_template_string

from eventsapp.calendars import services
from eventsapp.calendars.models import FeedKind
from eventsapp.events import services as events
from eventsapp.events.models import EventKind
from eventsapp.jalali import from_jalali, to_jalali, today, utcnow
from eventsapp.registrations import services as registrations
from tests.conftest import csrf_token_from, login

from .conftest import both, event_input, gday, jday, parse_icalendar, soon
from .test_services import person

ICS = "text/calendar; charset=utf-8"


def feed_url(html: str, kind: str) -> str:
    match = re.search(rf'id="feed-{kind}".*?<code class="token" dir="ltr">([^<]+)</code>', html, re.S)
    assert match, f"no {kind} feed URL on the page"
    return match.group(1)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- event and ticket files ---------------------------------------------------------------------

def test_event_file_for_a_public_event(client, make_event):
    event = make_event([jday(1405, 6, 5), jday(1405, 6, 6, "14:00", "17:00")])
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ICS
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    assert response.headers["Cache-Control"] == "public, max-age=300"
    rows = both(response.data)
    assert [r["uid"] for r in rows] == [f"event-{event.id}-day-1@eventsapp.invalid",
                                        f"event-{event.id}-day-2@eventsapp.invalid"]
    assert rows[0]["url"] == f"http://localhost/events/{event.id}"
    assert rows[1]["start"].strftime("%H:%M") == "14:00"


def test_drafts_are_404_to_the_public_but_open_to_their_organizers(client, db, make_event,
                                                                   make_user):
    organizer = make_user("organizer")
    draft = make_event(body=organizer.body, status="draft")
    assert client.get(f"/events/{draft.id}.ics").status_code == 404
    assert client.get("/events/999999.ics").status_code == 404
    login(client, organizer)
    response = client.get(f"/events/{draft.id}.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # signed in: never stored
    assert both(response.data)[0]["status"] == "TENTATIVE"


def test_absolute_urls_and_uids_use_public_base_url(app, client, make_event, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://events.example.ir")
    event = make_event()
    [row] = both(client.get(f"/events/{event.id}.ics").data)
    assert row["uid"] == f"event-{event.id}-day-1@events.example.ir"
    assert row["url"] == f"https://events.example.ir/events/{event.id}"


def test_ticket_file_carries_the_ticket_url(client, db, make_event, make_user):
    secretary = make_user("secretary")
    now = utcnow()
    event = make_event([gday(soon(5))], now=now)
    [reg] = registrations.register(db.session, event, secretary.ngo, [person(1)], actor=secretary,
                                   now=now)
    db.session.commit()
    response = client.get(f"/t/{reg.ticket_code}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ICS
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert f'filename="event-{event.id}-ticket.ics"' in response.headers["Content-Disposition"]
    [row] = both(response.data)
    assert row["url"] == f"http://localhost/t/{reg.ticket_code}"
    assert f"بلیت {reg.full_name}: http://localhost/t/{reg.ticket_code}" in row["description"]
    assert row["uid"] == f"event-{event.id}-day-1@eventsapp.invalid"
    assert client.get("/t/notarealcodeatall0000.ics").status_code == 404
    assert client.get("/t/x.ics").status_code == 404

    registrations.cancel(db.session, reg, actor=secretary, now=now)
    db.session.commit()
    assert both(client.get(f"/t/{reg.ticket_code}.ics").data)[0]["status"] == "CANCELLED"


def test_a_waitlisted_ticket_is_tentative(client, db, make_event, make_user):
    secretary = make_user("secretary")
    now = utcnow()
    event = make_event([gday(soon(5))], now=now, capacity=1)
    [seat] = registrations.register(db.session, event, secretary.ngo, [person(1)], now=now)
    [waiting] = registrations.register(db.session, event, secretary.ngo, [person(2)], now=now)
    db.session.commit()
    assert both(client.get(f"/t/{seat.ticket_code}.ics").data)[0]["status"] == "CONFIRMED"
    [row] = both(client.get(f"/t/{waiting.ticket_code}.ics").data)
    assert row["status"] == "TENTATIVE"
    assert "ثبت‌نام هنوز قطعی نیست (فهرست انتظار)." in row["description"]


# --- feeds by token -----------------------------------------------------------------------------

def test_feeds_page_needs_a_signed_in_user(client):
    response = client.get("/calendars/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role, kinds", [("secretary", ["user", "ngo"]),
                                         ("organizer", ["user", "body"]),
                                         ("door", ["user"]), ("admin", ["user"])])
def test_feeds_page_shows_each_feed_with_webcal_and_https(client, login_as, role, kinds):
    login_as(role)
    html = client.get("/calendars/").get_data(as_text=True)
    for kind in ("user", "ngo", "body"):
        assert (f'id="feed-{kind}"' in html) == (kind in kinds)
    for kind in kinds:
        url = feed_url(html, kind)
        assert re.fullmatch(r"http://localhost/calendars/[A-Za-z0-9_-]{32}\.ics", url)
        assert f'href="{url.replace("http://", "webcal://")}"' in html
        assert f'href="{url}"' in html
        response = client.get(path_of(url))
        assert response.status_code == 200 and response.headers["Content-Type"] == ICS
        assert response.headers["Cache-Control"] == "no-store"  # signed in: never stored
    assert "ساخت نشانی تازه" in html
    assert 'href="webcal://localhost/calendars/public.ics"' in html
    assert 'href="webcal://localhost/calendars/occasions.ics"' in html
    # The same URLs on the next visit.
    again = client.get("/calendars/").get_data(as_text=True)
    assert [feed_url(again, k) for k in kinds] == [feed_url(html, k) for k in kinds]


def test_regenerating_makes_the_old_url_404(app, client, db, login_as, monkeypatch):
    login_as("secretary")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/calendars/").get_data(as_text=True)
    old = path_of(feed_url(page, "ngo"))
    personal = path_of(feed_url(page, "user"))
    assert client.get(old).status_code == 200

    assert client.post("/calendars/ngo/regenerate").status_code == 400  # no CSRF token
    response = client.post("/calendars/ngo/regenerate", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#feed-ngo")
    page = client.get("/calendars/").get_data(as_text=True)
    assert "نشانی تازهٔ «تقویم سمن من» ساخته شد" in page
    new = path_of(feed_url(page, "ngo"))
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(personal).status_code == 200  # the other feed is untouched


def test_regenerating_a_feed_one_does_not_hold(client, login_as):
    login_as("secretary")
    assert client.post("/calendars/body/regenerate").status_code == 403
    assert client.post("/calendars/nothing/regenerate").status_code == 404
    assert client.get("/calendars/body/regenerate").status_code == 405


def test_unknown_tokens_are_404(client):
    assert client.get("/calendars/" + "A" * 32 + ".ics").status_code == 404
    assert client.get("/calendars/x.ics").status_code == 404


def test_etag_304_and_changes_reach_subscribers(client, db, make_event, make_user):
    organizer = make_user("organizer")
    event = make_event([gday(soon(5))], body=organizer.body, now=utcnow())
    token = services.get_or_create_token(db.session, FeedKind.body, organizer.body)
    db.session.commit()
    url = f"/calendars/{token.token}.ics"

    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert client.get(url).headers["ETag"] == etag  # the same bytes, the same tag
    cached = client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    before = both(first.data)[0]

    events.update_event(db.session, event, event_input([gday(soon(5), "10:00", "12:00")]),
                        now=utcnow())
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    after = both(changed.data)[0]
    assert after["uid"] == before["uid"] and after["sequence"] == before["sequence"] + 1
    assert after["start"].strftime("%H:%M") == "10:00"

    events.cancel(event, "تعطیلی", now=utcnow())
    db.session.commit()
    cancelled = both(client.get(url, headers={"If-None-Match": changed.headers["ETag"]}).data)[0]
    assert cancelled["uid"] == before["uid"] and cancelled["status"] == "CANCELLED"
    assert cancelled["sequence"] == after["sequence"] + 1


# --- public and occasions feeds --------------------------------------------------------------

def test_public_feed_filters_by_province_county_and_kind(client, db, make_event):
    now = utcnow()
    tehran = make_event([gday(soon(5))], title="تهران", now=now)
    rey = make_event([gday(soon(6))], title="ری", county="ری", venue="سالن ری", now=now,
                     kind=EventKind.meeting)
    isfahan = make_event([gday(soon(7))], title="اصفهان", province="اصفهان", county=None,
                         venue="سالن اصفهان", now=now)
    make_event([gday(soon(8))], title="پیش‌نویس", status="draft", venue="سالن پیش‌نویس")

    def titles(query=""):
        response = client.get("/calendars/public.ics" + query)
        assert response.status_code == 200 and response.headers["Content-Type"] == ICS
        assert response.headers["Cache-Control"] == "public, max-age=300"
        return [r["summary"] for r in both(response.data)]

    assert titles() == ["تهران", "ری", "اصفهان"]
    assert titles(f"?province={tehran.venue.province_id}") == ["تهران", "ری"]
    assert titles(f"?province={tehran.venue.province_id}&county={tehran.venue.county_id}") == ["تهران"]
    assert titles("?kind=meeting") == ["ری"]
    assert titles(f"?province={isfahan.venue.province_id}&kind=workshop") == ["اصفهان"]
    assert titles("?province=abc&kind=nonsense") == ["تهران", "ری", "اصفهان"]
    name = str(parse_icalendar(client.get(f"/calendars/public.ics?county={rey.venue.county_id}"
                                          "&kind=meeting").data)["X-WR-CALNAME"])
    assert name == "رویدادهای سمن‌ها (شهرستان ری، نشست)"


def test_occasions_feed_one_entry_per_year_with_stable_uids(client, db):
    from sqlalchemy import func, select
    from eventsapp.events.models import Occasion
    active = db.session.scalar(select(func.count()).select_from(Occasion).where(Occasion.active))
    first = client.get("/calendars/occasions.ics")
    assert first.status_code == 200 and first.headers["Content-Type"] == ICS
    rows = both(first.data)
    assert len(rows) == 5 * active
    assert len({r["uid"] for r in rows}) == len(rows)
    again = both(client.get("/calendars/occasions.ics").data)
    assert [r["uid"] for r in again] == [r["uid"] for r in rows]
    assert client.get("/calendars/occasions.ics",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    jy = to_jalali(today()).year
    week = db.session.scalar(select(Occasion).where(Occasion.name == "هفتهٔ دولت"))
    gov = {r["uid"]: r for r in rows if r["summary"] == "هفتهٔ دولت"}
    assert sorted(gov) == [f"occasion-{week.id}-{y}@eventsapp.invalid" for y in range(jy, jy + 5)]
    this_year = gov[f"occasion-{week.id}-{jy}@eventsapp.invalid"]
    assert this_year["start"] == from_jalali(jy, 6, 2)
    if jy == 1405:
        assert this_year["start"] == date(2026, 8, 24)
    volunteer = [r for r in rows if r["summary"] == "روز جهانی داوطلب"]
    assert len(volunteer) == 5
    assert all((r["start"].month, r["start"].day) == (12, 5) for r in volunteer)
    assert all(r["end"] - r["start"] == timedelta(days=1) for r in volunteer)


# --- the "add to calendar" partial --------------------------------------------------------------

def test_add_to_calendar_partial_for_event_and_ticket_pages(app, db, make_event):
    event = make_event([jday(1405, 6, 5), jday(1405, 6, 6)])
    with app.test_request_context("/"):
        html = render_template_string('{% include "calendars/_add_to_calendar.html" %}',
                                      event=event)
        assert f'href="http://localhost/events/{event.id}.ics"' in html
        assert f'href="webcal://localhost/events/{event.id}.ics"' in html
        assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
        assert "dates=20260827T060000Z/20260827T083000Z" in html
        assert "برای همهٔ ۲ روز فایل تقویم را بگیرید" in html
        ticket = render_template_string(
            '{% with ticket_code=code %}{% include "calendars/_add_to_calendar.html" %}{% endwith %}',
            event=event, code="Abc123_-Abc123_-Abc123")
        assert 'href="http://localhost/t/Abc123_-Abc123_-Abc123.ics"' in ticket
        assert 'href="webcal://localhost/t/Abc123_-Abc123_-Abc123.ics"' in ticket
        events.cancel(event, "تعطیلی")
        cancelled = render_template_string('{% include "calendars/_add_to_calendar.html" %}',
                                           event=event)
        assert "calendar.google.com" not in cancelled and ".ics" in cancelled
        draft = make_event(status="draft", venue="سالن پیش‌نویس")
        assert render_template_string('{% include "calendars/_add_to_calendar.html" %}',
                                      event=draft).strip() == ""
