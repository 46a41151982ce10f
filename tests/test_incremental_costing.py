"""The incremental costing of timesheet entries equals a full rebuild, whatever changed.

int_timesheet_entries_costed is incremental on DuckDB: a weekly run costs only the entries whose
file, rate history or FX rate changed. Each test changes the raw tables of a copy of the session's
published warehouse the way a run's loads, quarantine, HR extract or FX file would, builds the
model incrementally, and compares it, column by column, with a full rebuild of the same data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.incremental_changes import (
    add_week,
    build,
    copy_warehouse,
    full_rebuild_beside,
    resend_file_without_one_entry,
    rows,
)
from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = pytest.mark.integration

_MODEL = "intermediate.int_timesheet_entries_costed"


def _build(warehouse: Path, work_dir: Path, *args: str) -> None:
    build(warehouse, work_dir, "int_timesheet_entries_costed", *args)


def _rows(warehouse: Path) -> Counter[tuple[object, ...]]:
    return rows(warehouse, _MODEL)


def _row_ids(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse)) as con:  # dbt, in this process, holds it read-write
        return dict(con.execute(f"select entry_id, rowid from {_MODEL}").fetchall())


def test_an_incremental_build_equals_a_full_rebuild_after_every_kind_of_change(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    incremental = copy_warehouse(demo_run, tmp_path / "incremental" / "portfolio.duckdb")
    with duckdb.connect(str(incremental)) as con:
        add_week(con)
        dropped, changed, doubled_hours = resend_file_without_one_entry(con)
        # an entry of an untouched week restated in a later extract of another file: it wins
        restated, restated_hours = con.execute(
            "select entry_id, hours + 1 from raw.timesheets where source_file = "
            "(select max(source_file) from raw.timesheets where source_file < "
            "(select max(source_file) from raw.timesheets)) order by entry_id limit 1"
        ).fetchall()[0]
        con.execute(
            """
            insert into raw.timesheets
            select
                entry_id, employee_id, work_date, project_id, time_category, hours + 1, comment,
                'timesheets/restated.csv', 'hash-restated', 1, extract_date + 30,
                loaded_at + interval 7 day
            from raw.timesheets
            where entry_id = $1
            """,
            [restated],
        )
        # a row of another old week quarantined out of raw (a suite changed and re-checked it)
        quarantined = con.execute(
            "select entry_id from raw.timesheets where source_file = (select min(source_file) "
            "from raw.timesheets where source_file > (select min(source_file) "
            "from raw.timesheets)) order by entry_id limit 1"
        ).fetchall()[0][0]
        con.execute("delete from raw.timesheets where entry_id = $1", [quarantined])
        # HR corrects one person's rate; finance restates one month's EUR rate
        employee = con.execute(
            "select employee_id from raw.timesheets where employee_id in "
            "(select employee_id from raw.resources) order by employee_id limit 1"
        ).fetchall()[0][0]
        con.execute(
            "update raw.resources set cost_rate = cost_rate + 7 where employee_id = $1",
            [employee],
        )
        restated_month = con.execute(
            f"select strftime(max(month_start_date), '%Y-%m') from {_MODEL} "
            "where cost_currency = 'EUR'"
        ).fetchall()[0][0]
        con.execute(
            "update raw.fx_rates set average_rate = average_rate * 1.01 "
            "where from_currency = 'EUR' and period = $1",
            [restated_month],
        )
    full = full_rebuild_beside(incremental, tmp_path, "int_timesheet_entries_costed")

    _build(incremental, tmp_path / "incremental")

    rows = _rows(incremental)
    assert rows == _rows(full)
    with duckdb.connect(str(incremental)) as con:
        entries = dict(con.execute(f"select entry_id, hours from {_MODEL}").fetchall())
    assert dropped not in entries, "the entry the re-sent file dropped is still costed"
    assert quarantined not in entries, "the quarantined entry is still costed"
    assert entries[changed] == doubled_hours
    assert entries[restated] == restated_hours
    assert any(entry.startswith("NEW-") for entry in entries)


def test_a_new_week_rewrites_only_its_own_entries_even_in_a_moved_warehouse(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    # another file name is another database name in the SQL dbt renders: still nothing to recost
    warehouse = copy_warehouse(demo_run, tmp_path / "run" / "moved.duckdb")
    before = _row_ids(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        added = add_week(con)

    _build(warehouse, tmp_path / "run")

    after = _row_ids(warehouse)
    new_entries = {entry for entry in after if entry.startswith("NEW-")}
    assert len(new_entries) == added > 0
    # every entry costed before kept its physical row: it was neither deleted nor re-inserted
    assert {entry: after[entry] for entry in before} == before


def test_a_table_built_before_the_state_columns_is_recosted_in_full(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    # the first run after an upgrade finds the table as the previous version built it
    incremental = copy_warehouse(demo_run, tmp_path / "incremental" / "portfolio.duckdb")
    with duckdb.connect(str(incremental)) as con:
        for column in ("source_file_rows", "source_file_checksum", "costing_logic_checksum"):
            con.execute(f"alter table {_MODEL} drop column {column}")
        con.execute(f"update {_MODEL} set labour_cost = -1")  # what the old version left
        add_week(con)
    full = full_rebuild_beside(incremental, tmp_path, "int_timesheet_entries_costed")

    _build(incremental, tmp_path / "incremental")

    assert _rows(incremental) == _rows(full)
