"""Loading and looking up provinces and counties."""
import json
import re
from pathlib import Path

from sqlalchemy import select

from ..persian import normalize_text, to_latin_digits
from .models import County, Province
from ..dbtypes import persian_order

DATA_FILE = Path(__file__).with_name("data") / "divisions.json"


def load_divisions() -> list[dict]:
    """The shipped list of provinces, each with its counties."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def sync_divisions(session) -> tuple[int, int]:
    """Add the shipped provinces and counties that the database lacks; returns what was added.

    Existing rows are kept (events and NGOs refer to them), so running it again is harmless.
    """
    added_p = added_c = 0
    provinces = {p.code: p for p in session.scalars(select(Province))}
    for item in load_divisions():
        province = provinces.get(item["code"])
        if province is None:
            province = Province(code=item["code"], name=item["name"], name_en=item.get("name_en", ""))
            session.add(province)
            session.flush()
            added_p += 1
        have = {c.name for c in province.counties}
        for name in item["counties"]:
            if name not in have:
                session.add(County(province=province, name=name))
                added_c += 1
    session.flush()
    return added_p, added_c


def _row_id(value) -> int | None:
    """``value`` as a row id when it is one (an int, or digits of any script: not «²», which
    str.isdigit() takes), 0 when it is a number no row can have; None when it is not a number."""
    if isinstance(value, bool):
        return 0
    text = value if isinstance(value, int) else to_latin_digits(str(value))
    if isinstance(text, int) or re.fullmatch(r"[0-9]{1,30}", text):
        number = int(text)
        return number if 1 <= number <= 2**31 - 1 else 0
    return None


def find_province(session, value) -> Province | None:
    """A province by id, code or Persian name (normalised)."""
    if value is None or value == "":
        return None
    row_id = _row_id(value)
    if row_id is not None:
        return session.get(Province, row_id) if row_id else None
    text = normalize_text(str(value))
    return session.scalar(
        select(Province).where((Province.code == text.lower()) | (Province.name == text))
    )


def find_county(session, value, province: Province | None = None) -> County | None:
    """A county by id or by Persian name (within ``province`` when given)."""
    if value is None or value == "":
        return None
    row_id = _row_id(value)
    if row_id is not None:
        county = session.get(County, row_id) if row_id else None
    else:
        query = select(County).where(County.name == normalize_text(str(value)))
        if province is not None:
            query = query.where(County.province_id == province.id)
        county = session.scalars(query).first()
    if county is not None and province is not None and county.province_id != province.id:
        return None
    return county


def all_provinces(session) -> list[Province]:
    return list(session.scalars(select(Province).order_by(persian_order(Province.name))))


def counties_by_province(session) -> dict[int, list[dict]]:
    """For the province → county select boxes: {province_id: [{id, name}]}."""
    out: dict[int, list[dict]] = {}
    for c in session.scalars(select(County).order_by(persian_order(County.name))):
        out.setdefault(c.province_id, []).append({"id": c.id, "name": c.name})
    return out
