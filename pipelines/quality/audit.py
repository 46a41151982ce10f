"""record_outcomes: keep every rule verdict of every run in the warehouse, failures and passes.

The audit table answers "was this rule checked on Tuesday's load, and what did it find?" after
the run's logs are gone, and lets reports show data-quality trends. One row per rule result,
including the gate's own checks (suite readable, table present and non-empty).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import duckdb

from pipelines.quality.decision import GateDecision
from pipelines.quality.outcome import RuleResult, ValidationOutcome

AUDIT_TABLE = "audit.quality_results"

_CREATE = f"""
CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    source VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    expectation_type VARCHAR,
    column_name VARCHAR,
    success BOOLEAN NOT NULL,
    action VARCHAR,  -- what a failure of this rule does: block | quarantine | warn
    unexpected_count BIGINT NOT NULL,
    sample_json VARCHAR,
    message VARCHAR NOT NULL
)
"""

_INSERT = f"""
INSERT INTO {AUDIT_TABLE} (run_id, checked_at, source, rule, expectation_type, column_name,
    success, action, unexpected_count, sample_json, message)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

# One row per source per run: what the gate decided and the row accounting behind it.
DECISIONS_TABLE = "audit.gate_decisions"
_CREATE_DECISIONS = f"""
CREATE TABLE IF NOT EXISTS {DECISIONS_TABLE} (
    run_id VARCHAR NOT NULL,
    decided_at TIMESTAMP WITH TIME ZONE NOT NULL,
    source VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,  -- passed | warned | quarantined | blocked
    files_loaded BIGINT NOT NULL,
    files_rejected BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,  -- data rows in this run's newly loaded files
    rows_accepted BIGINT NOT NULL,  -- of those, rows now in raw.<source>
    rows_quarantined BIGINT NOT NULL,  -- of those, rows in audit.quarantine
    quarantine_threshold_pct DOUBLE NOT NULL,
    message VARCHAR NOT NULL
)
"""


def record_outcomes(
    con: duckdb.DuckDBPyConnection, outcomes: Iterable[ValidationOutcome], run_id: str
) -> int:
    """Append one audit row per rule result; returns the number of rows written."""
    rows = [_row(outcome, result, run_id) for outcome in outcomes for result in outcome.results]
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(_CREATE)
    if rows:
        con.executemany(_INSERT, rows)
    return len(rows)


def record_decision(con: duckdb.DuckDBPyConnection, decision: GateDecision, run_id: str) -> None:
    """Append the source's verdict and row accounting for this run."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(_CREATE_DECISIONS)
    con.execute(
        f"INSERT INTO {DECISIONS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            decision.decided_at,
            decision.source,
            decision.decision,
            decision.files_loaded,
            decision.files_rejected,
            decision.rows_read,
            decision.rows_accepted,
            decision.rows_quarantined,
            decision.quarantine_threshold_pct,
            "\n".join([decision.summary(), *decision.messages]),
        ],
    )


def _row(outcome: ValidationOutcome, result: RuleResult, run_id: str) -> list[object]:
    failure = result.failure
    if failure is not None:
        message = failure.message()
        sample_json: str | None = json.dumps(failure.sample, default=str)
    else:
        on = f" on {result.column}" if result.column else ""
        message = (
            f'raw.{outcome.source} passed rule "{result.rule}" '
            f"({result.expectation_type}{on}) over {outcome.row_count} rows"
        )
        sample_json = None
    return [
        run_id,
        outcome.checked_at,
        outcome.source,
        result.rule,
        result.expectation_type or None,
        result.column,
        result.success,
        result.failure.effective_action if result.failure else result.action,
        result.unexpected_count,
        sample_json,
        message,
    ]
