"""The audit log's pages: every entry for admins (/admin/audit), the body's entries for its
organizers (/organizer/audit); filters by object, actor, action and a Jalali date range typed
in any digits. An event's page shows its own history (``templates/audit/_history.html``)."""
import re
from datetime import time, timedelta

from flask import render_template, request
from flask_login import current_user

from ..accounts.models import BodyKind, Role
from ..accounts.permissions import role_required
from ..awards.models import AwardKind
from ..events.models import Audience, EventKind, EventStatus, OfficialRole
from ..ngos.models import ActivityField, NgoStatus
from ..registrations.models import RegStatus
from ..extensions import db
from ..jalali import JalaliError, format_date, format_datetime, local_datetime, parse_date
from ..persian import to_latin_digits, to_persian_digits
from ..paging import page_arg
from . import bp, services
from .models import ACTION_LABELS, OBJECT_TYPE_LABELS, Action

PAGE_SIZE = 50

# Field names as people read them (the rest are shown as they are stored).
FIELD_LABELS = {
    "kind": "نوع", "title": "عنوان", "topic": "موضوع", "description": "توضیح", "capacity": "ظرفیت",
    "per_ngo_quota": "سهمیهٔ هر سمن", "registration_opens_at": "آغاز ثبت‌نام",
    "registration_closes_at": "پایان ثبت‌نام", "audience": "مخاطبان", "audience_province": "استان مخاطبان",
    "audience_county": "شهرستان مخاطبان", "requires_approval": "نیاز به تأیید", "occasion": "مناسبت",
    "days": "روزها و ساعت‌ها", "venue": "محل برگزاری", "officials": "مسئولان", "invited_ngos": "سمن‌های دعوت‌شده",
    "status": "وضعیت", "status_reason": "دلیل", "checkin_before": "پذیرش از چند دقیقه پیش",
    "checkin_after": "پذیرش تا چند دقیقه پس", "awards_public": "نمایش جوایز در صفحهٔ رویداد",
    "username": "نام کاربری", "full_name": "نام", "mobile": "همراه", "role": "نقش", "body": "نهاد",
    "ngo": "سمن", "active": "فعال", "password_changed": "گذرواژه عوض شد", "tokens_revoked": "توکن‌های باطل‌شده",
    "name": "نام", "prefix": "آغاز توکن", "user": "کاربر", "revoked_at": "زمان ابطال", "province": "استان",
    "county": "شهرستان", "registration_no": "شمارهٔ ثبت", "is_charity": "خیریه", "fields": "زمینه‌های فعالیت",
    "address": "نشانی", "phone": "تلفن", "capacity_level": "سطح توانمندی", "notes": "یادداشت",
    "secretary": "دبیر", "user_id": "شناسهٔ کاربر", "note": "یادداشت", "undone_at": "زمان لغو",
    "recipient_name": "گیرنده", "recipient_title": "سمت گیرنده", "ngo_id": "شناسهٔ سمن",
    "registration_id": "شناسهٔ ثبت‌نام", "presented_by_name": "اهداکننده", "awarded_on": "تاریخ اهدا",
    "verification_code": "کد راستی‌آزمایی", "revoke_reason": "دلیل ابطال", "file": "پرونده",
    "rows": "ردیف‌ها", "added": "افزوده", "updated": "به‌روزشده", "unchanged": "بی‌تغییر",
    "skipped": "کنارگذاشته", "calendar": "گاه‌شماری", "month": "ماه", "day": "روز",
    "length_days": "چند روز",
}

