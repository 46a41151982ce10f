"""One Dagster asset per source: load the new landing files into the source's raw table.

The sources' assets are one step (a multi-asset), so that their loads can run side by side.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection

from pipelines.asset_keys import WAREHOUSE_BUILD_KEY
from pipelines.ingest.loader import (
    SourceLoadSummary,
    landing_files,
    load_source,
    prepare_tables,
)
from pipelines.ingest.side_by_side import Loaded, SourceLoadFailed, load_side_by_side
from pipelines.ingest.sources import SourceSpec
from pipelines.ingest.unclaimed import UnclaimedFile, unclaimed_files
from pipelines.settings import Settings
from pipelines.sql_helpers import fetch_scalar

INGEST_STEP = "raw_sources"
LOAD_SECONDS = "load_seconds"  # a source's own time in the step (pipelines/run_progress.py)
SourceSummaryAndRows = tuple[SourceLoadSummary, int]  # the load, and the raw table's rows after it


def raw_asset_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_{source}")


def unclaimed_by_owner(
    sources: tuple[SourceSpec, ...], landing_dir: Path, ready_marker: str = ""
) -> dict[str, list[UnclaimedFile]]:
    """The landing files no source reads, by the source whose asset records them (one owner
    each); listed once for the run's sources."""
    claimed = [path for source in sources for path in landing_files(source, landing_dir)]
    by_owner: dict[str, list[UnclaimedFile]] = {}
    for unclaimed in unclaimed_files(landing_dir, sources, claimed, ready_marker):
        by_owner.setdefault(unclaimed.owner, []).append(unclaimed)
    return by_owner


def _raw_spec(spec: SourceSpec) -> dg.AssetSpec:
    return dg.AssetSpec(
        raw_asset_key(spec.name),
        deps=[WAREHOUSE_BUILD_KEY],
        group_name="ingest",
        kinds={"duckdb"},
        description=f"{spec.description} Lands in `{spec.table}` with file and row lineage.",
    )


def _log_files(context: dg.AssetExecutionContext, summary: SourceLoadSummary) -> None:
    name = summary.source
    for file, reason in summary.files_rejected.items():
        context.log.error(f"{name}: file {file} rejected: {reason}")
    for file in summary.files_deferred:
        context.log.warning(
            f"{name}: file {file} is still being written; it will be retried next run"
        )
    for file, reason in summary.files_ignored.items():
        context.log.warning(f"{name}: file {file} ignored: {reason}")
    for file, note in summary.files_resent.items():
        context.log.warning(f"{name}: file {file} {note}")


def _materialization(
    spec: SourceSpec, loaded: Loaded[SourceSummaryAndRows]
) -> dg.MaterializeResult:
    summary, total_rows = loaded.result
    return dg.MaterializeResult(
        asset_key=raw_asset_key(spec.name),
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
            "dagster/row_count": total_rows,
            LOAD_SECONDS: round(loaded.seconds, 2),
        },
    )


def build_raw_assets(sources: tuple[SourceSpec, ...]) -> dg.AssetsDefinition:
    """One step loads every selected source, `PORTFOLIO_INGEST_THREADS` side by side
    (side_by_side.py); each source is still its own asset with its own materialization."""
    by_key = {raw_asset_key(spec.name): spec for spec in sources}

    @dg.multi_asset(
        name=INGEST_STEP,
        specs=[_raw_spec(spec) for spec in sources],
        can_subset=True,
        description="Load each source's new landing files into its raw table.",
    )
    def _raw_assets(
        context: dg.AssetExecutionContext,
        duckdb: DuckDBResource,
        settings: dg.ResourceParam[Settings],
    ) -> Iterator[dg.MaterializeResult]:
        selected = [spec for key, spec in by_key.items() if key in context.selected_asset_keys]
        unclaimed = unclaimed_by_owner(sources, settings.landing_dir, settings.landing_ready_marker)

        def load(con: DuckDBPyConnection, spec: SourceSpec) -> SourceSummaryAndRows:
            summary = load_source(
                con,
                spec,
                settings.landing_dir,
                run_id=context.run_id,
                settle_seconds=settings.landing_settle_seconds,
                ready_marker=settings.landing_ready_marker,
                ignored=unclaimed.get(spec.name, []),
                tables_ready=True,
            )
            return summary, int(fetch_scalar(con, f"select count(*) from {spec.table}"))

        failure: SourceLoadFailed | None = None
        loaded: Mapping[str, Loaded[SourceSummaryAndRows]]
        with duckdb.get_connection() as con:
            prepare_tables(con, selected)
            try:
                loaded = load_side_by_side(
                    con,
                    selected,
                    load,
                    threads=settings.ingest_threads,
                    landing_dir=settings.landing_dir,
                )
            except SourceLoadFailed as failed:  # what loaded is in the build copy: say so, fail
                failure, loaded = failed, failed.loaded
        for spec in selected:
            if spec.name in loaded:
                _log_files(context, loaded[spec.name].result[0])
                yield _materialization(spec, loaded[spec.name])
        if failure is not None:
            raise failure

    return _raw_assets
