"""A raw.load_manifest row written by hand, for tests of what reads the manifest."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, ensure_audit_tables


def record_loaded_file(
    con: duckdb.DuckDBPyConnection, source: str, name: str, size: int, extract: date | None
) -> None:
    ensure_audit_tables(con)
    con.execute(
        f"insert into {MANIFEST_TABLE} (source, source_file, source_file_hash, file_size_bytes, "
        "extract_date, status, rows_read, rows_loaded, rows_quarantined, loaded_at) "
        "values (?, ?, ?, ?, ?, 'loaded', 1, 1, 0, ?)",
        [source, name, f"hash-of-{name}", size, extract, datetime.now()],
    )
