"""Freshness as Dagster asset checks: one per raw source, a warning (never blocks the run).

A stale source still publishes (last week's figures are better than none, and the page says how
old they are); the failed check shows in the UI and in `portfolio status`, and the quality page
lists it.
"""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.ingest.assets import raw_asset_key
from pipelines.ingest.spec import SourceSpec
from pipelines.ingest.warehouse_tables import ensure_audit_tables
from pipelines.operate.freshness import (
    assess_freshness,
    newest_extracts,
    record_freshness,
    source_cadences,
)
from pipelines.settings import Settings

FRESHNESS_CHECK_NAME = "source_is_fresh"
FRESHNESS_STEP = "source_freshness"


def build_freshness_checks(sources: tuple[SourceSpec, ...]) -> dg.AssetChecksDefinition:
    by_key = {raw_asset_key(spec.name): spec for spec in sources}

    @dg.multi_asset_check(
        name=FRESHNESS_STEP,
        specs=[
            dg.AssetCheckSpec(
                FRESHNESS_CHECK_NAME,
                asset=key,
                description="The newest extract is within the source's expected cadence.",
            )
            for key in by_key
        ],
        can_subset=True,
    )
    def _freshness(
        context: dg.AssetCheckExecutionContext,
        duckdb: DuckDBResource,
        settings: dg.ResourceParam[Settings],
    ) -> Iterator[dg.AssetCheckResult]:
        cadences = source_cadences(settings.freshness_weekly_days, settings.freshness_monthly_days)
        today = datetime.now(ZoneInfo(settings.schedule_timezone)).date()
        selected = [by_key[check.asset_key] for check in context.selected_asset_check_keys]
        with duckdb.get_connection() as con:
            ensure_audit_tables(con)
            verdicts = assess_freshness(
                [(spec.name, settings.requires(spec.profile)) for spec in selected],
                newest_extracts(con),
                cadences,
                today,
            )
            record_freshness(con, verdicts, context.run.run_id)
        for verdict in verdicts:
            yield dg.AssetCheckResult(
                asset_key=raw_asset_key(verdict.source),
                check_name=FRESHNESS_CHECK_NAME,
                passed=verdict.passed,
                severity=dg.AssetCheckSeverity.WARN,
                description=verdict.message(),
                metadata={
                    "status": verdict.status,
                    "newest_extract": str(verdict.newest_extract or ""),
                    "age_days": verdict.age_days if verdict.age_days is not None else -1,
                },
            )

    return _freshness
