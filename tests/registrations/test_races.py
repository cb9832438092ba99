"""No overbooking, ever: real concurrent requests against the app served on a real port
(threaded werkzeug, its own engine and connection pool, the same database as the tests).

Each race fires its requests from a thread pool with plain ``http.client``; the server handles
them on as many threads. Seats are counted inside the writing transaction (SQLite: BEGIN
IMMEDIATE via ``begin_write``; PostgreSQL: the event row locked FOR UPDATE), and the database
backs that up with a CHECK on the confirmed count and a partial unique index per person.
"""
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from eventsapp.events import services as events
from eventsapp.events.models import Event
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations.models import RegStatus, Registration
from eventsapp.registrations.services import complete_national_id, national_id_ok
from tests.conftest import api_headers

WORKERS = 40
TIMEOUT = 60


def nid(n: int) -> str:
    """A distinct valid national ID per n (the check digit computed as services checks it)."""
    value = complete_national_id(f"{100_000 + n:09d}")
    assert national_id_ok(value)
    return value


@pytest.fixture
def race_event(db, make_body):
    """A published workshop, open for registration, committed so the server sees it."""
    def make(capacity, quota=None):
        data = events.EventInput(
            kind="workshop", title="کارگاه پرطرفدار", venue_name="سالن همایش",
            province=find_province(db.session, "تهران"),
            days=[events.DayInput(today() + timedelta(days=10), time(9), time(12))],
            capacity=capacity, per_ngo_quota=quota)
        event, _ = events.create_event(db.session, make_body(name="نهاد مسابقه"), data)
        events.publish(event)
        db.session.commit()
        return event.id
    return make


@pytest.fixture
def secretaries(db, make_user, live_server):
    """Bearer headers of ``n`` secretaries, each of their own NGO. Each token is used once
    first, so that the races below race registrations, not the first-use record of a token
    (``last_used_at``, written at most every few minutes; that write is raced on its own in
    ``test_fresh_tokens_used_concurrently_never_fail``)."""
    def make(n, *, used=True):
        headers = [api_headers(make_user("secretary")) for _ in range(n)]
        for h in headers:
            if used:
                assert request(live_server, "GET", "/api/v1/me", h)[0] == 200
        return headers
    return make


