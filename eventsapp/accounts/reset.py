"""Password reset: a six-digit code by SMS or a link by e-mail.

Only a hash of the code or link is kept. A code lasts 15 minutes and allows 5 tries, a link
an hour; either works once, and a new request or a completed reset voids the others. At most
3 requests per account and 3 per address (mobile or e-mail) in an hour. Completing a reset
sets the password through ``services.set_password``, which ends the user's other sessions and
revokes their API tokens. The request answers the same whether or not the account exists.
"""
import enum
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from ..jalali import utcnow
from ..notifications.outbox import announce, normalize_address
from ..notifications.models import Channel
from ..refusals import Refusal
from . import services
from .models import PasswordReset, User

CODE_LIFE = timedelta(minutes=15)
LINK_LIFE = timedelta(hours=1)
MAX_TRIES = 5
PER_HOUR = 3


class ResetReason(str, enum.Enum):
    too_many = "too_many"
    no_address = "no_address"
    invalid = "invalid"
    expired = "expired"


class ResetError(Refusal):
    status = 422
    messages = {
        ResetReason.too_many: "درخواست‌های بازیابی این حساب یا این نشانی در یک ساعت گذشته زیاد بوده است؛ کمی بعد دوباره بخواهید.",
        ResetReason.no_address: "برای این حساب {channel} ثبت نشده است؛ راه دیگر را برگزینید یا از مدیر سامانه بخواهید.",
        ResetReason.invalid: "کد یا پیوند بازیابی درست نیست یا پیش‌تر به کار رفته است.",
        ResetReason.expired: "کد یا پیوند بازیابی منقضی شده است؛ دوباره درخواست کنید.",
    }


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find_user(session, username: str) -> User | None:
    name = services.normalize_username(username or "")
    user = session.scalar(select(User).where(User.username == name))
    return user if user is not None and user.active else None


def request_reset(session, user: User, channel: str, *, now=None) -> PasswordReset:
    """Send a reset code (``sms``) or link (``email``) to the user's own address."""
    now = now or utcnow()
    channel = Channel(channel)
    raw = user.mobile if channel == Channel.sms else user.email
    addr = normalize_address(channel, raw or "")
    if addr is None:
        raise ResetError(ResetReason.no_address, channel="شمارهٔ همراه" if channel == Channel.sms
                         else "رایانامه")
    since = now - timedelta(hours=1)
    recent = lambda where: session.scalar(select(func.count(PasswordReset.id)).where(  # noqa: E731
        where, PasswordReset.created_at > since))
    if recent(PasswordReset.user_id == user.id) >= PER_HOUR or recent(PasswordReset.address == addr) >= PER_HOUR:
        raise ResetError(ResetReason.too_many)
    _void_open(session, user, now)
    if channel == Channel.sms:
        secret = f"{secrets.randbelow(10**6):06d}"
        stored = _hash(f"{user.id}:{secret}")  # six digits are unique only per user
        life = CODE_LIFE
    else:
        secret = secrets.token_urlsafe(32)
        stored = _hash(secret)
        life = LINK_LIFE
    reset = PasswordReset(user_id=user.id, user=user, channel=channel.value, address=addr,
                          secret_hash=stored, tries=0, created_at=now, expires_at=now + life)
    session.add(reset)
    session.flush()
    announce(session, "password_reset", user=user, reset=reset, secret=secret, now=now)
    return reset


def _void_open(session, user: User, now) -> None:
    session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now).values(expires_at=now))


def check_code(session, user: User, code: str, *, now=None) -> PasswordReset:
    """The open SMS reset of ``user`` whose code is ``code``; each wrong try counts."""
    now = now or utcnow()
    reset = session.scalar(select(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.channel == "sms",
        PasswordReset.used_at.is_(None)).order_by(PasswordReset.id.desc()).limit(1)
        .with_for_update())
    if reset is None or reset.tries >= MAX_TRIES:
        raise ResetError(ResetReason.invalid)
    if reset.expires_at <= now:
        raise ResetError(ResetReason.expired)
    from ..persian import to_latin_digits
    typed = to_latin_digits((code or "").strip())
    if not hmac.compare_digest(reset.secret_hash, _hash(f"{user.id}:{typed}")):
        reset.tries += 1
        session.flush()
        raise ResetError(ResetReason.invalid)
    return reset


def check_link(session, token: str, *, now=None) -> PasswordReset:
    now = now or utcnow()
    reset = session.scalar(select(PasswordReset).where(
        PasswordReset.secret_hash == _hash(token or ""), PasswordReset.channel == "email"))
    if reset is None or reset.used_at is not None:
        raise ResetError(ResetReason.invalid)
    if reset.expires_at <= now:
        raise ResetError(ResetReason.expired)
    return reset


def complete(session, reset: PasswordReset, password: str, *, now=None) -> User:
    """Set the new password (ending other sessions, revoking API tokens); the reset is spent."""
    now = now or utcnow()
    user = reset.user
    services.set_password(user, password)
    reset.used_at = now
    _void_open(session, user, now)
    session.flush()
    return user
