"""The views the ingest defines over its load manifest and quarantine (the quality page and the
index read them): exact rows on a hand-built warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import duckdb
import pytest

from pipelines.ingest.summary_views import (
    NEWEST_EXTRACTS_VIEW,
    QUARANTINE_COUNTS_VIEW,
    QUARANTINE_LISTING_VIEW,
)
from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, QUARANTINE_TABLE, ensure_audit_tables
from tests.manifest_rows import record_loaded_file

AT = datetime(2026, 11, 16, 6, 0)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    ensure_audit_tables(connection)
    yield connection
    connection.close()


def _set_aside(
    con: duckdb.DuckDBPyConnection,
    entries: list[tuple[str, str, str, int | None, str | None, str]],
) -> None:
    """(run_id, source, file, line, column, rule) entries; the file's hash is its name's."""
    con.executemany(
        f"insert into {QUARANTINE_TABLE} (run_id, source, source_file, source_file_hash, "
        "source_row, column_name, stage, rule, action, reason, quarantined_at) "
        "values (?, ?, ?, ?, ?, ?, 'ingest', ?, 'quarantine', 'why', ?)",
        [(r, s, f, f"hash-of-{f}", line, col, rule, AT) for r, s, f, line, col, rule in entries],
    )


def test_quarantine_counts_tell_entries_rows_and_failing_cells_apart(con) -> None:  # type: ignore[no-untyped-def]
    _set_aside(
        con,
        [
            # line 2 broke three rules: two cells failed their type, and a row rule
            ("r1", "timesheets", "ts_1.csv", 2, "hours", "type"),
            ("r1", "timesheets", "ts_1.csv", 2, "work_date", "ambiguous date"),
            ("r1", "timesheets", "ts_1.csv", 2, "hours", "range"),
            ("r1", "timesheets", "ts_1.csv", 3, None, "csv structure"),
            ("r1", "timesheets", "ts_2.csv", 2, "work_date", "excel serial date"),
            ("r1", "timesheets", "ts_2.csv", None, None, "every row set aside"),
            ("r1", "gl_actuals", "gl_1.csv", 7, "amount", "type"),
            ("r2", "timesheets", "ts_1.csv", 2, "hours", "type"),
        ],
    )
    rows = con.execute(
        f"select run_id, source, entries, rows_set_aside, failing_cells "
        f"from {QUARANTINE_COUNTS_VIEW} order by run_id, source"
    ).fetchall()
    assert rows == [
        ("r1", "gl_actuals", 1, 1, 1),
        ("r1", "timesheets", 6, 4, 3),
        ("r2", "timesheets", 1, 1, 1),
    ]


def test_the_listing_numbers_each_run_and_source_in_file_and_line_order(con) -> None:  # type: ignore[no-untyped-def]
    _set_aside(
        con,
        [
            ("r1", "timesheets", "ts_2.csv", 2, "hours", "type"),
            ("r1", "timesheets", "ts_1.csv", 9, None, "csv structure"),
            ("r1", "timesheets", "ts_1.csv", 4, "work_date", "type"),
            ("r1", "timesheets", "ts_1.csv", 4, "hours", "type"),
            ("r1", "gl_actuals", "gl_1.csv", 7, "amount", "type"),
            ("r2", "timesheets", "ts_3.csv", 5, "hours", "type"),
        ],
    )
    rows = con.execute(
        f"select run_id, source, source_file, source_row, column_name, position_in_source "
        f"from {QUARANTINE_LISTING_VIEW} order by run_id, source, position_in_source"
    ).fetchall()
    assert rows == [
        ("r1", "gl_actuals", "gl_1.csv", 7, "amount", 1),
        ("r1", "timesheets", "ts_1.csv", 4, "hours", 1),
        ("r1", "timesheets", "ts_1.csv", 4, "work_date", 2),
        ("r1", "timesheets", "ts_1.csv", 9, None, 3),
        ("r1", "timesheets", "ts_2.csv", 2, "hours", 4),
        ("r2", "timesheets", "ts_3.csv", 5, "hours", 1),
    ]


def test_newest_extracts_count_loaded_files_only(con) -> None:  # type: ignore[no-untyped-def]
    record_loaded_file(con, "timesheets", "ts_1.csv", 10, date(2026, 11, 2))
    record_loaded_file(con, "timesheets", "ts_2.csv", 10, date(2026, 11, 9))
    record_loaded_file(con, "resources", "resources.csv", 10, None)
    con.execute(
        f"insert into {MANIFEST_TABLE} (source, source_file, source_file_hash, file_size_bytes, "
        "extract_date, status, rows_read, rows_loaded, rows_quarantined, loaded_at) "
        "values ('timesheets', 'ts_3.csv', 'h3', 10, date '2026-11-16', 'rejected', 1, 0, 1, ?)",
        [AT],
    )
    rows = con.execute(
        f"select source, newest_extract_date from {NEWEST_EXTRACTS_VIEW} order by source"
    ).fetchall()
    # a rejected file's date is no data the warehouse holds; a source without dates stays listed
    assert rows == [("resources", None), ("timesheets", date(2026, 11, 9))]


def test_a_second_call_keeps_the_views_and_their_rows(con) -> None:  # type: ignore[no-untyped-def]
    record_loaded_file(con, "timesheets", "ts_1.csv", 10, date(2026, 11, 2))
    ensure_audit_tables(con)
    assert con.execute(f"select count(*) from {NEWEST_EXTRACTS_VIEW}").fetchall() == [(1,)]
