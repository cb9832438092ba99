"""Certificates of attendance issued by several requests at once (real concurrent requests to
the app on a real port, sharing the test database): each attendee still gets exactly one.
Runs for one event queue on the event row (PostgreSQL: FOR UPDATE; SQLite: BEGIN IMMEDIATE);
the partial unique index on awards.registration_id is the backstop."""
import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from sqlalchemy import select

from eventsapp.awards.models import Award
from tests.conftest import api_headers

WORKERS = 12


def post(base, path, headers, body):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_concurrent_runs_give_each_attendee_one_certificate(db, workshop, live_server):
    headers = api_headers(workshop.organizer)
    path = f"/api/v1/events/{workshop.event.id}/certificates"
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda _: post(live_server, path, headers, {"min_days": 1}), range(WORKERS)))
    assert {status for status, _ in results} <= {200, 201}, results
    assert sum(body["created"] for _, body in results) == 3
    db.session.rollback()
    regs = db.session.scalars(select(Award.registration_id).where(Award.event_id == workshop.event.id)).all()
    assert sorted(regs) == sorted([workshop.both.id, workshop.first.id, workshop.second.id])
