"""The gate checks each load once: a weekly run validates what it loaded, not all history.

Raw tables keep every extract; re-checking them all each week cost 570 s of a 900 s run at 10 M
timesheet rows. These tests pin the contract of checked_loads.py: the new load's rows are checked
(and a bad one still found), loads already let through are not checked again, a source with no
new load passes saying so, and a changed suite checks history again.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.quality import validate_source
from pipelines.quality.checked_loads import CHECKED_LOADS_TABLE, record_checked_loads
from pipelines.quality.outcome import ValidationOutcome
from pipelines.quality.staging import gate_relation, stage_gate_rows
from tests.test_quality_gate import TS_FILE, build_raw

NEXT_FILE = "timesheets/timesheets_2026-11-16.csv"


def _check_and_record(
    con: duckdb.DuckDBPyConnection, run_id: str, expectations: Path | None = None
) -> ValidationOutcome:
    """What the gate asset does for a source that passes: validate, then remember the loads."""
    outcome = validate_source(con, "timesheets", expectations_dir=expectations)
    assert outcome.suite_fingerprint is not None
    record_checked_loads(
        con, "timesheets", outcome.suite_fingerprint, outcome.checked_loads, run_id, datetime.now()
    )
    return outcome


def _add_load(con: duckdb.DuckDBPyConnection, hours: float) -> None:
    """A second week's file: two entries of E001 on a new day, the second with `hours`."""
    con.execute(
        "INSERT INTO raw.timesheets "
        "SELECT * REPLACE ('TS-9' || source_row AS entry_id, 'E001' AS employee_id, "
        "DATE '2026-11-16' AS work_date, ? AS source_file, 'sha256-next' AS source_file_hash, "
        "DATE '2026-11-16' AS extract_date, CASE WHEN source_row = 3 THEN ? ELSE 1 END AS hours) "
        "FROM raw.timesheets WHERE source_row IN (2, 3)",
        [NEXT_FILE, hours],
    )


def test_a_new_load_is_checked_alone_and_a_bad_row_in_it_is_still_found(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        first = _check_and_record(con, "run-1")
        history = con.execute("SELECT count(*) FROM raw.timesheets").fetchone()
        assert first.success and (first.row_count,) == history
        assert [load[:2] for load in first.checked_loads] == [(TS_FILE, "sha256-demo")]

        _add_load(con, hours=-5)
        second = validate_source(con, "timesheets")

    assert second.row_count == 2  # the new file's rows, not the history
    assert [load[:2] for load in second.checked_loads] == [(NEXT_FILE, "sha256-next")]
    assert not second.success
    bad = [f for f in second.failures if f.rule == "hours not negative"]
    assert bad and bad[0].unexpected_count == 1
    assert f"{NEXT_FILE} line 3" in bad[0].message()


def test_a_source_with_no_new_load_passes_saying_nothing_new_was_checked(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        first = _check_and_record(con, "run-1")
        again = validate_source(con, "timesheets")
        recorded = con.execute(f"SELECT count(*) FROM {CHECKED_LOADS_TABLE}").fetchone()

    assert again.success and again.up_to_date
    assert again.evaluated_expectations == 0 and again.row_count == 0
    assert again.already_checked_rows == first.row_count
    assert "no new load to check" in again.message()
    assert recorded == (1,)


def test_an_empty_table_still_fails_even_after_earlier_checks(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        _check_and_record(con, "run-1")
        con.execute("DELETE FROM raw.timesheets")
        outcome = validate_source(con, "timesheets")
    assert not outcome.success and not outcome.up_to_date
    assert any("0 rows" in f.message() for f in outcome.failures)


def test_a_changed_suite_checks_the_loads_it_has_not_checked(tmp_path: Path) -> None:
    suites = tmp_path / "expectations"
    shutil.copytree(settings.EXPECTATIONS_DIR, suites)
    with build_raw(tmp_path / "w.duckdb") as con:
        first = _check_and_record(con, "run-1", suites)
        # A new rule, stricter than the old ones: history has entries of more than an hour.
        path = suites / "timesheets.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        document["expectations"].append(
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "hours", "max_value": 1.0},
                "meta": {"rule": "at most an hour an entry", "action": "quarantine"},
            }
        )
        path.write_text(json.dumps(document), encoding="utf-8")
        rechecked = validate_source(con, "timesheets", expectations_dir=suites)

    assert rechecked.row_count == first.row_count  # every load again, under the new suite
    assert rechecked.suite_fingerprint != first.suite_fingerprint
    strict = [f for f in rechecked.failures if f.rule == "at most an hour an entry"]
    assert strict and f"{TS_FILE} line" in strict[0].message()


