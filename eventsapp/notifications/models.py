"""The outbox: one row per message to one address, and one row per address (its opt-out)."""
import enum
import secrets

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class Channel(str, enum.Enum):
    sms = "sms"
    email = "email"

    @property
    def label(self):
        return {Channel.sms: "پیامک", Channel.email: "رایانامه"}[self]


class MessageStatus(str, enum.Enum):
    kept = "kept"          # the channel's backend is "outbox": kept here, shown, not sent
    queued = "queued"      # waiting for a worker (again, after a failed attempt)
    sending = "sending"    # claimed by a worker until lease_until
    sent = "sent"          # the gateway or the SMTP server accepted it
    failed = "failed"      # every attempt failed; an organizer may resend

    @property
    def label(self):
        return MESSAGE_STATUS_LABELS[self]


MESSAGE_STATUS_LABELS = {
    MessageStatus.kept: "در صندوق (ارسال‌نشدنی)",
    MessageStatus.queued: "در صف",
    MessageStatus.sending: "در حال ارسال",
    MessageStatus.sent: "فرستاده شد",
    MessageStatus.failed: "ناموفق",
}

# An address gets this short code in its opt-out link (no look-alike characters).
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_address_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class Address(db.Model):
    """A mobile number (+98…) or an e-mail address that messages go to, with its opt-out."""

    __tablename__ = "message_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_address_code)
    opted_out_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_event", "event_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The idempotency key: the same key is the same message, however often it is queued or
    # sent; the gateway gets it too, so a resend after a crash is recognised there.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "message_channel"))
    address_id: Mapped[int] = mapped_column(ForeignKey("message_addresses.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(250), default="")
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(10))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[MessageStatus] = mapped_column(enum_type(MessageStatus, "message_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[object | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(80), default="")
    backend: Mapped[str] = mapped_column(String(20), default="")
    last_answer: Mapped[str] = mapped_column(String(500), default="")
    provider_ref: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime)

    address: Mapped[Address] = relationship()

    @property
    def to(self) -> str:
        return self.address.address


class Attempt(db.Model):
    """Each delivery attempt and what the gateway or SMTP server answered."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(db.Boolean)
    answer: Mapped[str] = mapped_column(String(500), default="")
