import re
from datetime import date, datetime, time, timedelta, timezone

import jdatetime
import pytest

from eventsapp.jalali import (
    MONTH_NAMES,
    TEHRAN,
    WEEK_START_NAMES,
    WEEKDAY_NAMES,
    JalaliError,
    add_months,
    format_date,
    format_datetime,
    format_month,
    format_time,
    from_jalali,
    gregorian_from_any,
    is_leap,
    local_datetime,
    month_length,
    month_weeks,
    parse_date,
    parse_time,
    to_jalali,
    to_tehran,
    to_utc,
    today,
    utcnow,
)

UTC = timezone.utc
ZWNJ = "\u200c"
MORDAD_23_1398 = date(2019, 8, 14)  # a Wednesday


def assert_persian_message(error):
    """The message is a Persian sentence: Persian letters, no Latin letters or digits."""
    message = str(error)
    assert message == error.message
    assert re.search("[\u0600-\u06ff]", message)
    assert not re.search("[A-Za-z0-9]", message)


# --- names ----------------------------------------------------------------------


def test_month_names():
    assert len(MONTH_NAMES) == 12
    assert MONTH_NAMES[0] == "فروردین"
    assert MONTH_NAMES[4] == "مرداد"
    assert MONTH_NAMES[11] == "اسفند"


@pytest.mark.parametrize(
    "d, name",
    [
        (date(2019, 8, 12), "دوشنبه"),
        (date(2019, 8, 13), f"سه{ZWNJ}شنبه"),
        (date(2019, 8, 14), "چهارشنبه"),
        (date(2019, 8, 15), f"پنج{ZWNJ}شنبه"),
        (date(2019, 8, 16), "جمعه"),
        (date(2019, 8, 17), "شنبه"),
        (date(2019, 8, 18), "یکشنبه"),
    ],
)
def test_weekday_names_follow_python_weekday(d, name):
    assert WEEKDAY_NAMES[d.weekday()] == name


def test_week_starts_on_saturday():
    assert WEEK_START_NAMES[0] == "شنبه"
    assert WEEK_START_NAMES[-1] == "جمعه"
    assert sorted(WEEK_START_NAMES) == sorted(WEEKDAY_NAMES)


# --- calendar arithmetic ------------------------------------------------------------


@pytest.mark.parametrize("jy", [1399, 1403, 1408])
def test_leap_years(jy):
    assert is_leap(jy)
    assert month_length(jy, 12) == 30
    assert (from_jalali(jy + 1, 1, 1) - from_jalali(jy, 1, 1)).days == 366


@pytest.mark.parametrize("jy", [1400, 1401, 1402, 1404, 1405])
def test_common_years(jy):
    assert not is_leap(jy)
    assert month_length(jy, 12) == 29
    assert (from_jalali(jy + 1, 1, 1) - from_jalali(jy, 1, 1)).days == 365


@pytest.mark.parametrize(
    "jy, lengths",
    [
        (1403, [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30]),
        (1404, [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29]),
    ],
)
def test_month_lengths(jy, lengths):
    assert [month_length(jy, jm) for jm in range(1, 13)] == lengths


@pytest.mark.parametrize(
    "jalali, gregorian",
    [
        ((1398, 5, 23), MORDAD_23_1398),
        ((1398, 5, 24), date(2019, 8, 15)),
        ((1403, 1, 1), date(2024, 3, 20)),
        ((1403, 12, 30), date(2025, 3, 20)),
        ((1404, 1, 1), date(2025, 3, 21)),
        ((1405, 6, 5), date(2026, 8, 27)),
        ((1400, 10, 11), date(2022, 1, 1)),
    ],
)
def test_from_and_to_jalali(jalali, gregorian):
    assert from_jalali(*jalali) == gregorian
    j = to_jalali(gregorian)
    assert (j.year, j.month, j.day) == jalali


def test_to_jalali_takes_an_instant_in_tehran_time():
    # 20:00 UTC on 13 August 2019 is already 00:30 on the 14th in Tehran.
    j = to_jalali(datetime(2019, 8, 13, 20, 0, tzinfo=UTC))
    assert (j.year, j.month, j.day) == (1398, 5, 23)


def test_every_day_round_trips_through_the_input_format():
    d = date(2020, 3, 20)  # 1399/01/01
    while d < date(2027, 3, 21):
        assert parse_date(format_date(d, "input")) == d
        d += timedelta(days=1)


