"""A scan's client nonce (issue 10, item 4): the same nonce again, for the same event and the same
user or device, gets the first answer and writes nothing, also when the two arrive at once (on
SQLite and on PostgreSQL: the suite runs on both)."""
import threading

from eventsapp.checkin import services
from eventsapp.checkin.models import CheckIn, ScanLog, Verdict
from eventsapp.registrations import services as registrations
from tests.checkin.test_api import DAY1, at, clock, door_world, post_scan  # noqa: F401  (fixtures)
from tests.checkin.test_services import workshop  # noqa: F401  (fixture)
from tests.conftest import api_headers, login

NOW = at(DAY1, 9, 5)


def _scan(db, event, code, nonce, **who):
    return services.scan_now(db.engine, event.id, code, gate="شمالی", nonce=nonce, now=NOW, **who)


def _fields(result):
    return (result.verdict, result.attendee, result.detail, result.checkin_id, result.checked_in_at,
            result.gate, result.message)


def test_the_same_nonce_again_gets_the_first_answer_and_writes_nothing(db, workshop, make_user):
    event, (zahra, ali, _) = workshop
    door = make_user("door")
    first = _scan(db, event, zahra.ticket_code, "n-1", staff_id=door.id)
    assert first.verdict == Verdict.ok and first.checkin_id
    # the ticket is cancelled since: the repeat still answers as the first time, writing nothing
    db.session.rollback()  # the scan wrote on a connection of its own: read afresh
    registrations.cancel(db.session, zahra)
    db.session.commit()
    again = _scan(db, event, zahra.ticket_code, "n-1", staff_id=door.id)
    assert _fields(again) == _fields(first)
    # even for another ticket: the nonce names the scan, not the code
    assert _fields(_scan(db, event, ali.ticket_code, "n-1", staff_id=door.id)) == _fields(first)
    db.session.rollback()  # the scans wrote on a connection of their own: read afresh
    assert db.session.query(CheckIn).count() == 1
    assert db.session.query(ScanLog).filter(ScanLog.verdict != Verdict.undone).count() == 1

    # another nonce is another scan; so is the same nonce from someone else
    other_door = make_user("door")
    assert _scan(db, event, ali.ticket_code, "n-2", staff_id=door.id).verdict == Verdict.ok
    other = _scan(db, event, zahra.ticket_code, "n-1", staff_id=other_door.id)
    assert other.verdict == Verdict.cancelled
    db.session.rollback()
    assert db.session.query(ScanLog).count() == 3 and db.session.query(CheckIn).count() == 2


def test_an_unknown_code_with_a_nonce_is_answered_once_too(db, workshop, make_user):
    event, _ = workshop
    door = make_user("door")
    first = _scan(db, event, "no-such-ticket-0000000", "u-1", staff_id=door.id)
    assert _fields(_scan(db, event, "no-such-ticket-0000000", "u-1", staff_id=door.id)) == _fields(first)
    assert first.verdict == Verdict.unknown and first.attendee is None
    db.session.rollback()
    assert db.session.query(ScanLog).count() == 1


def test_two_identical_nonces_at_once_give_one_check_in_and_one_answer(db, workshop, make_user):
    """Both scans read (finding no such nonce) before either takes the write lock."""
    event, (zahra, _, _) = workshop
    door = make_user("door")
    both_read = threading.Barrier(2, timeout=30)
    answers, failures, engine, event_id = [], [], db.engine, event.id
    code, door_id = zahra.ticket_code, door.id

    def gate():
        try:
            answers.append(services.scan_now(engine, event_id, code, staff_id=door_id,
                                             gate="شمالی", nonce="twice", now=NOW,
                                             between=both_read.wait))
        except Exception as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=gate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures and len(answers) == 2
    assert _fields(answers[0]) == _fields(answers[1]) and answers[0].verdict == Verdict.ok
    db.session.rollback()
    assert db.session.query(CheckIn).count() == 1
    log = db.session.query(ScanLog).all()
    assert len(log) == 1 and log[0].nonce == f"u{door.id}:twice"


def test_the_api_and_the_scanner_page_take_a_nonce(client, db, door_world, clock):
    w = door_world
    body = {"event_id": w.event.id, "code": w.zahra.ticket_code, "gate": "شمالی", "nonce": "scan-1"}
    first = client.post("/api/v1/checkin", json=body, headers=w.door_h)
    again = client.post("/api/v1/checkin", json=body, headers=w.door_h)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and first.get_json()["verdict"] == "ok"
    # a device's nonces are its own
    device, raw = services.create_device(db.session, w.event, "گوشی")
    db.session.commit()
    dev_h = {"Authorization": f"Bearer {raw}"}
    as_device = client.post("/api/v1/checkin", json=body, headers=dev_h).get_json()
    assert as_device["verdict"] == "already_checked_in"
    assert client.post("/api/v1/checkin", json=body, headers=dev_h).get_json() == as_device
    for bad in ("", " ", "x" * 65, 5):
        refused = client.post("/api/v1/checkin", json={**body, "nonce": bad}, headers=w.door_h)
        assert refused.status_code == 400 and refused.get_json()["field"] == "nonce", bad

    login(client, w.door)
    url = f"/events/{w.event.id}/scan/check"
    page = client.post(url, json={"code": w.ali.ticket_code, "nonce": "page-1"}).get_json()
    assert page["verdict"] == "ok"
    assert client.post(url, json={"code": w.ali.ticket_code, "nonce": "page-1"}).get_json() == page
    assert client.post(url, json={"code": w.ali.ticket_code, "nonce": "x" * 65}).status_code == 400
    db.session.rollback()
    assert db.session.query(CheckIn).count() == 2 and db.session.query(ScanLog).count() == 3
