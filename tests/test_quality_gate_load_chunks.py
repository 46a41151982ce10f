"""The gate's chunks of whole loads (pipelines/quality/load_chunks.py) find what one chunk finds.

When every load fits in a chunk, the gate reads chunks of whole loads straight from the raw table
instead of staging and sorting a copy. These tests hold that this is used only when exact, that it
finds the same failures with the same counts and lines as validating everything at once, that an
incremental run still checks only the new loads, and that a derived column failing on the data
fails the rules instead of letting them pass.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.quality import validate_source
from pipelines.quality.checked_loads import record_checked_loads, suite_fingerprint
from pipelines.quality.load_chunks import LoadChunks, plan_load_chunks
from pipelines.quality.outcome import ValidationOutcome
from pipelines.quality.suites import load_suite
from pipelines.quality.warehouse import table_columns
from tests.test_quality_gate import build_raw, create_timesheets, failure, timesheet_rows

ROWS_PER_LOAD = 60
# Two loads do not fit in 100 rows, so whole loads make one chunk each; the hash partition of
# the general path would make two chunks of the same rows.
CHUNK_ROWS = 100


def _file(week: int) -> str:
    return f"timesheets/timesheets_2026-11-{week:02d}.csv"


def _add_load(con: duckdb.DuckDBPyConnection, week: int) -> None:
    """Another week's file with the first load's entries (a key repeats only across loads)."""
    con.execute(
        "INSERT INTO raw.timesheets SELECT * REPLACE (? AS source_file, ? AS source_file_hash) "
        "FROM raw.timesheets WHERE source_file_hash = 'sha256-demo' ORDER BY source_row",
        [_file(week), f"sha256-week-{week}"],
    )


def _three_loads(con: duckdb.DuckDBPyConnection) -> None:
    create_timesheets(con, timesheet_rows(ROWS_PER_LOAD))
    _add_load(con, 16)
    _add_load(con, 23)


def _rule_counts(outcome: ValidationOutcome) -> dict[str, int]:
    return {f.rule: f.unexpected_count for f in outcome.failures}


def _plan(
    con: duckdb.DuckDBPyConnection, chunk_rows: int, suite_file: Path | None = None
) -> LoadChunks | None:
    suite = load_suite(suite_file or settings.EXPECTATIONS_DIR / "timesheets.json")
    columns = table_columns(con, "raw", "timesheets") or []
    fingerprint = suite_fingerprint(suite.digest, "USD")
    return plan_load_chunks(
        con, "timesheets", columns, suite.rules, suite.derived_columns, fingerprint, chunk_rows
    )


def test_chunks_of_whole_loads_find_what_one_chunk_finds(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        _three_loads(con)
        week_16, week_23 = "sha256-week-16", "sha256-week-23"
        # A repeated entry in the first load, 59 rows apart; a person-day of 30 hours in the
        # second (one entry: the window sums within its file); an unknown person in the third.
        con.execute(
            "UPDATE raw.timesheets SET entry_id = 'TS-000000' "
            "WHERE source_file_hash = 'sha256-demo' AND source_row = ?",
            [ROWS_PER_LOAD + 1],
        )
        con.execute(
            "UPDATE raw.timesheets SET hours = 30 WHERE source_file_hash = ? AND source_row = 9",
            [week_16],
        )
        con.execute(
            "UPDATE raw.timesheets SET employee_id = 'E404' "
            "WHERE source_file_hash = ? AND source_row = 14",
            [week_23],
        )
        plan = _plan(con, CHUNK_ROWS)
        whole = validate_source(con, "timesheets")
        by_load = validate_source(con, "timesheets", chunk_rows=CHUNK_ROWS)

    assert plan is not None and len(plan.groups) == 3
    assert whole.chunks == 1 and by_load.chunks == 3
    assert not by_load.success
    assert _rule_counts(by_load) == _rule_counts(whole)
    assert by_load.checked_loads == whole.checked_loads
    duplicate = failure(by_load, "entry_id unique within a load")
    assert duplicate.unexpected_count == 2
    assert sorted(row["source_row"] for row in duplicate.sample) == [2, ROWS_PER_LOAD + 1]
    assert {row["source_file"] for row in duplicate.sample} == {_file(9)}
    person_day = failure(by_load, "hours per person per day at most 24")
    assert {(row["source_file"], row["source_row"]) for row in person_day.sample} == {
        (_file(16), 9)
    }
    unknown = failure(by_load, "employee_id is a known employee")
    assert unknown.sample == [{"source_file": _file(23), "source_row": 14, "value": "E404"}]


def test_whole_loads_only_where_they_are_exact(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        _three_loads(con)
        fits = _plan(con, CHUNK_ROWS)
        one_chunk = _plan(con, 3 * ROWS_PER_LOAD)
        load_too_big = _plan(con, ROWS_PER_LOAD - 1)
        document = json.loads((settings.EXPECTATIONS_DIR / "timesheets.json").read_text())
        document["meta"]["derived_columns"]["person_day_hours"] = (
            "sum(r.hours) over (partition by r.employee_id, r.work_date)"
        )
        across_files = tmp_path / "timesheets.json"
        across_files.write_text(json.dumps(document))
        window_across_files = _plan(con, CHUNK_ROWS, across_files)
        across = validate_source(
            con, "timesheets", chunk_rows=CHUNK_ROWS, expectations_dir=tmp_path
        )

    assert fits is not None and [len(g) for g in fits.groups] == [1, 1, 1]
    assert one_chunk is None  # every row in one chunk: the general path
    assert load_too_big is None  # a load must not be split: its windows need all its rows
    assert window_across_files is None  # a window over all files needs every load at once
    assert across.chunks == 2 and across.success, across.message()


def test_an_incremental_run_checks_only_the_new_loads_by_load(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        create_timesheets(con, timesheet_rows(ROWS_PER_LOAD))
        first = validate_source(con, "timesheets", chunk_rows=CHUNK_ROWS)
        assert first.success and first.suite_fingerprint is not None
        record_checked_loads(
            con, "timesheets", first.suite_fingerprint, first.checked_loads, "run-1",
            datetime.now(),
        )  # fmt: skip
        _add_load(con, 16)
        _add_load(con, 23)
        con.execute(
            "UPDATE raw.timesheets SET hours = -5 "
            "WHERE source_file_hash = 'sha256-week-23' AND source_row = 7"
        )
        plan = _plan(con, CHUNK_ROWS)
        second = validate_source(con, "timesheets", chunk_rows=CHUNK_ROWS)

    assert plan is not None and plan.only_unchecked and len(plan.groups) == 2
    assert second.row_count == 2 * ROWS_PER_LOAD  # the first load is not read again
    assert [load[0] for load in second.checked_loads] == [_file(16), _file(23)]
    negative = failure(second, "hours not negative")
    assert negative.sample == [{"source_file": _file(23), "source_row": 7, "value": -5.0}]


def test_a_derived_column_the_data_breaks_is_checked_as_staging_checks_it(
    tmp_path: Path,
) -> None:
    # The query plans, so only reading a chunk finds the error: the source is then staged, which
    # leaves the derived columns out, fails the rules that read them and runs the others.
    document = json.loads((settings.EXPECTATIONS_DIR / "timesheets.json").read_text())
    derived = document["meta"]["derived_columns"]
    derived["person_day_hours"] += (
        " + case when r.source_file_hash = 'sha256-week-16' and r.source_row = 5 "
        "then error('a value this derived column cannot take') else 0 end"
    )
    (tmp_path / "timesheets.json").write_text(json.dumps(document))
    with build_raw(tmp_path / "w.duckdb") as con:
        _three_loads(con)
        con.execute(
            "UPDATE raw.timesheets SET hours = -5 "
            "WHERE source_file_hash = 'sha256-week-23' AND source_row = 7"
        )
        plan = _plan(con, CHUNK_ROWS, tmp_path / "timesheets.json")
        outcome = validate_source(
            con, "timesheets", chunk_rows=CHUNK_ROWS, expectations_dir=tmp_path
        )

    assert plan is not None  # the window still partitions by the file first
    assert not outcome.success
    assert outcome.chunks == 2  # staged: 180 rows in hash partitions of at most 100
    person_day = failure(outcome, "hours per person per day at most 24")
    assert person_day.errored
    assert "a value this derived column cannot take" in person_day.message()
    assert (
        "a value this derived column cannot take"
        in failure(outcome, "derived columns computed").message()
    )
    negative = failure(outcome, "hours not negative")  # a rule on raw columns still ran
    assert not negative.errored
    assert negative.sample == [{"source_file": _file(23), "source_row": 7, "value": -5.0}]


def test_loads_share_a_chunk_while_they_fit(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        _three_loads(con)
        plan = _plan(con, 2 * ROWS_PER_LOAD + 10)
        outcome = validate_source(con, "timesheets", chunk_rows=2 * ROWS_PER_LOAD + 10)

    assert plan is not None and [len(group) for group in plan.groups] == [2, 1]
    assert outcome.chunks == 2 and outcome.success, outcome.message()
    assert outcome.row_count == 3 * ROWS_PER_LOAD


def test_no_whole_loads_for_a_key_across_loads_or_a_row_without_a_load(tmp_path: Path) -> None:
    document = json.loads((settings.EXPECTATIONS_DIR / "timesheets.json").read_text())
    for expectation in document["expectations"]:
        if expectation["type"] == "expect_compound_columns_to_be_unique":
            expectation["kwargs"]["column_list"] = ["entry_id", "source_file"]
    (tmp_path / "timesheets.json").write_text(json.dumps(document))
    with build_raw(tmp_path / "w.duckdb") as con:
        _three_loads(con)
        key_across_loads = _plan(con, CHUNK_ROWS, tmp_path / "timesheets.json")
        con.execute(
            "UPDATE raw.timesheets SET source_file_hash = NULL "
            "WHERE source_file_hash = 'sha256-week-23' AND source_row = 3"
        )
        row_without_load = _plan(con, CHUNK_ROWS)
        outcome = validate_source(con, "timesheets", chunk_rows=CHUNK_ROWS)

    assert key_across_loads is None  # two loads of one file name may share a chunk or not
    assert row_without_load is None  # `IN (hashes)` would never read it
    nameless = failure(outcome, "source_file_hash not null")
    assert nameless.unexpected_count == 1