@pytest.mark.parametrize(
    "jalali, reason",
    [
        ((1404, 12, 30), "day"),
        ((1403, 7, 31), "day"),
        ((1403, 1, 32), "day"),
        ((1403, 5, 0), "day"),
        ((1403, 13, 1), "month"),
        ((1403, 0, 1), "month"),
        ((0, 1, 1), "year"),
    ],
)
def test_from_jalali_rejects_impossible_dates(jalali, reason):
    with pytest.raises(JalaliError) as info:
        from_jalali(*jalali)
    assert info.value.reason == reason
    assert_persian_message(info.value)


@pytest.mark.parametrize(
    "jy, jm, n, expected",
    [
        (1403, 5, 0, (1403, 5)),
        (1403, 5, 1, (1403, 6)),
        (1403, 12, 1, (1404, 1)),
        (1404, 1, -1, (1403, 12)),
        (1403, 5, -17, (1401, 12)),
        (1403, 5, 24, (1405, 5)),
    ],
)
def test_add_months(jy, jm, n, expected):
    assert add_months(jy, jm, n) == expected


# --- parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "۱۴۰۳/۰۵/۲۳",
        "١٤٠٣-٥-٢٣",
        "1403/5/23",
        "1403/05/23",
        "1403-05-23",
        "1403.05.23",
        "۱۴۰۳٫۰۵٫۲۳",
        " 1403 / 5 / 23 ",
        "\u200f۱۴۰۳/۰۵/۲۳\u200e",
        "\u202b۱۴۰۳/۵/۲۳\u202c",
    ],
)
def test_parse_date_accepts_digit_sets_and_separators(text):
    assert parse_date(text) == date(2024, 8, 13)


