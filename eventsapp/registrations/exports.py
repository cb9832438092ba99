"""Registrations as CSV and XLSX, with Persian headers and Jalali dates (``exports`` writes)."""
from .. import exports
from ..jalali import format_datetime

HEADERS = ["ردیف", "نام و نام خانوادگی", "کد ملی", "شمارهٔ همراه", "نقش در سمن", "سمن",
           "شمارهٔ ثبت سمن", "وضعیت", "زمان ثبت‌نام", "کد بلیت"]


def rows(registrations):
    for i, r in enumerate(registrations, start=1):
        yield [i, r.full_name, r.national_id, r.mobile, r.role, r.ngo.name, r.ngo.registration_no,
               r.status.label, format_datetime(r.created_at, "input"), r.ticket_code]


def to_csv(registrations) -> bytes:
    return exports.to_csv(HEADERS, rows(registrations))


def to_xlsx(registrations, title: str) -> bytes:
    return exports.to_xlsx(HEADERS, rows(registrations), title=title, fallback="ثبت‌نام‌ها")
