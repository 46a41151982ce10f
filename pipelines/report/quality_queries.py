"""Read what the quality gate recorded about one run, for the data-quality page.

The page must render for any warehouse the report meets: one built before the gate wrote these
tables, a blocked run's build file, or a run the gate never reached. So each audit table is
checked against the columns read here first; a missing table or column becomes a note on the page
("not recorded in this warehouse") instead of an error that would stop the portfolio report.
Results are frozen dataclasses of plain Python values, like pipelines.report.queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from pipelines.ingest.summary_views import QUARANTINE_COUNTS_VIEW, QUARANTINE_LISTING_VIEW
from pipelines.report.formatting import decision_severity
from pipelines.sql_helpers import missing_columns, quote_literal

QUARANTINE_LISTING_CAP = 200  # rows shown per source; the rest are counted and one query away

DECISIONS_TABLE = "audit.gate_decisions"
RESULTS_TABLE = "audit.quality_results"
QUARANTINE_TABLE = "audit.quarantine"
MANIFEST_TABLE = "raw.load_manifest"

# Only the columns this module reads (the tables' DDL is in pipelines/quality/audit.py and
# pipelines/ingest/warehouse_tables.py; the quarantine is read through the views the ingest
# defines over it, pipelines/ingest/summary_views.py, and named to the analyst as the table).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    DECISIONS_TABLE: (
        "run_id", "decided_at", "source", "decision", "files_loaded", "files_rejected",
        "rows_read", "rows_accepted", "rows_quarantined", "quarantine_threshold_pct", "message",
    ),
    RESULTS_TABLE: (
        "run_id", "source", "rule", "expectation_type", "column_name", "success", "action",
        "unexpected_count", "message",
    ),
    QUARANTINE_COUNTS_VIEW: (
        "run_id", "source", "entries", "rows_set_aside", "failing_cells",
    ),
    QUARANTINE_LISTING_VIEW: (
        "run_id", "source", "source_file", "source_row", "column_name", "raw_value", "stage",
        "rule", "action", "reason", "position_in_source",
    ),
    MANIFEST_TABLE: (
        "run_id", "source", "source_file", "extract_date", "status", "duplicate_of", "rows_read",
        "rows_loaded", "rows_quarantined", "reason", "rule", "action",
    ),
}  # fmt: skip

ACTION_ORDER = ("block", "quarantine", "warn")


@dataclass(frozen=True)
class GateDecision:
    """One source's verdict in one run and the row accounting behind it."""

    source: str
    decision: str
    decided_at: datetime | None
    files_loaded: int
    files_rejected: int
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    quarantine_threshold_pct: float | None
    message: str

    @property
    def rows_unaccounted(self) -> int:
        """Rows read that are neither accepted nor quarantined: 0 unless something is wrong."""
        return self.rows_read - self.rows_accepted - self.rows_quarantined

    @property
    def quarantined_pct(self) -> float | None:
        if self.rows_read == 0:
            return None
        return self.rows_quarantined / self.rows_read * 100


@dataclass(frozen=True)
class RuleFailure:
    source: str
    rule: str
    expectation_type: str | None
    column_name: str | None
    action: str | None
    unexpected_count: int
    message: str


@dataclass(frozen=True)
class FileOutcome:
    """A landing file of the run that was not simply loaded (rejected, duplicate, deferred...)."""

    source: str
    source_file: str
    extract_date: date | None
    status: str
    duplicate_of: str | None
    rule: str | None
    action: str | None
    reason: str | None
    rows_read: int


@dataclass(frozen=True)
class QuarantinedRow:
    source_file: str
    source_row: int | None
    column_name: str | None
    raw_value: str | None
    stage: str
    rule: str
    action: str
    reason: str


