"""Limits that hold: counted in the rate-limit storage (``RATELIMIT_STORAGE_URI``), so that with
Redis every worker of every app server counts together; with ``memory://`` each process counts
alone (one process only: a developer's machine, the tests).

Every counter here is reserved before the work it limits and given back when the work turns out
not to count, with the storage's atomic increments only: concurrent requests never slip past a
limit between a check and a count.

- **Login**, per account *and* address: an address's first ``LOGIN_FREE_TRIES`` tries at one
  account are free; after those, each try waits twice as long as the one before
  (``LOGIN_DELAY`` = 1 s, then 2 s, 4 s … up to ``LOGIN_MAX_DELAY``). A success clears it. Someone else's failures, from another address,
  never delay the right password. Per address, across accounts: ``LOGIN_ADDRESS_FAILURES``
  failed logins (``100 per 15 minutes``); successes do not count, so an office behind one
  address is not locked out by its own users.
- **Door scans**, per token: ``CHECKIN_RATE_LIMIT`` scans, and ``CHECKIN_UNKNOWN_LIMIT`` answers
  of the verdict "unknown": exactly that many per window; past it the scan is answered 429.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from limits import parse as parse_limit
from limits.storage import storage_from_string

_MAKING = threading.Lock()  # one storage per app, however many threads ask at once
LOGIN_WINDOW = 3600  # seconds a login counter lives (from its first try)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _uri() -> str:
    return current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")


def storage():
    """This app's counter storage, made once per app from ``RATELIMIT_STORAGE_URI``."""
    ext = current_app.extensions
    if ext.get("trust_limits_uri") != _uri():
        with _MAKING:
            if ext.get("trust_limits_uri") == _uri():
                return ext["trust_limits_storage"]
            ext["trust_limits_storage"] = (_ProcessStore() if _uri().startswith("memory://")
                                           else storage_from_string(_uri()))
            ext["trust_limits_uri"] = _uri()
    return ext["trust_limits_storage"]


class _ProcessStore:
    """Counters with expiry in this process, under one lock, for ``memory://``: the same
    operations as the limits library's storages (whose memory storage lets concurrent first
    increments of a key race, and runs a timer thread to expire keys)."""

    MAX_KEYS = 50_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, list] = {}  # key -> [count, expires at]

    def _live(self, key: str, now: float):
        slot = self._counts.get(key)
        if slot is not None and slot[1] <= now:
            del self._counts[key]
            return None
        return slot

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            slot = self._live(key, now)
            if slot is None:
                if len(self._counts) >= self.MAX_KEYS:
                    self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
                slot = self._counts[key] = [0, now + expiry]
            slot[0] += amount
            return slot[0]

    def get(self, key: str) -> int:
        with self._lock:
            slot = self._live(key, time.time())
            return slot[0] if slot else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._lock:
            slot = self._live(key, now)
            return slot[1] if slot else now

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


@lru_cache(maxsize=32)
def parsed(text: str):
    return parse_limit(text)


def _key(*parts) -> str:
    # Usernames and addresses may hold any character; the storage key keeps them apart.
    return "eventsapp:" + ":".join(str(p).replace(":", "%3A") for p in parts)


def _give_back(store, key: str) -> None:
    """Undo one reserved count (the storages have atomic increments by any amount)."""
    store.incr(key, 1, amount=-1)


# --- login --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginTry:
    """A reserved login try: ``allowed``, or refused with ``wait`` seconds to wait."""
    allowed: bool
    wait: int = 0
    account_key: str = ""
    address_key: str = ""


def login_delay(nth: int, free: int, max_delay: int, base: int = 1) -> int:
    """Seconds the ``nth`` try (1-based) of an address at one account holds the next one off."""
    if nth <= free:
        return 0
    return min(base * 2 ** (nth - free - 1), max_delay)


def _settings():
    cfg = current_app.config
    return (int(cfg.get("LOGIN_FREE_TRIES", 5)), int(cfg.get("LOGIN_MAX_DELAY", 300)),
            int(cfg.get("LOGIN_DELAY", 1)),
            parsed(cfg.get("LOGIN_ADDRESS_FAILURES", "100 per 15 minutes")))


