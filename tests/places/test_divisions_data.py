"""Sanity checks for the reference data of Iran's provinces and counties."""
import pytest

import json
import re
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[2] / "eventsapp/places/data/divisions.json"

ARABIC_YEH = "\u064a"  # ي
ARABIC_KAF = "\u0643"  # ك
TATWEEL = "\u0640"  # ـ
ZWNJ = "\u200c"


def load_divisions():
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def province_by_code(code):
    for province in load_divisions():
        if province["code"] == code:
            return province
    raise AssertionError(f"province {code!r} not found")


def all_strings():
    for province in load_divisions():
        yield province["code"]
        yield province["name"]
        yield province["name_en"]
        yield from province["counties"]


def test_file_is_utf8_json_list():
    raw = DATA_FILE.read_bytes()
    data = json.loads(raw.decode("utf-8"))
    assert isinstance(data, list)


def test_every_province_has_expected_fields():
    for province in load_divisions():
        assert set(province) == {"code", "name", "name_en", "counties"}
        assert isinstance(province["counties"], list)
        assert province["counties"], province["code"]
        assert all(isinstance(c, str) and c for c in province["counties"])


def test_exactly_31_provinces():
    assert len(load_divisions()) == 31


def test_codes_are_unique_slugs():
    codes = [p["code"] for p in load_divisions()]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[a-z-]+", code), code


def test_province_names_are_unique():
    names = [p["name"] for p in load_divisions()]
    assert len(names) == len(set(names))
    names_en = [p["name_en"] for p in load_divisions()]
    assert len(names_en) == len(set(names_en))


def test_province_names_do_not_contain_the_word_ostan():
    for province in load_divisions():
        assert "استان" not in province["name"], province["name"]


def test_county_names_do_not_contain_the_word_shahrestan():
    for province in load_divisions():
        for county in province["counties"]:
            assert "شهرستان" not in county, county


def test_no_arabic_yeh_kaf_or_tatweel():
    for text in all_strings():
        assert ARABIC_YEH not in text, text
        assert ARABIC_KAF not in text, text
        assert TATWEEL not in text, text


def test_no_leading_or_trailing_whitespace():
    for text in all_strings():
        assert text == text.strip(), repr(text)
        assert ZWNJ + " " not in text and " " + ZWNJ not in text, repr(text)
        assert not text.startswith(ZWNJ) and not text.endswith(ZWNJ), repr(text)
        assert "  " not in text, repr(text)


def test_no_duplicate_counties_within_a_province():
    for province in load_divisions():
        counties = province["counties"]
        assert len(counties) == len(set(counties)), province["code"]


def test_total_county_count_is_plausible():
    total = sum(len(p["counties"]) for p in load_divisions())
    assert 400 <= total <= 500, total


def test_known_counties_are_in_their_provinces():
    expected = {
        "tehran": ["تهران", "شمیرانات"],
        "semnan": ["سمنان", "مهدیشهر"],
        "golestan": ["گرگان", "گنبد کاووس"],
        "isfahan": ["اصفهان", "کاشان"],
    }
    for code, counties in expected.items():
        province = province_by_code(code)
        for county in counties:
            assert county in province["counties"], (code, county)


def test_known_province_codes_and_names():
    expected = {
        "tehran": "تهران",
        "semnan": "سمنان",
        "isfahan": "اصفهان",
        "golestan": "گلستان",
        "khorasan-razavi": "خراسان رضوی",
        "kohgiluyeh-boyer-ahmad": "کهگیلویه و بویراحمد",
        "sistan-baluchestan": "سیستان و بلوچستان",
        "azarbaijan-sharqi": "آذربایجان شرقی",
        "azarbaijan-gharbi": "آذربایجان غربی",
        "chaharmahal-bakhtiari": "چهارمحال و بختیاری",
    }
    for code, name in expected.items():
        assert province_by_code(code)["name"] == name


@pytest.mark.parametrize("value", ["²", "0", 0, "2147483648", 2**40, "9" * 40, True])
def test_a_number_no_province_or_county_has_finds_none(db, value):
    """Not «²» (str.isdigit() takes it, int() does not), not beyond the database's integer."""
    from eventsapp.places.services import find_county, find_province

    assert find_province(db.session, value) is None
    assert find_county(db.session, value) is None


def test_an_id_in_persian_or_arabic_indic_digits_finds_the_province(db):
    from eventsapp.places.services import find_province

    assert find_province(db.session, "۱۲") is find_province(db.session, "١٢") is find_province(db.session, 12)
    assert find_province(db.session, 12) is not None
