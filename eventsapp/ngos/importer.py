"""Importing NGOs from CSV and XLSX files.

Three steps, each a plain function:

1. :func:`read_table` turns the uploaded bytes into a header and rows of text (CSV in UTF-8,
   with or without BOM, UTF-16 or Windows-1256; XLSX through openpyxl in read-only mode).
2. :func:`check_rows` validates every row into good rows (ready to write: ids resolved from
   preloaded provinces and counties) and rejected rows (with their row number and Persian
   reasons). Nothing is written.
3. :func:`apply_import` upserts good rows by registration number in bulk: one SELECT per chunk
   for the existing NGOs, one bulk INSERT and one bulk UPDATE. It flushes, never commits.

Between preview and confirmation the checked upload waits in an :class:`ImportStore` (a JSON
file under the instance folder), so row data never travels through hidden form fields.

A blank cell leaves the stored value as it is (and takes the default for a new NGO); a column
missing from the file is not touched at all.
"""
import codecs
import csv
import enum
import fcntl
import io
import json
import os
import re
import secrets
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import insert, select, update

from ..audit import services as audit
from ..audit.models import Action
from ..jalali import utcnow
from ..persian import (clean_text, format_number, normalize_text, search_key, to_latin_digits,
                       to_persian_digits)
from ..places.models import County, Province
from ..refusals import Refusal
from . import services
from .models import CAPACITY_LEVELS, FIELD_LABELS, ActivityField, Ngo, NgoStatus

CHUNK = 1000
MAX_ROWS = 100_000
# An XLSX is measured before openpyxl sees it (a 205 KB file can hold a 200 MB cell): the
# uncompressed size of all its parts, the cells in any row and the length of any cell's text.
MAX_XLSX_UNCOMPRESSED = 48 * 1024 * 1024
MAX_XLSX_MEMBERS = 500
MAX_CELLS_PER_ROW = 200
MAX_CELL_LENGTH = 4000


# --- refusals ----------------------------------------------------------------------------------

class FileReason(str, enum.Enum):
    empty = "empty"
    old_xls = "old_xls"
    unreadable_xlsx = "unreadable_xlsx"
    unreadable_csv = "unreadable_csv"
    missing_columns = "missing_columns"
    too_many_rows = "too_many_rows"
    no_rows = "no_rows"
    xlsx_too_large = "xlsx_too_large"
    too_many_cells = "too_many_cells"
    cell_too_long = "cell_too_long"


class ImportFileError(Refusal):
    """The file as a whole cannot be imported."""

    messages = {
        FileReason.empty: "پرونده خالی است.",
        FileReason.old_xls: "قالب قدیمی xls خوانده نمی‌شود؛ پرونده را در Excel با قالب xlsx یا CSV ذخیره کنید.",
        FileReason.unreadable_xlsx: "پروندهٔ Excel خوانده نشد؛ آن را دوباره با قالب xlsx ذخیره کنید.",
        FileReason.unreadable_csv: "پروندهٔ CSV خوانده نشد: {detail}",
        FileReason.missing_columns: "ستون‌های لازم در سطر نخست پیدا نشد: {columns}. سطر نخست باید نام ستون‌ها باشد (مثلاً «نام» و «شماره ثبت»).",
        FileReason.too_many_rows: "پرونده بیش از {limit} ردیف دارد؛ آن را در چند پرونده وارد کنید.",
        FileReason.no_rows: "پرونده جز سطر نام ستون‌ها ردیفی ندارد.",
        FileReason.xlsx_too_large: "پروندهٔ Excel باز‌شده بیش از {limit} مگابایت است؛ آن را در چند پرونده وارد کنید یا با قالب CSV بفرستید.",
        FileReason.too_many_cells: "یک ردیف پروندهٔ Excel بیش از {limit} خانه دارد؛ ستون‌های اضافه را پاک کنید.",
        FileReason.cell_too_long: "یک خانهٔ پروندهٔ Excel بیش از {limit} نویسه دارد؛ متن آن خانه را کوتاه کنید.",
    }