@pytest.mark.parametrize(
    "text, reason, message",
    [
        ("1404/12/30", "day", "تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد؛ اسفند ۱۴۰۴ ۲۹ روز دارد."),
        ("1403/07/31", "day", "تاریخ ۱۴۰۳/۰۷/۳۱ وجود ندارد؛ مهر ۱۴۰۳ ۳۰ روز دارد."),
        ("1403/11/31", "day", "تاریخ ۱۴۰۳/۱۱/۳۱ وجود ندارد؛ بهمن ۱۴۰۳ ۳۰ روز دارد."),
        ("1403/05/00", "day", "تاریخ ۱۴۰۳/۰۵/۰۰ وجود ندارد؛ مرداد ۱۴۰۳ ۳۱ روز دارد."),
        ("1403/05/32", "day", "تاریخ ۱۴۰۳/۰۵/۳۲ وجود ندارد؛ مرداد ۱۴۰۳ ۳۱ روز دارد."),
        ("1403/13/01", "month", "ماه باید بین ۱ و ۱۲ باشد."),
        ("1403/00/10", "month", "ماه باید بین ۱ و ۱۲ باشد."),
        ("abc", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("1403/05", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("14030523x", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("14030523", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("03/05/23", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("23/05/1403", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("1403/05-23", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("1403/005/23", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("1403/05/23/1", "format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید."),
        ("", "empty", "تاریخ را وارد کنید."),
        ("   ", "empty", "تاریخ را وارد کنید."),
        (None, "empty", "تاریخ را وارد کنید."),
    ],
)
def test_parse_date_rejects_with_a_persian_message(text, reason, message):
    with pytest.raises(JalaliError) as info:
        parse_date(text)
    assert info.value.reason == reason
    assert info.value.message == message
    assert_persian_message(info.value)


@pytest.mark.parametrize("text", ["1299/12/29", "1501/01/01", "2024/05/01", "0000/01/01"])
def test_parse_date_rejects_years_out_of_range(text):
    with pytest.raises(JalaliError) as info:
        parse_date(text)
    assert info.value.reason == "year"
    assert_persian_message(info.value)


@pytest.mark.parametrize("text", ["1300/01/01", "1500/12/29"])
def test_parse_date_accepts_the_edges_of_the_year_range(text):
    parse_date(text)


def test_jalali_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_date("abc")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("۰۹:۳۰", time(9, 30)),
        ("٩:٣٠", time(9, 30)),
        ("9", time(9, 0)),
        ("۹", time(9, 0)),
        ("21:05", time(21, 5)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 9 : 30 ", time(9, 30)),
        ("9.30", time(9, 30)),
        ("09:30:00", time(9, 30)),
        ("\u200f۱۸:۴۵", time(18, 45)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "9:60", "25", "abc", "9:5", "9:300", "9:30 pm", "9-30", "-1", "12:30:60"]
)
def test_parse_time_rejects(text):
    with pytest.raises(JalaliError) as info:
        parse_time(text)
    assert info.value.reason == "time"
    assert_persian_message(info.value)


@pytest.mark.parametrize("text", ["", " ", None])
def test_parse_time_empty(text):
    with pytest.raises(JalaliError) as info:
        parse_time(text)
    assert info.value.reason == "empty"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019-08-14", date(2019, 8, 14)),
        ("۲۰۱۹-۰۸-۱۴", date(2019, 8, 14)),
        (" 2024-02-29 ", date(2024, 2, 29)),
    ],
)
def test_gregorian_from_any(text, expected):
    assert gregorian_from_any(text) == expected


@pytest.mark.parametrize(
    "text", ["2023-02-29", "2019/08/14", "20190814", "2019-8-14", "1403-05-23x", "tomorrow"]
)
def test_gregorian_from_any_rejects(text):
    with pytest.raises(JalaliError) as info:
        gregorian_from_any(text)
    assert info.value.reason == "format"
    assert_persian_message(info.value)


# --- formatting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, style, expected",
    [
        (MORDAD_23_1398, "long", "چهارشنبه ۲۳ مرداد ۱۳۹۸"),
        (date(2019, 8, 15), "long", f"پنج{ZWNJ}شنبه ۲۴ مرداد ۱۳۹۸"),
        (MORDAD_23_1398, "medium", "۲۳ مرداد ۱۳۹۸"),
        (MORDAD_23_1398, "short", "۱۳۹۸/۰۵/۲۳"),
        (MORDAD_23_1398, "input", "1398/05/23"),
        (date(2025, 3, 20), "long", "پنج\u200cشنبه ۳۰ اسفند ۱۴۰۳"),
        (date(2024, 3, 20), "medium", "۱ فروردین ۱۴۰۳"),
        (date(2024, 3, 20), "short", "۱۴۰۳/۰۱/۰۱"),
    ],
)
def test_format_date(d, style, expected):
    assert format_date(d, style) == expected


def test_format_date_defaults_to_long():
    assert format_date(MORDAD_23_1398) == "چهارشنبه ۲۳ مرداد ۱۳۹۸"


def test_format_date_rejects_unknown_style():
    with pytest.raises(ValueError):
        format_date(MORDAD_23_1398, "fancy")


def test_formatting_ignores_the_jdatetime_locale():
    previous = jdatetime.get_locale()
    jdatetime.set_locale(jdatetime.FA_LOCALE if previous != jdatetime.FA_LOCALE else "en_US")
    try:
        assert format_date(MORDAD_23_1398) == "چهارشنبه ۲۳ مرداد ۱۳۹۸"
    finally:
        jdatetime.set_locale(previous)


@pytest.mark.parametrize(
    "t, expected",
    [(time(9, 30), "۰۹:۳۰"), (time(0, 0), "۰۰:۰۰"), (time(21, 5, 59), "۲۱:۰۵")],
)
def test_format_time(t, expected):
    assert format_time(t) == expected


@pytest.mark.parametrize(
    "instant, style, expected",
    [
        (datetime(2019, 8, 14, 5, 0, tzinfo=UTC), "long", "چهارشنبه ۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰"),
        (datetime(2019, 8, 14, 5, 0), "long", "چهارشنبه ۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰"),
        (datetime(2019, 8, 14, 5, 0, tzinfo=UTC), "medium", "۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰"),
        (datetime(2019, 8, 14, 5, 0, tzinfo=UTC), "short", "۱۳۹۸/۰۵/۲۳، ساعت ۰۹:۳۰"),
        (datetime(2019, 8, 14, 5, 0, tzinfo=UTC), "input", "1398/05/23 09:30"),
        # Crosses midnight in Tehran.
        (datetime(2019, 8, 13, 20, 0, tzinfo=UTC), "long", "چهارشنبه ۲۳ مرداد ۱۳۹۸، ساعت ۰۰:۳۰"),
        # Winter, +03:30.
        (datetime(2025, 1, 1, 6, 0, tzinfo=UTC), "medium", "۱۲ دی ۱۴۰۳، ساعت ۰۹:۳۰"),
    ],
)
def test_format_datetime(instant, style, expected):
    assert format_datetime(instant, style) == expected


@pytest.mark.parametrize("formatter", [format_date, format_time, format_datetime])
def test_formatters_turn_none_into_empty_text(formatter):
    assert formatter(None) == ""


@pytest.mark.parametrize(
    "jy, jm, expected",
    [(1398, 5, "مرداد ۱۳۹۸"), (1403, 1, "فروردین ۱۴۰۳"), (1404, 12, "اسفند ۱۴۰۴")],
)
def test_format_month(jy, jm, expected):
    assert format_month(jy, jm) == expected


def test_format_month_rejects_bad_month():
    with pytest.raises(JalaliError) as info:
        format_month(1403, 13)
    assert info.value.reason == "month"


# --- time zones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, t, offset",
    [
        (date(2021, 7, 1), time(9, 30), timedelta(hours=4, minutes=30)),
        (date(2021, 1, 1), time(9, 30), timedelta(hours=3, minutes=30)),
        (date(2023, 7, 1), time(9, 30), timedelta(hours=3, minutes=30)),
        (date(2024, 8, 13), time(9, 30), timedelta(hours=3, minutes=30)),
        # 2022, the last year with daylight saving time: it began at midnight
        # starting 22 March and ended at midnight starting 22 September.
        (date(2022, 3, 21), time(9, 30), timedelta(hours=3, minutes=30)),
        (date(2022, 3, 22), time(9, 30), timedelta(hours=4, minutes=30)),
        (date(2022, 7, 1), time(9, 30), timedelta(hours=4, minutes=30)),
        (date(2022, 9, 1), time(9, 30), timedelta(hours=4, minutes=30)),
        (date(2022, 9, 21), time(9, 30), timedelta(hours=4, minutes=30)),
        (date(2022, 9, 22), time(9, 30), timedelta(hours=3, minutes=30)),
        (date(2023, 3, 22), time(9, 30), timedelta(hours=3, minutes=30)),
    ],
)
def test_local_datetime_uses_the_zone_rules(d, t, offset):
    local = local_datetime(d, t)
    assert local.tzinfo is TEHRAN
    assert (local.date(), local.time()) == (d, t)
    assert local.utcoffset() == offset


@pytest.mark.parametrize(
    "jalali, expected_utc",
    [
        ((1405, 6, 5), datetime(2026, 8, 27, 6, 0, tzinfo=UTC)),
        ((1398, 5, 23), datetime(2019, 8, 14, 5, 0, tzinfo=UTC)),
    ],
)
def test_local_morning_in_utc(jalali, expected_utc):
    instant = to_utc(local_datetime(from_jalali(*jalali), time(9, 30)))
    assert instant == expected_utc
    assert instant.utcoffset() == timedelta(0)


def test_to_utc_and_to_tehran():
    instant = datetime(2019, 8, 14, 5, 0, tzinfo=UTC)
    local = to_tehran(instant)
    assert local.tzinfo is TEHRAN
    assert (local.hour, local.minute) == (9, 30)
    assert to_utc(local) == instant
    # Naive values are taken as UTC.
    assert to_tehran(datetime(2019, 8, 14, 5, 0)) == local
    assert to_utc(datetime(2019, 8, 14, 5, 0)) == instant


def test_utcnow_is_aware_utc():
    now = utcnow()
    assert now.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime(2019, 8, 13, 19, 29, tzinfo=UTC), date(2019, 8, 13)),
        (datetime(2019, 8, 13, 19, 30, tzinfo=UTC), date(2019, 8, 14)),
        (datetime(2025, 1, 1, 20, 29, tzinfo=UTC), date(2025, 1, 1)),
        (datetime(2025, 1, 1, 20, 30, tzinfo=UTC), date(2025, 1, 2)),
    ],
)
def test_today_is_the_date_in_tehran(now, expected):
    assert today(now) == expected


def test_today_defaults_to_now():
    assert today() in {(utcnow() + timedelta(hours=h)).date() for h in (3, 4, 5)}


# --- month grid -----------------------------------------------------------------------


def test_month_weeks_mordad_1398():
    weeks = month_weeks(1398, 5)
    # 1 Mordad 1398 was Tuesday 23 July 2019: the fourth column of a Saturday-first week.
    first_week = [date(2019, 7, 23) + timedelta(days=i) for i in range(4)]
    assert weeks[0] == [None, None, None] + first_week
    assert all(len(week) == 7 for week in weeks)
    days = [d for week in weeks for d in week if d is not None]
    assert len(days) == 31
    assert days[22] == MORDAD_23_1398
    assert days[-1] == date(2019, 8, 22)  # 31 Mordad, a Thursday
    assert weeks[-1] == [date(2019, 8, 17) + timedelta(days=i) for i in range(6)] + [None]
    assert len(weeks) == 5


@pytest.mark.parametrize("jy, jm", [(1403, 1), (1403, 7), (1403, 12), (1404, 12), (1402, 10)])
def test_month_weeks_columns_are_weekdays(jy, jm):
    weeks = month_weeks(jy, jm)
    for week in weeks:
        for column, d in enumerate(week):
            if d is not None:
                assert WEEKDAY_NAMES[d.weekday()] == WEEK_START_NAMES[column]
    days = [d for week in weeks for d in week if d is not None]
    assert len(days) == month_length(jy, jm)
    assert days[0] == from_jalali(jy, jm, 1)
    assert all(b - a == timedelta(days=1) for a, b in zip(days, days[1:]))
    assert weeks[0][0] is not None or weeks[0][-1] is not None
    assert any(d is not None for d in weeks[-1])
