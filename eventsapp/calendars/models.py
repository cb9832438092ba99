import base64
import enum
import hashlib
import hmac
import secrets

from flask import current_app

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..jalali import utcnow


class FeedKind(str, enum.Enum):
    ngo = "ngo"      # events the NGO's members are registered for
    body = "body"    # an organizing body's events
    user = "user"    # a person's own feed (their registrations, events they run or staff)


def new_feed_nonce() -> str:
    return secrets.token_urlsafe(24)


def feed_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feed_token_for(nonce: str) -> str:
    """The secret of a feed URL: an HMAC of the row's nonce under ``SECRET_KEY``."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"calendar-feed:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()  # 192 bits, 32 characters


class FeedToken(db.Model):
    """The secret in a calendar subscription URL. Regenerating it revokes the old URL.

    Stored hashed, as API and device tokens are: the table holds the SHA-256 of the URL's
    secret, and a random nonce from which the app (and only the app: it takes ``SECRET_KEY``)
    works the secret out again, so that the owner can see the URL again to subscribe on another
    device. A copy of the database alone opens no feed. Changing ``SECRET_KEY`` changes every
    feed URL (the old ones answer 404; the calendars page shows the new ones). Tokens made before
    they were hashed (no nonce) keep working but cannot be shown: their owner makes a new one.
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
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_feed_nonce)
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("organizing_bodies.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)

    ngo = relationship("Ngo")
    body = relationship("OrganizingBody")
    user = relationship("User")

    def __init__(self, **kw):
        super().__init__(**kw)
        if self.nonce is None and self.token_hash is None:
            self.nonce = new_feed_nonce()
        if self.token_hash is None:
            self.token_hash = feed_token_hash(feed_token_for(self.nonce))

    @property
    def token(self) -> str | None:
        """The URL's secret (None for a token made before they were hashed)."""
        return feed_token_for(self.nonce) if self.nonce else None
