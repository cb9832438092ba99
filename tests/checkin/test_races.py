"""Races at the door: many gates scanning one ticket at once, through a real server, and the
database constraint that decides them (on SQLite and PostgreSQL alike)."""
import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.exc import IntegrityError

from eventsapp.checkin import services
from eventsapp.checkin.models import CheckIn, ScanLog
from tests.checkin.test_api import DAY1, DAY2, at, clock, door_world  # noqa: F401  (fixtures)

GATES = 50


def _post(url, headers, payload):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.mark.parametrize("scanner", ["door staff", "device"])
def test_fifty_gates_scanning_one_ticket_at_once_let_it_in_once(db, live_server, door_world, clock,
                                                               scanner):
    """A door user's scan runs in the ORM session; a device's on the driver's connection
    (checkin/doordb.py): both end in one check-in."""
    w = door_world
    url, event_id, code = f"{live_server}/api/v1/checkin", w.event.id, w.zahra.ticket_code
    if scanner == "device":
        device, raw = services.create_device(db.session, w.event, "گوشی درِ اصلی")
        db.session.commit()
        headers, who = {"Authorization": f"Bearer {raw}"}, ("device_id", device.id)
    else:
        headers, who = w.door_h, ("staff_id", w.door.id)
    start = threading.Barrier(GATES)

    def gate(n):
        start.wait(timeout=30)
        return _post(url, headers, {"event_id": event_id, "code": code, "gate": f"در {n}"})

    with ThreadPoolExecutor(max_workers=GATES) as pool:
        answers = list(pool.map(gate, range(GATES)))

    assert [status for status, _ in answers] == [200] * GATES, [a for a in answers if a[0] != 200][:3]
    verdicts = Counter(body["verdict"] for _, body in answers)
    assert verdicts == {"ok": 1, "already_checked_in": GATES - 1}
    winner = next(body for _, body in answers if body["verdict"] == "ok")
    # every loser names the gate that won, and the same instant
    assert all(body["gate"] == winner["gate"] and body["checked_in_at"] == winner["checked_in_at"]
               for _, body in answers)
    db.session.rollback()
    live = db.session.query(CheckIn).filter(CheckIn.undone_at.is_(None)).all()
    assert len(live) == 1 and live[0].gate == winner["gate"] and getattr(live[0], who[0]) == who[1]
    assert db.session.query(ScanLog).count() == GATES


def test_the_database_allows_one_live_check_in_per_registration_and_day(db, door_world):
    w = door_world
    first = CheckIn(event_id=w.event.id, registration_id=w.zahra.id, day=DAY1, checked_in_at=at(DAY1, 9))
    db.session.add(first)
    db.session.commit()

    db.session.add(CheckIn(event_id=w.event.id, registration_id=w.zahra.id, day=DAY1,
                           checked_in_at=at(DAY1, 9, 1), gate="دیگر"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    # Another day, or another person the same day, is another row.
    db.session.add_all([CheckIn(event_id=w.event.id, registration_id=w.zahra.id, day=DAY2,
                                checked_in_at=at(DAY2, 9)),
                        CheckIn(event_id=w.event.id, registration_id=w.ali.id, day=DAY1,
                                checked_in_at=at(DAY1, 9))])
    db.session.commit()

    # Once undone, the person may be let in again that day; undone rows may pile up.
    for minute in (2, 3):
        live = db.session.query(CheckIn).filter_by(registration_id=w.zahra.id, day=DAY1, undone_at=None).one()
        live.undone_at = at(DAY1, 9, minute)
        db.session.flush()
        db.session.add(CheckIn(event_id=w.event.id, registration_id=w.zahra.id, day=DAY1,
                               checked_in_at=at(DAY1, 9, minute)))
        db.session.commit()
    rows = db.session.query(CheckIn).filter_by(registration_id=w.zahra.id, day=DAY1).all()
    assert len(rows) == 3 and sum(r.undone_at is None for r in rows) == 1
