"""How long an organizing body's calendar feed of 1,000 events takes to build and serve.

    .venv/bin/python bench/calendar_feed.py [--events 1000] [--runs 20]

Makes a temporary SQLite database with the migrations, bulk-inserts published events of one
body (a third of them two-day, as ``demo_scale`` does) spread over the coming year, and asks
for the body's feed ``/calendars/<token>.ics`` through the Flask test client:

- cold: every VEVENT built and serialised by icalendar (the memo of serialised events emptied
  before each request), as after a restart or when every event has changed;
- warm: the usual case, events unchanged since the last request, so their VEVENTs come from
  the memo (the events are still read from the database and the body hashed for its ETag);
- 304: a conditional request from a subscriber whose copy is current;

beside a floor measured in the same run: a bare endpoint returning a constant through the
same client. Prints milliseconds per request (p50, p99, min) and the feed's size.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from eventsapp import create_app  # noqa: E402
from eventsapp.accounts.models import BodyKind, OrganizingBody  # noqa: E402
from eventsapp.calendars import ical  # noqa: E402
from eventsapp.calendars import services as calendars  # noqa: E402
from eventsapp.calendars.models import FeedKind  # noqa: E402
from eventsapp.events.models import Event, EventDay, EventKind, EventStatus, Venue  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.jalali import today, utcnow  # noqa: E402
from eventsapp.persian import search_key  # noqa: E402
from eventsapp.places.models import County  # noqa: E402


def seed(n_events: int) -> str:
    """One body with ``n_events`` published events; returns its feed token."""
    now = utcnow()
    body = OrganizingBody(name="ستاد رویدادهای آزمایشی", kind=BodyKind.other)
    db.session.add(body)
    db.session.flush()
    counties = db.session.execute(select(County.id, County.province_id)).all()
    base_venue = (db.session.scalar(select(func.max(Venue.id))) or 0) + 1
    base_event = (db.session.scalar(select(func.max(Event.id))) or 0) + 1
    kinds = list(EventKind)
    venues, events, days = [], [], []
    for i in range(n_events):
        county_id, province_id = counties[i % len(counties)]
        name = f"سالن همایش شمارهٔ {i + 1}"
        venues.append({"id": base_venue + i, "name": name, "name_key": search_key(name),
                       "address": f"خیابان آزادی، کوچهٔ {i + 1}", "province_id": province_id,
                       "county_id": county_id})
        start = today() + timedelta(days=i % 365)
        ndays = 2 if i % 3 == 0 else 1
        events.append({
            "id": base_event + i, "kind": kinds[i % len(kinds)].value,
            "title": f"کارگاه توانمندسازی سمن‌ها شمارهٔ {i + 1}", "topic": "مشارکت اجتماعی",
            "description": "شرح کوتاه رویداد برای آزمون سرعت تقویم.", "body_id": body.id,
            "venue_id": base_venue + i, "occasion_id": None, "capacity": 100,
            "per_ngo_quota": None, "registration_opens_at": None, "registration_closes_at": None,
            "audience": "all", "audience_province_id": None, "audience_county_id": None,
            "requires_approval": False, "waitlist": True,
            "status": EventStatus.published.value, "status_reason": "", "starts_on": start,
            "ends_on": start + timedelta(days=ndays - 1), "sequence": 1, "changed_at": None,
            "change_note": "", "created_by_id": None, "created_at": now, "updated_at": now,
            "confirmed_count": 0, "checkin_before": 60, "checkin_after": 30,
            "awards_public": False,
        })
        for d in range(ndays):
            days.append({"event_id": base_event + i, "date": start + timedelta(days=d),
                         "start_time": clock(9, 0), "end_time": clock(13, 0)})
    db.session.execute(insert(Venue), venues)
    db.session.execute(insert(Event), events)
    db.session.execute(insert(EventDay), days)
    token = calendars.get_or_create_token(db.session, FeedKind.body, body)
    db.session.commit()
    return token.token


def timed(client, url, runs, headers=None, expect=200, cold=False) -> list[float]:
    out = []
    for _ in range(runs):
        if cold:
            ical._vevents_ics.cache_clear()
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expect, (url, response.status_code)
    return out


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def line(label, ms):
    return (f"{label:<34} p50 {statistics.median(ms):8.1f} ms   p99 {p(ms, 99):8.1f} ms   "
            f"min {min(ms):8.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(tmp, 'bench.db')}",
            "SECRET_KEY": "bench-only", "RATELIMIT_ENABLED": False,
            "PUBLIC_BASE_URL": "https://events.example.ir",
        })
        app.add_url_rule("/_bench_floor", "bench_floor", lambda: "ok")
        with app.app_context():
            upgrade()
            t0 = time.perf_counter()
            token = seed(args.events)
            seeded = time.perf_counter() - t0
            n_days = db.session.scalar(select(func.count()).select_from(EventDay))
        client = app.test_client()
        url = f"/calendars/{token}.ics"
        first = client.get(url)  # warm: imports, the VTIMEZONE cache, SQLite pages
        assert first.status_code == 200
        etag = first.headers["ETag"]
        client.get("/_bench_floor")

        floor = timed(client, "/_bench_floor", args.runs * 5)
        cold = timed(client, url, args.runs, cold=True)
        warm = timed(client, url, args.runs)
        cached = timed(client, url, args.runs, headers={"If-None-Match": etag}, expect=304)
        floor += timed(client, "/_bench_floor", args.runs * 5)

        print(f"calendar feed of one body: {args.events:,} published events, {n_days:,} VEVENTs "
              f"(one per day), SQLite, seeded in {seeded:.1f} s")
        print(f"feed size: {len(first.data):,} bytes ({len(first.data) / n_days:,.0f} per VEVENT)")
        print(line("floor (constant, same client)", floor))
        print(line("GET feed → 200, cold (all built)", cold))
        print(line("GET feed → 200, warm (memo)", warm))
        print(line("GET feed, If-None-Match → 304", cached))
        base = statistics.median(floor)
        for label, ms in (("cold", cold), ("warm", warm)):
            per = statistics.median(ms) - base
            print(f"{label}: {per:.1f} ms above the floor, {per / args.events:.3f} ms per event")
        print(f"({args.runs} runs each; floor {len(floor)} runs)")


if __name__ == "__main__":
    main()
