"""Ingestion on its own: once-only loads, explicit types, line lineage, nothing lost."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.loader import load_source
from pipelines.ingest.sources import FX_RATES, RESOURCES, TIMESHEETS

HEADER = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment\n"


def _write(landing: Path, name: str, text: str) -> Path:
    path = landing / "timesheets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def test_types_are_declared_so_a_late_decimal_is_not_rounded(tmp_path: Path, con) -> None:
    rows = "".join(f"E{i},EMP1,2026-11-09,PRJ-1,Project,8,\n" for i in range(3000))
    _write(
        tmp_path,
        "timesheets_2026-11-09.csv",
        HEADER + rows + "E9999,EMP1,2026-11-09,PRJ-1,Project,7.5,\n",
    )
    load_source(con, TIMESHEETS, tmp_path)
    assert con.execute("select hours from raw.timesheets where entry_id = 'E9999'").fetchall() == [
        (7.5,)
    ]


def test_rows_keep_their_line_even_after_a_quoted_newline(tmp_path: Path, con) -> None:
    _write(
        tmp_path,
        "timesheets_2026-11-09.csv",
        HEADER + 'E1,EMP1,2026-11-09,PRJ-1,Project,4,"two\nlines"\nE2,EMP1,2026-11-10,,BAU,3,\n',
    )
    load_source(con, TIMESHEETS, tmp_path)
    lines = con.execute(
        "select entry_id, source_row, source_file from raw.timesheets order by 1"
    ).fetchall()
    assert lines == [
        ("E1", 2, "timesheets/timesheets_2026-11-09.csv"),
        ("E2", 4, "timesheets/timesheets_2026-11-09.csv"),
    ]


def test_a_value_of_the_wrong_type_is_kept_with_file_line_and_column(tmp_path: Path, con) -> None:
    _write(
        tmp_path,
        "timesheets_2026-11-09.csv",
        HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,\nE2,EMP1,2026-11-31,PRJ-1,Project,seven,\n",
    )
    summary = load_source(con, TIMESHEETS, tmp_path)
    assert (summary.rows_loaded, summary.rows_quarantined) == (1, 1)
    rejects = con.execute(
        "select source_file, source_row, column_name, raw_value, rule from audit.quarantine "
        "order by column_name"
    ).fetchall()
    assert rejects == [
        ("timesheets/timesheets_2026-11-09.csv", 3, "Hours", "seven", "type"),
        ("timesheets/timesheets_2026-11-09.csv", 3, "Work Date", "2026-11-31", "type"),
    ]
    manifest = con.execute(
        "select rows_read, rows_loaded, rows_quarantined from raw.load_manifest"
    ).fetchall()
    assert manifest == [(2, 1, 1)]
    assert 'line 3 column Hours rule "type"' in " ".join(summary_examples(con))


def summary_examples(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        f'line {line} column {column} rule "{rule}": {reason}'
        for line, column, rule, reason in con.execute(
            "select source_row, column_name, rule, reason from audit.quarantine order by 1, 2"
        ).fetchall()
    ]


def test_the_same_content_under_another_name_is_a_duplicate_not_double_counted(
    tmp_path: Path, con
) -> None:
    body = HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,\n"
    _write(tmp_path, "timesheets_2026-11-09.csv", body)
    _write(tmp_path, "timesheets_2026-11-16.csv", body)
    load_source(con, TIMESHEETS, tmp_path)
    load_source(con, TIMESHEETS, tmp_path)  # and a re-run changes nothing
    assert con.execute("select count(*) from raw.timesheets").fetchall() == [(1,)]
    assert con.execute(
        "select source_file, status, duplicate_of from raw.load_manifest order by source_file"
    ).fetchall() == [
        ("timesheets/timesheets_2026-11-09.csv", "loaded", None),
        (
            "timesheets/timesheets_2026-11-16.csv",
            "duplicate",
            "timesheets/timesheets_2026-11-09.csv",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (HEADER, "no data rows"),
        ("Entry ID,Employee ID,Hours\nE1,EMP1,4\n", "missing column(s) 'Work Date'"),
    ],
)
def test_an_unreadable_file_is_rejected_with_its_reason(
    tmp_path: Path, con, text: str, reason: str
) -> None:
    _write(tmp_path, "timesheets_2026-11-09.csv", text)
    summary = load_source(con, TIMESHEETS, tmp_path)
    assert reason in summary.files_rejected["timesheets/timesheets_2026-11-09.csv"]
    assert con.execute("select status from raw.load_manifest").fetchall() == [("rejected",)]


def test_landing_files_are_never_modified(tmp_path: Path, con) -> None:
    path = _write(tmp_path, "timesheets_2026-11-09.csv", HEADER + "E1,EMP1,2026-11-09,,BAU,4,\n")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    load_source(con, TIMESHEETS, tmp_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in (tmp_path / "timesheets").iterdir()) == [
        "timesheets_2026-11-09.csv"
    ]


def test_a_file_covering_many_months_is_as_of_its_latest_month(tmp_path: Path, con) -> None:
    (tmp_path / "fx").mkdir()
    (tmp_path / "fx" / "fx_rates_all.csv").write_text(
        "Period,From Currency,To Currency,Average Rate\n2026-09,EUR,USD,1.1\n2026-10,EUR,USD,1.2\n"
    )
    load_source(con, FX_RATES, tmp_path)
    assert con.execute("select distinct extract_date::varchar from raw.fx_rates").fetchall() == [
        ("2026-10-31",)
    ]


def test_an_unchanged_weekly_snapshot_is_kept_as_that_weeks_extract(tmp_path: Path, con) -> None:
    body = "Employee ID,Employee Name,Team,Role,FTE,Weekly Capacity Hours,Cost Rate,Currency,"
    body += "Active From,Active To\nEMP1,Ann,PMO,PM,1,40,90,USD,2026-01-01,\n"
    folder = tmp_path / "resources"
    folder.mkdir()
    (folder / "resources_2026-11-09.csv").write_text(body)
    (folder / "resources_2026-11-16.csv").write_text(body)
    load_source(con, RESOURCES, tmp_path)
    assert con.execute("select extract_date::varchar from raw.resources order by 1").fetchall() == [
        ("2026-11-09",),
        ("2026-11-16",),
    ]
