"""Iran's official holidays, solar and lunar, from the maintained ``holidays`` package (its
lunar dates are the official Iranian ones where published and estimated beyond), and Fridays.

Scheduling on one of these days is allowed: the organizer is warned, not refused.
"""
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays as holiday_data

from ..jalali import format_date

FRIDAY = 4  # date.weekday()


@lru_cache(maxsize=128)
def _year(year: int) -> dict[date, tuple[str, ...]]:
    found = holiday_data.Iran(years=year, language="fa_IR")
    return {day: tuple(n.strip() for n in names.split(";")) for day, names in found.items()}


def official(day: date) -> tuple[str, ...]:
    """The names of the official holidays on ``day`` (none on a working day)."""
    return _year(day.year).get(day, ())


def between(first: date, last: date) -> dict[date, tuple[str, ...]]:
    """Official holidays from ``first`` to ``last``, inclusive."""
    out = {}
    for year in range(first.year, last.year + 1):
        out.update({d: n for d, n in _year(year).items() if first <= d <= last})
    return dict(sorted(out.items()))


@dataclass
class DayOff:
    """A warning: an event day falls on a Friday or an official holiday."""

    day: date
    names: tuple[str, ...]

    @property
    def message(self) -> str:
        what = "، ".join(self.names) if self.names else "جمعه"
        if self.names and self.day.weekday() == FRIDAY:
            what = f"جمعه و {what}"
        return (f"{format_date(self.day, 'long')} تعطیل رسمی است ({what})؛ "
                "بسیاری از سمن‌ها و ادارات آن روز نمی‌آیند.")


def days_off(days) -> list[DayOff]:
    """The given dates that fall on a Friday or an official holiday."""
    out = []
    for day in sorted(set(days)):
        names = official(day)
        if names or day.weekday() == FRIDAY:
            out.append(DayOff(day, names))
    return out
