"""A weekly run keeps the dbt models and tests whose inputs did not change, and still publishes
what a build of everything would (pipelines/transform/kept_nodes.py, kept_events.py); with
nothing new, the prioritisation's marts are kept too (pipelines/prioritization/kept_result.py).

Both runs start from a copy of the session's published demo run.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest

from pipelines.transform.assets import portfolio_dbt_models
from pipelines.transform.kept_events import DBT_UNIQUE_ID, KEPT_FROM_RUN
from pipelines.transform.project import dbt_project
from pipelines.transform.selection import load_manifest
from tests.dbt_builds import run_dbt
from tests.pipeline_runs import RunOutcome, RunPaths, mart_snapshot, run_weekly_job

DBT_ASSETS = {
    spec.key.to_user_string(): spec.metadata[DBT_UNIQUE_ID] for spec in portfolio_dbt_models.specs
}


def _kept_and_built(result: dg.ExecuteInProcessResult) -> tuple[dict[str, str], set[str]]:
    """The dbt assets this run kept (with the run that built them) and those it built."""
    kept: dict[str, str] = {}
    built: set[str] = set()
    for event in result.get_asset_materialization_events():
        key = event.asset_key.to_user_string()
        if key not in DBT_ASSETS:
            continue
        from_run = event.materialization.metadata.get(KEPT_FROM_RUN)
        if from_run is None:
            built.add(key)
        else:
            kept[key] = str(getattr(from_run, "value", from_run))
    return kept, built


def _checks_kept_on_built_models(result: dg.ExecuteInProcessResult, built: set[str]) -> list[str]:
    """Kept test results whose test reads a model this run built: each would be stale."""
    tests = {
        (spec.key.asset_key.to_user_string(), spec.key.name): spec.metadata[DBT_UNIQUE_ID]
        for spec in portfolio_dbt_models.check_specs
    }
    nodes = load_manifest(dbt_project.manifest_path)["nodes"]
    built_ids = {DBT_ASSETS[key] for key in built}
    return [
        evaluation.check_name
        for evaluation in result.get_asset_check_evaluations()
        if KEPT_FROM_RUN in evaluation.metadata
        and set(
            nodes[tests[(evaluation.asset_key.to_user_string(), evaluation.check_name)]][
                "depends_on"
            ]["nodes"]
        )
        & built_ids
    ]


def _downstream(source: str) -> set[str]:
    """The dbt assets that read `source`, directly or not."""
    children = load_manifest(dbt_project.manifest_path)["child_map"]
    found: set[str] = set()
    todo: list[str] = [source]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return {key for key, uid in DBT_ASSETS.items() if uid in found}


def _resend_with_a_forecast_moved(folder: Path) -> None:
    latest = max(folder.glob("milestones_*.csv"))
    with latest.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    open_milestone = next(row for row in rows if not row["Actual Date"])
    moved = date.fromisoformat(open_milestone["Forecast Date"]) + timedelta(days=14)
    open_milestone["Forecast Date"] = moved.isoformat()
    with latest.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _passed_dbt_checks(checks: Iterable[tuple[str, str, bool]]) -> set[tuple[str, str]]:
    return {(key, name) for key, name, passed in checks if passed and key in DBT_ASSETS}


@pytest.mark.slow
def test_a_run_with_nothing_new_keeps_every_model_and_test_and_publishes_the_same_marts(
    demo_run: tuple[RunPaths, RunOutcome], published_copy: RunPaths
) -> None:
    first = demo_run[1]
    before = mart_snapshot(published_copy.warehouse)

    result = run_weekly_job(published_copy)

    assert result.success
    kept, built = _kept_and_built(result)
    assert built == set()
    assert kept == dict.fromkeys(DBT_ASSETS, first.run_id)
    # the steps after dbt ran on the kept marts, and the tests that passed then are reported
    outcome = RunOutcome.of(result)
    assert {"portfolio_prioritization", "portfolio_report"} <= outcome.materialized
    # the prioritisation read the same inputs: its marts are kept, not solved again
    (prioritised,) = (
        e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "portfolio_prioritization"
    )
    assert getattr(prioritised[KEPT_FROM_RUN], "value", None) == first.run_id
    assert _passed_dbt_checks(outcome.checks) == _passed_dbt_checks(first.checks)
    assert all(
        KEPT_FROM_RUN in evaluation.metadata
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.asset_key.to_user_string() in DBT_ASSETS
    )
    assert mart_snapshot(published_copy.warehouse) == before


@pytest.mark.slow
def test_a_changed_source_rebuilds_what_reads_it_and_the_marts_equal_a_full_build(
    demo_run: tuple[RunPaths, RunOutcome], published_copy: RunPaths, tmp_path: Path
) -> None:
    # the latest milestones extract sent again, corrected: one open milestone's forecast moves
    _resend_with_a_forecast_moved(published_copy.landing / "milestones")

    result = run_weekly_job(published_copy)

    assert result.success
    kept, built = _kept_and_built(result)
    reads_milestones = _downstream("source.portfolio.raw.milestones")
    assert built == reads_milestones
    assert set(kept) == set(DBT_ASSETS) - reads_milestones
    assert "marts/fct_milestones" in built and "marts/fct_timesheet_entries" in kept
    outcome = RunOutcome.of(result)
    assert "published_warehouse" in outcome.materialized
    # every test ran or was kept, a test reading a kept and a rebuilt model (fct_milestones to
    # dim_projects) included, and none that reads a rebuilt model was kept
    assert _passed_dbt_checks(outcome.checks) == _passed_dbt_checks(demo_run[1].checks)
    assert _checks_kept_on_built_models(result, built) == []

    # every node built again from scratch on the same raw rows gives the same marts
    rebuilt = tmp_path / "rebuilt" / published_copy.warehouse.name
    rebuilt.parent.mkdir()
    shutil.copyfile(published_copy.warehouse, rebuilt)
    full = run_dbt(
        "build", rebuilt, tmp_path / "dbt", "--full-refresh", "--exclude-resource-type", "unit_test"
    )
    assert full.success, full.exception
    assert mart_snapshot(rebuilt, read_only=False) == mart_snapshot(published_copy.warehouse)
