"""Accounts: users, roles, organizing bodies, API tokens. Plain functions; they flush, never commit."""
import enum
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from ..audit import services as audit
from ..audit.models import Action
from ..jalali import utcnow
from ..persian import normalize_text, to_latin_digits
from ..refusals import Refusal
from .models import ApiToken, BodyKind, OrganizingBody, Role, User

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,59}$")
MOBILE_RE = re.compile(r"^09\d{9}$")
MIN_PASSWORD = 8


class AccountReason(str, enum.Enum):
    bad_credentials = "bad_credentials"
    inactive = "inactive"
    invalid_username = "invalid_username"
    username_taken = "username_taken"
    weak_password = "weak_password"
    body_required = "body_required"
    ngo_required = "ngo_required"
    invalid_mobile = "invalid_mobile"
    last_admin = "last_admin"
    body_name_taken = "body_name_taken"
    name_required = "name_required"
    county_mismatch = "county_mismatch"
    wrong_password = "wrong_password"
    invalid_email = "invalid_email"


class AccountError(Refusal):
    messages = {
        AccountReason.bad_credentials: "نام کاربری یا گذرواژه درست نیست.",
        AccountReason.inactive: "این حساب غیرفعال شده است. با مدیر سامانه تماس بگیرید.",
        AccountReason.invalid_username: "نام کاربری باید ۳ تا ۶۰ نویسه از حروف کوچک لاتین، رقم، نقطه، خط تیره یا زیرخط باشد.",
        AccountReason.username_taken: "این نام کاربری پیش‌تر ثبت شده است.",
        AccountReason.weak_password: "گذرواژه باید دست‌کم ۸ نویسه باشد.",
        AccountReason.body_required: "برگزارکننده باید به یک نهاد برگزارکننده وابسته باشد.",
        AccountReason.ngo_required: "دبیر سمن باید به یک سمن وابسته باشد.",
        AccountReason.invalid_mobile: "شماره همراه باید ۱۱ رقم و با ۰۹ آغاز شود.",
        AccountReason.last_admin: "دست‌کم یک مدیر فعال باید در سامانه بماند.",
        AccountReason.body_name_taken: "نهادی با این نام پیش‌تر ثبت شده است.",
        AccountReason.name_required: "نام را وارد کنید.",
        AccountReason.county_mismatch: "شهرستان انتخاب‌شده در استان انتخاب‌شده نیست.",
        AccountReason.wrong_password: "گذرواژه کنونی درست نیست.",
        AccountReason.invalid_email: "نشانی رایانامه درست نیست؛ مانند info@example.ir بنویسید.",
    }


def normalize_username(username: str) -> str:
    return to_latin_digits(normalize_text(username)).lower()


def _check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(AccountReason.weak_password)


def _check_affiliation(role: Role, body, ngo) -> None:
    if role == Role.organizer and body is None:
        raise AccountError(AccountReason.body_required)
    if role == Role.secretary and ngo is None:
        raise AccountError(AccountReason.ngo_required)


def _clean_mobile(mobile: str) -> str:
    mobile = to_latin_digits(normalize_text(mobile or "")).replace(" ", "")
    if mobile and not MOBILE_RE.match(mobile):
        raise AccountError(AccountReason.invalid_mobile)
    return mobile


def authenticate(session, username: str, password: str, *, now=None) -> User:
    user = session.scalar(select(User).where(User.username == normalize_username(username or "")))
    if user is None or not user.check_password(password or ""):
        raise AccountError(AccountReason.bad_credentials)
    if not user.active:
        raise AccountError(AccountReason.inactive)
    user.last_login_at = now or utcnow()
    return user


USER_FIELDS = ("username", "full_name", "mobile", "role", "body", "ngo", "active")
BODY_FIELDS = ("name", "kind", "province", "county")


