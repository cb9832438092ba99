"""The door's limits (eventsapp/limits.py): the unknown-code limit holds exactly, however many
scans run at once, in this process and in Redis (every worker of every server together)."""
import socket
import threading
import uuid

import pytest

from eventsapp import limits


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


STORAGES = ["memory://", pytest.param("redis://127.0.0.1:6379/0", marks=pytest.mark.skipif(
    not _redis_up(), reason="needs Redis on 127.0.0.1:6379"))]


@pytest.fixture(params=STORAGES)
def limited_app(request, app):
    saved = {k: app.config[k] for k in ("RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI",
                                        "CHECKIN_UNKNOWN_LIMIT", "CHECKIN_RATE_LIMIT")}
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=request.param,
                      CHECKIN_UNKNOWN_LIMIT="30 per minute", CHECKIN_RATE_LIMIT="1000 per minute")
    for key in [k for k in app.extensions if k.startswith("trust_limits")]:
        del app.extensions[key]
    yield app
    app.config.update(saved)
    for key in [k for k in app.extensions if k.startswith("trust_limits")]:
        del app.extensions[key]


def _race(app, work, n):
    results, lock = [], threading.Lock()
    barrier = threading.Barrier(8)

    def run():
        barrier.wait()
        for _ in range(n):
            with app.app_context():
                outcome = work()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_exactly_the_unknown_limit_is_answered_when_scans_race(limited_app):
    """The review: a limit of 30 let 39 through (checked before the scan, counted after)."""
    key = "token-" + uuid.uuid4().hex

    def scan_unknown():
        # What the scan endpoint does: count the scan, decide (unknown), count the answer.
        return limits.door_scan_allowed(key) and limits.door_unknown_allowed(key)

    results = _race(limited_app, scan_unknown, 10)
    assert results.count(True) == 30
    # Once used up, every scan of the token waits for the next window; other tokens do not.
    with limited_app.app_context():
        assert not limits.door_scan_allowed(key)
        assert limits.door_scan_allowed(key + "-other")


def test_the_scan_limit_counts_every_scan_exactly(limited_app):
    limited_app.config["CHECKIN_RATE_LIMIT"] = "25 per minute"
    key = "token-" + uuid.uuid4().hex
    results = _race(limited_app, lambda: limits.door_scan_allowed(key), 5)
    assert results.count(True) == 25
