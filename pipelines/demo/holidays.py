"""The company's public holidays: the days every office closes, so nobody books time on them.

The demo's people work in the US, Canada, the UK and the EU, but HR's extract has no location, so
the pipeline (dbt seed `public_holidays`, generated from this module) and the demo share one
company calendar: the main US and UK holidays, moved to the nearest weekday when they fall on a
weekend (Saturday to the Friday before, Sunday to the Monday after; New Year's Day and Boxing Day
to the next free weekday), as most firms observe them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def _easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher")."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 = Monday) of the month; n = -1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _next_weekday(day: date) -> date:
    return day if day.weekday() < 5 else day + timedelta(days=7 - day.weekday())


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@cache
def public_holidays(year: int) -> dict[date, str]:
    """The observed public holidays of `year` (all on weekdays), by date."""
    christmas = _observed(date(year, 12, 25))
    boxing = _next_weekday(date(year, 12, 26))
    if boxing <= christmas:  # Christmas on a Sunday is observed on Monday 26th
        boxing = christmas + timedelta(days=1)
    holidays = {
        # never moved into the previous year: a weekend New Year's Day is taken the Monday after
        _next_weekday(date(year, 1, 1)): "New Year's Day",
        _easter_sunday(year) - timedelta(days=2): "Good Friday",
        _nth_weekday(year, 5, 0, -1): "Memorial Day / Spring bank holiday",
        _observed(date(year, 7, 4)): "Independence Day",
        _nth_weekday(year, 9, 0, 1): "Labor Day",
        _nth_weekday(year, 11, 3, 4): "Thanksgiving",
        christmas: "Christmas Day",
        boxing: "Boxing Day",
    }
    return dict(sorted(holidays.items()))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
