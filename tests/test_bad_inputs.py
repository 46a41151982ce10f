"""The ingest against a catalogue of bad input files: a clear error, and nothing lost.

Every input row ends up in `raw.<source>` or in `audit.quarantine` (file, line, rule, reason);
a file that cannot be loaded is `rejected` in the manifest with its rule; a file still being
written leaves no trace and is retried. Each test asserts the message and the row accounting.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from pipelines.ingest import loader
from pipelines.ingest.file_outcome import FileRejected
from pipelines.ingest.loader import SourceLoadSummary, load_source
from pipelines.ingest.rules import RULES_FILE, get_rule, load_rules
from pipelines.ingest.sources import FINANCE_PLAN, GL_ACTUALS, PROJECTS, TIMESHEETS, SourceSpec
from pipelines.ingest.unclaimed import unclaimed_files

TS = "timesheets/timesheets_2026-11-09.csv"
HEADER = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment\n"
GL = "finance/gl_actuals_2026-10.csv"
GL_HEADER = (
    "Document No,Line,Posting Date,Period,Cost Centre,Project ID,WBS Element,Account,"
    "Account Name,Capex/Opex,Amount,Currency\n"
)


def _write(landing: Path, rel: str, content: str | bytes) -> Path:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def _load(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, landing: Path, settle_seconds: float = 0.0
) -> SourceLoadSummary:
    summary = load_source(con, spec, landing, run_id="run-1", settle_seconds=settle_seconds)
    _assert_nothing_lost(con, spec)
    return summary


def _assert_nothing_lost(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """Per loaded file: rows read = loaded + quarantined, and both match the tables."""
    loaded = con.execute(
        "select source_file, source_file_hash, rows_read, rows_loaded, rows_quarantined "
        "from raw.load_manifest where status = 'loaded'"
    ).fetchall()
    for name, file_hash, read, rows_loaded, quarantined in loaded:
        assert read == rows_loaded + quarantined, name
        in_raw = con.execute(
            f"select count(*) from {spec.table} where source_file_hash = ?", [file_hash]
        ).fetchall()[0][0]
        assert in_raw == rows_loaded, name
        if spec.file_format == "csv":  # a workbook row is a month cell; its lines are sheet rows
            set_aside = con.execute(
                "select count(distinct source_row) from audit.quarantine "
                "where source_file_hash = ? and stage = 'ingest'",
                [file_hash],
            ).fetchall()[0][0]
            assert set_aside == quarantined, name


def _manifest(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute("select * from raw.load_manifest order by source_file")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select source_file, source_row, column_name, raw_value, rule, action, reason "
        "from audit.quarantine order by source_row, column_name"
    ).fetchall()


def _rejected(con: duckdb.DuckDBPyConnection, rule: str) -> dict[str, Any]:
    (row,) = _manifest(con)
    assert (row["status"], row["rule"], row["action"]) == ("rejected", rule, "block")
    assert row["reason"].startswith(TS + ": ") or row["reason"].startswith("finance/")
    assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == (0, 0, 0)
    assert row["run_id"] == "run-1"
    assert con.execute("select count(*) from audit.quarantine").fetchall() == [(0,)]
    return row


# --- whole files that cannot be loaded ------------------------------------------------------


def test_an_empty_file_is_rejected(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, "")
    summary = _load(con, TIMESHEETS, tmp_path)
    row = _rejected(con, "empty file")
    assert row["reason"] == f"{TS}: the file is empty (0 bytes, no header line)"
    assert summary.files_rejected == {TS: row["reason"]}


def test_a_header_without_rows_is_rejected(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER)
    _load(con, TIMESHEETS, tmp_path)
    row = _rejected(con, "header only")
    assert row["reason"] == f"{TS}: the file has a header (line 1) but no data rows"


def test_a_header_and_blank_lines_is_header_only(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER + "\n,,,,,,\n  \n")
    _load(con, TIMESHEETS, tmp_path)
    row = _rejected(con, "header only")
    assert row["reason"].endswith("no data rows (only 3 blank line(s))")


def test_a_file_cut_off_mid_record_is_rejected_as_truncated(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,\nE2,EMP1,2026-11-1")
    _load(con, TIMESHEETS, tmp_path)
    row = _rejected(con, "truncated")
    assert "the last record (line 3) is incomplete" in row["reason"]
    assert "does not end with a newline" in row["reason"]


def test_trailing_whitespace_without_a_newline_is_a_blank_line_not_truncation(
    tmp_path: Path, con
) -> None:
    _write(tmp_path, TS, HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,\n  ")
    _load(con, TIMESHEETS, tmp_path)
    assert [(r[1], r[4], r[5]) for r in _quarantine(con)] == [(3, "blank line", "warn")]


def test_a_file_ending_inside_a_quoted_field_is_rejected_as_truncated(tmp_path: Path, con) -> None:
    # DuckDB silently drops everything after an unterminated quote: the line account sees it.
    _write(
        tmp_path,
        TS,
        HEADER + 'E1,EMP1,2026-11-09,PRJ-1,Project,4,"ok"\nE2,EMP1,2026-11-10,,BAU,3,"half a\n',
    )
    _load(con, TIMESHEETS, tmp_path)
    row = _rejected(con, "truncated")
    assert "inside a quoted field opened on line 3" in row["reason"]


def test_a_missing_column_rejects_the_file_listing_expected_and_found(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, "Entry ID,Employee ID,Project ID,Time Category,Hours,Comment\nE1,,,,4,\n")
    _load(con, TIMESHEETS, tmp_path)
    reason = _rejected(con, "missing columns")["reason"]
    assert "the header (line 1) is missing column(s) 'Work Date'" in reason
    assert "expected ['Entry ID', 'Employee ID', 'Work Date'" in reason
    assert "found ['Entry ID', 'Employee ID', 'Project ID'" in reason


def test_a_renamed_column_rejects_the_file(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER.replace("Hours", "Hrs") + "E1,EMP1,2026-11-09,,BAU,4,\n")
    _load(con, TIMESHEETS, tmp_path)
    reason = _rejected(con, "missing columns")["reason"]
    assert "missing column(s) 'Hours'; not expected: 'Hrs'" in reason


def test_a_column_renamed_only_in_case_and_spacing_still_matches(tmp_path: Path, con) -> None:
    header = "entry id,EMPLOYEE ID, Work  Date ,Project ID,Time Category,hours,Comment\n"
    _write(tmp_path, TS, header + "E1,EMP1,2026-11-09,,BAU,4,\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute(
        "select entry_id, work_date::varchar, hours from raw.timesheets"
    ).fetchall() == [("E1", "2026-11-09", 4.0)]


def test_reordered_and_extra_columns_load_by_name_and_note_the_extras(tmp_path: Path, con) -> None:
    header = "Hours,Comment,Notes,Entry ID,Employee ID,Work Date,Project ID,Time Category\n"
    _write(tmp_path, TS, header + "7.5,hello,ignore me,E1,EMP1,2026-11-09,PRJ-1,Project\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute(
        "select entry_id, hours, comment, project_id, source_row from raw.timesheets"
    ).fetchall() == [("E1", 7.5, "hello", "PRJ-1", 2)]
    (row,) = _manifest(con)
    assert row["status"] == "loaded"
    assert "ignored extra column(s) 'Notes'" in row["reason"]
    assert "matched by name" in row["reason"]


def test_a_binary_file_named_csv_is_rejected(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)
    _load(con, TIMESHEETS, tmp_path)
    reason = _rejected(con, "binary file")["reason"]
    assert reason == (
        f"{TS}: the file is binary, not text: it starts with PK: looks like a ZIP/XLSX file "
        "renamed to .csv"
    )


def test_nul_bytes_reject_the_file_as_binary(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER.encode() + b"E1,EMP1,\x00\x00,,BAU,4,\n")
    _load(con, TIMESHEETS, tmp_path)
    offset = len(HEADER) + len("E1,EMP1,")
    assert f"NUL byte at byte {offset}" in _rejected(con, "binary file")["reason"]


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_rejected(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER.encode() + b"E1,EMP1,2026-11-09,,BAU,4,caf\x81\n")
    _load(con, TIMESHEETS, tmp_path)
    reason = _rejected(con, "unreadable encoding")["reason"]
    offset = len(HEADER) + len("E1,EMP1,2026-11-09,,BAU,4,caf")
    assert f"byte 0x81 at byte {offset} is neither UTF-8 nor cp1252" in reason


# --- files still being written ----------------------------------------------------------------


def test_a_file_that_changes_while_read_is_deferred_and_retried(
    tmp_path: Path, con, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write(tmp_path, TS, HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,\nE2,EMP1,2026-1")
    real_hash = loader.file_sha256

    def hash_while_the_writer_appends(p: Path) -> str:
        digest = real_hash(p)
        with p.open("a") as handle:
            handle.write("1-10,,BAU,3,\n")
        return digest

    monkeypatch.setattr(loader, "file_sha256", hash_while_the_writer_appends)
    with caplog.at_level(logging.WARNING, logger="pipelines.ingest.loader"):
        summary = _load(con, TIMESHEETS, tmp_path)
    assert summary.files_deferred == [TS]
    assert not summary.files_rejected and not summary.files_loaded
    # Recorded as deferred for this run only, so the next run retries it.
    assert [(m["status"], m["rule"]) for m in _manifest(con)] == [("deferred", "not settled")]
    assert con.execute("select count(*) from raw.timesheets").fetchall() == [(0,)]
    assert f"{TS} is still being written" in caplog.text
    assert "it will be retried next run" in caplog.text
    monkeypatch.setattr(loader, "file_sha256", real_hash)
    summary = _load(con, TIMESHEETS, tmp_path)  # the copy has finished
    assert summary.files_loaded == [TS] and summary.rows_loaded == 2
    assert path.read_text().endswith("2026-11-10,,BAU,3,\n")


def test_a_file_inside_the_settle_window_is_deferred(tmp_path: Path, con) -> None:
    path = _write(tmp_path, TS, HEADER + "E1,EMP1,2026-11-09,,BAU,4,\n")
    assert _load(con, TIMESHEETS, tmp_path, settle_seconds=60).files_deferred == [TS]
    assert [m["status"] for m in _manifest(con)] == ["deferred"]
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    assert _load(con, TIMESHEETS, tmp_path, settle_seconds=60).files_loaded == [TS]


def test_with_a_ready_marker_an_export_waits_for_its_marker_file(
    tmp_path: Path, con, caplog: pytest.LogCaptureFixture
) -> None:
    """PORTFOLIO_LANDING_READY_MARKER: the sender's `.ready` file says the export is whole."""
    _write(tmp_path, TS, HEADER + "E1,EMP1,2026-11-09,,BAU,4,\n")

    waiting = load_source(con, TIMESHEETS, tmp_path, run_id="run-1", ready_marker=".ready")
    assert waiting.files_deferred == [TS] and waiting.rows_loaded == 0
    assert "timesheets_2026-11-09.csv.ready is not there yet" in caplog.text

    _write(tmp_path, TS + ".ready", "")
    ready = load_source(con, TIMESHEETS, tmp_path, run_id="run-2", ready_marker=".ready")
    assert ready.files_loaded == [TS] and ready.rows_loaded == 1
    # The marker is part of the delivery, not a file of its own: nothing ignored.
    assert not ready.files_ignored
    unclaimed = unclaimed_files(tmp_path, (TIMESHEETS,), [tmp_path / TS], ready_marker=".ready")
    assert TS + ".ready" not in [f.rel_name for f in unclaimed]
    without_marker_mode = unclaimed_files(tmp_path, (TIMESHEETS,), [tmp_path / TS])
    assert TS + ".ready" in [f.rel_name for f in without_marker_mode]


