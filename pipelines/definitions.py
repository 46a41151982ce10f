"""The one Dagster entry point: ingest → quality → transform → report, a weekly schedule.

`build_definitions(settings)` is what the CLI and the tests call with the `Settings` they built;
`defs` is what `dagster dev` and the daemon load (workspace.yaml), reading the environment only
when Dagster loads the code, not when this module is imported.
"""

from __future__ import annotations

import dagster as dg

from pipelines.ingest.assets import build_raw_assets
from pipelines.ingest.sources import all_sources
from pipelines.operate.alert_sensor import alert_on_run_failure
from pipelines.operate.freshness_checks import build_freshness_checks
from pipelines.operate.landing_sensor import new_landing_files
from pipelines.prioritization.assets import portfolio_prioritization
from pipelines.publish.assets import published_warehouse, warehouse_build
from pipelines.publish.sensors import discard_unpublished_build
from pipelines.quality.assets import build_gate_assets
from pipelines.report.assets import portfolio_report
from pipelines.resources import build_resources
from pipelines.schedules import (
    build_monthly_close_schedule,
    build_weekly_schedule,
    weekly_portfolio_refresh,
)
from pipelines.settings import Settings
from pipelines.transform.assets import portfolio_dbt_models


def build_definitions(settings: Settings) -> dg.Definitions:
    sources = all_sources(settings.profiles_dir)
    return dg.Definitions(
        assets=[
            warehouse_build,
            build_raw_assets(sources),
            *build_gate_assets(sources),
            portfolio_dbt_models,
            portfolio_prioritization,
            portfolio_report,
            published_warehouse,
        ],
        asset_checks=[build_freshness_checks(sources)],
        jobs=[weekly_portfolio_refresh],
        schedules=[
            build_weekly_schedule(settings.schedule_timezone),
            build_monthly_close_schedule(settings.schedule_timezone, settings.close_business_day),
        ],
        sensors=[discard_unpublished_build, alert_on_run_failure, new_landing_files],
        resources=build_resources(settings),
        # One process: the multiprocess executor costs ~2 s a step here and DuckDB has one writer.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """For `dagster dev` and the daemon: the deployment's settings from its environment."""
    return build_definitions(Settings.from_env())
