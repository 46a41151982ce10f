"""The monthly finance-close schedule: its cron and time zone, and the business day it runs on."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.schedules import (
    MONTHLY_CLOSE_SCHEDULE_NAME,
    build_monthly_close_schedule,
    business_day_of_month,
)
from pipelines.settings import Settings, SettingsError


def test_the_close_schedule_takes_its_time_zone_and_day_from_settings() -> None:
    settings = Settings(schedule_timezone="America/New_York", close_business_day=5)
    defs = build_definitions(settings)
    [schedule] = [s for s in defs.schedules or [] if s.name == MONTHLY_CLOSE_SCHEDULE_NAME]
    assert schedule.cron_schedule == "0 7 * * 1-5"
    assert schedule.execution_timezone == "America/New_York"
    assert "business day 5" in (schedule.description or "")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 1), 1),
        (date(2026, 12, 3), 3),
        (date(2026, 12, 7), 5),
        (date(2026, 11, 1), None),
    ],
)
def test_business_days_count_weekdays(day: date, expected: int | None) -> None:
    assert business_day_of_month(day) == expected


@pytest.mark.parametrize(
    ("day", "runs"),
    [
        (date(2026, 11, 4), True),  # Nov 2026 starts on a Sunday: Mon 2, Tue 3, Wed 4
        (date(2026, 11, 3), False),
        (date(2026, 11, 5), False),
    ],
)
def test_it_runs_only_on_the_close_business_day(day: date, runs: bool) -> None:
    schedule = build_monthly_close_schedule("Europe/London", 3)
    when = datetime(day.year, day.month, day.day, 7, tzinfo=ZoneInfo("Europe/London"))
    context = dg.build_schedule_context(scheduled_execution_time=when)
    result = schedule.evaluate_tick(context)
    assert bool(result.run_requests) is runs
    if runs:
        assert result.run_requests[0].run_key == "close-2026-11"  # type: ignore[index]


def test_a_close_day_out_of_range_is_refused() -> None:
    with pytest.raises(SettingsError, match="PORTFOLIO_CLOSE_BUSINESS_DAY"):
        Settings.from_env({"PORTFOLIO_CLOSE_BUSINESS_DAY": "0"})