def test_a_file_under_a_temporary_name_is_deferred(tmp_path: Path, con) -> None:
    _write(tmp_path, TS + ".part", HEADER + "E1,EMP1,2026-11-09,,BAU,4,\n")
    assert _load(con, TIMESHEETS, tmp_path).files_deferred == [TS + ".part"]
    assert [m["status"] for m in _manifest(con)] == ["deferred"]


# --- dialects and encodings -------------------------------------------------------------------


def test_semicolons_with_decimal_commas(tmp_path: Path, con) -> None:
    rows = [
        "E1;EMP1;2026-11-09;PRJ-1;Project;7,5;komma",
        "E2;EMP1;2026-11-10;PRJ-1;Project;1.000,25;tausend",
        "E3;EMP1;2026-11-11;PRJ-1;Project;1.5;guess",
    ]
    _write(tmp_path, TS, HEADER.replace(",", ";") + "\n".join(rows) + "\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select entry_id, hours from raw.timesheets order by 1").fetchall() == [
        ("E1", 7.5),
        ("E2", 1000.25),
    ]
    assert _quarantine(con) == [
        (TS, 4, "Hours", "1.5", "type", "quarantine",
         "'1.5' is not a number (DOUBLE, decimal separator ',')"),
    ]  # fmt: skip
    assert "semicolon-delimited, decimal separator ','" in _manifest(con)[0]["reason"]