class RowReason(str, enum.Enum):
    province_unknown = "province_unknown"
    county_unknown = "county_unknown"
    county_mismatch = "county_mismatch"
    county_ambiguous = "county_ambiguous"
    charity_invalid = "charity_invalid"
    field_unknown = "field_unknown"
    status_unknown = "status_unknown"
    capacity_invalid = "capacity_invalid"
    duplicate_in_file = "duplicate_in_file"
    outside_scope = "outside_scope"


ROW_MESSAGES = {
    RowReason.province_unknown: "استان «{value}» شناخته نیست.",
    RowReason.county_unknown: "شهرستان «{value}» شناخته نیست.",
    RowReason.county_mismatch: "شهرستان «{value}» در استان «{province}» نیست.",
    RowReason.county_ambiguous: "شهرستان «{value}» در چند استان هست؛ ستون استان را هم پر کنید.",
    RowReason.charity_invalid: "مقدار ستون خیریه «{value}» نامفهوم است؛ «بله» یا «خیر» بنویسید.",
    RowReason.field_unknown: "حوزهٔ فعالیت «{value}» شناخته نیست.",
    RowReason.status_unknown: "وضعیت «{value}» شناخته نیست؛ «فعال»، «نیمه‌فعال» یا «غیرفعال» بنویسید.",
    RowReason.capacity_invalid: "سطح توانمندی «{value}» درست نیست؛ ۱، ۲ یا ۳ بنویسید.",
    RowReason.duplicate_in_file: "شمارهٔ ثبت {value} در ردیف {first} همین پرونده هم آمده است.",
    RowReason.outside_scope: "این سمن بیرون از استان نهاد شماست.",
}


# --- headers and values ------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _key(text) -> str:
    """Headers and enumerated values compare by this: orthography-, case- and space-insensitive.
    Cached: a file repeats its provinces, counties, fields and statuses thousands of times."""
    return re.sub(r"[\s_\-–]+", "", search_key(text))


