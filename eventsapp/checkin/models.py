import enum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class Verdict(str, enum.Enum):
    ok = "ok"
    already_checked_in = "already_checked_in"
    wrong_event = "wrong_event"
    wrong_day = "wrong_day"
    cancelled = "cancelled"
    not_confirmed = "not_confirmed"
    unknown = "unknown"
    closed = "closed"
    undone = "undone"  # logged when a check-in is undone; never returned by a scan


class EventStaff(db.Model):
    """Door staff assigned to an event by its organizers."""

    __tablename__ = "event_staff"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    event = relationship("Event")
    user = relationship("User")


class ScannerDevice(db.Model):
    """A phone or scanner at the door with its own API token, for one event; revocable."""

    __tablename__ = "scanner_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)

    event = relationship("Event")


_LIVE = "undone_at IS NULL"


class CheckIn(db.Model):
    """A person let in on one day of an event. One live check-in per registration per day:
    the partial unique index decides races between gates, not code."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("uq_checkins_registration_day", "registration_id", "day", unique=True,
              sqlite_where=text(_LIVE), postgresql_where=text(_LIVE)),
        Index("ix_checkins_event_day", "event_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    day: Mapped[object] = mapped_column(Date)
    checked_in_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("scanner_devices.id"))
    gate: Mapped[str] = mapped_column(String(60), default="")
    undone_at: Mapped[object | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    registration = relationship("Registration")
    staff = relationship("User", foreign_keys=[staff_id])
    device = relationship("ScannerDevice")


_NONCE = "nonce IS NOT NULL"


class ScanLog(db.Model):
    """Every scan, whatever its verdict, and every undo. A scan sent with a client nonce keeps
    it (scoped to who scanned: ``u<user id>:`` or ``d<device id>:``) and the answer it got, so
    that the same nonce again gets that answer and writes nothing (the unique index decides)."""

    __tablename__ = "scan_log"
    __table_args__ = (Index("ix_scan_log_event_time", "event_id", "scanned_at"),
                      Index("uq_scan_log_event_nonce", "event_id", "nonce", unique=True,
                            sqlite_where=text(_NONCE), postgresql_where=text(_NONCE)))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(200), default="")
    verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, "verdict"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("scanner_devices.id"))
    gate: Mapped[str] = mapped_column(String(60), default="")
    scanned_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    nonce: Mapped[str | None] = mapped_column(String(80))
    answer: Mapped[str | None] = mapped_column(Text)  # the scan's answer (JSON), with a nonce

    registration = relationship("Registration")
    staff = relationship("User", foreign_keys=[staff_id])
