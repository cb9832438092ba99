"""What organizers and secretaries do with messages: list an event's, resend one, send an
NGO's tickets again, and the SMS part counts of each template."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..jalali import utcnow
from ..notifications import sms
from ..notifications.models import MessageStatus, OutboxMessage
from ..notifications.outbox import resend
from ..registrations.models import RegStatus, Registration
from .compose import to_registration


def event_messages(session, event, *, ngo_id: int | None = None, limit: int = 500):
    query = select(OutboxMessage).where(OutboxMessage.event_id == event.id)
    if ngo_id is not None:
        query = query.join(Registration, Registration.id == OutboxMessage.registration_id).where(
            Registration.ngo_id == ngo_id)
    return list(session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def status_counts(messages) -> dict[MessageStatus, int]:
    counts = {s: 0 for s in MessageStatus}
    for m in messages:
        counts[m.status] += 1
    return counts


def resend_message(session, message: OutboxMessage, *, now=None) -> OutboxMessage:
    return resend(session, message, now=now)


def send_tickets_again(session, event, ngo_id: int, *, now=None) -> list[OutboxMessage]:
    """Every confirmed ticket of the NGO at the event, to each holder again (new keys: this is
    a deliberate second copy, which a deduplicating gateway must not swallow)."""
    now = now or utcnow()
    stamp = now.strftime("%Y%m%d%H%M%S")
    regs = session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.ngo_id == ngo_id,
        Registration.status == RegStatus.confirmed).order_by(Registration.id)).all()
    out = []
    for reg in regs:
        out += to_registration(session, reg, "ticket", f"reg.{reg.id}.again{stamp}", now=now)
    return out


@dataclass
class TemplateCost:
    name: str
    label: str
    text: str
    units: int
    parts: int
    budget: int


TEMPLATE_LABELS = {
    "ticket": "ثبت‌نام قطعی (بلیت)", "promoted": "از فهرست انتظار به قطعی",
    "approved": "تأیید ثبت‌نام", "waitlisted": "فهرست انتظار", "pending": "در انتظار تأیید",
    "rejected": "رد ثبت‌نام", "cancelled": "لغو ثبت‌نام", "event_changed": "تغییر زمان یا مکان",
    "event_postponed": "تعویق رویداد", "event_cancelled": "لغو رویداد", "reminder": "یادآوری",
}


def template_costs(event, sample: Registration | None = None) -> list[TemplateCost]:
    """Each SMS template rendered for this event (with a sample attendee when there is none)
    and its UCS-2 part count."""
    from .compose import _values
    from .texts import render_sms, sms_link

    reg = sample or Registration(event=event, full_name="نام و نام خانوادگی", mobile="09120000000",
                                 ticket_code="x" * 22, short_code="ACDE3467",
                                 status=RegStatus.confirmed)
    if reg.ticket_code is None:
        reg.ticket_code = "x" * 22
    from ..notifications.outbox import public_base_url

    base = public_base_url()
    out = []
    for name, label in TEMPLATE_LABELS.items():
        values = _values(reg, optout=sms_link(f"{base}/o/xxxxxxxxxx"), when="فردا")
        text = render_sms(name, **values)
        out.append(TemplateCost(name, label, text, sms.units(text), sms.parts(text), 2))
    return out
