import enum
import hashlib
import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


# werkzeug's default (scrypt). The test suite lowers it to keep thousands of logins quick.
PASSWORD_METHOD = "scrypt"


class Role(str, enum.Enum):
    admin = "admin"
    organizer = "organizer"
    secretary = "secretary"
    door = "door"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.admin: "مدیر سامانه",
    Role.organizer: "برگزارکننده",
    Role.secretary: "دبیر سمن",
    Role.door: "کارکنان پذیرش",
}


class NotifyBy(str, enum.Enum):
    sms = "sms"
    email = "email"
    both = "both"

    @property
    def label(self):
        return {NotifyBy.sms: "پیامک", NotifyBy.email: "رایانامه", NotifyBy.both: "هر دو"}[self]


class BodyKind(str, enum.Enum):
    provincial_governorate = "provincial_governorate"
    county_governorate = "county_governorate"
    social_affairs_office = "social_affairs_office"
    municipality = "municipality"
    facilitation_office = "facilitation_office"
    other = "other"

    @property
    def label(self) -> str:
        return BODY_KIND_LABELS[self]


BODY_KIND_LABELS = {
    BodyKind.provincial_governorate: "استانداری",
    BodyKind.county_governorate: "فرمانداری",
    BodyKind.social_affairs_office: "دفتر امور اجتماعی و فرهنگی",
    BodyKind.municipality: "معاونت شهرداری",
    BodyKind.facilitation_office: "دفتر تسهیلگری",
    BodyKind.other: "سایر",
}


class OrganizingBody(db.Model):
    """A governorate, municipality deputy, facilitation office… that organizes events."""

    __tablename__ = "organizing_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[BodyKind] = mapped_column(enum_type(BodyKind, "body_kind"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    # The body's public contact address: the ORGANIZER of its events in calendar files.
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    province = relationship("Province")
    county = relationship("County")
    members: Mapped[list["User"]] = relationship(back_populates="body")

    def __str__(self):
        return self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("username = lower(username)", name="username_lower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    mobile: Mapped[str] = mapped_column(String(11), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # Which channels this user's own messages (claims, awards, password reset) go by.
    notify_by: Mapped["NotifyBy"] = mapped_column(enum_type(NotifyBy, "notify_by"),
                                                  default=NotifyBy.sms)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("organizing_bodies.id"), index=True)
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login cookie: changing it (new password, deactivation) ends every session.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime)

    body: Mapped[OrganizingBody | None] = relationship(back_populates="members")
    ngo = relationship("Ngo", back_populates="secretaries")
    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", order_by="ApiToken.id.desc()", cascade="all, delete-orphan"
    )

    # Flask-Login
    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles) -> bool:
        return self.role in {Role(r) for r in roles}

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def __str__(self):
        return self.display_name


class ApiToken(db.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is kept; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PasswordReset(db.Model):
    """A password reset: a six-digit code sent by SMS or a link sent by e-mail. Only its hash
    is kept; it expires, and it works once."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(254), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[object] = mapped_column(UTCDateTime)
    used_at: Mapped[object | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
