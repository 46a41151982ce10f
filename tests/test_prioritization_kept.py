"""A run whose prioritisation inputs equal the last run's keeps its marts instead of solving again
(pipelines/prioritization/kept_result.py), and one whose inputs differ solves them anew."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.prioritization import assets, optimizer
from pipelines.prioritization.kept_result import RECORD_TABLE, inputs_fingerprint
from pipelines.prioritization.mart_names import TABLES
from pipelines.sql_helpers import missing_columns
from pipelines.transform.kept_events import KEPT_FROM_RUN
from tests.test_prioritization_asset import build_warehouse, materialize_prioritization


def _marts(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in TABLES
        }


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    (event,) = result.get_asset_materialization_events()
    return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}


def _no_solving(*args: object, **kwargs: object) -> None:
    raise AssertionError("the prioritisation was solved although its inputs had not changed")


def test_unchanged_inputs_keep_the_marts_and_changed_ones_solve_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    first = materialize_prioritization(path)
    assert KEPT_FROM_RUN not in _metadata(first)
    solved = _marts(path)

    with monkeypatch.context() as patched:
        patched.setattr(assets, "prioritise", _no_solving)
        again = materialize_prioritization(path)
    assert _metadata(again)[KEPT_FROM_RUN] == first.run_id
    assert _marts(path) == solved
    # the kept run reports what the solving one did (the UI's metadata, the infeasible warning)
    assert {k: v for k, v in _metadata(again).items() if k != KEPT_FROM_RUN} == _metadata(first)
    assert "must_fund_list" in str(_metadata(first)["infeasible_scenarios"])

    # PRJ-0003 is now worth more to the business: every score and selection may move.
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update marts.dim_projects set business_value_score = 5 where project_id = 'PRJ-0003'"
        )
    changed = materialize_prioritization(path)
    assert KEPT_FROM_RUN not in _metadata(changed)
    assert _marts(path) != solved
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(f"select run_id from {RECORD_TABLE}").fetchall() == [(changed.run_id,)]


def test_changed_settings_solve_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frontier's points are a setting in prioritization/run_settings: fewer points, another
    frontier."""
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    materialize_prioritization(path)
    sensitivity, frontier = assets.load_run_settings(assets.CONFIG_DIR)
    fewer = replace(frontier, points=5)
    monkeypatch.setattr(assets, "load_run_settings", lambda _: (sensitivity, fewer))
    again = materialize_prioritization(path)
    assert KEPT_FROM_RUN not in _metadata(again)
    assert _metadata(again)["rows_fct_prioritization_frontier"] == 5 * 2


def test_a_solve_its_time_limit_stopped_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A selection a limit stopped depends on how far the solver got: the next run solves again."""
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    solve = optimizer.milp

    def stopped(*args: object, **kwargs: object) -> object:
        result = solve(*args, **kwargs)
        result.status = 1  # scipy's "Iteration or time limit reached", with the best found
        return result

    with monkeypatch.context() as patched:
        patched.setattr(optimizer, "milp", stopped)
        first = materialize_prioritization(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert missing_columns(con, {RECORD_TABLE: ()}) == {RECORD_TABLE: None}  # no record
    again = materialize_prioritization(path)
    assert KEPT_FROM_RUN not in _metadata(again)
    assert first.success and again.success


def test_no_candidates_drops_the_marts_and_the_record(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    materialize_prioritization(path)
    with duckdb.connect(str(path)) as con:
        con.execute("delete from marts.dim_projects")
    materialize_prioritization(path)
    with duckdb.connect(str(path), read_only=True) as con:
        left = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like 'fct_prioritization%' or table_name = 'prioritization_inputs'"
        ).fetchall()
    assert left == []


def test_a_missing_mart_is_solved_again(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    materialize_prioritization(path)
    with duckdb.connect(str(path)) as con:
        con.execute(f"drop table marts.{TABLES[2]}")
    again = materialize_prioritization(path)
    assert KEPT_FROM_RUN not in _metadata(again)
    assert set(_marts(path)) == set(TABLES)


_FINGERPRINT = """
import duckdb, sys
from pipelines.prioritization.config import (
    CONFIG_DIR, load_run_settings, load_scenarios, load_scoring_models)
from pipelines.prioritization.inputs import read_inputs
from pipelines.prioritization.kept_result import inputs_fingerprint
with duckdb.connect(sys.argv[1], read_only=True) as con:
    inputs = read_inputs(con)
print(inputs_fingerprint(inputs, load_scoring_models(CONFIG_DIR), load_scenarios(CONFIG_DIR),
                         *load_run_settings(CONFIG_DIR)))
"""


def test_the_fingerprint_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Sets and mappings are spelled in sorted order: a string's hash, and so a set's order,
    differs between interpreters (PYTHONHASHSEED)."""
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    prints = {
        subprocess.run(
            [sys.executable, "-c", _FINGERPRINT, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(prints) == 1
    assert len(next(iter(prints))) == 64


def test_the_fingerprint_follows_every_part() -> None:
    base = inputs_fingerprint({"b": frozenset({"x", "y"}), "a": (1, 2.5)}, "settings")
    assert base == inputs_fingerprint({"a": (1, 2.5), "b": frozenset({"y", "x"})}, "settings")
    assert base != inputs_fingerprint({"b": frozenset({"x"}), "a": (1, 2.5)}, "settings")
    assert base != inputs_fingerprint({"b": frozenset({"x", "y"}), "a": (1, 2.50001)}, "settings")
    assert base != inputs_fingerprint({"b": frozenset({"x", "y"}), "a": (1, 2.5)}, "other")
