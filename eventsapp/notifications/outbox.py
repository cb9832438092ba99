"""The outbox: messages written in the transaction of the change that causes them.

A domain service says what happened with :func:`announce` (``announce(session,
"registration_confirmed", registration=reg)``); the composer registered for that topic (in
``eventsapp.messages``, above every domain, where the texts and calendar files are built)
renders the messages and calls :func:`queue`. Nothing is sent here: the worker
(:mod:`.worker`) delivers later. The same idempotency ``key`` queued twice is one message.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..jalali import utcnow
from ..persian import to_latin_digits
from . import channels
from .models import Address, Channel, MessageStatus, OutboxMessage

_composers: dict[str, Callable] = {}


def composer(topic: str):
    """Register the function that turns ``topic`` into messages (one per topic)."""
    def register(fn):
        _composers[topic] = fn
        return fn
    return register


def announce(session, topic: str, /, **objects) -> list[OutboxMessage]:
    """Queue the messages for ``topic`` in the caller's transaction."""
    compose = _composers.get(topic)
    if compose is None:
        raise LookupError(f"no composer for {topic!r}")
    return compose(session, **objects) or []


# --- addresses --------------------------------------------------------------------------

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def normalize_address(channel: Channel, value: str) -> str | None:
    """+989121234567 for a mobile, the lower-cased address for e-mail; None if unusable."""
    value = to_latin_digits((value or "").strip())
    if channel == Channel.sms:
        digits = re.sub(r"[\s\-()]", "", value)
        for prefix in ("+98", "0098", "98", "0"):
            if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
                digits = digits[len(prefix):]
                break
        return f"+98{digits}" if re.fullmatch(r"9\d{9}", digits) else None
    value = value.lower()
    return value if len(value) <= 254 and EMAIL_RE.match(value) else None


def address(session, channel: Channel, value: str) -> Address | None:
    """The address row for a mobile or e-mail (created on first use), or None if unusable."""
    normal = normalize_address(Channel(channel), value)
    if normal is None:
        return None
    row = session.scalar(select(Address).where(Address.address == normal))
    if row is not None:
        return row
    row = Address(address=normal)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another transaction added it first
        row = session.scalar(select(Address).where(Address.address == normal))
    return row


def public_base_url() -> str:
    """Where absolute links in messages point: PUBLIC_BASE_URL, else the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return base.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://127.0.0.1:5000"


def optout_url(addr: Address) -> str:
    return f"{public_base_url()}/o/{addr.code}"


def opt_out(session, code: str, *, now=None) -> Address | None:
    row = session.scalar(select(Address).where(Address.code == code))
    if row is not None and row.opted_out_at is None:
        row.opted_out_at = now or utcnow()
        session.flush()
    return row


def opt_in(session, row: Address) -> None:
    row.opted_out_at = None
    session.flush()


# --- queueing ---------------------------------------------------------------------------

def initial_status(channel: Channel) -> MessageStatus:
    name = channels.backend_name(current_app.config, Channel(channel).value)
    return MessageStatus.kept if name == "outbox" else MessageStatus.queued


def queue(session, *, key: str, kind: str, addr: Address, body: str, subject: str = "",
          html: str | None = None, ics: str | None = None, ics_method: str | None = None,
          recipient_name: str = "", event_id=None, registration_id=None, user_id=None,
          essential: bool = False, now=None) -> OutboxMessage | None:
    """Add one message to the outbox; the existing one when ``key`` was queued before.

    An address that opted out gets nothing, unless the message is ``essential`` (a password
    reset code, which the person asked for)."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    if addr.opted_out_at is not None and not essential:
        return None
    now = now or utcnow()
    channel = Channel.email if "@" in addr.address else Channel.sms
    message = OutboxMessage(
        key=key, kind=kind, channel=channel, address=addr, recipient_name=recipient_name[:120],
        subject=subject[:250], body=body, html=html, ics=ics, ics_method=ics_method,
        event_id=event_id, registration_id=registration_id, user_id=user_id,
        status=initial_status(channel), attempts=0, next_attempt_at=now, created_at=now)
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # the same key queued by a concurrent run (reminders)
        return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    return message


def resend(session, message: OutboxMessage, *, now=None) -> OutboxMessage:
    """Send a message again. A message that failed or waits is queued again under its own
    key; one that went (or is kept) becomes a new message, with a new key, so that a gateway
    that deduplicates does send it."""
    now = now or utcnow()
    if message.status in (MessageStatus.failed, MessageStatus.queued):
        message.status = initial_status(message.channel)
        message.attempts = 0
        message.next_attempt_at = now
        message.lease_until = None
        session.flush()
        return message
    n = 1 + len(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.key.startswith(f"{message.key}.again"))).all())
    copy = queue(session, key=f"{message.key}.again{n}", kind=message.kind, addr=message.address,
                 body=message.body, subject=message.subject, html=message.html, ics=message.ics,
                 ics_method=message.ics_method, recipient_name=message.recipient_name,
                 event_id=message.event_id, registration_id=message.registration_id,
                 user_id=message.user_id, essential=True, now=now)
    return copy


def event_messages(session, event_id: int, *, limit: int = 500) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == event_id)
                                .order_by(OutboxMessage.id.desc()).limit(limit)))


def registration_messages(session, registration_ids) -> list[OutboxMessage]:
    ids = list(registration_ids)
    if not ids:
        return []
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.registration_id.in_(ids)).order_by(OutboxMessage.id)))


RETRY_CAP = timedelta(hours=1)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """The wait after the ``attempts``-th failure: base, 2×base, 4×base … at most an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(0, attempts - 1)), RETRY_CAP)
