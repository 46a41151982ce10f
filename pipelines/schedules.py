"""When the pipeline runs: Monday mornings and the finance close, in the office's time zone."""

from __future__ import annotations

from datetime import date

import dagster as dg

WEEKLY_JOB_NAME = "weekly_portfolio_refresh"

weekly_portfolio_refresh = dg.define_asset_job(
    name=WEEKLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Ingest every source, gate it, build the marts and publish the reports.",
)


def build_weekly_schedule(timezone: str) -> dg.ScheduleDefinition:
    # 06:00 on Mondays: the weekly extracts arrive over the weekend, reports are ready by 09:00.
    return dg.ScheduleDefinition(
        name="weekly_portfolio_refresh_monday_morning",
        job=weekly_portfolio_refresh,
        cron_schedule="0 6 * * 1",
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )


MONTHLY_CLOSE_SCHEDULE_NAME = "monthly_finance_close_refresh"
# Every weekday at 07:00; the schedule itself keeps only the close's business day. Cron cannot
# say "the 3rd business day", and a weekday-only cron keeps the skipped ticks few (about 20).
MONTHLY_CLOSE_CRON = "0 7 * * 1-5"


def business_day_of_month(day: date) -> int | None:
    """1 for the month's first Monday-Friday, 2 for the second...; None on a weekend.

    Public holidays are not known here: a close that moves for one is run by hand (`make run`).
    """
    if day.weekday() >= 5:
        return None
    return sum(1 for d in range(1, day.day + 1) if day.replace(day=d).weekday() < 5)


def build_monthly_close_schedule(timezone: str, business_day: int) -> dg.ScheduleDefinition:
    """The refresh on the finance close's business day, once the GL for the month has landed."""

    @dg.schedule(
        name=MONTHLY_CLOSE_SCHEDULE_NAME,
        job=weekly_portfolio_refresh,
        cron_schedule=MONTHLY_CLOSE_CRON,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"The whole refresh at 07:00 on business day {business_day} of each month "
        f"({timezone}), after the finance close.",
    )
    def _monthly_close(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        when = context.scheduled_execution_time
        today = when.date() if when is not None else date.today()
        if business_day_of_month(today) != business_day:
            return dg.SkipReason(f"{today} is not business day {business_day} of its month")
        return dg.RunRequest(run_key=f"close-{today:%Y-%m}", tags={"trigger": "finance-close"})

    return _monthly_close