def test_a_tab_delimited_export_loads(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER.replace(",", "\t") + "E1\tEMP1\t2026-11-09\t\tBAU\t7.5\ta,b\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select hours, comment from raw.timesheets").fetchall() == [(7.5, "a,b")]
    assert "tab-delimited" in _manifest(con)[0]["reason"]


def test_windows_1252_is_transcoded_and_the_landing_file_kept(tmp_path: Path, con) -> None:
    text = HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,Café 20€ reçu\n"
    path = _write(tmp_path, TS, text.encode("cp1252"))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select comment from raw.timesheets").fetchall() == [("Café 20€ reçu",)]
    (row,) = _manifest(con)
    assert row["status"] == "loaded"
    assert "encoding windows-1252 (not UTF-8), transcoded to UTF-8" in row["reason"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before == row["source_file_hash"]
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, b"\xef\xbb\xbf" + (HEADER + "E1,EMP1,2026-11-09,,BAU,4,é\n").encode())
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select entry_id, comment from raw.timesheets").fetchall() == [("E1", "é")]
    assert _manifest(con)[0]["reason"] == "encoding UTF-8 with BOM"


def test_crlf_and_lf_lines_mixed_in_one_file_load_with_their_line_numbers(
    tmp_path: Path, con
) -> None:
    # Exported with CRLF, then appended to by a tool that writes LF: DuckDB alone cannot parse it.
    crlf = (HEADER + "E1,EMP1,2026-11-09,,BAU,4,a\n").replace("\n", "\r\n")
    _write(tmp_path, TS, crlf + "E2,EMP1,2026-11-10,,BAU,3,b\nE3,EMP1,2026-11-11,,BAU,x,c\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select entry_id, source_row from raw.timesheets order by 1").fetchall() == [
        ("E1", 2),
        ("E2", 3),
    ]
    assert con.execute("select source_row, rule from audit.quarantine").fetchall() == [(4, "type")]
    assert "line ends mixed CRLF and LF" in _manifest(con)[0]["reason"]