@dataclass(frozen=True)
class QuarantineListing:
    """The first quarantine entries of one source, and how many rows and cells they are.

    One set-aside row has one entry per rule it broke (a row with three unreadable dates has
    three), so rows, failing cells and entries are three counts, each named as such."""

    source: str
    total: int  # quarantine entries (listed below, capped)
    rows_set_aside: int  # distinct (file, line): the rows that did not load
    failing_cells: int  # entries naming a column whose value failed its type
    rows: tuple[QuarantinedRow, ...]
    sql: str  # what an analyst runs to see every row

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class QualityRunData:
    """Everything the data-quality page shows for one run."""

    run_id: str | None
    decided_at: datetime | None
    decisions: tuple[GateDecision, ...]
    rules_checked: int
    rule_failures: tuple[RuleFailure, ...]
    files_loaded: int
    file_outcomes: tuple[FileOutcome, ...]
    quarantine: tuple[QuarantineListing, ...]
    notes: tuple[str, ...]  # audit tables this warehouse lacks
    # (source, status, message) of the run's freshness checks (pipelines/operate/freshness.py).
    freshness: tuple[tuple[str, str, str], ...] = ()

    @property
    def verdict(self) -> str | None:
        """The run's overall decision: its worst source decision (None if nothing was decided)."""
        if not self.decisions:
            return None
        return min((d.decision for d in self.decisions), key=decision_severity)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source the page names (in words; the note for the engineer gives their ids)."""
        named = {d.source for d in self.decisions} | {f[0] for f in self.freshness}
        named |= {r.source for r in self.rule_failures} | {f.source for f in self.file_outcomes}
        return tuple(sorted(named | {q.source for q in self.quarantine}))

    @property
    def blocked_sources(self) -> tuple[str, ...]:
        return tuple(d.source for d in self.decisions if d.decision == "blocked")


def _available_tables(con: duckdb.DuckDBPyConnection) -> tuple[set[str], list[str]]:
    """The audit tables that hold every column read here, and a note for each one that does not."""
    gaps = missing_columns(con, REQUIRED_COLUMNS)
    notes = [
        f"{table} is not in this warehouse: nothing recorded"
        if missing is None
        else f"{table} lacks column(s) {', '.join(missing)}: not shown"
        for table, missing in gaps.items()
    ]
    return set(REQUIRED_COLUMNS) - set(gaps), notes


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _utc(value: Any) -> datetime | None:
    """A naive UTC timestamp from SQL (`at time zone 'UTC'`) as an aware datetime."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"expected a timestamp, got {type(value).__name__}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run the gate decided most recently, for a page rendered without a run id."""
    available, _ = _available_tables(con)
    if DECISIONS_TABLE not in available:
        return None
    row = con.execute(
        f"select run_id from {DECISIONS_TABLE} order by decided_at desc, run_id desc limit 1"
    ).fetchone()
    return str(row[0]) if row else None


def _decisions(con: duckdb.DuckDBPyConnection, run_id: str) -> list[GateDecision]:
    rows = con.execute(
        f"""
        select source, decision, decided_at at time zone 'UTC', files_loaded, files_rejected,
            rows_read, rows_accepted, rows_quarantined, quarantine_threshold_pct, message
        from {DECISIONS_TABLE}
        where run_id = ?
        order by source
        """,
        [run_id],
    ).fetchall()
    decisions = [
        GateDecision(
            source=str(source),
            decision=str(decision),
            decided_at=_utc(decided_at),
            files_loaded=_int(loaded),
            files_rejected=_int(rejected),
            rows_read=_int(read),
            rows_accepted=_int(accepted),
            rows_quarantined=_int(quarantined),
            quarantine_threshold_pct=_float(threshold),
            message=str(message),
        )
        for (source, decision, decided_at, loaded, rejected, read, accepted, quarantined,
             threshold, message) in rows
    ]  # fmt: skip
    return sorted(decisions, key=lambda d: (decision_severity(d.decision), d.source))


def _rules(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, list[RuleFailure]]:
    checked = con.execute(
        f"select count(*) from {RESULTS_TABLE} where run_id = ?", [run_id]
    ).fetchone()
    order = " ".join(f"when '{a}' then {i}" for i, a in enumerate(ACTION_ORDER))
    rows = con.execute(
        f"""
        select source, rule, expectation_type, column_name, action, unexpected_count, message
        from {RESULTS_TABLE}
        where run_id = ? and not success
        order by case action {order} else {len(ACTION_ORDER)} end, source, rule, column_name
        """,
        [run_id],
    ).fetchall()
    failures = [
        RuleFailure(
            source=str(source),
            rule=str(rule),
            expectation_type=expectation_type,
            column_name=column_name,
            action=action,
            unexpected_count=_int(count),
            message=str(message),
        )
        for source, rule, expectation_type, column_name, action, count, message in rows
    ]
    return (_int(checked[0]) if checked else 0), failures


def _files(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, list[FileOutcome]]:
    loaded = con.execute(
        f"select count(*) from {MANIFEST_TABLE} where run_id = ? and status = 'loaded'", [run_id]
    ).fetchone()
    rows = con.execute(
        f"""
        select source, source_file, extract_date, status, duplicate_of, rule, action, reason,
            rows_read
        from {MANIFEST_TABLE}
        where run_id = ? and status <> 'loaded'
        order by case status when 'rejected' then 0 when 'ignored' then 1
            when 'deferred' then 2 else 3 end, source, source_file
        """,
        [run_id],
    ).fetchall()
    outcomes = [
        FileOutcome(
            source=str(source),
            source_file=str(source_file),
            extract_date=extract_date,
            status=str(status),
            duplicate_of=duplicate_of,
            rule=rule,
            action=action,
            reason=reason,
            rows_read=_int(rows_read),
        )
        for (source, source_file, extract_date, status, duplicate_of, rule, action, reason,
             rows_read) in rows
    ]  # fmt: skip
    return (_int(loaded[0]) if loaded else 0), outcomes


def quarantine_sql(run_id: str, source: str) -> str:
    return (
        f"select * from {QUARANTINE_TABLE}\n"
        f"where run_id = {quote_literal(run_id)} and source = {quote_literal(source)}\n"
        "order by source_file, source_row, column_name;"
    )


def _quarantine(con: duckdb.DuckDBPyConnection, run_id: str, cap: int) -> list[QuarantineListing]:
    totals = con.execute(
        f"""
        select source, entries, rows_set_aside, failing_cells
        from {QUARANTINE_COUNTS_VIEW}
        where run_id = ? order by source
        """,
        [run_id],
    ).fetchall()
    rows = con.execute(
        f"""
        select source, source_file, source_row, column_name, raw_value, stage, rule, action,
            reason
        from {QUARANTINE_LISTING_VIEW}
        where run_id = ? and position_in_source <= ?
        order by source, position_in_source
        """,
        [run_id, cap],
    ).fetchall()
    by_source: dict[str, list[QuarantinedRow]] = {}
    for source, source_file, source_row, column, raw_value, stage, rule, action, reason in rows:
        by_source.setdefault(str(source), []).append(
            QuarantinedRow(
                source_file=str(source_file),
                source_row=None if source_row is None else int(source_row),
                column_name=column,
                raw_value=None if raw_value is None else str(raw_value),
                stage=str(stage),
                rule=str(rule),
                action=str(action),
                reason=str(reason),
            )
        )
    return [
        QuarantineListing(
            source=str(source),
            total=int(total),
            rows_set_aside=int(rows_set_aside),
            failing_cells=int(cells),
            rows=tuple(by_source.get(str(source), ())),
            sql=quarantine_sql(run_id, str(source)),
        )
        for source, total, rows_set_aside, cells in totals
    ]


def load_quality_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None,
    *,
    quarantine_cap: int = QUARANTINE_LISTING_CAP,
) -> QualityRunData:
    """What the gate recorded for run_id (the latest decided run when None)."""
    available, notes = _available_tables(con)
    if run_id is None:
        run_id = latest_run_id(con)
    if run_id is None:
        return QualityRunData(None, None, (), 0, (), 0, (), (), tuple(notes))
    decisions = _decisions(con, run_id) if DECISIONS_TABLE in available else []
    rules_checked, failures = _rules(con, run_id) if RESULTS_TABLE in available else (0, [])
    files_loaded, outcomes = _files(con, run_id) if MANIFEST_TABLE in available else (0, [])
    quarantine = (
        _quarantine(con, run_id, quarantine_cap)
        if {QUARANTINE_COUNTS_VIEW, QUARANTINE_LISTING_VIEW} <= available
        else []
    )
    times = [d.decided_at for d in decisions if d.decided_at is not None]
    return QualityRunData(
        run_id=run_id,
        decided_at=max(times) if times else None,
        decisions=tuple(decisions),
        rules_checked=rules_checked,
        rule_failures=tuple(failures),
        files_loaded=files_loaded,
        file_outcomes=tuple(outcomes),
        quarantine=tuple(quarantine),
        notes=tuple(notes),
        freshness=_freshness(con, run_id),
    )


def _freshness(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[tuple[str, str, str], ...]:
    """The run's freshness verdicts; none from a warehouse built before they were recorded."""
    from pipelines.operate.freshness import FRESHNESS_TABLE

    schema, table = FRESHNESS_TABLE.split(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    if not found or not found[0]:
        return ()
    rows = con.execute(
        f"select source, status, message from {FRESHNESS_TABLE} where run_id = ? order by source",
        [run_id],
    ).fetchall()
    return tuple((str(source), str(status), str(message)) for source, status, message in rows)
