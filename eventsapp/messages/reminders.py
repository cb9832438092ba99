"""Reminders before each day of an event: ``flask send-reminders`` (cron or a systemd timer).

An event's ``reminder_hours`` (default "24,2") says how long before each day's start its
confirmed attendees hear from us. A run queues, for each day that has not started, the
reminder of the shortest lead time whose moment has come: a run every few minutes sends the
24-hour one, then the 2-hour one; a first run an hour before the start sends only the 2-hour
one. Each reminder's idempotency key names the event, day, lead time, registration and
channel, so running it again, or twice at once, queues nothing new.
"""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..events.models import Event, EventDay, EventStatus
from ..jalali import format_date, format_time, local_datetime, to_utc, today, utcnow
from ..registrations.models import RegStatus, Registration
from .compose import to_registration

MAX_HOURS = 24 * 7


class ReminderHoursError(ValueError):
    message = "ساعت‌های یادآوری را با ویرگول جدا کنید، هر یک از ۱ تا ۱۶۸ (مانند ۲۴، ۲)."


def parse_hours(text: str) -> list[int]:
    """"۲۴، ۲" → [24, 2]; empty → [] (no reminders)."""
    from ..persian import to_latin_digits

    parts = [p for p in re.split(r"[,،\s]+", to_latin_digits(text or "").strip()) if p]
    if not all(re.fullmatch(r"[0-9]{1,3}", p) and 1 <= int(p) <= MAX_HOURS for p in parts) or len(parts) > 5:
        raise ReminderHoursError()
    return sorted({int(p) for p in parts}, reverse=True)


def hours_of(event) -> list[int]:
    try:
        return parse_hours(event.reminder_hours or "")
    except ReminderHoursError:
        return []


def set_hours(event, text: str) -> None:
    event.reminder_hours = ",".join(str(h) for h in parse_hours(text))


def due_lead(start, hours: list[int], now) -> int | None:
    """The shortest lead time whose moment has come, for a day starting at ``start``."""
    if now >= start:
        return None
    due = [h for h in hours if start - timedelta(hours=h) <= now]
    return min(due) if due else None


def queue_reminders(session, *, now=None) -> int:
    """Queue every reminder that is due and not queued before; returns how many messages."""
    now = now or utcnow()
    horizon = today(now) + timedelta(days=MAX_HOURS // 24 + 1)
    days = session.scalars(
        select(EventDay).join(Event).where(
            Event.status == EventStatus.published, EventDay.date >= today(now) - timedelta(days=1),
            EventDay.date <= horizon)
        .options(selectinload(EventDay.event).selectinload(Event.days))
        .order_by(EventDay.date)).all()
    count = 0
    for day in days:
        event = day.event
        start = to_utc(local_datetime(day.date, day.start_time))
        lead = due_lead(start, hours_of(event), now)
        if lead is None:
            continue
        n = next(i for i, d in enumerate(event.days, 1) if d.id == day.id)
        regs = session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status == RegStatus.confirmed)
            .order_by(Registration.id)).all()
        for reg in regs:
            made = to_registration(session, reg, "reminder",
                                   f"remind.{event.id}.d{n}.{lead}h.r{reg.id}", now=now,
                                   when=format_date(day.date, "medium"),
                                   start=format_time(day.start_time))
            count += sum(1 for m in made if m.created_at == now)
    session.flush()
    return count
