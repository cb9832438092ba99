"""``flask send-outbox``: deliver queued messages, outside any request.

Claiming: a worker takes a batch of due rows in one short transaction and marks them
``sending`` with a lease (``OUTBOX_LEASE_SECONDS``). On PostgreSQL the rows are read with
``SELECT … FOR UPDATE SKIP LOCKED``, so workers running at once take different rows; on SQLite
the claim runs under the write lock (``BEGIN IMMEDIATE``), so claims queue one after another.
The batch's messages are then sent with no transaction open (``OUTBOX_CONCURRENCY`` at a
time), and their outcomes written together in a second short transaction.

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, insert, or_, select, update

from ..extensions import begin_write, db
from ..jalali import utcnow
from . import channels
from .models import Address, Attempt, MessageStatus, OutboxMessage
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
    m = OutboxMessage
    rows = session.execute(select(m.key, m.channel, Address.address, m.recipient_name, m.subject,
                                  m.body, m.html, m.ics, m.ics_method)
                           .join(Address, Address.id == m.address_id)
                           .where(m.id.in_(ids)).order_by(m.id)).all()
    out = [channels.Outgoing(key=r[0], channel=r[1].value, to=r[2], recipient_name=r[3],
                             subject=r[4], body=r[5], html=r[6], ics=r[7], ics_method=r[8])
           for r in rows]
    session.commit()
    return out


@dataclass
class Outcome:
    key: str
    ok: bool
    answer: str
    ref: str = ""
    permanent: bool = False
    backend: str = ""


def record(session, outcomes: list[Outcome], *, now=None) -> list[MessageStatus]:
    """Write the outcomes of a batch of attempts in one short transaction (two executemany
    statements and a read: a batch costs about what one message would)."""
    _, _, max_attempts, retry = _settings()
    now = now or utcnow()
    begin_write(session)  # SQLite: a read that then writes would fail as "database is locked"
    rows = {key: (id_, attempts) for id_, key, attempts in session.execute(
        select(OutboxMessage.id, OutboxMessage.key, OutboxMessage.attempts).where(
            OutboxMessage.key.in_([o.key for o in outcomes])))}
    statuses, updates, attempts = [], [], []
    for o in outcomes:
        message_id, tries = rows[o.key]
        if o.ok:
            status, next_at = MessageStatus.sent, None
        elif o.permanent or tries >= max_attempts:
            status, next_at = MessageStatus.failed, None
        else:
            status, next_at = MessageStatus.queued, now + backoff(tries, retry)
        statuses.append(status)
        attempts.append({"message_id": message_id, "at": now, "ok": o.ok, "answer": o.answer[:500]})
        updates.append({"_id": message_id, "status": status, "last_answer": o.answer[:500],
                        "backend": o.backend, "provider_ref": o.ref[:100] if o.ok else "",
                        "sent_at": now if o.ok else None, "next_attempt_at": next_at or now})
    session.execute(insert(Attempt), attempts)
    table = OutboxMessage.__table__
    session.execute(table.update().where(table.c.id == bindparam("_id")).values(
        status=bindparam("status"), last_answer=bindparam("last_answer"),
        backend=bindparam("backend"), provider_ref=bindparam("provider_ref"),
        sent_at=bindparam("sent_at"), next_attempt_at=bindparam("next_attempt_at"),
        lease_until=None), updates)
    session.commit()
    return statuses


@dataclass
class Round:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _send(backends: dict, message: channels.Outgoing) -> Outcome:
    backend = backends.get(message.channel)
    name = getattr(backend, "name", "")
    if isinstance(backend, ValueError):  # a backend missing its settings
        return Outcome(message.key, False, str(backend), permanent=True)
    if backend is None:
        # The backend was switched to "outbox" after this was queued: keep it as failed.
        return Outcome(message.key, False, "backend is outbox", permanent=True)
    try:
        delivery = backend.send(message)
    except channels.SendError as error:
        return Outcome(message.key, False, error.answer, permanent=error.permanent, backend=name)
    return Outcome(message.key, True, delivery.answer, ref=delivery.ref, backend=name)


def deliver_once(*, worker: str | None = None, limit: int | None = None,
                 after_send=None) -> Round:
    """One round: claim a batch, send its messages (``OUTBOX_CONCURRENCY`` at a time, no
    transaction open), then record every answer in one transaction. ``after_send(outcomes)``
    runs between the answers and the record (a seam for tests)."""
    batch, lease, _, _ = _settings()
    worker = worker or worker_name()
    session = db.session
    result = Round()
    outgoing = claim(session, worker=worker, limit=limit or batch, lease=lease)
    result.claimed = len(outgoing)
    if not outgoing:
        return result
    backends = {}
    for channel in {m.channel for m in outgoing}:
        try:
            backends[channel] = channels.backend_for(current_app.config, channel)
        except ValueError as error:
            backends[channel] = error
    concurrency = max(1, int(current_app.config.get("OUTBOX_CONCURRENCY", 4)))
    if concurrency == 1 or len(outgoing) == 1:
        outcomes = [_send(backends, m) for m in outgoing]
    else:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(outgoing))) as pool:
            outcomes = list(pool.map(lambda m: _send(backends, m), outgoing))
    if after_send:
        after_send(outcomes)
    for status in record(session, outcomes):
        if status == MessageStatus.sent:
            result.sent += 1
        elif status == MessageStatus.failed:
            result.failed += 1
        else:
            result.retried += 1
    return result


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
