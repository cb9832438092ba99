import enum

from sqlalchemy import (Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, Time,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class EventKind(str, enum.Enum):
    workshop = "workshop"
    meeting = "meeting"
    ceremony = "ceremony"
    other = "other"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    EventKind.workshop: "کارگاه توانمندسازی",
    EventKind.meeting: "نشست",
    EventKind.ceremony: "مراسم",
    EventKind.other: "سایر",
}


class EventStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    postponed = "postponed"
    cancelled = "cancelled"
    completed = "completed"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    EventStatus.draft: "پیش‌نویس",
    EventStatus.published: "منتشرشده",
    EventStatus.postponed: "به تعویق افتاده",
    EventStatus.cancelled: "لغو شده",
    EventStatus.completed: "برگزار شده",
}


class Audience(str, enum.Enum):
    all = "all"
    province = "province"
    county = "county"
    invited = "invited"

    @property
    def label(self):
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {
    Audience.all: "همهٔ سمن‌ها",
    Audience.province: "سمن‌های یک استان",
    Audience.county: "سمن‌های یک شهرستان",
    Audience.invited: "فقط سمن‌های دعوت‌شده",
}


class OfficialRole(str, enum.Enum):
    chair = "chair"
    speaker = "speaker"
    guest = "guest"

    @property
    def label(self):
        return OFFICIAL_ROLE_LABELS[self]


OFFICIAL_ROLE_LABELS = {
    OfficialRole.chair: "رئیس جلسه",
    OfficialRole.speaker: "سخنران",
    OfficialRole.guest: "مهمان",
}


class OccasionCalendar(str, enum.Enum):
    jalali = "jalali"
    gregorian = "gregorian"
    hijri = "hijri"  # lunar (هجری قمری): its day moves about 11 days earlier every solar year


class Occasion(db.Model):
    """A yearly occasion (مناسبت): a day or a week on a fixed Jalali (or Gregorian) date."""

    __tablename__ = "occasions"
    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("day BETWEEN 1 AND 31", name="day_range"),
        CheckConstraint("length_days BETWEEN 1 AND 31", name="length_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    calendar: Mapped[OccasionCalendar] = mapped_column(enum_type(OccasionCalendar, "occasion_calendar"),
                                                       default=OccasionCalendar.jalali)
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    length_days: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return self.name


event_occasions = db.Table(
    "event_occasions",
    db.Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    db.Column("occasion_id", ForeignKey("occasions.id"), primary_key=True, index=True),
)


class Venue(db.Model):
    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("name_key", "county_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400), default="")
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    # Where it is on a map (WGS 84 degrees), when the organizer gave it.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    province = relationship("Province")
    county = relationship("County")

    def __str__(self):
        return self.name

    @property
    def location(self) -> tuple[float, float] | None:
        return None if self.latitude is None or self.longitude is None else (self.latitude, self.longitude)

    def map_links(self) -> list[tuple[str, str]]:
        """(name, address) of the venue on the maps people in Iran use: Neshan, Balad, OSM."""
        if self.location is None:
            return []
        lat, lon = (f"{v:.6f}".rstrip("0").rstrip(".") for v in self.location)
        return [("نشان", f"https://neshan.org/maps/@{lat},{lon},16z"),
                ("بلد", f"https://balad.ir/location?latitude={lat}&longitude={lon}&zoom=16"),
                ("اُپن‌استریت‌مپ", f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")]


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("per_ngo_quota IS NULL OR (per_ngo_quota >= 1 AND per_ngo_quota <= capacity)",
                        name="quota_within_capacity"),
        CheckConstraint("starts_on <= ends_on", name="days_ordered"),
        CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity",
                        name="confirmed_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "event_kind"))
    title: Mapped[str] = mapped_column(String(250))
    topic: Mapped[str] = mapped_column(String(250), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    body_id: Mapped[int] = mapped_column(ForeignKey("organizing_bodies.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    occasion_id: Mapped[int | None] = mapped_column(ForeignKey("occasions.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    per_ngo_quota: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[object | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[object | None] = mapped_column(UTCDateTime)
    audience: Mapped[Audience] = mapped_column(enum_type(Audience, "audience"), default=Audience.all)
    audience_province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    audience_county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # When full, new registrations wait in line (and move up when a seat frees) unless off.
    waitlist: Mapped[bool] = mapped_column(Boolean, default=True)
    # Confirmed seats, kept by the registration services inside the writing transaction;
    # the CHECK constraint makes overbooking impossible even if code went wrong.
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    # The door opens this many minutes before each day's start and closes this many after its end.
    checkin_before: Mapped[int] = mapped_column(Integer, default=60)
    checkin_after: Mapped[int] = mapped_column(Integer, default=30)
    # Reminders go this many hours before each day starts (comma-separated; empty: none).
    reminder_hours: Mapped[str] = mapped_column(String(40), default="24,2")
    # Whether the event page lists the NGOs honoured at it.
    awards_public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus, "event_status"),
                                                default=EventStatus.draft, index=True)
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    # First and last day, kept by the services for fast range queries and ordering.
    starts_on: Mapped[object] = mapped_column(Date, index=True)
    ends_on: Mapped[object] = mapped_column(Date, index=True)
    # Raised on every change of time, place or status (calendar clients use it as SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # When a published event's days or venue changed, and what changed (shown on its page).
    changed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    change_note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    body = relationship("OrganizingBody")
    venue: Mapped[Venue] = relationship()
    occasion: Mapped[Occasion | None] = relationship()
    # More occasions the event also marks, besides its main ``occasion``.
    other_occasions: Mapped[list[Occasion]] = relationship(secondary="event_occasions",
                                                           order_by="Occasion.name")
    audience_province = relationship("Province", foreign_keys=[audience_province_id])
    audience_county = relationship("County", foreign_keys=[audience_county_id])
    days: Mapped[list["EventDay"]] = relationship(
        back_populates="event", order_by="EventDay.date", cascade="all, delete-orphan")
    officials: Mapped[list["Official"]] = relationship(
        back_populates="event", order_by="Official.position", cascade="all, delete-orphan")
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="event", cascade="all, delete-orphan")

    @property
    def is_multi_day(self) -> bool:
        return len(self.days) > 1

    @property
    def occasions(self) -> list[Occasion]:
        """Every occasion the event marks: the main one first."""
        main = [self.occasion] if self.occasion else []
        return main + [o for o in self.other_occasions if o is not self.occasion]

    def __str__(self):
        return self.title


class EventDay(db.Model):
    """One day of an event: a Tehran wall-clock date with its own start and end time."""

    __tablename__ = "event_days"
    __table_args__ = (
        UniqueConstraint("event_id", "date"),
        CheckConstraint("start_time < end_time", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    date: Mapped[object] = mapped_column(Date, index=True)
    start_time: Mapped[object] = mapped_column(Time)
    end_time: Mapped[object] = mapped_column(Time)

    event: Mapped[Event] = relationship(back_populates="days")


class Official(db.Model):
    """A person on the programme: chair, speaker or guest."""

    __tablename__ = "event_officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    title: Mapped[str] = mapped_column(String(250), default="")
    role: Mapped[OfficialRole] = mapped_column(enum_type(OfficialRole, "official_role"),
                                               default=OfficialRole.speaker)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="officials")


class Invitation(db.Model):
    """An NGO invited to an event whose audience is 'invited NGOs only'."""

    __tablename__ = "event_invitations"
    __table_args__ = (UniqueConstraint("event_id", "ngo_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id"), index=True)

    event: Mapped[Event] = relationship(back_populates="invitations")
    ngo = relationship("Ngo")
