"""The NGO registry: saving and searching NGOs, who may edit them, secretaries and their claims.

Plain functions over model objects; they flush, never commit. A refusal is an ``NgoError``
carrying an ``NgoReason`` and its Persian message.
"""
import enum
import re

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from ..accounts import models as account_models
from ..accounts import services as accounts
from ..accounts.models import Role, User
from ..audit import services as audit
from ..audit.models import Action
from ..jalali import utcnow
from ..notifications.outbox import announce
from ..persian import clean_text, format_number as _fa
from ..persian import normalize_text, search_key, to_latin_digits, to_persian_digits
from ..refusals import Refusal
from .models import ActivityField, ClaimStatus, Ngo, NgoStatus, SecretaryClaim
from ..dbtypes import persian_order

NAME_MAX = 250
REGISTRATION_MAX = 30
ADDRESS_MAX = 400
PHONE_MAX = 30
NOTES_MAX = 5000
DIGITS_RE = re.compile(r"^\d+$")
PHONE_RE = re.compile(r"^\+?\d{3,29}$")
_PHONE_JUNK = re.compile(r"[\s\-–()./]")


class NgoReason(str, enum.Enum):
    name_required = "name_required"
    name_too_long = "name_too_long"
    registration_required = "registration_required"
    registration_invalid = "registration_invalid"
    registration_taken = "registration_taken"
    county_mismatch = "county_mismatch"
    capacity_invalid = "capacity_invalid"
    phone_invalid = "phone_invalid"
    address_too_long = "address_too_long"
    notes_too_long = "notes_too_long"
    status_invalid = "status_invalid"
    field_invalid = "field_invalid"
    outside_scope = "outside_scope"
    unknown_ngo = "unknown_ngo"
    username_taken = "username_taken"
    invalid_username = "invalid_username"
    weak_password = "weak_password"
    mobile_required = "mobile_required"
    invalid_mobile = "invalid_mobile"
    full_name_required = "full_name_required"
    claim_pending = "claim_pending"
    claim_decided = "claim_decided"


class NgoError(Refusal):
    messages = {
        NgoReason.name_required: "نام سمن را وارد کنید.",
        NgoReason.name_too_long: f"نام سمن حداکثر {_fa(NAME_MAX)} نویسه است.",
        NgoReason.registration_required: "شمارهٔ ثبت را وارد کنید.",
        NgoReason.registration_invalid: f"شمارهٔ ثبت فقط از رقم تشکیل می‌شود (حداکثر {_fa(REGISTRATION_MAX)} رقم).",
        NgoReason.registration_taken: "سمن دیگری با شمارهٔ ثبت {registration_no} ثبت شده است.",
        NgoReason.county_mismatch: "شهرستان انتخاب‌شده در استان انتخاب‌شده نیست.",
        NgoReason.capacity_invalid: "سطح توانمندی باید ۱، ۲ یا ۳ باشد.",
        NgoReason.phone_invalid: "شمارهٔ تلفن فقط از رقم تشکیل می‌شود (مانند ۰۲۱۲۲۳۳۴۴۵۵).",
        NgoReason.address_too_long: f"نشانی حداکثر {_fa(ADDRESS_MAX)} نویسه است.",
        NgoReason.notes_too_long: f"یادداشت حداکثر {_fa(NOTES_MAX)} نویسه است.",
        NgoReason.status_invalid: "وضعیت باید فعال، نیمه‌فعال یا غیرفعال باشد.",
        NgoReason.field_invalid: "حوزهٔ فعالیت «{value}» شناخته نیست.",
        NgoReason.outside_scope: "این سمن بیرون از استان نهاد شماست و نمی‌توانید آن را ثبت یا ویرایش کنید.",
        NgoReason.unknown_ngo: "سمنی با این شمارهٔ ثبت پیدا نشد. شماره را از روی پروانهٔ فعالیت دوباره بخوانید.",
        NgoReason.username_taken: "این نام کاربری پیش‌تر گرفته شده است؛ نام دیگری برگزینید.",
        NgoReason.invalid_username: "نام کاربری باید ۳ تا ۶۰ نویسه از حروف کوچک لاتین، رقم، نقطه، خط تیره یا زیرخط باشد.",
        NgoReason.weak_password: f"گذرواژه باید دست‌کم {_fa(accounts.MIN_PASSWORD)} نویسه باشد.",
        NgoReason.mobile_required: "شمارهٔ همراه را وارد کنید تا برگزارکننده بتواند با شما تماس بگیرد.",
        NgoReason.invalid_mobile: "شمارهٔ همراه باید ۱۱ رقم و با ۰۹ آغاز شود.",
        NgoReason.full_name_required: "نام و نام خانوادگی را وارد کنید.",
        NgoReason.claim_pending: "درخواست شما برای این سمن پیش‌تر ثبت شده و در انتظار بررسی برگزارکننده است.",
        NgoReason.claim_decided: "دربارهٔ این درخواست پیش‌تر تصمیم گرفته شده است.",
    }