def test_the_fingerprint_follows_the_reporting_currency(tmp_path: Path) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        _check_and_record(con, "run-1")
        in_eur = validate_source(con, "timesheets", reporting_currency="EUR")
    assert in_eur.row_count > 0  # derived amounts change with the currency: check again


def _staged(
    con: duckdb.DuckDBPyConnection, derived: dict[str, str], fingerprint: str
) -> list[tuple]:
    stage_gate_rows(con, "timesheets", derived, "USD", fingerprint)
    return con.execute(
        f"SELECT source_file, work_date, per_day FROM {gate_relation('timesheets')} ORDER BY ALL"
    ).fetchall()


def test_history_is_not_recomputed_when_every_window_stays_within_one_file(tmp_path: Path) -> None:
    # error() fails the staging if a derived column is evaluated on a row of the checked load.
    per_file = {
        "per_day": "sum(r.hours) over (partition by r.source_file_hash, r.employee_id, r.work_date)"
        " + case when r.source_file_hash = 'sha256-demo' then error('history recomputed')"
        " else 0 end"
    }
    with build_raw(tmp_path / "w.duckdb") as con:
        outcome = _check_and_record(con, "run-1")
        assert outcome.suite_fingerprint is not None
        _add_load(con, hours=7)
        staged = _staged(con, per_file, outcome.suite_fingerprint)

    assert staged == [(NEXT_FILE, date(2026, 11, 16), 8.0)] * 2  # 1 h + 7 h that day, that file


def test_a_window_across_files_still_sees_the_checked_loads(tmp_path: Path) -> None:
    across = {"per_day": "sum(r.hours) over (partition by r.employee_id)"}
    with build_raw(tmp_path / "w.duckdb") as con:
        outcome = _check_and_record(con, "run-1")
        assert outcome.suite_fingerprint is not None
        history = con.execute(
            "SELECT sum(hours) FROM raw.timesheets WHERE employee_id = 'E001'"
        ).fetchone()
        _add_load(con, hours=7)
        staged = _staged(con, across, outcome.suite_fingerprint)

    assert history is not None and history[0] > 0
    assert staged == [(NEXT_FILE, date(2026, 11, 16), history[0] + 8.0)] * 2


def test_a_resent_file_is_staged_with_the_checked_copy_it_repeats(tmp_path: Path) -> None:
    # Same bytes under a new name: same hash, so its person-days sum over both copies, as the
    # whole-table computation did.
    per_file = {"per_day": "sum(r.hours) over (partition by r.source_file_hash, r.employee_id)"}
    with build_raw(tmp_path / "w.duckdb") as con:
        outcome = _check_and_record(con, "run-1")
        assert outcome.suite_fingerprint is not None
        con.execute(
            "INSERT INTO raw.timesheets SELECT * REPLACE (? AS source_file) FROM raw.timesheets "
            "WHERE source_row = 2",
            [NEXT_FILE],
        )
        both = con.execute(
            "SELECT sum(hours) FROM raw.timesheets WHERE employee_id = "
            "(SELECT employee_id FROM raw.timesheets WHERE source_row = 2 LIMIT 1)"
        ).fetchone()
        staged = _staged(con, per_file, outcome.suite_fingerprint)

    assert both is not None
    assert [(name, total) for name, _, total in staged] == [(NEXT_FILE, both[0])]


def test_a_row_that_names_no_load_is_still_checked_once_loads_are_recorded(
    tmp_path: Path,
) -> None:
    with build_raw(tmp_path / "w.duckdb") as con:
        _check_and_record(con, "run-1")
        _add_load(con, hours=7)
        con.execute(
            "INSERT INTO raw.timesheets SELECT * REPLACE ('TS-NOLOAD' AS entry_id, "
            "NULL AS source_file_hash) FROM raw.timesheets WHERE source_row = 4 "
            "AND source_file_hash = 'sha256-demo'"
        )
        outcome = validate_source(con, "timesheets")

    assert outcome.row_count == 3  # the new load's two rows and the row without a load
    nameless = [f for f in outcome.failures if f.rule == "source_file_hash not null"]
    assert nameless and nameless[0].unexpected_count == 1
