"""The composers: each topic a domain service announces becomes SMS and e-mail in the outbox.

Keys (the idempotency keys) say what a message is, so announcing the same thing twice queues
it once: ``reg.<id>.<change>.<channel>``, ``event.<id>.<what>.s<sequence>.r<registration>.<channel>``,
``remind.<event>.<day>.<hours>h.r<registration>.<channel>``…
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..accounts.models import Role, User
from ..awards.models import AWARD_KIND_LABELS
from ..calendars import ical
from ..jalali import format_date, format_time, utcnow
from ..notifications.models import Channel
from ..notifications.outbox import address, composer, optout_url, public_base_url, queue
from ..registrations.models import ACTIVE, RegStatus, Registration
from ..registrations.qr import ticket_url
from .texts import fa, render_mail, render_sms, sms_link

# (change, status after it) → template; a change not listed sends nothing.
REGISTRATION_TEMPLATES = {
    ("registered", RegStatus.confirmed): "ticket",
    ("registered", RegStatus.waitlisted): "waitlisted",
    ("registered", RegStatus.pending): "pending",
    ("promoted", RegStatus.confirmed): "promoted",
    ("approved", RegStatus.confirmed): "approved",
    ("approved", RegStatus.waitlisted): "waitlisted",
    ("rejected", RegStatus.rejected): "rejected",
    ("cancelled", RegStatus.cancelled): "cancelled",
    ("again", RegStatus.confirmed): "ticket",
}
SUBJECTS = {
    "ticket": "بلیت «{title}»",
    "promoted": "جا باز شد: بلیت «{title}»",
    "approved": "ثبت‌نام شما در «{title}» تأیید شد",
    "waitlisted": "در فهرست انتظار «{title}»",
    "pending": "ثبت‌نام «{title}» در انتظار تأیید",
    "rejected": "ثبت‌نام «{title}» پذیرفته نشد",
    "cancelled": "ثبت‌نام «{title}» لغو شد",
    "event_changed": "تغییر در «{title}»",
    "event_postponed": "«{title}» به تعویق افتاد",
    "event_cancelled": "«{title}» لغو شد",
    "reminder": "یادآوری: «{title}»",
}
# Which messages carry the calendar invitation, and with which METHOD.
ICS_METHOD = {"ticket": "REQUEST", "promoted": "REQUEST", "approved": "REQUEST",
              "rejected": "CANCEL", "cancelled": "CANCEL", "event_changed": "REQUEST",
              "event_postponed": "REQUEST", "event_cancelled": "CANCEL"}


def site() -> ical.Site:
    return ical.Site(base_url=public_base_url(),
                     organizer_email=current_app.config.get("CALENDAR_ORGANIZER_EMAIL", "")
                     or current_app.config.get("MAIL_DEFAULT_SENDER", ""))


def short_code_text(code: str | None) -> str:
    """«ABCD-EFGH»: two groups of four, as printed under the QR code."""
    code = code or ""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def first_day(event):
    return event.days[0] if event.days else None


def _values(reg: Registration, **more) -> dict:
    event = reg.event
    day = first_day(event)
    url = ticket_url(reg.ticket_code, public_base_url())
    return {"reg": reg, "event": event, "title": event.title, "name": reg.full_name,
            "ticket_url": url, "ticket_link": sms_link(url), "short_code": short_code_text(reg.short_code),
            "day": format_date(day.date, "long") if day else "",
            "day_short": format_date(day.date, "medium") if day else "",
            "start": format_time(day.start_time) if day else "",
            "end": format_time(day.end_time) if day else "",
            "venue": ical.location_text(event), "days": len(event.days),
            "event_url": f"{public_base_url()}/events/{event.id}",
            "status_reason": event.status_reason, "change_note": event.change_note,
            "fa": fa, **more}


def _ticket(reg: Registration, template: str) -> ical.Ticket:
    active = reg.status in ACTIVE and template not in ("cancelled", "rejected")
    return ical.Ticket(code=reg.ticket_code, holder=reg.full_name, active=active,
                       confirmed=reg.status == RegStatus.confirmed,
                       status_label=reg.status.label, changed_at=reg.decided_at or reg.cancelled_at)


def to_registration(session, reg: Registration, template: str, key: str, *, now=None,
                    **more) -> list:
    """The SMS to the attendee's mobile and, when given, the e-mail; ``key`` is the stem of
    the idempotency key (the channel is added)."""
    now = now or utcnow()
    out = []
    event = reg.event
    sms_addr = address(session, Channel.sms, reg.mobile)
    if sms_addr is not None:
        values = _values(reg, optout=sms_link(optout_url(sms_addr)), **more)
        body = render_sms(template, **values)
        out.append(queue(session, key=f"{key}.sms", kind=template, addr=sms_addr, body=body,
                         recipient_name=reg.full_name, event_id=event.id,
                         registration_id=reg.id, now=now))
    mail_addr = address(session, Channel.email, reg.email) if reg.email else None
    if mail_addr is not None:
        values = _values(reg, optout=optout_url(mail_addr), **more)
        values.setdefault("action_url", values["ticket_url"] if reg.status in ACTIVE else values["event_url"])
        values.setdefault("action_label", "دیدن بلیت" if reg.status == RegStatus.confirmed else "دیدن رویداد")
        mail = render_mail(template, subject=SUBJECTS[template].format(title=event.title), **values)
        method = ICS_METHOD.get(template)
        ics = None
        if method and event.days:
            ics = ical.invitation_ics(event, site(), ticket=_ticket(reg, template), method=method,
                                      attendee=mail_addr.address, attendee_name=reg.full_name).decode()
        out.append(queue(session, key=f"{key}.email", kind=template, addr=mail_addr,
                         subject=mail.subject, body=mail.text, html=mail.html, ics=ics,
                         ics_method=method if ics else None, recipient_name=reg.full_name,
                         event_id=event.id, registration_id=reg.id, now=now))
    return [m for m in out if m is not None]


@composer("registration")
def registration_changed(session, *, registration: Registration, change: str, now=None,
                         key: str | None = None):
    template = REGISTRATION_TEMPLATES.get((change, registration.status))
    if template is None:
        return []
    session.flush()  # the registration has its id
    return to_registration(session, registration, template,
                           key or f"reg.{registration.id}.{change}", now=now)


EVENT_TEMPLATES = {"changed": "event_changed", "postponed": "event_postponed",
                   "cancelled": "event_cancelled"}


@composer("event")
def event_changed(session, *, event, what: str, now=None):
    """A published event's days, hours or venue changed, or it was postponed or cancelled:
    everyone registered (confirmed, waiting or pending) hears it."""
    template = EVENT_TEMPLATES[what]
    session.flush()
    regs = session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.id)).all()
    out = []
    for reg in regs:
        out += to_registration(session, reg, template,
                               f"event.{event.id}.{what}.s{event.sequence}.r{reg.id}", now=now)
    return out




# --- users: secretaries, organizers -----------------------------------------------------------

def user_channels(user) -> list[Channel]:
    """The channels a user chose (SMS, e-mail or both), of those they have an address for."""
    choice = getattr(user.notify_by, "value", user.notify_by) or "sms"
    wanted = {"sms": [Channel.sms], "email": [Channel.email],
              "both": [Channel.sms, Channel.email]}[choice]
    have = [c for c in wanted if (user.mobile if c == Channel.sms else user.email)]
    if not have:  # whatever they chose, use what we have
        have = [c for c in (Channel.sms, Channel.email) if (user.mobile if c == Channel.sms else user.email)]
    return have


def to_user(session, user, template: str, key: str, *, subject: str, now=None,
            essential: bool = False, event_id=None, channels=None, **values) -> list:
    out = []
    for channel in channels or user_channels(user):
        addr = address(session, channel, user.mobile if channel == Channel.sms else user.email)
        if addr is None:
            continue
        common = {"name": user.full_name or user.username, "user": user, "fa": fa,
                  "base_url": public_base_url(), **values}
        if channel == Channel.sms:
            body = render_sms(template, fit="title", optout=sms_link(optout_url(addr)), **common)
            out.append(queue(session, key=f"{key}.sms", kind=template, addr=addr, body=body,
                             recipient_name=common["name"], user_id=user.id, event_id=event_id,
                             essential=essential, now=now))
        else:
            mail = render_mail(template, subject=subject, optout=optout_url(addr), **common)
            out.append(queue(session, key=f"{key}.email", kind=template, addr=addr,
                             subject=mail.subject, body=mail.text, html=mail.html,
                             recipient_name=common["name"], user_id=user.id, event_id=event_id,
                             essential=essential, now=now))
    return [m for m in out if m is not None]


@composer("claim_approved")
def claim_approved(session, *, user, now=None):
    session.flush()
    ngo_name = user.ngo.name if user.ngo is not None else ""
    return to_user(session, user, "claim_approved", f"claim.{user.id}.approved",
                   subject=f"حساب دبیر «{ngo_name}» تأیید شد", now=now, title=ngo_name,
                   login_url=f"{public_base_url()}/login", action_url=f"{public_base_url()}/login",
                   action_label="ورود")


@composer("awards")
def awards_given(session, *, awards, now=None):
    """Each award: to its recipient when they are a registered attendee, and to the active
    secretaries of its NGO."""
    out = []
    for award in awards:
        event = award.event
        verify = f"{public_base_url()}/awards/verify/{award.verification_code}"
        recipient = award.recipient_name or (award.ngo.name if award.ngo is not None else "")
        values = {"title": event.title, "award_title": award.title,
                  "kind_label": AWARD_KIND_LABELS[award.kind], "recipient": recipient,
                  "verify_url": verify, "verify_link": sms_link(verify),
                  "action_url": verify, "action_label": "دیدن و تأیید"}
        subject = f"{AWARD_KIND_LABELS[award.kind]} «{award.title}» در «{event.title}»"
        if award.registration_id:
            reg = session.get(Registration, award.registration_id)
            for channel, value in ((Channel.sms, reg.mobile), (Channel.email, reg.email)):
                addr = address(session, channel, value) if value else None
                if addr is None:
                    continue
                key = f"award.{award.id}.r{reg.id}.{channel.value}"
                if channel == Channel.sms:
                    body = render_sms("award", optout=sms_link(optout_url(addr)), name=reg.full_name,
                                      **values)
                    out.append(queue(session, key=key, kind="award", addr=addr, body=body,
                                     recipient_name=reg.full_name, event_id=event.id,
                                     registration_id=reg.id, now=now))
                else:
                    mail = render_mail("award", subject=subject, optout=optout_url(addr),
                                       name=reg.full_name, **values)
                    out.append(queue(session, key=key, kind="award", addr=addr, subject=subject,
                                     body=mail.text, html=mail.html, recipient_name=reg.full_name,
                                     event_id=event.id, registration_id=reg.id, now=now))
        if award.ngo_id:
            secretaries = session.scalars(select(User).where(
                User.ngo_id == award.ngo_id, User.role == Role.secretary, User.active)).all()
            for user in secretaries:
                out += to_user(session, user, "award", f"award.{award.id}.u{user.id}",
                               subject=subject, now=now, event_id=event.id, **values)
    return [m for m in out if m is not None]


@composer("password_reset")
def password_reset(session, *, user, reset, secret: str, now=None):
    """The code by SMS or the link by e-mail: sent even to an address that opted out (the
    person asked for it), and never shown on any organizer's page (no event)."""
    channel = Channel(reset.channel)
    link = f"{public_base_url()}/password/reset/{secret}" if channel == Channel.email else ""
    return to_user(session, user, "password_reset", f"reset.{reset.id}",
                   subject="بازیابی گذرواژه", now=now, essential=True, channels=[channel],
                   code=secret, link=link, action_url=link or None,
                   action_label="گذرواژهٔ تازه", title=user.username,
                   minutes=fa(15 if channel == Channel.sms else 60))
