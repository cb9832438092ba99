import enum
import secrets

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class FeedKind(str, enum.Enum):
    ngo = "ngo"      # events the NGO's members are registered for
    body = "body"    # an organizing body's events
    user = "user"    # a person's own feed (their registrations, events they run or staff)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class FeedToken(db.Model):
    """The secret in a calendar subscription URL. Regenerating it revokes the old URL.

    Kept in clear (unlike API tokens) because the owner must be able to see the URL again
    to subscribe on another device; it grants reading one calendar and nothing else.
    """

    __tablename__ = "feed_tokens"
    __table_args__ = (
        CheckConstraint("(CASE WHEN ngo_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN body_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_owner"),
        # One live token per owner (NULLs never clash in a unique index, hence one per column).
        *(Index(f"uq_feed_tokens_live_{col}", col, unique=True,
                sqlite_where=text(f"{col} IS NOT NULL AND revoked_at IS NULL"),
                postgresql_where=text(f"{col} IS NOT NULL AND revoked_at IS NULL"))
          for col in ("ngo_id", "body_id", "user_id")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedKind] = mapped_column(enum_type(FeedKind, "feed_kind"))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("organizing_bodies.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)

    ngo = relationship("Ngo")
    body = relationship("OrganizingBody")
    user = relationship("User")
