"""Calendar arithmetic on plain integers: week and month indices, fiscal years, the run's window.

The simulation thinks in whole weeks (timesheets are weekly, extracts are weekly) and whole months
(the ledger closes monthly), so dates are turned into integer indices once and compared cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_of(day: date) -> int:
    """Index of the Monday-to-Sunday week holding `day` (0001-01-01 is a Monday, week 0)."""
    return (day.toordinal() - 1) // 7


def monday_of(week: int) -> date:
    return date.fromordinal(week * 7 + 1)


def month_of(day: date) -> int:
    """Months since year 0, so consecutive months are consecutive integers."""
    return day.year * 12 + day.month - 1


def month_start(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def month_end(month: int) -> date:
    return month_start(month + 1) - timedelta(days=1)


def month_days(month: int) -> int:
    return (month_start(month + 1) - month_start(month)).days


def period_label(month: int) -> str:
    """`2026-04`: the ledger's and treasury's period format."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_header(month: int) -> str:
    """`Apr-2026`: finance's column header format."""
    return f"{_MONTH_ABBR[month % 12]}-{month // 12:04d}"


def to_business_day(day: date) -> date:
    """Plans and postings fall on weekdays: move a Saturday or Sunday to the next Monday."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def fiscal_year_of(day: date, start_month: int) -> int:
    """Fiscal years are named after the calendar year they start in (docs/exports.md)."""
    return day.year if day.month >= start_month else day.year - 1


def fiscal_months(fiscal_year: int, start_month: int) -> list[int]:
    first = fiscal_year * 12 + start_month - 1
    return list(range(first, first + 12))


def days_overlap(start: date, end: date, month: int) -> int:
    """Days of [start, end] (inclusive) that fall in `month`."""
    lo = max(start, month_start(month))
    hi = min(end, month_end(month))
    return max(0, (hi - lo).days + 1)


@dataclass(frozen=True)
class Window:
    """The history a run covers, derived once from the as-of date and the number of weeks.

    Extracts are dated on the `weeks` Mondays ending at the as-of date; timesheets cover the `weeks`
    full weeks before it (the week that starts on the as-of date is still being filled in); the
    ledger sends the months that had closed by the as-of date and overlap the timesheet history.
    """

    as_of: date
    weeks: int
    fiscal_year_start_month: int

    @property
    def as_of_week(self) -> int:
        return week_of(self.as_of)

    @property
    def extract_weeks(self) -> range:
        return range(self.as_of_week - self.weeks + 1, self.as_of_week + 1)

    @property
    def timesheet_weeks(self) -> range:
        return range(self.as_of_week - self.weeks, self.as_of_week)

    @property
    def first_timesheet_day(self) -> date:
        return monday_of(self.timesheet_weeks[0])

    @property
    def gl_months(self) -> range:
        first = month_of(self.first_timesheet_day)
        last = month_of(self.as_of) - 1  # the as-of month is still open
        return range(first, max(first, last + 1))

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_of(self.as_of, self.fiscal_year_start_month)

    @property
    def fiscal_months(self) -> list[int]:
        return fiscal_months(self.fiscal_year, self.fiscal_year_start_month)

    @property
    def completed_quarters(self) -> int:
        """Fiscal quarters of the current year that ended before the as-of date."""
        done_months = month_of(self.as_of) - self.fiscal_months[0]
        return done_months // 3