def test_utf16_with_a_bom_is_transcoded(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, (HEADER + "E1,EMP1,2026-11-09,,BAU,4,naïve\n").encode("utf-16"))
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select comment from raw.timesheets").fetchall() == [("naïve",)]


def test_quoted_newlines_blank_lines_and_broken_records_keep_every_line_right(
    tmp_path: Path, con
) -> None:
    body = (
        'E1,EMP1,2026-11-09,PRJ-1,Project,4,"two\nlines"\n'  # lines 2-3
        "\n"  # 4: empty
        "E2,EMP1,2026-11-10,PRJ-1,Project,4,too,many\n"  # 5: broken record
        'E3,EMP1,2026-11-11,,BAU,3,"three\r\nline\ncomment"\n'  # 6-8
        "E4,EMP1,2026-11-12,,BAU,seven,\n"  # 9: type
        "E5,EMP1,2026-11-13,,BAU,2,\n"  # 10
    )
    _write(tmp_path, TS, HEADER + body)
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select entry_id, source_row from raw.timesheets order by 2").fetchall() == [
        ("E1", 2),
        ("E3", 6),
        ("E5", 10),
    ]
    assert [(r[1], r[4], r[5]) for r in _quarantine(con)] == [
        (4, "blank line", "warn"),
        (5, "csv structure", "quarantine"),
        (9, "type", "quarantine"),
    ]
    structure = _quarantine(con)[1]
    assert "TOO MANY COLUMNS" in structure[6] and "Expected Number of Columns: 7" in structure[6]
    row = _manifest(con)[0]
    assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == (6, 3, 3)


