"""The incremental person-days equal a full rebuild, whatever changed.

int_employee_days_expanded is incremental on DuckDB by person and ISO week: a weekly run
recomputes only the weeks whose inputs (the person's rate periods, their entries of the week, the
calendar's days of the week) changed. Each test changes the raw tables of a copy of the session's
published warehouse the way a run's loads, quarantine or HR extract would, builds the model
incrementally, and compares every row, every column, with a full rebuild of the same data.
"""

from __future__ import annotations

from datetime import date, timedelta
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

_NAME = "int_employee_days_expanded"
_MODEL = f"intermediate.{_NAME}"


def _row_ids(warehouse: Path) -> dict[tuple[str, object], int]:
    """Each person-day's physical row: a row recomputed is deleted and inserted, a new rowid."""
    with duckdb.connect(str(warehouse)) as con:  # dbt, in this process, holds it read-write
        found = con.execute(f"select employee_id, date_day, rowid from {_MODEL}").fetchall()
    return {(employee, day): rowid for employee, day, rowid in found}


def _last_week(con: duckdb.DuckDBPyConnection) -> date:
    (week,) = con.execute(
        "select max(date_trunc('week', work_date))::date from raw.timesheets"
    ).fetchall()[0]
    return week  # type: ignore[no-any-return]


def _logged_hours(warehouse: Path, week: date) -> float:
    with duckdb.connect(str(warehouse)) as con:  # dbt, in this process, holds it read-write
        (hours,) = con.execute(
            f"select coalesce(sum(logged_hours), 0) from {_MODEL} where iso_week_start_date = $1",
            [week],
        ).fetchall()[0]
    return float(hours)


def test_an_incremental_build_equals_a_full_rebuild_after_every_kind_of_change(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    incremental = copy_warehouse(demo_run, tmp_path / "incremental" / "portfolio.duckdb")
    before = rows(incremental, _MODEL)
    with duckdb.connect(str(incremental)) as con:
        add_week(con)  # the new week, and the timesheet window moving with it
        resend_file_without_one_entry(con)  # an old week re-sent: an entry gone, one doubled
        people = [
            employee
            for (employee,) in con.execute(
                "select distinct employee_id from raw.resources order by employee_id limit 4"
            ).fetchall()
        ]
        first_day = con.execute("select min(work_date) from raw.timesheets").fetchall()[0][0]
        # HR: one person moves team at a lower FTE; one leaves (the weeks after keep only what
        # was booked); one's rows are gone (booked time with no period); one gets a one-week
        # period inside their open one, another team's (overlapping: the later start wins)
        con.execute(
            "update raw.resources set team = 'Moved team', fte = 0.6 where employee_id = $1",
            [people[0]],
        )
        con.execute(
            "update raw.resources set active_to = $2::date + 20 where employee_id = $1",
            [people[1], first_day],
        )
        con.execute("delete from raw.resources where employee_id = $1", [people[2]])
        con.execute(
            """
            insert into raw.resources
            select * replace (
                'Secondment' as team, $2::date + 28 as active_from, $2::date + 34 as active_to,
                source_row + 100000 as source_row
            )
            from raw.resources where employee_id = $1 and active_to is null
            """,
            [people[3], first_day],
        )
        # the company adds a public holiday on a Wednesday of the third week
        con.execute(
            "insert into seeds.public_holidays by name "
            "select $1::date + 16 - isodow($1::date + 16)::integer + 3 as holiday_date, "
            "'Company day' as holiday_name",
            [first_day],
        )
        # a row of a leave entry removed from raw, as quarantining it does
        con.execute(
            "delete from raw.timesheets where entry_id = (select min(entry_id) "
            "from raw.timesheets where time_category = 'Leave')"
        )
        # an entry of a middle week restated with an hour more in a later extract of another
        # file: the week's count of entries stays, its hours do not
        con.execute(
            """
            insert into raw.timesheets
            select
                entry_id, employee_id, work_date, project_id, time_category, hours + 1, comment,
                'timesheets/restated.csv', 'hash-restated', 1, extract_date + 30,
                loaded_at + interval 7 day
            from raw.timesheets
            where entry_id = (
                select max(entry_id) from raw.timesheets
                where time_category = 'Project' and work_date = (
                    select min(work_date) + 14 from raw.timesheets
                )
            )
            """
        )
    full = full_rebuild_beside(incremental, tmp_path, _NAME)

    build(incremental, tmp_path / "incremental", _NAME)

    after = rows(incremental, _MODEL)
    assert after == rows(full, _MODEL)
    assert after != before, "nothing changed: the test changed nothing the model reads"


def test_a_new_week_recomputes_only_the_weeks_it_touches(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    warehouse = copy_warehouse(demo_run, tmp_path / "run" / "moved.duckdb")
    before = _row_ids(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        add_week(con)
        new_week = _last_week(con)
    assert _logged_hours(warehouse, new_week) == 0  # nothing booked there before this run
    # every week but the new one and the one before it (which left the timesheet window's edge)
    touched = {new_week, new_week - timedelta(days=7)}
    untouched = {
        key: rowid
        for key, rowid in before.items()
        if key[1] - timedelta(days=key[1].weekday()) not in touched
    }

    build(warehouse, tmp_path / "run", _NAME)

    after = _row_ids(warehouse)
    # the new week was recomputed: its days now hold the hours booked in it
    assert _logged_hours(warehouse, new_week) > 0
    # every person-day of another week kept its physical row: neither deleted nor re-inserted
    assert {key: after.get(key) for key in untouched} == untouched
    assert len(untouched) > 0.8 * len(before)


def test_a_table_built_before_the_checksum_is_recomputed_in_full(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    # the first run after an upgrade finds the table as the previous version built it
    incremental = copy_warehouse(demo_run, tmp_path / "incremental" / "portfolio.duckdb")
    with duckdb.connect(str(incremental)) as con:
        for column in ("inputs_checksum", "is_deleted"):
            con.execute(f"alter table {_MODEL} drop column {column}")
        con.execute(f"update {_MODEL} set logged_hours = -1")  # what the old version left
        add_week(con)
    full = full_rebuild_beside(incremental, tmp_path, _NAME)

    build(incremental, tmp_path / "incremental", _NAME)

    assert rows(incremental, _MODEL) == rows(full, _MODEL)
