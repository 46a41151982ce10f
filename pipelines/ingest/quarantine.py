"""Write set-aside rows to `audit.quarantine`: one row per (input row, rule), with its action.

Both readers use this, so every quarantined row has the same shape: the file and its hash, the
physical line (header = line 1; for a workbook the sheet row), the column and raw value where a
column is at fault, the rule, the rule's configured action and a reason a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from pipelines.ingest.rules import get_rule
from pipelines.ingest.warehouse_tables import QUARANTINE_TABLE

STAGE = "ingest"
_COLUMNS = (
    "source, source_file, source_file_hash, source_row, column_name, raw_value, stage, rule, "
    "action, reason, raw_record, run_id, quarantined_at"
)


@dataclass(frozen=True)
class FileContext:
    """Who is writing: the same for every quarantine row of one file."""

    source: str
    source_file: str
    source_file_hash: str
    run_id: str | None
    at: datetime

    def params(self) -> list[object]:
        return [self.source, self.source_file, self.source_file_hash]

    def tail(self) -> list[object]:
        return [self.run_id, self.at]


@dataclass(frozen=True)
class QuarantineRow:
    source_row: int | None
    column_name: str | None
    raw_value: str | None
    rule: str
    reason: str
    raw_record: str | None


def action_case_sql(rule_sql: str, rules: Sequence[str]) -> str:
    """SQL mapping a rule name (an expression) to its configured action; unknown rules fail now."""
    whens = " ".join(f"when '{name}' then '{get_rule(name).action}'" for name in rules)
    return f"(case {rule_sql} {whens} end)"


def insert_select(
    con: duckdb.DuckDBPyConnection, context: FileContext, select_sql: str, rules: Sequence[str]
) -> None:
    """Insert the rows of `select_sql`, which yields (source_row, column_name, raw_value, rule,
    reason, raw_record); each row's action comes from the rules config."""
    con.execute(
        f"""
        insert into {QUARANTINE_TABLE} ({_COLUMNS})
        select ?, ?, ?, q.source_row, q.column_name, q.raw_value, '{STAGE}', q.rule,
               {action_case_sql("q.rule", rules)}, q.reason, q.raw_record, ?, ?
        from ({select_sql}) as q
        """,
        [*context.params(), *context.tail()],
    )


def insert_rows(
    con: duckdb.DuckDBPyConnection, context: FileContext, rows: Iterable[QuarantineRow]
) -> None:
    values = [
        [
            *context.params(),
            row.source_row,
            row.column_name,
            row.raw_value,
            STAGE,
            row.rule,
            get_rule(row.rule).action,
            row.reason,
            row.raw_record,
            *context.tail(),
        ]
        for row in rows
    ]
    if values:
        con.executemany(
            f"insert into {QUARANTINE_TABLE} ({_COLUMNS}) values ({', '.join('?' * 13)})", values
        )


def examples(con: duckdb.DuckDBPyConnection, context: FileContext, limit: int = 3) -> list[str]:
    """A few "line N column C rule R: reason" lines of this file, for the run's log."""
    rows = con.execute(
        f"""
        select 'line ' || coalesce(source_row::varchar, '?')
               || coalesce(' column ' || column_name, '') || ' rule "' || rule || '" ('
               || action || '): ' || reason
        from {QUARANTINE_TABLE}
        where source_file = ? and source_file_hash = ? and stage = '{STAGE}'
              and run_id is not distinct from ? and quarantined_at = ?
        order by source_row, column_name
        limit {limit}
        """,
        [context.source_file, context.source_file_hash, *context.tail()],
    ).fetchall()
    return [str(row[0]) for row in rows]