# --- values -----------------------------------------------------------------------------------


def test_thousands_separators_and_currency_symbols_in_amounts(tmp_path: Path, con) -> None:
    def line(doc: str, amount: str) -> str:
        return f'{doc},1,2026-10-15,2026-10,CC1,PRJ-1,W1,6000,Cloud,OPEX,"{amount}",USD\n'

    amounts = ["$1,234.50", "£2,607", "-1,000.25", " 12 ", "1 234.50", "12,34", "$ abc", "inf"]
    _write(tmp_path, GL, GL_HEADER + "".join(line(f"D{i}", a) for i, a in enumerate(amounts)))
    _load(con, GL_ACTUALS, tmp_path)
    assert con.execute("select document_no, amount from raw.gl_actuals order by 1").fetchall() == [
        ("D0", 1234.5),
        ("D1", 2607.0),
        ("D2", -1000.25),
        ("D3", 12.0),
        ("D4", 1234.5),
    ]
    assert {r[0] for r in _quarantine(con)} == {GL}
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in _quarantine(con)] == [
        (7, "Amount", "12,34", "type", "'12,34' is not a number (DOUBLE, decimal separator '.')"),
        (8, "Amount", "$ abc", "type", "'$ abc' is not a number (DOUBLE, decimal separator '.')"),
        (
            9,
            "Amount",
            "inf",
            "type",
            "'inf' is not a finite number (it reads as infinity or NaN); not loaded",
        ),
    ]


def test_euro_amounts_with_space_thousands_in_a_semicolon_file(tmp_path: Path, con) -> None:
    header = GL_HEADER.replace(",", ";")
    row = "D1;1;2026-10-15;2026-10;CC1;PRJ-1;W1;6000;Cloud;OPEX;1 234,50 €;EUR\n"
    _write(tmp_path, GL, header + row)
    _load(con, GL_ACTUALS, tmp_path)
    assert con.execute("select amount from raw.gl_actuals").fetchall() == [(1234.5,)]


def test_a_whole_number_column_refuses_a_fraction_instead_of_rounding(tmp_path: Path, con) -> None:
    row = "D1,1.5,2026-10-15,2026-10,CC1,PRJ-1,W1,6000,Cloud,OPEX,10,USD\n"
    _write(tmp_path, GL, GL_HEADER + row)
    _load(con, GL_ACTUALS, tmp_path)
    assert [(r[1], r[2], r[4], r[6]) for r in _quarantine(con)] == [
        (2, "Line", "type", "'1.5' is not a whole number (INTEGER); it is not rounded")
    ]


@pytest.mark.parametrize("token", ["NA", "N/A", "-", "", "  ", "na"])
def test_null_tokens_are_null_for_every_type(tmp_path: Path, con, token: str) -> None:
    _write(tmp_path, TS, HEADER + f"E1,EMP1,{token},{token},BAU,{token},{token}\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute(
        "select work_date, project_id, hours, comment from raw.timesheets"
    ).fetchall() == [(None, None, None, None)]
    assert _quarantine(con) == []


