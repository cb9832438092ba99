"""Registrations as CSV and XLSX, with Persian headers and Jalali dates."""
import csv
import io

from openpyxl import Workbook

from ..jalali import format_datetime

HEADERS = ["ردیف", "نام و نام خانوادگی", "کد ملی", "شمارهٔ همراه", "نقش در سمن", "سمن",
           "شمارهٔ ثبت سمن", "وضعیت", "زمان ثبت‌نام", "کد بلیت"]


def rows(registrations):
    for i, r in enumerate(registrations, start=1):
        yield [i, r.full_name, r.national_id, r.mobile, r.role, r.ngo.name, r.ngo.registration_no,
               r.status.label, format_datetime(r.created_at, "input"), r.ticket_code]


def to_csv(registrations) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(registrations))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def to_xlsx(registrations, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "ثبت‌نام‌ها")[:31])
    sheet.sheet_view.rightToLeft = True
    sheet.append(HEADERS)
    for row in rows(registrations):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
