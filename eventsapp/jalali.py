"""The Jalali (Solar Hijri) calendar and Asia/Tehran time.

The only module that converts between calendars. Dates are stored and passed
around as Gregorian :class:`datetime.date` objects; this module parses what
people type (Persian, Arabic-Indic or Latin digits) and formats dates with
Persian digits and names. Names come from the constants below, never from
jdatetime's locale, which is per thread.

Instants are aware datetimes in UTC; a naive datetime given to a function here
is taken to be UTC (SQLite hands aware values back naive). Local wall-clock
times are Asia/Tehran through zoneinfo: Iran kept daylight saving time until
September 2022, so the offset is not always +03:30.

The ``format_*`` functions turn None into "" so they can serve as template
filters directly.
"""

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

import jdatetime

from .persian import format_number, normalize_text, to_latin_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = dt.timezone.utc

MIN_YEAR = 1300
MAX_YEAR = 1500

MONTH_NAMES = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
# Saturday first, as Iranian calendars are laid out.
WEEK_START_NAMES = (
    "شنبه",
    "یکشنبه",
    "دوشنبه",
    "سه\u200cشنبه",
    "چهارشنبه",
    "پنج\u200cشنبه",
    "جمعه",
)
# Indexed by date.weekday(): Monday = 0 … Sunday = 6.
WEEKDAY_NAMES = WEEK_START_NAMES[2:] + WEEK_START_NAMES[:2]

DATE_STYLES = ("long", "medium", "short", "input")

_DATE_RE = re.compile(r"([0-9]+)\s*([/.\-])\s*([0-9]+)\s*\2\s*([0-9]+)", re.ASCII)
_TIME_RE = re.compile(r"([0-9]{1,2})(?:\s*[:.]\s*([0-9]{2})(?:\s*:\s*([0-9]{2}))?)?", re.ASCII)
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class JalaliError(ValueError):
    """Input that is not a valid date or time.

    ``reason`` is one of "empty", "format", "year", "month", "day", "time";
    ``message`` is a Persian sentence to show the person who typed it.
    """

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self):
        return self.message


def _fa(n, width=1):
    """An integer in Persian digits, zero-padded to ``width``."""
    return to_persian_digits(f"{n:0{width}d}")


def _fa_ymd(jy, jm, jd):
    return f"{_fa(jy, 4)}/{_fa(jm, 2)}/{_fa(jd, 2)}"


# --- calendar arithmetic ---------------------------------------------------


def is_leap(jy):
    """Whether Jalali year ``jy`` has 366 days (Esfand has 30 days)."""
    return jdatetime.date(jy, 1, 1).isleap()


def month_length(jy, jm):
    """Days in Jalali month ``jm`` of year ``jy``: 31, 30, or 29/30 for Esfand."""
    _check_month(jm)
    if jm <= 6:
        return 31
    if jm <= 11:
        return 30
    return 30 if is_leap(jy) else 29


def _check_month(jm):
    if not 1 <= jm <= 12:
        raise JalaliError("month", "ماه باید بین ۱ و ۱۲ باشد.")


def from_jalali(jy, jm, jd):
    """The Gregorian date of Jalali ``jy/jm/jd``; JalaliError if there is none."""
    if not jdatetime.MINYEAR <= jy <= jdatetime.MAXYEAR:
        raise JalaliError("year", f"سال {_fa(jy)} پشتیبانی نمی‌شود.")
    length = month_length(jy, jm)
    if not 1 <= jd <= length:
        raise JalaliError(
            "day",
            f"تاریخ {_fa_ymd(jy, jm, jd)} وجود ندارد؛ "
            f"{MONTH_NAMES[jm - 1]} {_fa(jy)} {_fa(length)} روز دارد.",
        )
    return jdatetime.date(jy, jm, jd).togregorian()


def to_jalali(d):
    """A jdatetime.date for ``d``; a datetime is first taken to Tehran time."""
    if isinstance(d, dt.datetime):
        d = to_tehran(d).date()
    return jdatetime.date.fromgregorian(date=d)


def add_months(jy, jm, n):
    """The (year, month) ``n`` months after (or before, if negative) jy/jm."""
    y, m = divmod(jy * 12 + jm - 1 + n, 12)
    return y, m + 1


def month_weeks(jy, jm):
    """The weeks of a Jalali month as rows of 7 Gregorian dates, Saturday first.

    Cells before the first and after the last day of the month are None.
    """
    first = from_jalali(jy, jm, 1)
    lead = (first.weekday() - 5) % 7  # Saturday is weekday() 5
    cells = [None] * lead
    cells += [first + dt.timedelta(days=i) for i in range(month_length(jy, jm))]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


# --- parsing ------------------------------------------------------------------


def parse_date(text):
    """Parse a Jalali date typed by a person into a Gregorian date.

    Accepts year/month/day with a 4-digit year, "/", "-" or "." between the
    parts, in any of the three digit sets, with or without leading zeros.
    """
    text = normalize_text(text)
    if not text:
        raise JalaliError("empty", "تاریخ را وارد کنید.")
    match = _DATE_RE.fullmatch(text)
    if not match or len(match[1]) != 4 or len(match[3]) > 2 or len(match[4]) > 2:
        raise JalaliError("format", "تاریخ را به شکل ۱۴۰۳/۰۵/۲۳ وارد کنید.")
    jy, jm, jd = int(match[1]), int(match[3]), int(match[4])
    if not MIN_YEAR <= jy <= MAX_YEAR:
        raise JalaliError(
            "year",
            f"سال {_fa(jy)} پذیرفته نیست؛ تاریخ را شمسی و با سالی "
            f"بین {_fa(MIN_YEAR)} و {_fa(MAX_YEAR)} وارد کنید.",
        )
    return from_jalali(jy, jm, jd)