def login_try(username: str, address: str, *, now: float | None = None) -> LoginTry:
    """Reserve a login try of ``username`` (normalised) from ``address``, before the password
    is checked; report it with ``login_failed`` or ``login_succeeded``."""
    if not _enabled():
        return LoginTry(True)
    free, max_delay, base, per_address = _settings()
    store = storage()
    address_key = _key("login-address", address or "-")
    if store.incr(address_key, per_address.get_expiry()) > per_address.amount:
        _give_back(store, address_key)
        return LoginTry(False, max(1, int(store.get_expiry(address_key) - (now or time.time()))))
    account_key = _key("login-account", username, address or "-")
    nth = store.incr(account_key, LOGIN_WINDOW)
    if nth > free:
        gate = account_key + ":gate"
        # The try before this one left a gate for its delay; one try gets through when it is gone.
        if store.incr(gate, login_delay(nth, free, max_delay, base)) != 1:
            _give_back(store, account_key)
            _give_back(store, address_key)
            wait = store.get_expiry(gate) - (now or time.time())
            return LoginTry(False, max(1, int(wait + 0.999)))
    return LoginTry(True, 0, account_key, address_key)


def login_failed(attempt: LoginTry) -> None:
    """The password was wrong: the try stays counted, at the account and at the address."""


def login_succeeded(attempt: LoginTry) -> None:
    """The right password: the account's count and delay at this address start again, and the
    try is not a failure of the address."""
    if not attempt.account_key:
        return
    store = storage()
    store.clear(attempt.account_key)
    store.clear(attempt.account_key + ":gate")
    _give_back(store, attempt.address_key)


# --- door scans -------------------------------------------------------------------------------

class _ProcessWindows:
    """Fixed windows counted in this process under one lock, for ``memory://``: the limits
    library's memory storage would do the same with a timer thread per expiring key, which costs
    a busy door dearly."""

    MAX_KEYS = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, list] = {}

    def hit(self, item, key: str) -> int:
        """Count one and return the window's count so far (this one included)."""
        window = int(time.time() // item.get_expiry())
        with self._lock:
            slot = self._windows.get(key)
            if slot is None or slot[0] != window:
                if len(self._windows) >= self.MAX_KEYS:
                    self._windows = {k: v for k, v in self._windows.items() if v[0] >= window}
                slot = self._windows[key] = [window, 0]
            slot[1] += 1
            return slot[1]

    def count(self, item, key: str) -> int:
        window = int(time.time() // item.get_expiry())
        with self._lock:
            slot = self._windows.get(key)
            return slot[1] if slot and slot[0] == window else 0


class _SharedWindows:
    """Fixed windows in the shared storage (Redis): one atomic increment per count."""

    def __init__(self, store):
        self.store = store

    def _key(self, item, key: str) -> str:
        return _key("window", key, item.get_expiry(), int(time.time() // item.get_expiry()))

    def hit(self, item, key: str) -> int:
        return self.store.incr(self._key(item, key), item.get_expiry())

    def count(self, item, key: str) -> int:
        return self.store.get(self._key(item, key))


def windows():
    ext = current_app.extensions
    if _uri().startswith("memory://"):
        with _MAKING:
            return ext.setdefault("trust_limits_windows", _ProcessWindows())
    if ext.get("trust_limits_windows_uri") != _uri():
        shared = _SharedWindows(storage())
        with _MAKING:
            ext["trust_limits_windows_shared"] = shared
            ext["trust_limits_windows_uri"] = _uri()
    return ext["trust_limits_windows_shared"]


def _door_limits():
    cfg = current_app.config
    return (parsed(cfg.get("CHECKIN_RATE_LIMIT", "600 per minute")),
            parsed(cfg.get("CHECKIN_UNKNOWN_LIMIT", "30 per minute")))


def door_scan_allowed(key: str) -> bool:
    """Count a scan by token ``key``: False when the token is over its scans, or has had all
    its unknown-code answers this window (then every scan of it waits for the next window)."""
    if not _enabled():
        return True
    scans, unknown = _door_limits()
    counter = windows()
    return (counter.hit(scans, "door-all:" + key) <= scans.amount
            and counter.count(unknown, "door-unknown:" + key) < unknown.amount)


def door_unknown_allowed(key: str) -> bool:
    """The verdict of a scan by ``key`` is "unknown": True when it may be answered, False when
    the token has had all its unknown answers (answer 429). Counted after the verdict with one
    atomic increment, so exactly ``CHECKIN_UNKNOWN_LIMIT`` unknown answers go out per window,
    however many scans run at once."""
    if not _enabled():
        return True
    _, unknown = _door_limits()
    return windows().hit(unknown, "door-unknown:" + key) <= unknown.amount
