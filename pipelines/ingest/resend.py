"""A corrected export re-sent under the name it was first delivered with: a backfill.

Finance re-opens a closed period, a time tracker re-exports a past week, the PPM tool re-runs a
past extract: each arrives under the period's own file name with other bytes. The marts take
every source's rows from the latest load of a file name only (the `*_deduplicated` and
`*_converted` models), so the period's facts are rebuilt from the corrected file alone: a line
it drops disappears, a changed amount replaces the old one, other periods stay as they were.
This module only says so where a person will see it: the manifest's reason for the new load
names the load it replaces, and the run's output counts it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE


@dataclass(frozen=True)
class ReplacedLoad:
    loaded_at: str  # when the copy being replaced was loaded, to the minute
    rows_loaded: int

    def note(self, rows_now: int) -> str:
        return (
            f"re-sent: replaces the copy loaded {self.loaded_at} ({self.rows_loaded:,} rows, "
            f"now {rows_now:,}); the period's facts are rebuilt from this copy alone"
        )


def replaced_load(
    con: duckdb.DuckDBPyConnection, source_file: str, file_hash: str
) -> ReplacedLoad | None:
    """The latest earlier load of `source_file` with other bytes, if there is one."""
    row = con.execute(
        f"""
        select strftime(loaded_at, '%Y-%m-%d %H:%M'), rows_loaded from {MANIFEST_TABLE}
        where source_file = ? and source_file_hash <> ? and status = 'loaded'
        order by loaded_at desc limit 1
        """,
        [source_file, file_hash],
    ).fetchone()
    return ReplacedLoad(str(row[0]), int(row[1])) if row else None