def test_day_month_dates_are_refused_not_guessed(
    tmp_path: Path, con, caplog: pytest.LogCaptureFixture
) -> None:
    rows = "E1,EMP1,03/04/2026,,BAU,4,\nE2,EMP1,25/12/2026,,BAU,4,\nE3,EMP1,2026-11-31,,BAU,4,\n"
    _write(tmp_path, TS, HEADER + rows)
    with caplog.at_level(logging.WARNING, logger="pipelines.ingest.loader"):
        _load(con, TIMESHEETS, tmp_path)
    # Every row set aside: the file is rejected, its rows kept in the quarantine with reasons.
    assert (
        f"{TS}: all 3 rows were set aside (3 failing cells); each is in audit.quarantine with its "
        'line, column and rule, e.g. line 2 column Work Date rule "ambiguous date" '
        "(quarantine): '03/04/2026' is ambiguous" in caplog.text
    )
    assert con.execute("select status, rule from raw.load_manifest").fetchall() == [
        ("rejected", "every row set aside")
    ]
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in _quarantine(con)] == [
        (2, "Work Date", "03/04/2026", "ambiguous date",
         "'03/04/2026' is ambiguous: 2026-04-03 (day/month) or 2026-03-04 (month/day); "
         "dates must be YYYY-MM-DD"),
        (3, "Work Date", "25/12/2026", "type",
         "'25/12/2026' is not in the contract's date format: dates must be YYYY-MM-DD"),
        (4, "Work Date", "2026-11-31", "type", "'2026-11-31' is not a valid date"),
    ]  # fmt: skip


def test_an_excel_serial_date_is_named_but_not_loaded(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER + "E1,EMP1,45678,,BAU,4,\nE2,EMP1,2026-11-09,,BAU,4,\n")
    _load(con, TIMESHEETS, tmp_path)
    assert [(r[1], r[2], r[4], r[6]) for r in _quarantine(con)] == [
        (2, "Work Date", "excel serial date",
         "45678 looks like an Excel serial date (2025-01-21); dates must be YYYY-MM-DD"),
    ]  # fmt: skip
    assert con.execute("select entry_id from raw.timesheets").fetchall() == [("E2",)]


def test_text_in_a_number_column_after_row_30000_sets_aside_only_that_row(
    tmp_path: Path, con
) -> None:
    rows = "".join(f"E{i},EMP1,2026-11-09,PRJ-1,Project,{i % 4 + 0.25},\n" for i in range(30000))
    _write(tmp_path, TS, HEADER + rows + "E30000,EMP1,2026-11-09,PRJ-1,Project,eight,\n")
    summary = _load(con, TIMESHEETS, tmp_path)
    assert (summary.rows_loaded, summary.rows_quarantined) == (30000, 1)
    assert con.execute("select sum(hours) from raw.timesheets").fetchall() == [(52500.0,)]
    assert [(r[1], r[2], r[3], r[4]) for r in _quarantine(con)] == [
        (30002, "Hours", "eight", "type")
    ]


def test_an_exact_repeat_of_a_row_is_quarantined_and_the_first_copy_loaded(
    tmp_path: Path, con
) -> None:
    row = "E1,EMP1,2026-11-09,PRJ-1,Project,4,same\n"
    _write(tmp_path, TS, HEADER + row + "E2,EMP1,2026-11-10,,BAU,2,\n" + row)
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select entry_id, source_row from raw.timesheets order by 2").fetchall() == [
        ("E1", 2),
        ("E2", 3),
    ]
    ((_, line, column, _, rule, action, reason),) = _quarantine(con)
    assert (line, column, rule, action, reason) == (
        4, None, "duplicate row", "quarantine", "repeats line 2"
    )  # fmt: skip
    record = con.execute("select raw_record from audit.quarantine").fetchall()[0][0]
    assert json.loads(record)["Comment"] == "same"


