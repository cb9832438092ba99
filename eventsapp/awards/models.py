import enum
import secrets

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class AwardKind(str, enum.Enum):
    plaque = "plaque"            # لوح تقدیر
    statuette = "statuette"      # تندیس
    certificate = "certificate"  # گواهی حضور
    letter = "letter"            # تقدیرنامه
    other = "other"

    @property
    def label(self):
        return AWARD_KIND_LABELS[self]


AWARD_KIND_LABELS = {
    AwardKind.plaque: "لوح تقدیر",
    AwardKind.statuette: "تندیس",
    AwardKind.certificate: "گواهی حضور",
    AwardKind.letter: "تقدیرنامه",
    AwardKind.other: "سایر",
}


def new_verification_code() -> str:
    """About 100 random bits, easy to type from paper: 20 characters of base32, no 0/O/1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


class Award(db.Model):
    """A plaque, statuette, certificate or letter given at an event to an NGO and/or a person."""

    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("ngo_id IS NOT NULL OR recipient_name <> ''", name="has_recipient"),
        Index("ix_awards_event_kind", "event_id", "kind"),
        # One certificate of attendance per registration.
        Index("uq_awards_certificate_registration", "registration_id", unique=True,
              sqlite_where=text("registration_id IS NOT NULL AND revoked_at IS NULL"),
              postgresql_where=text("registration_id IS NOT NULL AND revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[AwardKind] = mapped_column(enum_type(AwardKind, "award_kind"))
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    recipient_name: Mapped[str] = mapped_column(String(150), default="")
    recipient_title: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(250))
    citation: Mapped[str] = mapped_column(Text, default="")
    presented_by_official_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_officials.id", ondelete="SET NULL"))
    presented_by_name: Mapped[str] = mapped_column(String(150), default="")
    presented_by_title: Mapped[str] = mapped_column(String(250), default="")
    awarded_on: Mapped[object] = mapped_column(Date)
    verification_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_verification_code)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(String(300), default="")

    event = relationship("Event")
    ngo = relationship("Ngo")
    registration = relationship("Registration")
    presented_by_official = relationship("Official")
    created_by = relationship("User", foreign_keys=[created_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
