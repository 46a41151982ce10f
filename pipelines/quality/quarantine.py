"""Set aside the raw rows that failed a quarantine rule: moved, never dropped.

Each failing row is copied to `audit.quarantine` (its file, line, the rule, why, the value and the
whole record as JSON) and deleted from `raw.<source>` in one transaction, and the load manifest's
counts for its file move with it, so "rows read = rows loaded + rows quarantined" keeps holding.
A row that failed several rules has one quarantine row per rule but is moved (and counted) once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, QUARANTINE_TABLE
from pipelines.quality.outcome import RuleFailure, ValidationOutcome
from pipelines.quality.warehouse import RAW_SCHEMA, quote, table_columns

_ROWIDS = "_gate_quarantine_rowids"


@dataclass(frozen=True)
class QuarantineResult:
    rows_moved: int = 0
    # Moved rows per landing file: (source_file, source_file_hash) -> rows.
    rows_by_file: dict[tuple[str, str], int] = field(default_factory=dict)


def quarantine_failed_rows(
    con: duckdb.DuckDBPyConnection,
    outcome: ValidationOutcome,
    run_id: str,
    at: datetime,
) -> QuarantineResult:
    """Move every row named by a failed quarantine rule; returns how many rows moved, per file."""
    failures = [f for f in outcome.failures_by_action("quarantine") if f.unexpected_rowids]
    if not failures:
        return QuarantineResult()
    source = outcome.source
    table = f"{quote(RAW_SCHEMA)}.{quote(source)}"
    raw_columns = set(table_columns(con, RAW_SCHEMA, source) or [])
    all_rowids = sorted({rowid for f in failures for rowid in f.unexpected_rowids})
    con.execute("BEGIN TRANSACTION")
    try:
        for failure in failures:
            _copy_to_quarantine(con, table, failure, raw_columns, run_id, at)
        _register_rowids(con, all_rowids)
        per_file = con.execute(
            f"SELECT source_file, source_file_hash, count(*) FROM {table} "
            f"WHERE rowid IN (SELECT rowid_ FROM {_ROWIDS}) GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT rowid_ FROM {_ROWIDS})")
        for source_file, file_hash, moved in per_file:
            con.execute(
                f"UPDATE {MANIFEST_TABLE} SET rows_loaded = rows_loaded - ?, "
                "rows_quarantined = rows_quarantined + ? "
                "WHERE source = ? AND source_file = ? AND source_file_hash = ? "
                "AND status = 'loaded'",
                [moved, moved, source, source_file, file_hash],
            )
        con.unregister(_ROWIDS)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    by_file = {(str(name), str(digest)): int(moved) for name, digest, moved in per_file}
    return QuarantineResult(rows_moved=sum(by_file.values()), rows_by_file=by_file)


def _register_rowids(
    con: duckdb.DuckDBPyConnection, rowids: list[int], values: list[str | None] | None = None
) -> None:
    columns = {"rowid_": pa.array(rowids, type=pa.int64())}
    columns["value_"] = pa.array(values or [None] * len(rowids), type=pa.string())
    con.register(_ROWIDS, pa.table(columns))


def _copy_to_quarantine(
    con: duckdb.DuckDBPyConnection,
    table: str,
    failure: RuleFailure,
    raw_columns: set[str],
    run_id: str,
    at: datetime,
) -> None:
    # The value the rule judged: the raw column's, or the gate's for a derived column (the
    # unknown project id), which the raw row does not hold: kept only when the tally has one
    # value per failing row (a rule on several columns has none).
    aligned = len(failure.unexpected_values) == len(failure.unexpected_rowids)
    pairs = zip(failure.unexpected_rowids, failure.unexpected_values, strict=True)
    judged = dict(pairs) if aligned else {}
    if failure.column in raw_columns:
        value_sql = f"CAST(r.{quote(str(failure.column))} AS VARCHAR)"
    else:
        value_sql = "k.value_"
    on = f" on {failure.column}" if failure.column else ""
    reason = f'failed rule "{failure.rule}" ({failure.expectation_type}{on})'
    if failure.description:
        reason += f": {failure.description}"
    rowids = sorted(set(failure.unexpected_rowids))
    _register_rowids(con, rowids, [judged.get(rowid) for rowid in rowids])
    con.execute(
        f"""
        INSERT INTO {QUARANTINE_TABLE}
        SELECT ?, r.source_file, r.source_file_hash, r.source_row, ?, {value_sql},
               'gate', ?, 'quarantine', ?, to_json(r)::VARCHAR, ?, ?
        FROM {table} AS r JOIN {_ROWIDS} AS k ON r.rowid = k.rowid_
        """,
        [failure.source, failure.column, failure.rule, reason, run_id, at],
    )
    con.unregister(_ROWIDS)