def test_summary_rows_and_blank_lines_are_set_aside_and_counted(tmp_path: Path, con) -> None:
    body = (
        "E1,EMP1,2026-11-09,,BAU,4,\n"  # 2
        ",,,,,,\n"  # 3: delimiters only
        "\n"  # 4: empty
        "   \n"  # 5: whitespace only
        "E2,EMP1,2026-11-10,,BAU,2,\n"  # 6
        "Subtotal,,,,,6,\n"  # 7
        "Grand Total,,,,,6,\n"  # 8
    )
    _write(tmp_path, TS, HEADER + body)
    summary = _load(con, TIMESHEETS, tmp_path)
    assert [(r[1], r[4], r[5]) for r in _quarantine(con)] == [
        (3, "blank line", "warn"),
        (4, "blank line", "warn"),
        (5, "blank line", "warn"),
        (7, "summary row", "quarantine"),
        (8, "summary row", "quarantine"),
    ]
    assert _quarantine(con)[4][6] == "a summary row ('Grand Total'): a sum of other rows, not data"
    assert (summary.rows_loaded, summary.rows_quarantined) == (2, 5)
    row = _manifest(con)[0]
    assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == (7, 2, 5)


def test_the_same_file_under_two_names_is_a_duplicate(tmp_path: Path, con) -> None:
    body = HEADER + "E1,EMP1,2026-11-09,PRJ-1,Project,4,\n"
    _write(tmp_path, TS, body)
    _write(tmp_path, "timesheets/timesheets_2026-11-16.csv", body)
    summary = _load(con, TIMESHEETS, tmp_path)
    assert summary.files_duplicate == ["timesheets/timesheets_2026-11-16.csv"]
    manifest = _manifest(con)
    assert [(m["status"], m["duplicate_of"], m["rows_loaded"]) for m in manifest] == [
        ("loaded", None, 1),
        ("duplicate", TS, 0),
    ]
    assert con.execute("select count(*) from raw.timesheets").fetchall() == [(1,)]


def test_markup_and_formula_text_in_a_project_name_is_loaded_verbatim(tmp_path: Path, con) -> None:
    name = '<script>alert("x")</script> =HYPERLINK("http://evil","click") R&D'
    quoted = '"' + name.replace('"', '""') + '"'
    header = ",".join(PROJECTS.headers) + "\n"
    values = ["PRJ-0001", quoted, *["x"] * 10, "50", *["2026-01-01"] * 4, *["1"] * 4, "USD"]
    values += ["1"] * 4 + ["N", "", ""]
    _write(tmp_path, "projects/projects_2026-11-09.csv", header + ",".join(values) + "\n")
    _load(con, PROJECTS, tmp_path)
    assert con.execute("select project_name from raw.projects").fetchall() == [(name,)]


# --- the finance workbook ---------------------------------------------------------------------

XLSX = "finance/finance_plan_FY2026.xlsx"
_PLAN_HEADER = ["Project ID", "Project Name", "Capex/Opex", "Currency", "Apr-2026", "May-2026"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]], merge: str | None = None) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in [["FY2026 plan"], ["Prepared 2026-03-20"], [], _PLAN_HEADER, *rows]:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def test_a_workbook_without_its_budget_sheet_is_rejected(tmp_path: Path, con) -> None:
    _workbook(tmp_path / XLSX, {"Forecast Q1": [["PRJ-1", "A", "OPEX", "USD", 1, 2]]})
    _load(con, FINANCE_PLAN, tmp_path)
    reason = _rejected(con, "xlsx missing sheet")["reason"]
    assert reason == (
        f"{XLSX}: the workbook has no sheet 'Budget' (the annual budget); "
        "found sheets ['Forecast Q1']"
    )


def test_merged_header_cells_reject_the_workbook(tmp_path: Path, con) -> None:
    _workbook(tmp_path / XLSX, {"Budget": [["PRJ-1", "A", "OPEX", "USD", 1, 2]]}, merge="E4:F4")
    _load(con, FINANCE_PLAN, tmp_path)
    reason = _rejected(con, "merged header")["reason"]
    assert "sheet 'Budget': the header row 4 has merged cells E4:F4 ('Apr-2026')" in reason


