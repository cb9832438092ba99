"""The one CSV and XLSX writer of the app: Persian headers, right-to-left sheets, cells that a
spreadsheet never runs as formulas, and sheet names that Excel accepts whatever the title."""
import csv
import io
import re

from openpyxl import Workbook

# A cell starting with one of these is a formula to Excel or LibreOffice (=HYPERLINK(…),
# =cmd|' /C calc'!A0, +…, -…, @…); a leading apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_MAX = 31


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def sheet_name(title: str, fallback: str) -> str:
    """A sheet name from ``title``: no character Excel forbids, at most 31, never empty, not
    starting or ending with an apostrophe."""
    name = _SHEET_FORBIDDEN.sub(" ", title or "").strip().strip("'").strip()[:SHEET_NAME_MAX].strip()
    return name or fallback


def to_csv(headers, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def to_xlsx(headers, rows, *, title: str, fallback: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_name(title, fallback))
    sheet.sheet_view.rightToLeft = True
    sheet.append(headers)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
