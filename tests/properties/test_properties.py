"""Hypothesis properties, run by the test command: the Jalali parser, digit and letter
normalisation, the national ID check, ticket-code extraction and NGO import rows. Each holds
for any input hypothesis finds, not only the examples the other tests pick."""
import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from eventsapp.checkin.services import BARE_CODE, extract_code
from eventsapp.jalali import (MAX_YEAR, MIN_YEAR, JalaliError, from_jalali, month_length,
                              parse_date, to_jalali)
from eventsapp.ngos import importer
from eventsapp.persian import (ARABIC_INDIC_DIGITS, PERSIAN_DIGITS, clean_text, mobile_key,
                               normalize_text, search_key, to_latin_digits, to_persian_digits)
from eventsapp.registrations.qr import ticket_path
from eventsapp.registrations.services import complete_national_id, national_id_ok

DIGIT_SETS = ["0123456789", PERSIAN_DIGITS, ARABIC_INDIC_DIGITS]
PERSIAN_TEXT = st.text(alphabet=st.sampled_from(
    list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیءآأإؤئۀةيكى ‌ـ٬٫.،؛0123456789")
    + list(PERSIAN_DIGITS) + list(ARABIC_INDIC_DIGITS) + ["\u200f", "\u064b", "\u0654"]),
    max_size=40)
SETTINGS = settings(max_examples=100, deadline=None)


def _in(digits: str, text: str) -> str:
    return text.translate(str.maketrans("0123456789", digits))


@st.composite
def jalali_dates(draw):
    jy = draw(st.integers(MIN_YEAR, MAX_YEAR))
    jm = draw(st.integers(1, 12))
    jd = draw(st.integers(1, month_length(jy, jm)))
    return jy, jm, jd


# --- the Jalali parser -------------------------------------------------------------------------

@SETTINGS
@given(jalali_dates(), st.sampled_from(DIGIT_SETS), st.sampled_from("/-."), st.booleans(),
       st.booleans())
def test_any_jalali_date_typed_any_way_parses_to_its_day(ymd, digits, sep, zeros, spaces):
    jy, jm, jd = ymd
    parts = [str(jy), f"{jm:02d}" if zeros else str(jm), f"{jd:02d}" if zeros else str(jd)]
    text = _in(digits, (f" {sep} " if spaces else sep).join(parts))
    day = parse_date(text)
    j = to_jalali(day)
    assert (j.year, j.month, j.day) == (jy, jm, jd)
    assert day == from_jalali(jy, jm, jd)


@SETTINGS
@given(st.dates(date(1921, 3, 21), date(2121, 3, 20)))
def test_jalali_and_gregorian_round_trip(day):
    j = to_jalali(day)
    assert from_jalali(j.year, j.month, j.day) == day


@SETTINGS
@given(st.text(max_size=30))
@example("۱۴۰۵/۱۲/۳۰")  # 1405 is not a leap year
@example("1403/00/10")
@example("99999999999999999999/1/1")
def test_the_parser_answers_any_text_with_a_day_or_a_persian_refusal(text):
    try:
        day = parse_date(text)
    except JalaliError as refusal:
        assert refusal.args and any("\u0600" <= c <= "\u06ff" for c in str(refusal.args[-1]))
    else:
        assert isinstance(day, date)


# --- digits and letters ------------------------------------------------------------------------

@SETTINGS
@given(st.text(alphabet="0123456789 -/", max_size=30))
def test_digits_round_trip_between_the_sets(text):
    assert to_latin_digits(to_persian_digits(text)) == text
    assert to_latin_digits(_in(ARABIC_INDIC_DIGITS, text)) == text


@SETTINGS
@given(PERSIAN_TEXT)
def test_normalisation_is_idempotent_and_search_ignores_what_it_folds(text):
    for f in (clean_text, normalize_text, search_key):
        assert f(f(text)) == f(text)
    assert search_key(clean_text(text)) == search_key(text)
    assert search_key(normalize_text(text)) == search_key(text)
    assert search_key(to_persian_digits(to_latin_digits(text))) == search_key(text)
    assert not any(c.isdigit() and not c.isascii() for c in normalize_text(text))


@SETTINGS
@given(PERSIAN_TEXT)
def test_clean_text_keeps_every_digit_as_typed(text):
    kept = [c for c in text if c.isdigit()]
    assert [c for c in clean_text(text) if c.isdigit()] == kept


@SETTINGS
@given(st.from_regex(r"9[0-9]{9}", fullmatch=True), st.sampled_from(["0", "+98", "0098", ""]),
       st.sampled_from(DIGIT_SETS))
def test_every_mobile_prefix_gives_the_same_number(rest, prefix, digits):
    assert mobile_key(_in(digits, prefix + rest)) == "0" + rest


# --- the national ID ---------------------------------------------------------------------------

@SETTINGS
@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_a_completed_national_id_checks_and_any_other_check_digit_does_not(first_nine):
    assume(len(set(first_nine)) > 1)
    good = complete_national_id(first_nine)
    assert national_id_ok(good)
    for other in "0123456789":
        if other != good[9]:
            assert not national_id_ok(first_nine + other)


@SETTINGS
@given(st.text(max_size=14))
def test_the_national_id_check_never_fails_on_any_text(text):
    assert national_id_ok(text) in (True, False)


# --- ticket codes ------------------------------------------------------------------------------

CODES = st.from_regex(r"[A-Za-z0-9_-]{16,32}", fullmatch=True)


@SETTINGS
@given(CODES, st.sampled_from(["https://events.example.ir", "http://127.0.0.1:5000", ""]),
       st.sampled_from(["", "/", "?print=1", "#qr", "/print"]), st.sampled_from([" ", "", "\n"]))
def test_a_ticket_code_is_found_bare_or_in_its_link(code, host, tail, space):
    assert extract_code(space + code + space) == code
    assert extract_code(host + ticket_path(code) + tail) == code


@SETTINGS
@given(st.text(max_size=400))
def test_extraction_gives_a_well_formed_code_or_nothing(text):
    found = extract_code(text)
    assert found is None or BARE_CODE.fullmatch(found)


# --- import rows -------------------------------------------------------------------------------

NAMES = st.text(alphabet=st.sampled_from(list("ابپتجچدرزسشصعفقکگلمنوهی ‌") + list(PERSIAN_DIGITS)),
                min_size=1, max_size=30).filter(clean_text)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NAMES, st.integers(1, 10**9), st.sampled_from(DIGIT_SETS)),
                min_size=1, max_size=20, unique_by=lambda r: r[1]))
def test_import_rows_come_out_as_typed_with_latin_registration_numbers(db, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["نام", "شماره ثبت"])
    for name, number, digits in rows:
        writer.writerow([name, _in(digits, str(number))])
    checked = importer.parse_upload(db.session, out.getvalue().encode("utf-8"), "ngos.csv")
    assert not checked.rejected
    assert [(r["name"], r["registration_no"]) for r in checked.good] == \
        [(clean_text(name), str(number)) for name, number, _ in rows]


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_upload_is_a_table_or_a_persian_refusal(db, data):
    try:
        importer.parse_upload(db.session, data, "ngos.csv")
    except importer.ImportFileError as refusal:
        assert any("\u0600" <= c <= "\u06ff" for c in refusal.message)