HEADER_ALIASES = {
    "name": ["نام", "نام سمن", "نام سازمان", "نام تشکل", "name", "ngo name", "ngo"],
    "registration_no": ["شماره ثبت", "شمارهٔ ثبت", "شماره‌ی ثبت", "ش ثبت", "شماره ثبت سمن",
                        "registration_no", "registration number", "registration", "reg no"],
    "is_charity": ["خیریه", "خیریه است", "charity", "is_charity"],
    "fields": ["حوزه فعالیت", "حوزه‌های فعالیت", "حوزه‌ها", "زمینه فعالیت", "زمینه‌های فعالیت",
               "fields", "activity fields", "activity_fields", "field"],
    "province": ["استان", "province"],
    "county": ["شهرستان", "county"],
    "address": ["نشانی", "آدرس", "address"],
    "phone": ["تلفن", "شماره تلفن", "تلفن تماس", "phone", "telephone", "tel"],
    "status": ["وضعیت", "وضعیت فعالیت", "status"],
    "capacity_level": ["سطح توانمندی", "سطح", "توانمندی", "capacity_level", "capacity level",
                       "capacity"],
}
HEADERS = {_key(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
COLUMN_LABELS = {
    "name": "نام", "registration_no": "شماره ثبت", "is_charity": "خیریه", "fields": "حوزه فعالیت",
    "province": "استان", "county": "شهرستان", "address": "نشانی", "phone": "تلفن",
    "status": "وضعیت", "capacity_level": "سطح توانمندی",
}
REQUIRED_COLUMNS = ("name", "registration_no")

YES = {_key(v) for v in ("بله", "آری", "هست", "دارد", "yes", "y", "true", "1", "✓", "✔")}
NO = {_key(v) for v in ("خیر", "نه", "نیست", "ندارد", "no", "n", "false", "0")}

FIELD_ALIASES = {
    ActivityField.cultural: ["فرهنگی", "هنری", "فرهنگی هنری", "فرهنگی و هنری"],
    ActivityField.social: ["اجتماعی"],
    ActivityField.educational: ["آموزشی", "پژوهشی", "آموزشی پژوهشی", "علمی", "علمی پژوهشی"],
    ActivityField.religious: ["دینی", "مذهبی", "قرآنی", "دینی مذهبی"],
    ActivityField.environmental: ["محیط زیست", "محیط زیستی", "زیست محیطی", "محیط‌زیستی"],
    ActivityField.humanitarian: ["خیریه", "انسان دوستانه", "نیکوکاری", "امور خیریه"],
    ActivityField.human_rights: ["حقوق بشر", "حقوق بشری"],
    ActivityField.urban: ["شهری", "مدیریت شهری"],
    ActivityField.health: ["سلامت", "بهداشت", "درمان", "بهداشت و درمان", "سلامت محور"],
    ActivityField.family: ["خانواده"],
    ActivityField.youth: ["جوانان", "جوان", "نوجوانان و جوانان"],
    ActivityField.social_harm: ["آسیب‌های اجتماعی", "آسیب اجتماعی", "پیشگیری از آسیب"],
    ActivityField.women: ["زنان", "بانوان"],
    ActivityField.children: ["کودکان", "کودک", "کودکان و نوجوانان"],
    ActivityField.disability: ["معلولان", "معلولین", "توان‌یابان", "معلولیت"],
    ActivityField.sports: ["ورزش", "ورزشی"],
}
FIELDS = {}
for _f in ActivityField:
    for _alias in [_f.value, FIELD_LABELS[_f], *FIELD_ALIASES.get(_f, ())]:
        FIELDS[_key(_alias)] = _f.value
FIELD_SPLIT = re.compile(r"[،,؛;|\n]+")

STATUSES = {_key(v): s.value for s, labels in {
    NgoStatus.active: ("فعال", "active"),
    NgoStatus.semi_active: ("نیمه‌فعال", "نیمه فعال", "semi_active", "semi-active"),
    NgoStatus.inactive: ("غیرفعال", "غیر فعال", "inactive"),
}.items() for v in labels}
CAPACITIES = {**{_key(label): level for level, label in CAPACITY_LEVELS.items()},
              **{str(level): level for level in CAPACITY_LEVELS}}
BLANK = {"", "-", "—", "–", "_"}


def _cell_text(value) -> str:
    """A cell as text: whole floats lose their ".0", booleans become 1/0, None is ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


# --- reading files -----------------------------------------------------------------------------

@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    numeric_phones: set = field(default_factory=set)  # row numbers whose phone was a number


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(FileReason.unreadable_csv,
                                  detail="نویسه‌های نامعتبر در UTF-8 دارد.") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Persian Windows saves "CSV" in Windows-1256 (Arabic), which decodes any byte.
        return data.decode("cp1256")


def _csv_rows(data: bytes):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    try:
        for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
            yield n, cells
    except csv.Error as error:
        raise ImportFileError(FileReason.unreadable_csv, detail=str(error)) from None


class _XlsxMeasure:
    """Streams a worksheet or shared-strings part through expat, refusing as soon as a row has
    too many cells or a cell (or shared string) too much text: no tree, no openpyxl."""

    TEXT = {"v", "t", "f"}

    def __init__(self):
        import xml.parsers.expat

        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.cells = 0
        self.length = 0
        self.in_text = 0

    @staticmethod
    def _local(name: str) -> str:
        return name.rsplit(":", 1)[-1]

    def start(self, name, _attrs):
        name = self._local(name)
        if name == "row":
            self.cells = 0
        elif name == "c":
            self.cells += 1
            if self.cells > MAX_CELLS_PER_ROW:
                raise ImportFileError(FileReason.too_many_cells,
                                      limit=format_number(MAX_CELLS_PER_ROW))
            self.length = 0
        elif name == "si":
            self.length = 0
        elif name in self.TEXT:
            self.in_text += 1

    def end(self, name):
        if self._local(name) in self.TEXT:
            self.in_text -= 1

    def text(self, data):
        if self.in_text:
            self.length += len(data)
            if self.length > MAX_CELL_LENGTH:
                raise ImportFileError(FileReason.cell_too_long,
                                      limit=format_number(MAX_CELL_LENGTH))

    def feed(self, stream):
        import xml.parsers.expat

        try:
            while chunk := stream.read(1 << 16):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError:
            raise ImportFileError(FileReason.unreadable_xlsx) from None


def measure_xlsx(data: bytes) -> None:
    """Refuse an XLSX whose parts would unpack past ``MAX_XLSX_UNCOMPRESSED``, or whose sheets
    have a row of more than ``MAX_CELLS_PER_ROW`` cells or a cell (shared strings included) of
    more than ``MAX_CELL_LENGTH`` characters, before anything parses it. The sizes a zip declares
    bound what it unpacks (zipfile stops at the declared size and checks the CRC)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(FileReason.unreadable_xlsx) from None
    megabytes = format_number(MAX_XLSX_UNCOMPRESSED // (1024 * 1024))
    if len(members) > MAX_XLSX_MEMBERS:
        raise ImportFileError(FileReason.xlsx_too_large, limit=megabytes)
    if sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED:
        raise ImportFileError(FileReason.xlsx_too_large, limit=megabytes)
    for member in members:
        name = member.filename.lower()
        if name.endswith(".xml") and (name.startswith("xl/worksheets/")
                                      or name == "xl/sharedstrings.xml"):
            try:
                with archive.open(member) as stream:
                    _XlsxMeasure().feed(stream)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise ImportFileError(FileReason.unreadable_xlsx) from None


def _xlsx_rows(data: bytes) -> list:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    measure_xlsx(data)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise ImportFileError(FileReason.unreadable_xlsx) from None
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
                if len(rows) > MAX_ROWS + 1:
                    raise ImportFileError(FileReason.too_many_rows, limit=format_number(MAX_ROWS))
                rows.append((n, list(row)))
            return rows
        except (zipfile.BadZipFile, KeyError, ValueError, IndexError):
            raise ImportFileError(FileReason.unreadable_xlsx) from None
        finally:
            workbook.close()


def read_table(data: bytes, filename: str = "") -> Table:
    """Header and rows of an uploaded CSV or XLSX file, cells as normalised text."""
    if not data or not data.strip():
        raise ImportFileError(FileReason.empty)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(FileReason.old_xls)
    is_xlsx = data.startswith(b"PK\x03\x04")
    if filename.lower().endswith(".xlsx") and not is_xlsx:
        raise ImportFileError(FileReason.unreadable_xlsx)
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    headers = None
    phone_col = None
    table = Table(headers=[], rows=[])
    for n, cells in rows:
        if headers is None:
            if any(_cell_text(c) for c in cells):
                headers = [_cell_text(c) for c in cells]
                columns = [HEADERS.get(_key(h)) for h in headers]
                phone_col = columns.index("phone") if "phone" in columns else None
            continue
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise ImportFileError(FileReason.too_many_rows, limit=format_number(MAX_ROWS))
        if phone_col is not None and phone_col < len(cells) and isinstance(cells[phone_col], (int, float)) \
                and not isinstance(cells[phone_col], bool):
            table.numeric_phones.add(n)
        table.rows.append((n, texts))
    if headers is None:
        raise ImportFileError(FileReason.empty)
    table.headers = headers
    return table


# --- checking rows -----------------------------------------------------------------------------

@dataclass
class Checked:
    headers: list[str]
    columns: list[str]  # the known columns present in the file
    unknown_headers: list[str]
    good: list[dict]
    rejected: list[dict]  # {"row", "values", "reasons": [Persian]}

    def as_json(self) -> dict:
        return {"headers": self.headers, "columns": self.columns,
                "unknown_headers": self.unknown_headers, "good": self.good,
                "rejected": self.rejected}


class _Places:
    """Provinces and counties, loaded once, looked up by orthography-insensitive name."""

    def __init__(self, session):
        self.provinces = {}
        for p in session.scalars(select(Province)):
            for name in (p.name, p.name_en, p.code, f"استان {p.name}"):
                if name:
                    self.provinces[_key(name)] = p.id
        self.counties = {}  # (province_id, key) → id
        self.counties_any = {}  # key → [ids]
        self.county_province = {}
        for c in session.scalars(select(County)):
            for name in (c.name, f"شهرستان {c.name}"):
                self.counties[(c.province_id, _key(name))] = c.id
                self.counties_any.setdefault(_key(name), []).append(c.id)
            self.county_province[c.id] = c.province_id


def _row_error(reasons, reason, **details):
    if isinstance(reason, services.NgoReason):
        reasons.append(services.NgoError(reason, **details).message)
    else:
        reasons.append(ROW_MESSAGES[reason].format(**details))


def _check_row(cells: dict, places: _Places, reasons: list, numeric_phone=False) -> dict:
    """One row's cells ({column: text}) → the values to write; problems go to ``reasons``."""
    out = {}

    def attempt(column, clean):
        try:
            out[column] = clean(cells[column])
        except services.NgoError as refusal:
            reasons.append(refusal.message)

    attempt("name", services.clean_name)
    attempt("registration_no", services.clean_registration_no)
    if "name" in out:
        out["name_key"] = search_key(out["name"])

    value = cells.get("is_charity", "")
    if value not in BLANK:
        if _key(value) in YES:
            out["is_charity"] = True
        elif _key(value) in NO:
            out["is_charity"] = False
        else:
            _row_error(reasons, RowReason.charity_invalid, value=value)

    value = cells.get("fields", "")
    if value not in BLANK:
        codes = []
        for part in FIELD_SPLIT.split(value):
            if not part.strip():
                continue
            code = FIELDS.get(_key(part))
            if code is None:
                _row_error(reasons, RowReason.field_unknown, value=part.strip())
            else:
                codes.append(code)
        out["fields"] = services.fields_text(codes)

    province_id = None
    value = cells.get("province", "")
    if value not in BLANK:
        province_id = places.provinces.get(_key(value))
        if province_id is None:
            _row_error(reasons, RowReason.province_unknown, value=value)
        else:
            out["province_id"] = province_id
    value = cells.get("county", "")
    if value not in BLANK:
        if province_id is not None:
            county_id = places.counties.get((province_id, _key(value)))
            if county_id is None and places.counties_any.get(_key(value)):
                _row_error(reasons, RowReason.county_mismatch, value=value,
                           province=cells["province"])
            elif county_id is None:
                _row_error(reasons, RowReason.county_unknown, value=value)
        elif "province_id" not in out and cells.get("province", "") not in BLANK:
            county_id = None  # the province is already refused
        else:
            found = places.counties_any.get(_key(value), [])
            county_id = found[0] if len(found) == 1 else None
            if len(found) > 1:
                _row_error(reasons, RowReason.county_ambiguous, value=value)
            elif not found:
                _row_error(reasons, RowReason.county_unknown, value=value)
            else:
                out["province_id"] = places.county_province[county_id]
        if county_id is not None:
            out["county_id"] = county_id

    value = cells.get("address", "")
    if value not in BLANK:
        attempt("address", services.clean_address)
    value = cells.get("phone", "")
    if value not in BLANK:
        if numeric_phone and value.isdigit() and len(value) == 10:
            cells["phone"] = "0" + value  # Excel drops the leading zero of a phone number
        attempt("phone", services.clean_phone)
    value = cells.get("status", "")
    if value not in BLANK:
        status = STATUSES.get(_key(value))
        if status is None:
            _row_error(reasons, RowReason.status_unknown, value=value)
        else:
            out["status"] = status
    value = cells.get("capacity_level", "")
    if value not in BLANK:
        level = CAPACITIES.get(_key(to_latin_digits(value)))
        if level is None:
            _row_error(reasons, RowReason.capacity_invalid, value=value)
        else:
            out["capacity_level"] = level
    return out


def check_rows(session, table: Table, *, scope_province_id=None) -> Checked:
    """Validates every row of ``table``; writes nothing.

    ``scope_province_id``: the importer may only touch NGOs of this province (an organizer of
    a provincial body); rows without a province are placed in it.
    """
    columns = [HEADERS.get(_key(h)) for h in table.headers]
    missing = [COLUMN_LABELS[c] for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(FileReason.missing_columns, columns="، ".join(f"«{m}»" for m in missing))
    if not table.rows:
        raise ImportFileError(FileReason.no_rows)
    unknown = [h for h, c in zip(table.headers, columns) if c is None and h]
    index = {}
    for i, c in enumerate(columns):
        if c is not None and c not in index:  # the first of two same-named columns wins
            index[c] = i
    places = _Places(session)
    existing_province = {}
    if scope_province_id is not None:
        existing_province = dict(session.execute(select(Ngo.registration_no, Ngo.province_id)).all())
    seen: dict[str, int] = {}
    good, rejected = [], []
    for n, cells in table.rows:
        values = {c: (cells[i] if i < len(cells) else "") for c, i in index.items()}
        reasons: list[str] = []
        row = _check_row(values, places, reasons, numeric_phone=n in table.numeric_phones)
        number = row.get("registration_no")
        if number is not None:
            if number in seen:
                _row_error(reasons, RowReason.duplicate_in_file, value=to_persian_digits(number),
                           first=to_persian_digits(seen[number]))
            else:
                seen[number] = n
        if scope_province_id is not None and not reasons:
            row.setdefault("province_id", scope_province_id)
            if row["province_id"] != scope_province_id or \
                    existing_province.get(number, scope_province_id) != scope_province_id:
                _row_error(reasons, RowReason.outside_scope)
        if reasons:
            rejected.append({"row": n, "values": cells[:len(table.headers)], "reasons": reasons})
        else:
            row["row"] = n
            good.append(row)
    return Checked(headers=table.headers, columns=sorted(index), unknown_headers=unknown,
                   good=good, rejected=rejected)


def parse_upload(session, data: bytes, filename: str = "", *, scope_province_id=None) -> Checked:
    return check_rows(session, read_table(data, filename), scope_province_id=scope_province_id)


# --- writing -----------------------------------------------------------------------------------

WRITTEN = ("name", "name_key", "is_charity", "fields", "province_id", "county_id", "address",
           "phone", "status", "capacity_level")
DEFAULTS = {"is_charity": False, "fields": "", "province_id": None, "county_id": None,
            "address": "", "phone": "", "status": NgoStatus.active.value, "capacity_level": None}


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list = field(default_factory=list)  # {"row", "reasons"}: refused when applied

    def as_json(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped}


def _stored(row) -> dict:
    values = {c: getattr(row, c) for c in WRITTEN}
    values["status"] = NgoStatus(values["status"]).value
    return values


def apply_import(session, rows: list[dict], *, now=None, scope_province_id=None) -> ImportResult:
    """Upserts checked rows by registration number: new numbers are inserted, known ones
    updated with the values the file gives; the same number is never inserted twice.

    Bulk statements in chunks of ``CHUNK`` rows, no query per row. Flushes, never commits.
    """
    now = now or utcnow()
    result = ImportResult()
    county_province = dict(session.execute(select(County.id, County.province_id)).all())
    seen = set()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        numbers = [r["registration_no"] for r in chunk]
        columns = [getattr(Ngo, c) for c in ("id", "registration_no", *WRITTEN)]
        existing = {r.registration_no: r for r in
                    session.execute(select(*columns).where(Ngo.registration_no.in_(numbers)))}
        inserts, updates = [], []
        for row in chunk:
            number = row["registration_no"]
            given = {c: row[c] for c in WRITTEN if c in row}
            if number in seen:
                result.skipped.append({"row": row.get("row"), "reasons": [
                    ROW_MESSAGES[RowReason.duplicate_in_file].format(
                        value=to_persian_digits(number), first="دیگری")]})
                continue
            seen.add(number)
            old = existing.get(number)
            if old is None:
                values = {**DEFAULTS, **given}
                if scope_province_id is not None and values["province_id"] != scope_province_id:
                    result.skipped.append({"row": row.get("row"), "reasons": [
                        ROW_MESSAGES[RowReason.outside_scope]]})
                    continue
                inserts.append({**values, "registration_no": number, "notes": "",
                                "created_at": now, "updated_at": now})
                continue
            if scope_province_id is not None and old.province_id != scope_province_id:
                result.skipped.append({"row": row.get("row"), "reasons": [
                    ROW_MESSAGES[RowReason.outside_scope]]})
                continue
            current = _stored(old)
            values = {**current, **given}
            if "province_id" in given and "county_id" not in given and values["county_id"] \
                    and county_province.get(values["county_id"]) != values["province_id"]:
                values["county_id"] = None  # moved to another province: the old county goes
            if values == current:
                result.unchanged += 1
            else:
                updates.append({**values, "id": old.id, "updated_at": now})
        if inserts:
            session.execute(insert(Ngo), inserts)
            result.added += len(inserts)
        if updates:
            session.execute(update(Ngo), updates)
            result.updated += len(updates)
    session.flush()
    return result


def record_import(session, actor, progress: dict, *, filename: str = "", now=None) -> None:
    """The one audit entry of an import, written with its last chunk: the counts of all."""
    audit.record(session, actor, Action.ngo_import, None, None,
                 {"file": filename, "rows": progress["total"], "added": progress["added"],
                  "updated": progress["updated"], "unchanged": progress["unchanged"],
                  "skipped": len(progress["skipped"])},
                 body_id=getattr(actor, "body_id", None), label=filename, now=now)


# --- keeping an upload between preview and confirmation ----------------------------------------

def new_progress(total: int) -> dict:
    return {"next": 0, "total": total, "added": 0, "updated": 0, "unchanged": 0, "skipped": [],
            "done": total == 0}


def advance(progress: dict, result: ImportResult, next_index: int) -> dict:
    """The progress after a chunk ending before ``next_index`` has been applied."""
    out = dict(progress)
    out["next"] = min(next_index, progress["total"])
    for k in ("added", "updated", "unchanged"):
        out[k] = progress[k] + getattr(result, k)
    out["skipped"] = progress["skipped"] + result.skipped
    out["done"] = out["next"] >= progress["total"]
    return out


class ImportStore:
    """Checked uploads as JSON files in one folder, named by an unguessable token, plus a
    small progress file beside each. Old ones are purged when new ones are stored."""

    TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
    KEEP = timedelta(days=2)

    def __init__(self, directory):
        self.directory = Path(directory)

    def _path(self, token: str, suffix: str) -> Path:
        if not self.TOKEN_RE.match(token or ""):
            raise KeyError(token)
        return self.directory / f"{token}{suffix}"

    @staticmethod
    def _write(path: Path, data: dict) -> None:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def create(self, payload: dict, *, now=None) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.purge(now=now)
        token = secrets.token_urlsafe(24)
        self._write(self._path(token, ".json"), payload)
        self._write(self._path(token, ".progress.json"), new_progress(len(payload["good"])))
        return token

    def load(self, token: str) -> dict | None:
        try:
            return json.loads(self._path(token, ".json").read_text(encoding="utf-8"))
        except (KeyError, FileNotFoundError, ValueError):
            return None

    def progress(self, token: str) -> dict | None:
        try:
            return json.loads(self._path(token, ".progress.json").read_text(encoding="utf-8"))
        except (KeyError, FileNotFoundError, ValueError):
            return None

    def save_progress(self, token: str, progress: dict) -> None:
        self._write(self._path(token, ".progress.json"), progress)

    @contextmanager
    def locked(self, token: str):
        """One writer per upload at a time (two tabs confirming the same preview)."""
        with open(self._path(token, ".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def purge(self, *, now=None) -> None:
        if not self.directory.is_dir():
            return
        cutoff = (now or datetime.now(timezone.utc)) - self.KEEP
        for path in self.directory.iterdir():
            try:
                if datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) < cutoff:
                    path.unlink()
            except FileNotFoundError:
                pass


def report_rows(payload: dict, progress: dict | None) -> list[dict]:
    """Every refused row of an upload, in file order: those refused when checked and those
    skipped when applied (for these only the number and name are known again). Each has
    ``row``, ``values`` (the cells), ``reasons`` and ``summary`` (number and name, to show)."""
    columns = [HEADERS.get(_key(h)) for h in payload["headers"]]
    rows = list(payload["rejected"])
    skipped = (progress or {}).get("skipped") or []
    if skipped:
        good = {r["row"]: r for r in payload["good"]}
        for s in skipped:
            row = good.get(s["row"], {})
            values = [row.get(c, "") if c in ("name", "registration_no") else ""
                      for c in columns]
            rows.append({"row": s["row"], "values": values, "reasons": s["reasons"]})
    out = []
    for r in sorted(rows, key=lambda r: r["row"] or 0):
        cells = dict(zip(columns, r["values"]))
        summary = " · ".join(v for v in (to_persian_digits(cells.get("registration_no", "")),
                                         cells.get("name", "")) if v)
        out.append({**r, "summary": summary or "—"})
    return out


def rejected_csv(headers: list[str], rejected: list[dict]) -> str:
    """The rejected rows as CSV (with a BOM, for Excel): the row number, the original cells
    and the reasons, so that they can be fixed and imported again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ردیف", *headers, "دلیل رد"])
    for r in rejected:
        values = list(r["values"]) + [""] * (len(headers) - len(r["values"]))
        writer.writerow([r["row"], *values, " / ".join(r["reasons"])])
    return "\ufeff" + out.getvalue()