# (object type, field) → the enum whose Persian label shows a stored value.
ENUM_FIELDS = {
    ("event", "status"): EventStatus, ("event", "kind"): EventKind, ("event", "audience"): Audience,
    ("registration", "status"): RegStatus, ("user", "role"): Role, ("body", "kind"): BodyKind,
    ("ngo", "status"): NgoStatus, ("award", "kind"): AwardKind,
}
CLAIM_STATUS = {"pending": "در انتظار", "approved": "پذیرفته", "rejected": "ردشده"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@bp.app_template_filter("audit_field")
def audit_field(name) -> str:
    return FIELD_LABELS.get(name, name)


@bp.app_template_filter("audit_value")
def audit_value(value, object_type: str = "", field: str = "") -> str:
    """A stored value as people read it: enum labels, Jalali dates and times, Persian digits."""
    from datetime import date, datetime

    enum_cls = ENUM_FIELDS.get((object_type, field))
    if enum_cls is not None and isinstance(value, str):
        try:
            return enum_cls(value).label
        except ValueError:
            pass
    if object_type == "claim" and field == "status" and value in CLAIM_STATUS:
        return CLAIM_STATUS[value]
    if object_type == "ngo" and field == "fields" and isinstance(value, str):
        codes = [c for c in value.split(",") if c in ActivityField.__members__]
        return "، ".join(ActivityField(c).label for c in codes) or "—"
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, (int, float)):
        return to_persian_digits(value)
    if isinstance(value, str):
        if _DATE.match(value):
            return format_date(date.fromisoformat(value), "medium")
        if _INSTANT.match(value):
            return format_datetime(datetime.fromisoformat(value), "medium")
        return to_persian_digits(value)
    if isinstance(value, list):
        return "؛ ".join(audit_value(v) for v in value)
    if isinstance(value, dict):
        if {"name", "title", "role"} <= set(value):  # an official
            try:
                role = OfficialRole(value["role"]).label
            except ValueError:
                role = value["role"]
            return f"{value['name']} ({role})"
        if {"date", "start", "end"} <= set(value):
            return f"{audit_value(value['date'])}، {to_persian_digits(value['start'])} تا {to_persian_digits(value['end'])}"
        if "name" in value:
            rest = [audit_value(value[k]) for k in ("county", "province") if value.get(k)]
            return "، ".join([to_persian_digits(value["name"]), *rest])
        return "، ".join(f"{audit_field(k)}: {audit_value(v)}" for k, v in value.items())
    return to_persian_digits(str(value))


def read_filter(args) -> tuple[services.AuditFilter, list[str]]:
    """The page's filters from the query string; what cannot be read is a Persian sentence."""
    errors = []
    f = services.AuditFilter()
    kind = args.get("type", "")
    f.object_type = kind if kind in OBJECT_TYPE_LABELS else None
    action = args.get("action", "")
    f.action = action if action in {a.value for a in Action} else None
    f.actor = (args.get("actor", "") or "")[:100].strip()
    for name, attr, what in (("object", "object_id", "شناسهٔ موضوع"), ("event", "event_id", "شناسهٔ رویداد")):
        text = to_latin_digits(args.get(name, "") or "").strip()
        if text:
            if text.isascii() and text.isdigit() and 0 < int(text[:12]) < 2**31:
                setattr(f, attr, int(text))
            else:
                errors.append(f"{what} باید عددی مثبت باشد.")
    for name, attr, shift in (("from", "since", 0), ("to", "until", 1)):
        text = (args.get(name, "") or "")[:40].strip()
        if text:
            try:
                day = parse_date(text)
            except JalaliError as error:
                errors.append(f"{'از تاریخ' if shift == 0 else 'تا تاریخ'}: {error.message}")
            else:
                setattr(f, attr, local_datetime(day + timedelta(days=shift), time(0)))
    return f, errors


def _render(title, endpoint, f, errors):
    query = services.visible_entries(current_user, f)
    page = db.paginate(query, page=page_arg(), per_page=PAGE_SIZE, error_out=False)
    return render_template("audit/entries.html", title=title, endpoint=endpoint, page=page,
                           errors=errors, args=request.args, action_labels=ACTION_LABELS,
                           type_labels=OBJECT_TYPE_LABELS)


@bp.route("/admin/audit")
@role_required("admin")
def admin_log():
    f, errors = read_filter(request.args)
    return _render("گزارش تغییرات", "audit.admin_log", f, errors)


@bp.route("/organizer/audit")
@role_required("organizer")
def body_log():
    f, errors = read_filter(request.args)
    body = current_user.body.name if current_user.body else ""
    return _render(f"گزارش تغییرات {body}", "audit.body_log", f, errors)
