"""Quarantine, decision and row accounting on a hand-built warehouse, with exact counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, QUARANTINE_TABLE, ensure_audit_tables
from pipelines.quality import validate_source
from pipelines.quality.accounting import account_for_rows
from pipelines.quality.decision import decide
from pipelines.quality.ingest_findings import ingest_findings
from pipelines.quality.quarantine import quarantine_failed_rows
from tests.test_quality_gate import TS_FILE, build_raw, create_timesheets, timesheet_rows

RUN = "run-1"
AT = datetime(2026, 11, 16, 6, 0)


def _manifest(con: duckdb.DuckDBPyConnection, source: str, run_id: str = RUN) -> None:
    """One manifest row per raw file, as ingest would have written it."""
    ensure_audit_tables(con)
    con.execute(
        f"""
        insert into {MANIFEST_TABLE}
        select ?, source_file, source_file_hash, 1000, any_value(extract_date), 'loaded', null,
               count(*), count(*), 0, null, ?, null, null, ?, 0, null
        from raw.{source} group by source_file, source_file_hash
        """,
        [source, AT, run_id],
    )


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = build_raw(tmp_path / "warehouse.duckdb")
    create_timesheets(connection, timesheet_rows(200))
    _manifest(connection, "timesheets")
    yield connection
    connection.close()


def _gate(con: duckdb.DuckDBPyConnection, threshold: float = 5.0):  # type: ignore[no-untyped-def]
    outcome = validate_source(con, "timesheets")
    moved = quarantine_failed_rows(con, outcome, RUN, AT)
    findings = ingest_findings(con, "timesheets", RUN)
    return outcome, moved, decide(con, outcome, findings, moved, threshold, RUN)


def test_quarantine_moves_exactly_the_failing_rows_and_keeps_the_books(con) -> None:  # type: ignore[no-untyped-def]
    con.execute("update raw.timesheets set hours = -1 where source_row in (5, 9)")
    con.execute("update raw.timesheets set employee_id = 'E404' where source_row = 9")

    _, moved, decision = _gate(con)

    assert moved.rows_moved == 2  # line 9 broke two rules but is one row
    assert moved.rows_by_file == {(TS_FILE, "sha256-demo"): 2}
    assert (decision.decision, decision.rows_read, decision.rows_accepted) == (
        "quarantined",
        200,
        198,
    )
    assert decision.rows_quarantined == 2
    assert con.execute("select count(*) from raw.timesheets").fetchall() == [(198,)]
    kept = con.execute(
        f"select source_row, rule, stage, action from {QUARANTINE_TABLE} order by 1, 2"
    ).fetchall()
    assert kept == [
        (5, "hours not negative", "gate", "quarantine"),
        (9, "employee_id is a known employee", "gate", "quarantine"),
        (9, "hours not negative", "gate", "quarantine"),
    ]
    manifest = con.execute(f"select rows_read, rows_loaded, rows_quarantined from {MANIFEST_TABLE}")
    assert manifest.fetchall() == [(200, 198, 2)]
    accounting = account_for_rows(con, "timesheets")
    assert accounting.balanced and (accounting.rows_loaded, accounting.rows_quarantined) == (198, 2)


def test_quarantining_more_than_the_threshold_blocks(con) -> None:  # type: ignore[no-untyped-def]
    con.execute("update raw.timesheets set hours = -1 where source_row <= 21")  # 20 of 200 = 10 %

    _, _, decision = _gate(con, threshold=5.0)

    assert decision.blocked
    assert decision.rows_quarantined == 20
    assert any(
        "20 of 200 rows (10.0 %)" in m and "threshold of 5 %" in m for m in decision.messages
    )
    lenient = _gate(con, threshold=50.0)[2]
    # Gating the same build again: the 20 rows already moved, so nothing new is set aside, but
    # this run's files still show 20 quarantined rows (10 % < 50 %).
    assert lenient.decision == "quarantined"


def test_a_block_rule_sets_nothing_aside(con) -> None:  # type: ignore[no-untyped-def]
    con.execute("alter table raw.timesheets drop column comment")  # schema rule: block

    outcome, moved, decision = _gate(con)

    assert decision.blocked and moved.rows_moved == 0
    assert [f.rule for f in outcome.failures_by_action("block")] == ["required columns present"]
    assert con.execute("select count(*) from raw.timesheets").fetchall() == [(200,)]


def test_ingest_block_findings_of_this_run_block_and_older_runs_do_not(con) -> None:  # type: ignore[no-untyped-def]
    con.execute(
        f"insert into {MANIFEST_TABLE} values ('timesheets', 'timesheets/x.csv', 'h', 3, null, "
        "'rejected', null, 0, 0, 0, 'the file is empty', ?, 'empty file', 'block', 'old-run', "
        "0, null)",
        [AT],
    )
    assert _gate(con)[2].decision == "passed"
    con.execute(f"update {MANIFEST_TABLE} set run_id = ? where status = 'rejected'", [RUN])
    decision = _gate(con)[2]
    assert decision.blocked
    assert any(
        'file timesheets/x.csv rejected by rule "empty file"' in m for m in decision.messages
    )


def test_accounting_finds_a_row_that_vanished(con) -> None:  # type: ignore[no-untyped-def]
    con.execute("delete from raw.timesheets where source_row = 7")  # lost without a trace
    accounting = account_for_rows(con, "timesheets")
    assert not accounting.balanced
    assert accounting.problems == [
        f'{TS_FILE}: the manifest says 200 rows loaded, "raw"."timesheets" holds 199'
    ]
