"""What the reports keep: the activity rule's settings, and the indexes their queries need on
other domains' tables (declared here so that those domains stay unaware of the reports)."""
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..awards.models import Award
from ..checkin.models import CheckIn
from ..dbtypes import UTCDateTime
from ..extensions import db
from ..jalali import utcnow
from ..registrations.models import Registration

DEFAULT_MONTHS, DEFAULT_ACTIVE_MIN, DEFAULT_SEMI_MIN = 12, 2, 1


class ReportSettings(db.Model):
    """The rule that derives an NGO's activity from participation (one row, set by admins):
    in the last ``months`` months, at least ``active_min`` events attended is active, at least
    ``semi_min`` semi-active, fewer inactive."""

    __tablename__ = "report_settings"
    __table_args__ = (
        CheckConstraint("months BETWEEN 1 AND 120", name="months_range"),
        CheckConstraint("semi_min >= 1 AND active_min > semi_min AND active_min <= 1000",
                        name="thresholds_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    months: Mapped[int] = mapped_column(Integer, default=DEFAULT_MONTHS)
    active_min: Mapped[int] = mapped_column(Integer, default=DEFAULT_ACTIVE_MIN)
    semi_min: Mapped[int] = mapped_column(Integer, default=DEFAULT_SEMI_MIN)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Attendance(db.Model):
    """Who came: one row per registration let in at least once (live check-ins), with its event,
    NGO, person and number of days. Derived from ``checkins`` by ``facts.refresh`` (it follows
    new check-ins, undos and deletions), so that the reports count over a small table read from
    its indexes instead of joining every check-in to its registration."""

    __tablename__ = "report_attendance"
    __table_args__ = (
        Index("ix_report_attendance_event", "event_id", "ngo_id", "person", "days"),
        Index("ix_report_attendance_ngo", "ngo_id", "event_id", "days"),
        Index("ix_report_attendance_person", "person", "event_id"),
    )

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"))
    person: Mapped[str] = mapped_column(String(10))  # the national ID
    days: Mapped[int] = mapped_column(Integer)


class FactsState(db.Model):
    """How far ``report_attendance`` has followed ``checkins``: the last check-in id seen, the
    last undo seen, and how many check-in rows there were (a smaller count means deletions)."""

    __tablename__ = "report_facts_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_max_id: Mapped[int] = mapped_column(Integer, default=0)
    undone_max_at: Mapped[object | None] = mapped_column(UTCDateTime)
    checkin_rows: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


# Undos, newest last, for the refresh of ``report_attendance``.
Index("ix_checkins_undone", CheckIn.undone_at, sqlite_where=text("undone_at IS NOT NULL"),
      postgresql_where=text("undone_at IS NOT NULL"))
# An NGO's registrations (its history), and who a registration was (reach) without the table.
Index("ix_registrations_ngo_event", Registration.ngo_id, Registration.event_id)
# Awards of an NGO or an event that stand.
Index("ix_awards_event_live", Award.event_id, Award.kind, Award.ngo_id,
      sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL"))
