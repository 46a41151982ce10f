"""Changes a weekly run makes to the raw tables, and the rows of an incremental model, for the
tests that hold an incremental build equal to a full rebuild (tests/test_incremental_*.py).

Each test copies the session's published demo warehouse, changes its raw tables the way a run's
loads, quarantine or HR extract would, builds the model incrementally and again from scratch, and
compares every row.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb

from tests.dbt_builds import run_dbt
from tests.pipeline_runs import RunOutcome, RunPaths


def copy_warehouse(demo_run: tuple[RunPaths, RunOutcome], target: Path) -> Path:
    paths, outcome = demo_run
    assert outcome.success, "the session's demo run failed; nothing to copy"
    target.parent.mkdir(parents=True)
    shutil.copy(paths.warehouse, target)
    return target


def build(warehouse: Path, work_dir: Path, model: str, *args: str) -> None:
    """`dbt run` of the model and everything upstream of it (some are tables: a change in the
    raw tables must reach them)."""
    result = run_dbt("run", warehouse, work_dir, "--select", f"+{model}", *args)
    assert result.success, result.exception or [r.message for r in result.result or []]


def full_rebuild_beside(incremental: Path, tmp_path: Path, model: str) -> Path:
    """A copy of `incremental` (before its incremental build) with `model` built from scratch."""
    full = tmp_path / "full" / "portfolio.duckdb"
    full.parent.mkdir()
    shutil.copy(incremental, full)
    build(full, tmp_path / "full", model, "--full-refresh")
    return full


def rows(warehouse: Path, relation: str) -> Counter[tuple[object, ...]]:
    """Every row of `relation` (schema.table), counted (a duplicated row is a difference too),
    its columns in name order (a column an upgrade added back comes last in the table)."""
    with duckdb.connect(str(warehouse)) as con:  # dbt, in this process, holds it read-write
        schema, table = relation.split(".")
        columns = [
            f'"{name}"'
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = $1 and table_name = $2 order by column_name",
                [schema, table],
            ).fetchall()
        ]
        return Counter(con.execute(f"select {', '.join(columns)} from {relation}").fetchall())


def add_week(con: duckdb.DuckDBPyConnection) -> int:
    """A new week file: the latest week's rows a week later, under new entry ids."""
    con.execute(
        """
        insert into raw.timesheets
        select
            'NEW-' || entry_id, employee_id, work_date + 7, project_id, time_category, hours,
            comment, 'timesheets/timesheets_next_week.csv', 'hash-next-week', source_row,
            extract_date + 7, loaded_at + interval 7 day
        from raw.timesheets
        where source_file = (select max(source_file) from raw.timesheets)
        """
    )
    return int(
        con.execute(
            "select count(*) from raw.timesheets "
            "where source_file = 'timesheets/timesheets_next_week.csv'"
        ).fetchall()[0][0]
    )


def resend_file_without_one_entry(con: duckdb.DuckDBPyConnection) -> tuple[str, str, float]:
    """The oldest week re-sent corrected: its first entry gone, its second one's hours doubled."""
    source_file = con.execute("select min(source_file) from raw.timesheets").fetchall()[0][0]
    (dropped,), (changed,) = con.execute(
        "select entry_id from raw.timesheets where source_file = $1 order by entry_id limit 2",
        [source_file],
    ).fetchall()
    con.execute(
        """
        insert into raw.timesheets
        select
            entry_id, employee_id, work_date, project_id, time_category,
            case when entry_id = $3 then hours * 2 else hours end, comment, source_file,
            'hash-resent', source_row, extract_date, loaded_at + interval 7 day
        from raw.timesheets
        where source_file = $1 and entry_id != $2
        """,
        [source_file, dropped, changed],
    )
    hours = con.execute(
        "select hours from raw.timesheets where entry_id = $1 and source_file_hash = 'hash-resent'",
        [changed],
    ).fetchall()[0][0]
    return dropped, changed, float(hours)