def request(base: str, method: str, path: str, headers: dict, body=None):
    """One HTTP request on its own connection; returns (status, JSON or text)."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=payload,
                     headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read().decode()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw
    finally:
        conn.close()


def race(base: str, jobs):
    """Fire every (method, path, headers, body) at once: the workers wait at a barrier so that
    the first requests leave together, and the pool keeps WORKERS requests in flight."""
    start = threading.Barrier(min(WORKERS, len(jobs)))

    def run(job):
        try:
            start.wait(timeout=TIMEOUT)
        except threading.BrokenBarrierError:
            pass  # later jobs find the barrier already passed
        return request(base, *job)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, jobs))


def attendee(n: int) -> dict:
    return {"attendees": [{"full_name": f"شرکت‌کننده {n}", "national_id": nid(n),
                           "mobile": f"0912{n:07d}", "role": "عضو"}]}


def reread(db):
    """End the test's own read transaction: on SQLite (WAL) a transaction reads the snapshot
    it started with, so expiring objects alone would not show what the server committed."""
    db.session.rollback()


def statuses(db, event_id) -> dict:
    reread(db)
    rows = db.session.execute(select(Registration.status, func.count())
                              .where(Registration.event_id == event_id)
                              .group_by(Registration.status))
    return {status: n for status, n in rows}


def assert_no_server_errors(results):
    bad = [(s, b) for s, b in results if s >= 500 or "locked" in json.dumps(b, ensure_ascii=False)]
    assert not bad, bad[:5]


def test_200_concurrent_registrations_for_50_seats(db, live_server, race_event, secretaries):
    event_id = race_event(capacity=50)
    tokens = secretaries(8)
    path = f"/api/v1/events/{event_id}/registrations"
    jobs = [("POST", path, tokens[i % len(tokens)], attendee(i)) for i in range(200)]
    results = race(live_server, jobs)

    assert_no_server_errors(results)
    assert [s for s, _ in results] == [201] * 200, [b for s, b in results if s != 201][:5]
    answered = [b["registrations"][0]["status"] for _, b in results]
    assert answered.count("confirmed") == 50 and answered.count("waitlisted") == 150
    assert statuses(db, event_id) == {RegStatus.confirmed: 50, RegStatus.waitlisted: 150}
    assert db.session.get(Event, event_id).confirmed_count == 50
    codes = {b["registrations"][0]["ticket_code"] for _, b in results}
    assert len(codes) == 200

    # Cancelling one confirmed seat promotes the first in line (the lowest id waitlisted).
    confirmed = db.session.scalars(select(Registration).where(
        Registration.event_id == event_id, Registration.status == RegStatus.confirmed)
        .order_by(Registration.id.desc())).first()
    first_waiting = db.session.scalars(select(Registration).where(
        Registration.event_id == event_id, Registration.status == RegStatus.waitlisted)
        .order_by(Registration.id)).first()
    owner = tokens[[b["registrations"][0]["id"] for _, b in results].index(confirmed.id) % len(tokens)]
    status, body = request(live_server, "DELETE", f"/api/v1/registrations/{confirmed.id}", owner)
    assert status == 200, body
    assert body["status"] == "cancelled"
    assert [p["id"] for p in body["promoted"]] == [first_waiting.id]
    reread(db)
    assert db.session.get(Registration, first_waiting.id).status == RegStatus.confirmed
    assert statuses(db, event_id) == {RegStatus.confirmed: 50, RegStatus.waitlisted: 149,
                                      RegStatus.cancelled: 1}
    assert db.session.get(Event, event_id).confirmed_count == 50


def test_concurrent_requests_of_one_ngo_never_pass_its_quota(db, live_server, race_event,
                                                             secretaries):
    event_id = race_event(capacity=50, quota=3)
    (token,) = secretaries(1)
    path = f"/api/v1/events/{event_id}/registrations"
    results = race(live_server, [("POST", path, token, attendee(1000 + i)) for i in range(20)])

    assert_no_server_errors(results)
    codes = sorted(s for s, _ in results)
    assert codes == [201] * 3 + [409] * 17, [b for s, b in results if s not in (201, 409)]
    refusals = [b for s, b in results if s == 409]
    assert {b["error"] for b in refusals} == {"ngo_quota"}
    assert all("سهم سمن شما از این رویداد ۳ نفر است" in b["message"] for b in refusals)
    assert statuses(db, event_id) == {RegStatus.confirmed: 3}
    assert db.session.get(Event, event_id).confirmed_count == 3


def test_the_same_person_posted_concurrently_is_registered_once(db, live_server, race_event,
                                                                secretaries):
    event_id = race_event(capacity=50)
    tokens = secretaries(4)
    path = f"/api/v1/events/{event_id}/registrations"
    same = attendee(5000)
    results = race(live_server, [("POST", path, tokens[i % 4], same) for i in range(20)])

    assert_no_server_errors(results)
    codes = sorted(s for s, _ in results)
    assert codes == [201] + [409] * 19, [b for s, b in results if s not in (201, 409)]
    assert {b["error"] for s, b in results if s == 409} == {"duplicate"}
    assert statuses(db, event_id) == {RegStatus.confirmed: 1}
    assert db.session.get(Event, event_id).confirmed_count == 1


def test_fresh_tokens_used_concurrently_never_fail(db, live_server, race_event, secretaries):
    event_id = race_event(capacity=50)
    tokens = secretaries(4, used=False)
    path = f"/api/v1/events/{event_id}/registrations"
    results = race(live_server, [("POST", path, tokens[i % 4], attendee(7000 + i))
                                 for i in range(40)])
    assert_no_server_errors(results)
    assert [s for s, _ in results] == [201] * 40
    assert statuses(db, event_id) == {RegStatus.confirmed: 40}