def create_user(session, *, username, password, role, full_name="", body=None, ngo=None,
                mobile="", actor=None, audited=True) -> User:
    """A new user. ``audited=False`` for a caller that writes its own entry (a secretary made
    for an NGO, an approved claim)."""
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError(AccountReason.invalid_username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(AccountReason.username_taken)
    _check_password_strength(password)
    role = Role(role)
    _check_affiliation(role, body, ngo)
    user = User(username=username, role=role, full_name=normalize_text(full_name),
                mobile=_clean_mobile(mobile),
                body=body if role == Role.organizer else None,
                ngo=ngo if role == Role.secretary else None)
    user.set_password(password)
    session.add(user)
    session.flush()
    if audited:
        audit.record(session, actor, Action.user_create, user, None, audit.snapshot(user, USER_FIELDS))
    return user


def _active_admins(session) -> int:
    return session.scalar(
        select(func.count(User.id)).where(User.role == Role.admin, User.active.is_(True))
    )


def update_user(session, user: User, *, full_name, role, body=None, ngo=None, active=True,
                mobile="", actor=None) -> User:
    role = Role(role)
    before = audit.snapshot(user, USER_FIELDS)
    losing_admin = user.role == Role.admin and user.active and (role != Role.admin or not active)
    if losing_admin and _active_admins(session) <= 1:
        raise AccountError(AccountReason.last_admin)
    _check_affiliation(role, body, ngo)
    user.mobile = _clean_mobile(mobile)
    user.full_name = normalize_text(full_name)
    user.role = role
    user.body = body if role == Role.organizer else None
    user.ngo = ngo if role == Role.secretary else None
    if user.active and not active:
        end_sessions_and_tokens(user)  # deactivation ends them at once
    user.active = active
    session.flush()
    audit.record(session, actor, Action.user_edit, user, before, audit.snapshot(user, USER_FIELDS))
    return user


def end_sessions_and_tokens(user: User, *, now=None) -> None:
    """End every session of the user (a new session token) and revoke their API tokens."""
    user.session_token = secrets.token_hex(16)
    now = now or utcnow()
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now


def set_password(user: User, password: str, *, actor=None) -> None:
    """A new password (set by an admin, or by the user): it ends the user's sessions and
    revokes their API tokens, as a stolen password's holder must lose them too. The log says
    that it changed and how many tokens it revoked, never the hash."""
    _check_password_strength(password)
    live = sum(1 for t in user.tokens if t.revoked_at is None)
    user.set_password(password)
    end_sessions_and_tokens(user)
    audit.record(None, actor, Action.user_password, user, None,
                 {"password_changed": True, "tokens_revoked": live})


def change_own_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise AccountError(AccountReason.wrong_password)
    set_password(user, new, actor=user)


EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def set_contact(user: User, *, mobile: str, email: str, notify_by: str) -> None:
    """The user's own mobile and e-mail, and which of them their messages go to."""
    from .models import NotifyBy

    mobile = _clean_mobile(mobile or "")
    email = to_latin_digits(normalize_text(email or "")).strip().lower()
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        raise AccountError(AccountReason.invalid_email)
    user.mobile, user.email = mobile, email
    user.notify_by = NotifyBy(notify_by) if notify_by in {n.value for n in NotifyBy} else NotifyBy.sms


def generate_password() -> str:
    """A readable random password for an admin to hand over (about 60 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def clean_email(email: str | None) -> str:
    """An e-mail address as typed (digits made Latin, spaces trimmed), or "" for none."""
    email = to_latin_digits(normalize_text(email or "")).strip()
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        raise AccountError(AccountReason.invalid_email)
    return email


def save_body(session, body: OrganizingBody | None, *, name, kind, province=None,
              county=None, contact_email=None, actor=None) -> OrganizingBody:
    name = normalize_text(name)
    if not name:
        raise AccountError(AccountReason.name_required)
    email = clean_email(contact_email) if contact_email is not None else None
    clash = session.scalar(select(OrganizingBody).where(OrganizingBody.name == name))
    if clash is not None and clash is not body:
        raise AccountError(AccountReason.body_name_taken)
    if county is not None and province is not None and county.province_id != province.id:
        raise AccountError(AccountReason.county_mismatch)
    if county is not None and province is None:
        province = county.province
    before = None if body is None else audit.snapshot(body, BODY_FIELDS)
    if body is None:
        body = OrganizingBody()
        session.add(body)
    body.name, body.kind, body.province, body.county = name, BodyKind(kind), province, county
    if email is not None:
        body.contact_email = email
    session.flush()
    audit.record(session, actor, Action.body_edit if before else Action.body_create, body, before,
                 audit.snapshot(body, BODY_FIELDS))
    return body


# --- API tokens -------------------------------------------------------------------------------

TOKEN_PREFIX = "ea_"
_TOUCH_EVERY = timedelta(minutes=5)


def create_api_token(session, user: User, name: str, *, actor=None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is shown once (the
    log keeps its name and prefix; ``actor`` is the user unless given)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=normalize_text(name) or "توکن", token_hash=ApiToken.hash(raw),
                     prefix=raw[:10])
    session.add(token)
    session.flush()
    audit.record(session, actor or user, Action.token_create, token, None,
                 {"user": user.username, "name": token.name, "prefix": token.prefix},
                 body_id=user.body_id, label=f"{token.name} ({user.username})")
    return token, raw


def revoke_api_token(token: ApiToken, *, now=None, actor=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit.record(None, actor or token.user, Action.token_revoke, token,
                     {"revoked_at": None}, {"revoked_at": token.revoked_at},
                     body_id=token.user.body_id, label=f"{token.name} ({token.user.username})")


def live_token(session, raw: str) -> ApiToken | None:
    """The live token (not revoked, its user active) for a raw bearer token, or None."""
    if not raw:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def touch_due(token: ApiToken, now) -> bool:
    """Whether to record the token's use now: not on every request, as a write per call would
    cost the door its speed."""
    return token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY


def user_for_token(session, raw: str) -> User | None:
    """The active user a live token belongs to, or None."""
    token = live_token(session, raw)
    return token.user if token else None


def mark_token_used(session, token_id: int, now) -> None:
    """Record a token's use, unless it was recorded within the last few minutes (a conditional
    update: two requests at once write it once)."""
    session.execute(update(ApiToken)
                    .where(ApiToken.id == token_id,
                           or_(ApiToken.last_used_at.is_(None),
                               ApiToken.last_used_at < now - _TOUCH_EVERY))
                    .values(last_used_at=now))
    session.flush()
