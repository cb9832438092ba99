"""The door's rate limits, for every scan (the scanner page, users' and devices' API calls):
per token (a user's or a device's, by its hash) or per signed-in user, all scans
(``CHECKIN_RATE_LIMIT``) and, stricter, scans whose verdict is ``unknown``
(``CHECKIN_UNKNOWN_LIMIT``), against guessing codes. Past either, the scans get 429 until the
window is over.

Counted by ``eventsapp.limits`` (in-process windows with ``memory://``, one atomic increment
in Redis otherwise, so app servers count together) rather than with the limiter's decorators:
the same settings at a fraction of the cost per scan, and no X-RateLimit headers.
"""
from flask import request

from .. import limits
from ..extensions import limiter
from .models import Verdict
from .services import CheckinError, CheckinReason


@limiter.request_filter
def _limited_by_hand() -> bool:
    """The limiter's own per-request work skips the API's scan, which counts itself here."""
    return request.endpoint == "api.checkin"


def before_scan(key: str) -> None:
    """Count a scan by ``key``; refuse it (429) when over the limit or out of unknown codes."""
    if not limits.door_scan_allowed(key):
        raise CheckinError(CheckinReason.rate_limited)


def after_scan(key: str, verdict: Verdict) -> None:
    """An ``unknown`` verdict counts against its own, stricter limit, with one atomic increment
    after the verdict, so exactly ``CHECKIN_UNKNOWN_LIMIT`` unknown answers go out per window
    however many scans run at once; past it the scan is answered 429."""
    if verdict == Verdict.unknown and not limits.door_unknown_allowed(key):
        raise CheckinError(CheckinReason.rate_limited)
