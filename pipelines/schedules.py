"""When the pipeline runs: the whole refresh every Monday morning in the office's time zone."""

from __future__ import annotations

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
