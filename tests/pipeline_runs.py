"""Run the weekly job in-process against a temporary landing folder, warehouse and report folder."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from pipelines.demo.config import DemoConfig
from pipelines.schedules import WEEKLY_JOB_NAME
from pipelines.settings import Settings

# Small enough for a fast test run, large enough to close a GL month and change statuses.
SMALL_DEMO = DemoConfig(projects=12, employees=25, weeks=5)


@dataclass(frozen=True)
class RunPaths:
    landing: Path
    warehouse: Path
    reports: Path


def make_paths(root: Path) -> RunPaths:
    return RunPaths(root / "landing", root / "warehouse" / "portfolio.duckdb", root / "reports")


def copy_run(source: RunPaths, target: RunPaths) -> RunPaths:
    """Copy a published run (landing, warehouse folder, reports) to `target`; returns it."""
    for folder, copy in (
        (source.landing, target.landing),
        (source.warehouse.parent, target.warehouse.parent),
        (source.reports, target.reports),
    ):
        shutil.copytree(folder, copy, symlinks=True)
    return target


def settings_for(paths: RunPaths, **changes: Any) -> Settings:
    """The settings of a test run: its own folders, no board pack (tests/test_board_pack.py prints
    one itself: ~2 s a page), and whatever the test changes."""
    base = Settings(
        landing_dir=paths.landing,
        warehouse_path=paths.warehouse,
        reports_dir=paths.reports,
        log_dir=paths.warehouse.parent / "logs",
        board_pack="off",
        landing_settle_seconds=0.0,  # the test wrote its files whole a moment ago
    )
    return base.with_changes(**changes)


def run_weekly_job(paths: RunPaths, **changes: Any) -> dg.ExecuteInProcessResult:
    """A whole run in this process, as the CLI does it (and its clean-up when it fails).

    `changes`: settings the test changes (`settings_for`), e.g. the dbt engine.
    """
    from pipelines.definitions import build_definitions
    from pipelines.publish.cleanup import discard_failed_run

    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    job = build_definitions(settings_for(paths, **changes)).resolve_job_def(WEEKLY_JOB_NAME)
    result = job.execute_in_process(raise_on_error=False)
    if not result.success:  # what the CLI (or, for daemon runs, the failure sensor) does next
        discard_failed_run(paths.warehouse, paths.reports, run_id=result.run_id)
    return result


@dataclass(frozen=True)
class RunOutcome:
    """What a test needs of a finished run, small enough to share between pytest-xdist workers."""

    success: bool
    run_id: str
    materialized: frozenset[str]  # asset keys, as user strings
    checks: tuple[tuple[str, str, bool], ...]  # (asset key, check name, passed)
    failures: tuple[str, ...]  # the failure events' messages
    report_metadata: tuple[str, ...] = ()  # the report asset's metadata keys, as the UI lists them

    @classmethod
    def of(cls, result: dg.ExecuteInProcessResult) -> RunOutcome:
        return cls(
            success=result.success,
            run_id=result.run_id,
            materialized=frozenset(
                e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
            ),
            checks=tuple(
                (c.asset_key.to_user_string(), c.check_name, c.passed)
                for c in result.get_asset_check_evaluations()
            ),
            failures=tuple(e.message or "" for e in result.all_events if e.is_failure),
            report_metadata=tuple(
                sorted(
                    key
                    for e in result.get_asset_materialization_events()
                    if e.asset_key.to_user_string() == "portfolio_report"
                    for key in e.materialization.metadata
                )
            ),
        )

    def to_json(self) -> str:
        record = asdict(self)
        record["materialized"] = sorted(self.materialized)
        return json.dumps(record)

    @classmethod
    def from_json(cls, text: str) -> RunOutcome:
        record = json.loads(text)
        return cls(
            success=record["success"],
            run_id=record["run_id"],
            materialized=frozenset(record["materialized"]),
            checks=tuple((key, name, passed) for key, name, passed in record["checks"]),
            failures=tuple(record["failures"]),
            report_metadata=tuple(record.get("report_metadata", ())),
        )


def query_rows(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    """The rows of one query on a warehouse, opened read-only (other tests may be reading it)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def mart_snapshot(warehouse: Path, read_only: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every mart's full contents, in a stable order, to compare two runs. `read_only=False` for a
    file dbt built in this process (its open connection is read-write, and DuckDB opens a file
    one way per process)."""
    with duckdb.connect(str(warehouse), read_only=read_only) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}


def run_ingest_and_gate(
    paths: RunPaths, sources: tuple[str, ...] = ()
) -> dg.ExecuteInProcessResult:
    """Only the first half of a run: build copy, ingest and quality gate (no dbt, no publish).

    `sources`: gate only these (and what their gates read: the sources their cross-source rules
    check, and the build copy); default every source. What the gate did is then in the build
    file (`build_path(paths.warehouse)`).
    """
    from pipelines.definitions import build_definitions

    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    defs = build_definitions(settings_for(paths))
    job = defs.resolve_job_def(WEEKLY_JOB_NAME)
    graph = defs.resolve_asset_graph()
    if sources:
        gates = [dg.AssetKey(f"validated_{source}") for source in sources]
        keys = list(dg.AssetSelection.assets(*gates).upstream().resolve(graph))
    else:
        keys = [
            key
            for key in graph.get_all_asset_keys()
            if key.to_user_string() == "warehouse_build"
            or key.to_user_string().startswith(("raw_", "validated_"))
        ]
    return job.execute_in_process(raise_on_error=False, asset_selection=keys)
