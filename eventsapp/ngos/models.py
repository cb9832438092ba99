import enum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow
from ..persian import clean_text, normalize_text, search_key


class ActivityField(str, enum.Enum):
    cultural = "cultural"
    social = "social"
    educational = "educational"
    religious = "religious"
    environmental = "environmental"
    humanitarian = "humanitarian"
    human_rights = "human_rights"
    urban = "urban"
    health = "health"
    family = "family"
    youth = "youth"
    social_harm = "social_harm"
    women = "women"
    children = "children"
    disability = "disability"
    sports = "sports"

    @property
    def label(self):
        return FIELD_LABELS[self]


FIELD_LABELS = {
    ActivityField.cultural: "فرهنگی",
    ActivityField.social: "اجتماعی",
    ActivityField.educational: "آموزشی و پژوهشی",
    ActivityField.religious: "دینی و مذهبی",
    ActivityField.environmental: "زیست‌محیطی",
    ActivityField.humanitarian: "انسان‌دوستانه و خیریه",
    ActivityField.human_rights: "حقوق بشری",
    ActivityField.urban: "مدیریت شهری",
    ActivityField.health: "سلامت",
    ActivityField.family: "خانواده",
    ActivityField.youth: "جوانان",
    ActivityField.social_harm: "پیشگیری از آسیب‌های اجتماعی",
    ActivityField.women: "زنان",
    ActivityField.children: "کودکان",
    ActivityField.disability: "افراد دارای معلولیت",
    ActivityField.sports: "ورزشی",
}


class NgoStatus(str, enum.Enum):
    active = "active"
    semi_active = "semi_active"
    inactive = "inactive"

    @property
    def label(self):
        return NGO_STATUS_LABELS[self]


NGO_STATUS_LABELS = {
    NgoStatus.active: "فعال",
    NgoStatus.semi_active: "نیمه‌فعال",
    NgoStatus.inactive: "غیرفعال",
}

CAPACITY_LEVELS = {1: "پایه", 2: "متوسط", 3: "پیشرفته"}


class Ngo(db.Model):
    """A registered NGO (سازمان مردم‌نهاد)."""

    __tablename__ = "ngos"
    __table_args__ = (
        CheckConstraint("capacity_level IS NULL OR capacity_level BETWEEN 1 AND 3",
                        name="capacity_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250))
    # search_key(name): what searches compare against, indexed.
    name_key: Mapped[str] = mapped_column(String(250), index=True)
    registration_no: Mapped[str] = mapped_column(String(30), unique=True)
    is_charity: Mapped[bool] = mapped_column(Boolean, default=False)
    # Activity fields as ",code,code," so one LIKE finds an NGO by any of them.
    fields: Mapped[str] = mapped_column(String(400), default="")
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    address: Mapped[str] = mapped_column(String(400), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[NgoStatus] = mapped_column(enum_type(NgoStatus, "ngo_status"),
                                              default=NgoStatus.active, index=True)
    capacity_level: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    province = relationship("Province")
    county = relationship("County")
    secretaries = relationship("User", back_populates="ngo")

    def set_name(self, name: str) -> None:
        self.name = clean_text(name)
        self.name_key = search_key(name)

    @property
    def activity_fields(self) -> list[ActivityField]:
        return [ActivityField(c) for c in self.fields.strip(",").split(",") if c]

    @activity_fields.setter
    def activity_fields(self, values) -> None:
        codes = sorted({ActivityField(v).value for v in values})
        self.fields = f",{','.join(codes)}," if codes else ""

    @property
    def capacity_label(self) -> str:
        return CAPACITY_LEVELS.get(self.capacity_level, "")

    def __str__(self):
        return self.name


class ClaimStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class SecretaryClaim(db.Model):
    """Someone signing up as an NGO's secretary; an organizer approves or rejects it."""

    __tablename__ = "secretary_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id"), index=True)
    username: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str] = mapped_column(String(120))
    mobile: Mapped[str] = mapped_column(String(11))
    password_hash: Mapped[str] = mapped_column(String(255))
    status: Mapped[ClaimStatus] = mapped_column(enum_type(ClaimStatus, "claim_status"),
                                                default=ClaimStatus.pending, index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    ngo = relationship("Ngo")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