# --- cleaning values (shared by the forms' service calls and the importer) --------------------

def clean_registration_no(value) -> str:
    """Digits only (Persian, Arabic-Indic or Latin typed), spaces dropped; refuses otherwise."""
    text = to_latin_digits(normalize_text(value)).replace(" ", "")
    if not text:
        raise NgoError(NgoReason.registration_required)
    if not DIGITS_RE.match(text) or len(text) > REGISTRATION_MAX:
        raise NgoError(NgoReason.registration_invalid)
    return text


def clean_name(value) -> str:
    name = clean_text(value)
    if not name:
        raise NgoError(NgoReason.name_required)
    if len(name) > NAME_MAX:
        raise NgoError(NgoReason.name_too_long)
    return name


def clean_phone(value) -> str:
    """Digits (and a leading +), with spaces, dashes and brackets dropped; "" stays ""."""
    text = _PHONE_JUNK.sub("", to_latin_digits(normalize_text(value)))
    if text and (not PHONE_RE.match(text) or len(text) > PHONE_MAX):
        raise NgoError(NgoReason.phone_invalid)
    return text


def clean_address(value) -> str:
    text = clean_text(value)
    if len(text) > ADDRESS_MAX:
        raise NgoError(NgoReason.address_too_long)
    return text


def clean_capacity(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        level = int(to_latin_digits(str(value)).strip())
    except ValueError:
        raise NgoError(NgoReason.capacity_invalid) from None
    if level not in (1, 2, 3):
        raise NgoError(NgoReason.capacity_invalid)
    return level


def clean_status(value) -> NgoStatus:
    try:
        return NgoStatus(value)
    except ValueError:
        raise NgoError(NgoReason.status_invalid) from None


def clean_fields(values) -> list[ActivityField]:
    out = []
    for v in values or ():
        try:
            out.append(ActivityField(v))
        except ValueError:
            raise NgoError(NgoReason.field_invalid, value=str(v)) from None
    return out


def fields_text(codes) -> str:
    """Activity fields as stored: ",code,code," (sorted), or "" for none."""
    codes = sorted({ActivityField(c).value for c in codes})
    return f",{','.join(codes)}," if codes else ""


# --- who may do what ---------------------------------------------------------------------------

def can_manage_registry(user) -> bool:
    """Admins and organizers search the registry, add NGOs and import them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.admin or (user.role == Role.organizer and user.body is not None)


def province_scope(user) -> int | None:
    """The one province whose NGOs ``user`` may edit, or None for every province.

    Admins and organizers of a body with no province (a national body) edit all of them; an
    organizer of a provincial or county body edits the NGOs of that body's province.
    Only meaningful when :func:`can_manage_registry` is true.
    """
    if user.role == Role.organizer and user.body is not None:
        return user.body.province_id
    return None


def can_edit_ngo(user, ngo: Ngo) -> bool:
    if not can_manage_registry(user):
        return False
    scope = province_scope(user)
    return scope is None or ngo.province_id == scope


def can_edit_contact(user, ngo: Ngo) -> bool:
    """The NGO's own secretary may change its contact details; so may whoever edits it."""
    if getattr(user, "is_authenticated", False) and user.role == Role.secretary:
        return user.ngo_id is not None and user.ngo_id == ngo.id
    return can_edit_ngo(user, ngo)


def can_decide_claim(user, claim: SecretaryClaim) -> bool:
    return can_edit_ngo(user, claim.ngo)


# --- saving ------------------------------------------------------------------------------------

NGO_FIELDS = ("name", "registration_no", "is_charity", "fields", "province", "county", "address",
              "phone", "status", "capacity_level", "notes")
CONTACT_FIELDS = ("address", "phone", "fields")


def save_ngo(session, ngo: Ngo | None, *, name, registration_no, is_charity=False, fields=(),
             province=None, county=None, address="", phone="", status=NgoStatus.active,
             capacity_level=None, notes="", actor=None, now=None) -> Ngo:
    """Create (``ngo`` None) or update an NGO. With ``actor``, refuses to place the NGO (or to
    take it) outside the provinces the actor may edit."""
    name = clean_name(name)
    registration_no = clean_registration_no(registration_no)
    if county is not None and province is not None and county.province_id != province.id:
        raise NgoError(NgoReason.county_mismatch)
    if county is not None and province is None:
        province = county.province
    capacity_level = clean_capacity(capacity_level)
    phone = clean_phone(phone)
    address = clean_address(address)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise NgoError(NgoReason.notes_too_long)
    status = clean_status(status)
    activity = clean_fields(fields)
    if actor is not None:
        scope = province_scope(actor)
        if scope is not None and (getattr(province, "id", None) != scope
                                  or (ngo is not None and ngo.province_id != scope)):
            raise NgoError(NgoReason.outside_scope)
    clash = session.scalar(select(Ngo.id).where(Ngo.registration_no == registration_no))
    if clash is not None and (ngo is None or clash != ngo.id):
        raise NgoError(NgoReason.registration_taken,
                      registration_no=to_persian_digits(registration_no))
    now = now or utcnow()
    before = None if ngo is None else audit.snapshot(ngo, NGO_FIELDS)
    if ngo is None:
        ngo = Ngo(created_at=now)
        session.add(ngo)
    ngo.set_name(name)
    ngo.registration_no = registration_no
    ngo.is_charity = bool(is_charity)
    ngo.activity_fields = activity
    ngo.province, ngo.county = province, county
    ngo.address, ngo.phone, ngo.status = address, phone, status
    ngo.capacity_level, ngo.notes = capacity_level, notes
    ngo.updated_at = now
    session.flush()
    audit.record(session, actor, Action.ngo_edit if before else Action.ngo_create, ngo, before,
                 audit.snapshot(ngo, NGO_FIELDS), now=now)
    return ngo


def update_contact(session, ngo: Ngo, *, address="", phone="", fields=(), now=None,
                   actor=None) -> Ngo:
    """What a secretary may change on their own NGO: address, phone and fields of activity."""
    address, phone, activity = clean_address(address), clean_phone(phone), clean_fields(fields)
    before = audit.snapshot(ngo, CONTACT_FIELDS)
    ngo.address, ngo.phone, ngo.activity_fields = address, phone, activity
    ngo.updated_at = now or utcnow()
    session.flush()
    audit.record(session, actor, Action.ngo_contact, ngo, before, audit.snapshot(ngo, CONTACT_FIELDS))
    return ngo


# --- searching ---------------------------------------------------------------------------------

def search_ngos(q: str = "", province_id=None, county_id=None, field=None, status=None,
                is_charity=None):
    """A query of NGOs, best matches first, with province and county loaded in the same query.

    ``q`` matches names orthography-insensitively (every word of it, anywhere in the name;
    names starting with it come first) and, when it is a number, registration numbers by
    prefix (an exact number first).
    """
    query = select(Ngo).options(joinedload(Ngo.province), joinedload(Ngo.county))
    order = []
    key = search_key(q or "")
    if key:
        words = key.split(" ")
        name_match = Ngo.name_key.contains(words[0], autoescape=True)
        for word in words[1:]:
            name_match = name_match & Ngo.name_key.contains(word, autoescape=True)
        number = key.replace(" ", "")
        if DIGITS_RE.match(number):
            query = query.where(Ngo.registration_no.startswith(number, autoescape=True) | name_match)
            order.append(case((Ngo.registration_no == number, 0), else_=1))
        else:
            query = query.where(name_match)
        order.append(case((Ngo.name_key.startswith(key, autoescape=True), 0), else_=1))
    if province_id:
        query = query.where(Ngo.province_id == province_id)
    if county_id:
        query = query.where(Ngo.county_id == county_id)
    if field:
        query = query.where(Ngo.fields.contains(f",{ActivityField(field).value},"))
    if status:
        query = query.where(Ngo.status == NgoStatus(status))
    if is_charity is not None:
        query = query.where(Ngo.is_charity.is_(bool(is_charity)))
    return query.order_by(*order, persian_order(Ngo.name), Ngo.id)


def find_by_registration_no(session, value) -> Ngo | None:
    try:
        number = clean_registration_no(value)
    except NgoError:
        return None
    return session.scalar(select(Ngo).where(Ngo.registration_no == number))


# --- secretaries and claims --------------------------------------------------------------------

def create_secretary(session, ngo: Ngo, username, full_name, mobile, password, *,
                     actor=None) -> User:
    """An organizer makes a secretary account for ``ngo`` (refusals are ``AccountError``)."""
    user = accounts.create_user(session, username=username, password=password,
                                role=Role.secretary, full_name=full_name, ngo=ngo, mobile=mobile,
                                audited=False)
    audit.record(session, actor, Action.ngo_secretary, ngo, None,
                 {"secretary": user.username, "full_name": user.full_name, "user_id": user.id})
    return user


def _pending_claim_for(session, username):
    return session.scalars(select(SecretaryClaim).where(
        SecretaryClaim.username == username,
        SecretaryClaim.status == ClaimStatus.pending)).all()


def submit_claim(session, registration_no, username, full_name, mobile, password,
                 now=None) -> SecretaryClaim:
    """Someone signs up as the secretary of the NGO with ``registration_no``; an organizer
    decides. The password is kept only as a hash and becomes the account's on approval."""
    ngo = find_by_registration_no(session, registration_no)
    if ngo is None:
        raise NgoError(NgoReason.unknown_ngo)
    username = accounts.normalize_username(username or "")
    if not accounts.USERNAME_RE.match(username):
        raise NgoError(NgoReason.invalid_username)
    pending = _pending_claim_for(session, username)
    if any(c.ngo_id == ngo.id for c in pending):
        raise NgoError(NgoReason.claim_pending)
    if pending or session.scalar(select(User.id).where(User.username == username)) is not None:
        raise NgoError(NgoReason.username_taken)
    full_name = clean_text(full_name)
    if not full_name:
        raise NgoError(NgoReason.full_name_required)
    mobile = to_latin_digits(normalize_text(mobile or "")).replace(" ", "")
    if not mobile:
        raise NgoError(NgoReason.mobile_required)
    if not accounts.MOBILE_RE.match(mobile):
        raise NgoError(NgoReason.invalid_mobile)
    if len(password or "") < accounts.MIN_PASSWORD:
        raise NgoError(NgoReason.weak_password)
    claim = SecretaryClaim(
        ngo=ngo, username=username, full_name=full_name, mobile=mobile,
        password_hash=generate_password_hash(password, method=account_models.PASSWORD_METHOD),
        status=ClaimStatus.pending, created_at=now or utcnow())
    session.add(claim)
    session.flush()
    audit.record(session, None, Action.claim_submit, claim, None,
                 {"ngo": ngo.name, "username": username, "full_name": full_name},
                 label=f"{full_name} ({ngo.name})", now=now)
    return claim


def _decide(claim: SecretaryClaim, status: ClaimStatus, actor, now, note="") -> None:
    if claim.status != ClaimStatus.pending:
        raise NgoError(NgoReason.claim_decided)
    claim.status = status
    claim.decided_at = now or utcnow()
    claim.decided_by = actor
    claim.decision_note = clean_text(note)[:300]


def approve_claim(session, claim: SecretaryClaim, actor, now=None) -> User:
    """Approves a pending claim: the claimant becomes an active secretary of the NGO and signs
    in with the password they chose."""
    if claim.status != ClaimStatus.pending:
        raise NgoError(NgoReason.claim_decided)
    if session.scalar(select(User.id).where(User.username == claim.username)) is not None:
        raise NgoError(NgoReason.username_taken)
    # create_user wants a password; the claimant's own (hashed) one replaces it at once.
    user = accounts.create_user(session, username=claim.username,
                                password=accounts.generate_password(), role=Role.secretary,
                                full_name=claim.full_name, ngo=claim.ngo, mobile=claim.mobile,
                                audited=False)
    user.password_hash = claim.password_hash
    _decide(claim, ClaimStatus.approved, actor, now)
    claim.user_id = user.id
    session.flush()
    audit.record(session, actor, Action.claim_approve, claim, {"status": ClaimStatus.pending},
                 {"status": claim.status, "user_id": user.id}, label=f"{claim.full_name} ({claim.ngo.name})",
                 now=now)
    announce(session, "claim_approved", user=user, now=now)
    return user


def reject_claim(session, claim: SecretaryClaim, actor, now=None, note="") -> SecretaryClaim:
    _decide(claim, ClaimStatus.rejected, actor, now, note)
    session.flush()
    audit.record(session, actor, Action.claim_reject, claim, {"status": ClaimStatus.pending},
                 {"status": claim.status, "note": claim.decision_note},
                 label=f"{claim.full_name} ({claim.ngo.name})", now=now)
    return claim


def pending_claims(user):
    """A query of the pending claims ``user`` may decide, oldest first."""
    query = (select(SecretaryClaim).join(SecretaryClaim.ngo)
             .where(SecretaryClaim.status == ClaimStatus.pending)
             .options(joinedload(SecretaryClaim.ngo).joinedload(Ngo.province),
                      joinedload(SecretaryClaim.ngo).joinedload(Ngo.county))
             .order_by(SecretaryClaim.created_at, SecretaryClaim.id))
    scope = province_scope(user)
    if scope is not None:
        query = query.where(Ngo.province_id == scope)
    return query
