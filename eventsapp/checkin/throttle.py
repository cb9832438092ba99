"""The door's rate limits, for every scan (the scanner page, users' and devices' API calls):
per token (a user's or a device's, by its hash) or per signed-in user, all scans
(``CHECKIN_RATE_LIMIT``) and, stricter, scans whose verdict is ``unknown``
(``CHECKIN_UNKNOWN_LIMIT``), against guessing codes. Past either, the scans get 429 until the
window is over.

By hand rather than with the limiter's decorators: the same limits and storage settings at a
fraction of the cost per scan (and no X-RateLimit headers, which scanners do not read).
"""
import threading
import time
from functools import lru_cache

from flask import current_app, request
from limits import parse as parse_limit

from ..extensions import limiter
from .models import Verdict
from .services import CheckinError, CheckinReason


@limiter.request_filter
def _limited_by_hand() -> bool:
    """The limiter's own per-request work skips the API's scan, which counts itself here."""
    return request.endpoint == "api.checkin"


@lru_cache(maxsize=16)
def _parsed(text: str):
    return parse_limit(text)


def _limits():
    config = current_app.config
    return (_parsed(config.get("CHECKIN_RATE_LIMIT", "600 per minute")),
            _parsed(config.get("CHECKIN_UNKNOWN_LIMIT", "30 per minute")))


class WindowCounter:
    """Fixed-window counts in this process, for the limits when the limiter's storage is
    ``memory://`` (per process, as that storage is): the same counting, without the timer
    thread that storage starts to expire its keys, which costs a busy door dearly."""

    MAX_KEYS = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple, list] = {}

    def _slot(self, item, scope: str, key: str) -> list:
        window = int(time.time() // item.get_expiry())
        slot = self._counts.get((scope, key))
        if slot is None or slot[0] != window:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[0] >= window - 1}
            slot = self._counts[(scope, key)] = [window, 0]
        return slot

    def hit(self, item, scope: str, key: str) -> bool:
        with self._lock:
            slot = self._slot(item, scope, key)
            slot[1] += 1
            return slot[1] <= item.amount

    def test(self, item, scope: str, key: str) -> bool:
        with self._lock:
            return self._slot(item, scope, key)[1] < item.amount


def _counter():
    """This app's ``WindowCounter`` with in-process storage; else the limiter's own strategy
    on its shared storage (Redis: every app server counts together)."""
    if current_app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        return current_app.extensions.setdefault("checkin_window_counter", WindowCounter())
    return limiter.limiter


def before_scan(key: str) -> None:
    """Count a scan by ``key``; refuse it (429) when over the limit or out of unknown codes."""
    if limiter.enabled:
        every, unknown = _limits()
        counter = _counter()
        if (not counter.hit(every, "checkin-all", key)
                or not counter.test(unknown, "checkin-unknown", key)):
            raise CheckinError(CheckinReason.rate_limited)


def after_scan(key: str, verdict: Verdict) -> None:
    if limiter.enabled and verdict == Verdict.unknown:
        _counter().hit(_limits()[1], "checkin-unknown", key)
