import pytest

from eventsapp.persian import (
    format_number,
    is_blank,
    normalize_text,
    search_key,
    to_latin_digits,
    to_persian_digits,
)

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۱۴۰۳/۰۵/۲۳", "1403/05/23"),
        ("١٤٠٣-٥-٢٣", "1403-5-23"),
        ("۳٫۵", "3.5"),
        ("۱۹٬۰۰۰", "19,000"),
        ("abc 123", "abc 123"),
        ("", ""),
        (None, ""),
    ],
)
def test_to_latin_digits(text, expected):
    assert to_latin_digits(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, "۰"),
        (1403, "۱۴۰۳"),
        ("09:30", "۰۹:۳۰"),
        ("ساعت 9", "ساعت ۹"),
        ("۱۲", "۱۲"),
        (None, ""),
    ],
)
def test_to_persian_digits(value, expected):
    assert to_persian_digits(value) == expected


@pytest.mark.parametrize("text", ["0123456789", "1403/05/23", "19,000"])
def test_digit_conversions_round_trip(text):
    assert to_latin_digits(to_persian_digits(text)) == text


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "۰"),
        (7, "۷"),
        (999, "۹۹۹"),
        (1000, "۱٬۰۰۰"),
        (19000, "۱۹٬۰۰۰"),
        (1234567, "۱٬۲۳۴٬۵۶۷"),
        (-2500, "-۲٬۵۰۰"),
        (None, ""),
    ],
)
def test_format_number(n, expected):
    assert format_number(n) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        # Arabic yeh, alef maksura and kaf become Persian letters.
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كانون", "کانون"),
        # Tatweel goes.
        ("کـــانون", "کانون"),
        # Doubled ZWNJ collapses; ZWNJ at word edges or beside a space goes.
        (f"می{ZWNJ}{ZWNJ}خواهم", f"می{ZWNJ}خواهم"),
        (f"{ZWNJ}انجمن{ZWNJ}", "انجمن"),
        (f"خانه{ZWNJ} ها", "خانه ها"),
        (f"خانه {ZWNJ}ها", "خانه ها"),
        (f"خانه {ZWNJ} ها", "خانه ها"),
        (ZWNJ, ""),
        # Invisible marks go.
        ("ان\u200bجمن", "انجمن"),
        ("ان\u200dجمن", "انجمن"),
        ("\ufeffانجمن", "انجمن"),
        ("\u200fانجمن\u200e", "انجمن"),
        # Digits become Latin.
        ("کانون ۱۲", "کانون 12"),
        ("کانون ١٢", "کانون 12"),
        # Whitespace collapses and is stripped.
        ("  انجمن \t  حمایت\n از  کودکان ", "انجمن حمایت از کودکان"),
        ("انجمن\u00a0حمایت", "انجمن حمایت"),
    ],
)
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_normalize_text_is_idempotent():
    text = f" كانون  {ZWNJ}{ZWNJ}نيكوكاري ـ ۱۲\u200f "
    once = normalize_text(text)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    "a, b",
    [
        ("كانون", "کانون"),
        ("علي", "علی"),
        ("مؤسسه خيريه", "مؤسسه خیریه"),
        (f"می{ZWNJ}خواهم", "می خواهم"),
        ("مُحَمَّد", "محمد"),
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("مدرسة", "مدرسه"),
        ("خانۀ سالمندان", "خانه سالمندان"),
        ("قرآن", "قرآن"),
        ("NGO Tehran", "ngo  TEHRAN"),
        ("کانون ۱۲", "کانون 12"),
    ],
)
def test_search_key_matches_variants(a, b):
    assert search_key(a) == search_key(b)


def test_search_key_keeps_alef_madda():
    assert search_key("آب") != search_key("اب")


@pytest.mark.parametrize("text", [None, "", "  ", "\t\n", ZWNJ, "\u200b\u200f", "ـ"])
def test_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", " ۰ ", "انجمن"])
def test_is_not_blank(text):
    assert not is_blank(text)