def parse_time(text):
    """Parse a time of day such as "9:30", "۰۹:۳۰" or "9" (→ 09:00)."""
    text = normalize_text(text)
    if not text:
        raise JalaliError("empty", "ساعت را وارد کنید.")
    match = _TIME_RE.fullmatch(text)
    if not match:
        raise JalaliError("time", "ساعت را به شکل ۰۹:۳۰ وارد کنید.")
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise JalaliError(
            "time",
            f"ساعت {_fa(hour, 2)}:{_fa(minute, 2)} وجود ندارد؛ "
            "ساعت باید بین ۰۰:۰۰ و ۲۳:۵۹ باشد.",
        )
    return dt.time(hour, minute, second)


def gregorian_from_any(text):
    """Parse an ISO Gregorian date "YYYY-MM-DD" (as the API takes them)."""
    text = to_latin_digits(normalize_text(text))
    if not text:
        raise JalaliError("empty", "تاریخ را وارد کنید.")
    try:
        if _ISO_DATE_RE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise JalaliError("format", "تاریخ میلادی را به شکل ۲۰۱۹-۰۸-۱۴ وارد کنید.")


# --- formatting -----------------------------------------------------------------


def format_date(d, style="long"):
    """A date (or an instant, in Tehran) in Jalali.

    long «چهارشنبه ۲۳ مرداد ۱۳۹۸», medium «۲۳ مرداد ۱۳۹۸», short «۱۳۹۸/۰۵/۲۳»,
    input "1398/05/23" (Latin digits, to prefill a form field).
    """
    if style not in DATE_STYLES:
        raise ValueError(f"unknown date style {style!r}")
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        d = to_tehran(d).date()
    return _format_day(d, style)


@lru_cache(maxsize=4096)
def _format_day(d, style):
    """``format_date`` of a calendar date: pure, so remembered (a feed or a door renders the
    same few days thousands of times)."""
    j = to_jalali(d)
    if style == "input":
        return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    if style == "short":
        return _fa_ymd(j.year, j.month, j.day)
    medium = f"{_fa(j.day)} {MONTH_NAMES[j.month - 1]} {_fa(j.year)}"
    if style == "medium":
        return medium
    return f"{WEEKDAY_NAMES[j.togregorian().weekday()]} {medium}"


def format_time(t):
    """A time of day (or an instant, in Tehran) as «۰۹:۳۰»."""
    if t is None:
        return ""
    if isinstance(t, dt.datetime):
        t = to_tehran(t).time()
    return _fa(t.hour, 2) + ":" + _fa(t.minute, 2)


def format_datetime(value, style="long"):
    """An instant in Tehran time: «چهارشنبه ۲۳ مرداد ۱۳۹۸، ساعت ۰۹:۳۰».

    A naive value is taken to be UTC. Style "input" gives "1398/05/23 09:30".
    """
    if style not in DATE_STYLES:
        raise ValueError(f"unknown date style {style!r}")
    if value is None:
        return ""
    local = to_tehran(value)
    if style == "input":
        return f"{format_date(local, 'input')} {local:%H:%M}"
    return f"{format_date(local, style)}، ساعت {format_time(local)}"


def format_month(jy, jm):
    """A Jalali month and year: «مرداد ۱۳۹۸»."""
    _check_month(jm)
    return f"{MONTH_NAMES[jm - 1]} {_fa(jy)}"


# --- time zones ---------------------------------------------------------------


def utcnow():
    """The current instant, aware, in UTC."""
    return dt.datetime.now(UTC)


def _aware(value):
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value


def to_utc(value):
    """An instant in UTC (a naive value is taken to be UTC already)."""
    return _aware(value).astimezone(UTC)


def to_tehran(value):
    """An instant in Asia/Tehran time (a naive value is taken to be UTC)."""
    return _aware(value).astimezone(TEHRAN)


def iso_instant(instant) -> str | None:
    """An instant as ISO 8601 in Tehran time, to the second (what the API sends), or None."""
    return to_tehran(instant).isoformat(timespec="seconds") if instant else None


def local_datetime(d, t):
    """The aware Tehran datetime for local date ``d`` at wall-clock time ``t``.

    The offset comes from the zone data for that date (+04:30 in summers up to
    2022, +03:30 otherwise). Any tzinfo on ``t`` is ignored.
    """
    return dt.datetime.combine(d, t, tzinfo=TEHRAN)


def today(now=None):
    """Today's date in Tehran at instant ``now`` (default: the current time)."""
    return to_tehran(now or utcnow()).date()


def register_template_filters(app) -> None:
    """Template filters: ``jdate``, ``jdatetime``, ``jtime``, ``jday`` (day of the Jalali month),
    ``fa`` (digits), ``fa_num``."""
    app.add_template_filter(format_date, "jdate")
    app.add_template_filter(format_datetime, "jdatetime")
    app.add_template_filter(format_time, "jtime")
    app.add_template_filter(lambda d: to_persian_digits(to_jalali(d).day), "jday")
    app.add_template_filter(to_persian_digits, "fa")
    app.add_template_filter(format_number, "fa_num")
