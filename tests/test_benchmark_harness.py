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
from benchmarks.rebuild_check import differing_marts
from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = pytest.mark.integration


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


def test_the_rebuild_check_names_a_mart_that_differs_and_only_it(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    same, changed = tmp_path / "same.duckdb", tmp_path / "changed.duckdb"
    shutil.copy(demo_run[0].warehouse, same)
    shutil.copy(demo_run[0].warehouse, changed)
    with duckdb.connect(str(changed)) as con:
        con.execute(
            "update marts.fct_project_costs set labour_cost = labour_cost + 0.01 "
            "where rowid = (select min(rowid) from marts.fct_project_costs)"
        )

    assert differing_marts(same, demo_run[0].warehouse) == []
    assert differing_marts(changed, demo_run[0].warehouse) == ["fct_project_costs"]
