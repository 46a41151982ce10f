"""The benchmark harness's smoke run (issue 16): the floor (bare DuckDB SQL) and the peer
(pandas) compute the same figures as the pipeline's marts, on the landing files of the session's
published run, and the check that says so can fail; so can the check that an incremental run's
marts equal a full rebuild's. No timing is asserted: the figures are benchmarks/' job
(docs/benchmarks.md).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from benchmarks.compare import differences, mart_figures
from benchmarks.figures import read_figures
from benchmarks.floor import floor_figures
from benchmarks.measure import run_measured
from benchmarks.peer import peer_figures
from benchmarks.rebuild_check import differing_models
from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = pytest.mark.integration

_MANIFEST = Path(__file__).resolve().parent.parent / "dbt_project" / "target" / "manifest.json"


@pytest.fixture(scope="module")
def marts(demo_run: tuple[RunPaths, RunOutcome]) -> dict[str, pd.DataFrame]:
    paths, outcome = demo_run
    assert outcome.success
    return mart_figures(paths.warehouse)


def test_the_floor_in_its_own_process_computes_the_marts_figures(
    demo_run: tuple[RunPaths, RunOutcome], marts: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    # as the harness runs it: a child process, measured, its figures passed as files
    command = [sys.executable, "-m", "benchmarks.floor", str(demo_run[0].landing)]
    measured = run_measured([*command, "--out", str(tmp_path / "floor")], tmp_path / "floor.log")
    assert measured.returncode == 0, (tmp_path / "floor.log").read_text()
    assert measured.max_single_process_mb > 0
    assert differences(marts, read_figures(tmp_path / "floor"), "floor") == []


def test_the_peer_computes_the_marts_figures(
    demo_run: tuple[RunPaths, RunOutcome], marts: dict[str, pd.DataFrame]
) -> None:
    assert differences(marts, peer_figures(demo_run[0].landing), "peer") == []


def test_a_wrong_figure_or_a_missing_row_is_reported(
    demo_run: tuple[RunPaths, RunOutcome], marts: dict[str, pd.DataFrame]
) -> None:
    figures = floor_figures(demo_run[0].landing)
    cost = figures["project_cost"]
    busiest = cost["labour_cost_to_date"].astype(float).idxmax()
    cost.loc[busiest, "labour_cost_to_date"] = float(cost.loc[busiest, "labour_cost_to_date"]) + 1
    hours = figures["team_hours"]
    figures["team_hours"] = hours.drop(hours["actual_project_hours"].astype(float).idxmax())

    problems = differences(marts, figures, "floor")

    assert any(line.startswith("floor project_cost:") for line in problems)
    assert any(line.startswith("floor team_hours:") for line in problems)
    assert not any(line.startswith("floor earned_value:") for line in problems)


def test_the_rebuild_check_names_each_model_that_differs_and_no_other(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    published = demo_run[0].warehouse
    same, changed = tmp_path / "same.duckdb", tmp_path / "changed.duckdb"
    shutil.copy(published, same)
    shutil.copy(published, changed)
    with duckdb.connect(str(changed)) as con:
        for table, column in (
            ("marts.fct_project_costs", "labour_cost"),
            ("intermediate.int_timesheet_entries_costed", "labour_cost"),
        ):
            con.execute(
                f"update {table} set {column} = {column} + 0.01 "
                f"where rowid = (select min(rowid) from {table})"
            )
        # a sum of doubles in another order: the last bit, not a different figure
        con.execute(
            "update marts.dim_projects "
            "set budget_at_completion_local = budget_at_completion_local * (1 + 1e-15)"
        )

    assert differing_models(same, published, _MANIFEST) == []
    # the mart view over the costed entries shows the changed entry too
    assert differing_models(changed, published, _MANIFEST) == [
        "intermediate.int_timesheet_entries_costed",
        "marts.fct_project_costs",
        "marts.fct_timesheet_entries",
    ]
