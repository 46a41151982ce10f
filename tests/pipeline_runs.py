"""Run the weekly job in-process against a temporary landing folder, warehouse and report folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.demo.config import DemoConfig
from pipelines.schedules import WEEKLY_JOB_NAME
from pipelines.settings import load_settings

# Small enough for a fast test run, large enough to close a GL month and change statuses.
SMALL_DEMO = DemoConfig(projects=12, employees=25, weeks=5)


@dataclass(frozen=True)
class RunPaths:
    landing: Path
    warehouse: Path
    reports: Path


def make_paths(root: Path) -> RunPaths:
    return RunPaths(root / "landing", root / "warehouse" / "portfolio.duckdb", root / "reports")


@contextmanager
def pointed_at(paths: RunPaths) -> Iterator[None]:
    """Set the PORTFOLIO_* variables for Dagster and the dbt subprocess, then restore them."""
    wanted = {
        "PORTFOLIO_LANDING_DIR": str(paths.landing),
        "PORTFOLIO_WAREHOUSE": str(paths.warehouse),
        "PORTFOLIO_REPORTS_DIR": str(paths.reports),
    }
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_weekly_job(paths: RunPaths) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import build_definitions
    from pipelines.publish.cleanup import discard_failed_run

    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with pointed_at(paths):
        job = build_definitions(load_settings()).resolve_job_def(WEEKLY_JOB_NAME)
        result = job.execute_in_process(raise_on_error=False)
    if not result.success:  # what the CLI (or, for daemon runs, the failure sensor) does next
        discard_failed_run(paths.warehouse, paths.reports, run_id=result.run_id)
    return result


def mart_snapshot(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every mart's full contents, in a stable order, to compare two runs."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}


def run_ingest_and_gate(paths: RunPaths) -> dg.ExecuteInProcessResult:
    """Only the first half of a run: build copy, ingest and quality gate (no dbt, no publish).

    What the gate did is then in the build file (`build_path(paths.warehouse)`).
    """
    from pipelines.definitions import build_definitions

    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with pointed_at(paths):
        defs = build_definitions(load_settings())
        job = defs.resolve_job_def(WEEKLY_JOB_NAME)
        keys = [
            key
            for key in defs.resolve_asset_graph().get_all_asset_keys()
            if key.to_user_string() == "warehouse_build"
            or key.to_user_string().startswith(("raw_", "validated_"))
        ]
        return job.execute_in_process(raise_on_error=False, asset_selection=keys)
