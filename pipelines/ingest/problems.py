"""What ingestion could not load for a source: rejected files and rows that failed their types.

The quality gate reads this so a file that never reached its raw table still stops the run: a row
that was set aside is never silently missing from the marts.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, REJECTS_TABLE, ensure_audit_tables

_EXAMPLES = 5


@dataclass(frozen=True)
class IngestProblems:
    source: str
    rejected_files: list[tuple[str, str]]  # (file, reason)
    rejected_row_count: int
    row_examples: list[str]

    @property
    def any(self) -> bool:
        return bool(self.rejected_files or self.rejected_row_count)

    def messages(self) -> list[str]:
        lines = [
            f"{self.source}: file {name} rejected: {reason}" for name, reason in self.rejected_files
        ]
        if self.rejected_row_count:
            lines.append(
                f"{self.source}: {self.rejected_row_count} row value(s) could not be read with "
                f"their declared type (kept in {REJECTS_TABLE}), e.g. "
                + "; ".join(self.row_examples)
            )
        return lines


def ingest_problems(con: duckdb.DuckDBPyConnection, source: str) -> IngestProblems:
    ensure_audit_tables(con)
    files = con.execute(
        f"select source_file, reason from {MANIFEST_TABLE} "
        "where source = ? and status = 'rejected' order by source_file",
        [source],
    ).fetchall()
    count_rows = con.execute(
        f"select count(*) from {REJECTS_TABLE} where source = ? and rule = 'type'", [source]
    ).fetchall()
    examples = con.execute(
        f"""
        select source_file || ' line ' || source_row || ' column ' || coalesce(column_name, '?')
               || ' rule "' || rule || '": ' || reason
        from {REJECTS_TABLE}
        where source = ? and rule = 'type'
        order by source_file, source_row
        limit {_EXAMPLES}
        """,
        [source],
    ).fetchall()
    return IngestProblems(
        source=source,
        rejected_files=[(str(name), str(reason)) for name, reason in files],
        rejected_row_count=int(count_rows[0][0]),
        row_examples=[str(row[0]) for row in examples],
    )