def test_a_formula_without_a_cached_value_is_quarantined_not_read_as_zero(
    tmp_path: Path, con
) -> None:
    rows: list[list[object]] = [
        ["PRJ-1", "A", "OPEX", "USD", 100, "=E5*2"],
        ["Subtotal", None, None, None, 100, 0],
        ["Total", None, None, None, 100, "=SUM(F5:F5)"],
    ]
    _workbook(tmp_path / XLSX, {"Budget": rows, "Notes": []})
    summary = _load(con, FINANCE_PLAN, tmp_path)
    assert con.execute("select period_month::varchar, amount from raw.finance_plan").fetchall() == [
        ("2026-04-01", 100.0)
    ]
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in _quarantine(con)] == [
        (5, "May-2026", "=E5*2", "formula without a cached value",
         "sheet 'Budget' cell F5 holds the formula =E5*2 but the workbook was saved without its "
         "calculated value, or with an error (such as #DIV/0!) as its value: the amount is "
         "unknown (not empty, not zero); open it in Excel, mend any error and save it to store "
         "the value"),
        (6, None, None, "summary row",
         "sheet 'Budget' row 6: a summary row ('Subtotal'): a sum of other rows, not data"),
    ]  # fmt: skip
    assert (summary.rows_loaded, summary.rows_quarantined) == (1, 2)
    assert "ignored sheet(s) 'Notes'" in _manifest(con)[0]["reason"]


def _save_formula_values(path: Path, values: dict[str, str]) -> None:
    """Store a value with each formula cell named in `values` (cell -> the `<c>` element's body
    after the formula: `<v>200</v>`, or `t="e"` with `<v>#DIV/0!</v>` for an error), as Excel
    does on saving; openpyxl writes formulas without one."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    for cell, stored in values.items():
        kind = ' t="e"' if stored.startswith("#") else ""
        sheet, found = re.subn(
            rf'<c r="{cell}"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>',
            lambda m, kind=kind, stored=stored, cell=cell: (
                f'<c r="{cell}"{m[1]}{kind}><f>{m[2]}</f><v>{stored}</v></c>'
            ),
            sheet,
        )
        assert found == 1, f"no formula cell {cell} in the sheet"
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)


def test_a_formula_reads_as_its_saved_value_and_an_error_value_is_quarantined(
    tmp_path: Path, con
) -> None:
    rows: list[list[object]] = [["PRJ-1", "A", "OPEX", "USD", "=40+60", "=E5*2"]]
    _workbook(tmp_path / XLSX, {"Budget": rows})
    _save_formula_values(tmp_path / XLSX, {"E5": "100", "F5": "#DIV/0!"})
    summary = _load(con, FINANCE_PLAN, tmp_path)
    assert con.execute("select period_month::varchar, amount from raw.finance_plan").fetchall() == [
        ("2026-04-01", 100.0)
    ]
    assert [(r[1], r[2], r[3], r[4]) for r in _quarantine(con)] == [
        (5, "May-2026", "=E5*2", "formula without a cached value")
    ]
    assert (summary.rows_loaded, summary.rows_quarantined) == (1, 1)


# --- the rules config -------------------------------------------------------------------------


def test_every_rule_has_an_action_and_an_unknown_rule_fails_loudly() -> None:
    rules = load_rules()
    assert {r.action for r in rules.values()} == {"block", "quarantine", "warn"}
    assert get_rule("blank line").action == "warn"
    with pytest.raises(KeyError, match="ingest rule 'no such rule' is used by the code but not"):
        get_rule("no such rule")
    with pytest.raises(KeyError, match=str(RULES_FILE.name)):
        FileRejected("no such rule", "a file-level rule nobody configured")


def test_a_rules_file_with_an_unknown_action_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text(json.dumps({"rules": [{"rule": "x", "action": "ignore", "level": "row",
                                          "description": "?"}]}))  # fmt: skip
    with pytest.raises(ValueError, match="rule 'x' needs action"):
        load_rules(bad)


def test_run_id_is_on_every_manifest_and_quarantine_row(tmp_path: Path, con) -> None:
    _write(tmp_path, TS, HEADER + "E1,EMP1,2026-11-09,,BAU,x,\n" + "E2,EMP1,2026-11-09,,BAU,1,\n")
    _load(con, TIMESHEETS, tmp_path)
    assert con.execute("select distinct run_id from raw.load_manifest").fetchall() == [("run-1",)]
    assert con.execute("select distinct run_id, stage from audit.quarantine").fetchall() == [
        ("run-1", "ingest")
    ]
