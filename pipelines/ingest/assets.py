"""One Dagster asset per source: load the new landing files into the source's raw table."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.asset_keys import WAREHOUSE_BUILD_KEY
from pipelines.ingest.loader import landing_files, load_source
from pipelines.ingest.sources import SourceSpec
from pipelines.ingest.unclaimed import UnclaimedFile, unclaimed_files
from pipelines.settings import Settings
from pipelines.sql_helpers import fetch_scalar


def raw_asset_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_{source}")


def _unclaimed_of(
    spec: SourceSpec, sources: tuple[SourceSpec, ...], landing_dir: Path, ready_marker: str = ""
) -> list[UnclaimedFile]:
    """The landing files no source reads that this source's asset records (each has one owner)."""
    claimed = [path for source in sources for path in landing_files(source, landing_dir)]
    unclaimed = unclaimed_files(landing_dir, sources, claimed, ready_marker)
    return [f for f in unclaimed if f.owner == spec.name]


def _build_raw_asset(spec: SourceSpec, sources: tuple[SourceSpec, ...]) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(spec.name),
        deps=[WAREHOUSE_BUILD_KEY],
        group_name="ingest",
        kinds={"duckdb"},
        description=f"{spec.description} Lands in `{spec.table}` with file and row lineage.",
    )
    def _raw_asset(
        context: dg.AssetExecutionContext,
        duckdb: DuckDBResource,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            summary = load_source(
                con,
                spec,
                settings.landing_dir,
                run_id=context.run_id,
                settle_seconds=settings.landing_settle_seconds,
                ready_marker=settings.landing_ready_marker,
                ignored=_unclaimed_of(
                    spec, sources, settings.landing_dir, settings.landing_ready_marker
                ),
            )
            total_rows = fetch_scalar(con, f"select count(*) from {spec.table}")
        for name, reason in summary.files_rejected.items():
            context.log.error(f"{spec.name}: file {name} rejected: {reason}")
        for name in summary.files_deferred:
            context.log.warning(
                f"{spec.name}: file {name} is still being written; it will be retried next run"
            )
        for name, reason in summary.files_ignored.items():
            context.log.warning(f"{spec.name}: file {name} ignored: {reason}")
        for name, note in summary.files_resent.items():
            context.log.warning(f"{spec.name}: file {name} {note}")
        return dg.MaterializeResult(
            metadata={
                "files_loaded": len(summary.files_loaded),
                "files_duplicate": dg.MetadataValue.json(summary.files_duplicate),
                "files_rejected": dg.MetadataValue.json(summary.files_rejected),
                "files_deferred": dg.MetadataValue.json(summary.files_deferred),
                "files_ignored": dg.MetadataValue.json(summary.files_ignored),
                "files_resent": dg.MetadataValue.json(summary.files_resent),
                "files_already_loaded": summary.files_already_seen,
                "rows_loaded": summary.rows_loaded,
                "rows_quarantined": summary.rows_quarantined,
                "failing_cells": summary.failing_cells,
                "dagster/row_count": int(total_rows),
            }
        )

    return _raw_asset


def build_raw_assets(sources: tuple[SourceSpec, ...]) -> list[dg.AssetsDefinition]:
    return [_build_raw_asset(spec, sources) for spec in sources]
