"""``flask send-outbox``: deliver queued messages, outside any request.

Claiming: a worker takes a batch of due rows in one short transaction and marks them
``sending`` with a lease (``OUTBOX_LEASE_SECONDS``). On PostgreSQL the rows are read with
``SELECT … FOR UPDATE SKIP LOCKED``, so workers running at once take different rows; on SQLite
the claim runs under the write lock (``BEGIN IMMEDIATE``), so claims queue one after another.
Each message is then sent with no transaction open, and its outcome written in a second short
transaction.

A worker killed after the gateway accepted a message and before it was marked leaves the
row ``sending``; when the lease runs out another worker (or the same one restarted) claims it
again and sends it with the same idempotency key, which the gateway recognises. A failure is
retried after an exponential backoff (``OUTBOX_RETRY_SECONDS`` × 2ⁿ, at most an hour) up to
``OUTBOX_MAX_ATTEMPTS``, then marked ``failed`` for an organizer to see and resend.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import begin_write, db
from ..jalali import utcnow
from . import channels
from .models import Attempt, MessageStatus, OutboxMessage
from .outbox import backoff


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def _settings():
    c = current_app.config
    return (int(c.get("OUTBOX_BATCH", 50)), float(c.get("OUTBOX_LEASE_SECONDS", 300)),
            int(c.get("OUTBOX_MAX_ATTEMPTS", 5)), float(c.get("OUTBOX_RETRY_SECONDS", 30)))


def claim(session, *, worker: str, limit: int, lease: float, now=None) -> list[channels.Outgoing]:
    """Take up to ``limit`` due messages for this worker, and commit the claim."""
    now = now or utcnow()
    begin_write(session)
    due = or_(
        (OutboxMessage.status == MessageStatus.queued) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == MessageStatus.sending) & (OutboxMessage.lease_until < now),
    )
    query = select(OutboxMessage.id).where(due).order_by(OutboxMessage.next_attempt_at,
                                                         OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        session.commit()
        return []
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
        status=MessageStatus.sending, lease_until=now + timedelta(seconds=lease),
        claimed_by=worker, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .order_by(OutboxMessage.id)
                           .execution_options(populate_existing=True)).all()
    out = [channels.Outgoing(key=m.key, channel=m.channel.value, to=m.to,
                             recipient_name=m.recipient_name, subject=m.subject, body=m.body,
                             html=m.html, ics=m.ics, ics_method=m.ics_method) for m in rows]
    session.commit()
    return out


def record(session, key: str, *, ok: bool, answer: str, ref: str = "", permanent: bool = False,
           backend: str = "", now=None) -> MessageStatus:
    """Write the outcome of one attempt."""
    _, _, max_attempts, retry = _settings()
    now = now or utcnow()
    begin_write(session)  # SQLite: a read that then writes would fail as "database is locked"
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    session.add(Attempt(message_id=message.id, at=now, ok=ok, answer=answer[:500]))
    message.last_answer = answer[:500]
    message.backend = backend
    message.lease_until = None
    if ok:
        message.status = MessageStatus.sent
        message.sent_at = now
        message.provider_ref = ref[:100]
    elif permanent or message.attempts >= max_attempts:
        message.status = MessageStatus.failed
    else:
        message.status = MessageStatus.queued
        message.next_attempt_at = now + backoff(message.attempts, retry)
    session.commit()
    return message.status


@dataclass
class Round:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    answers: list = field(default_factory=list)


def deliver_once(*, worker: str | None = None, limit: int | None = None,
                 after_send=None) -> Round:
    """One round: claim a batch, send each, record each. ``after_send(outgoing)`` runs between
    the gateway's answer and the record (a seam for tests)."""
    batch, lease, _, _ = _settings()
    worker = worker or worker_name()
    session = db.session
    backends = {}
    result = Round()
    outgoing = claim(session, worker=worker, limit=limit or batch, lease=lease)
    result.claimed = len(outgoing)
    for message in outgoing:
        try:
            if message.channel not in backends:
                backends[message.channel] = channels.backend_for(current_app.config, message.channel)
            backend = backends[message.channel]
            if backend is None:
                # The backend was switched to "outbox" after this was queued: keep it.
                raise channels.SendError("backend is outbox", permanent=True)
            delivery = backend.send(message)
        except channels.SendError as error:
            if after_send:
                after_send(message)
            status = record(session, message.key, ok=False, answer=error.answer,
                            permanent=error.permanent, backend=_name(backends, message))
        except ValueError as error:  # a backend missing its settings
            status = record(session, message.key, ok=False, answer=str(error), permanent=True)
        else:
            if after_send:
                after_send(message)
            status = record(session, message.key, ok=True, answer=delivery.answer,
                            ref=delivery.ref, backend=_name(backends, message))
        if status == MessageStatus.sent:
            result.sent += 1
        elif status == MessageStatus.failed:
            result.failed += 1
        else:
            result.retried += 1
    return result


def _name(backends, message) -> str:
    backend = backends.get(message.channel)
    return getattr(backend, "name", "")


def next_due(session):
    return session.scalar(select(OutboxMessage.next_attempt_at).where(
        OutboxMessage.status == MessageStatus.queued).order_by(OutboxMessage.next_attempt_at).limit(1))


def run(*, once: bool = False, idle: float = 2.0, echo=print, stop=lambda: False) -> Round:
    """Deliver until stopped (or until nothing is due, with ``once``)."""
    total = Round()
    worker = worker_name()
    while not stop():
        r = deliver_once(worker=worker)
        db.session.remove()  # nothing kept between rounds
        total.claimed += r.claimed
        total.sent += r.sent
        total.retried += r.retried
        total.failed += r.failed
        if r.claimed:
            echo(f"sent {r.sent}, to retry {r.retried}, failed {r.failed}")
            continue
        if once:
            break
        time.sleep(idle)
    return total
