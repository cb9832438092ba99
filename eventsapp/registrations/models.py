import enum
import secrets

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class RegStatus(str, enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    pending = "pending"
    cancelled = "cancelled"
    rejected = "rejected"

    @property
    def label(self):
        return REG_STATUS_LABELS[self]


REG_STATUS_LABELS = {
    RegStatus.confirmed: "قطعی",
    RegStatus.waitlisted: "فهرست انتظار",
    RegStatus.pending: "در انتظار تأیید",
    RegStatus.cancelled: "لغو شده",
    RegStatus.rejected: "رد شده",
}

# A person holds (or waits for) a seat in these states; one such registration per national ID.
ACTIVE = (RegStatus.confirmed, RegStatus.waitlisted, RegStatus.pending)
_ACTIVE_SQL = "status IN ('confirmed', 'waitlisted', 'pending')"


def new_ticket_code() -> str:
    """128 random bits, URL-safe; never derived from ids."""
    return secrets.token_urlsafe(16)


# Short codes, typed at the door and read over the phone: no 0/O/Q, 1/I/L, 5/S, 2/Z, 8/B,
# 6/G, U/V.
SHORT_ALPHABET = "34679ACDEFHJKMNPRTWXY"
SHORT_LENGTH = 8


def new_short_code() -> str:
    """8 characters from 21 (about 35 bits), unique within an event (a constraint); printed
    under the QR code as two groups of four. Not the credential: the long code is."""
    return "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))


class Registration(db.Model):
    """One NGO member registered for one event."""

    __tablename__ = "registrations"
    __table_args__ = (
        Index("uq_registrations_active_person", "event_id", "national_id", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
        Index("ix_registrations_event_status", "event_id", "status", "id"),
        Index("ix_registrations_event_ngo", "event_id", "ngo_id"),
        Index("uq_registrations_event_short_code", "event_id", "short_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id"))
    full_name: Mapped[str] = mapped_column(String(120))
    national_id: Mapped[str] = mapped_column(String(10), index=True)
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    role: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    name_key: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[RegStatus] = mapped_column(enum_type(RegStatus, "registration_status"))
    ticket_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_ticket_code)
    # NULL only for rows written around the ORM (its default fills it in everywhere else).
    short_code: Mapped[str | None] = mapped_column(String(SHORT_LENGTH), default=new_short_code)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[object | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(300), default="")

    event = relationship("Event")
    ngo = relationship("Ngo")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE
