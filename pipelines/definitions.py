"""The one Dagster entry point: ingest → quality → transform → report, a weekly schedule."""

from __future__ import annotations

import dagster as dg

from pipelines.ingest.assets import raw_assets
from pipelines.prioritization.assets import portfolio_prioritization
from pipelines.publish.assets import published_warehouse, warehouse_build
from pipelines.publish.sensors import discard_unpublished_build
from pipelines.quality.assets import gate_assets
from pipelines.report.assets import portfolio_report
from pipelines.resources import build_resources
from pipelines.schedules import build_weekly_schedule, weekly_portfolio_refresh
from pipelines.settings import Settings, load_settings
from pipelines.transform.assets import portfolio_dbt_models


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Build from settings read now, so a test can point a run at a temporary warehouse."""
    settings = settings or load_settings()
    return dg.Definitions(
        assets=[
            warehouse_build,
            *raw_assets,
            *gate_assets,
            portfolio_dbt_models,
            portfolio_prioritization,
            portfolio_report,
            published_warehouse,
        ],
        jobs=[weekly_portfolio_refresh],
        schedules=[build_weekly_schedule(settings.schedule_timezone)],
        sensors=[discard_unpublished_build],
        resources=build_resources(settings),
        # One process: the multiprocess executor costs ~2 s a step here and DuckDB has one writer.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
