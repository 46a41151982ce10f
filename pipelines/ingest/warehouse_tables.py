"""DDL for the tables ingestion writes: the raw tables, the load manifest and the quarantine
(with the views that sum the last two for their readers: summary_views.py).

Created on demand so a new warehouse file needs no set-up step.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.sources import LINEAGE_COLUMNS, SourceSpec
from pipelines.ingest.summary_views import ensure_summary_views

MANIFEST_TABLE = "raw.load_manifest"
# Every row set aside, by ingest (unreadable values, broken records) or by the gate (failed rules).
# Rows in = rows in raw.<source> + rows here, per loaded file (the gate checks it every run).
QUARANTINE_TABLE = "audit.quarantine"


def raw_columns(spec: SourceSpec, *, lineage: bool = True) -> list[tuple[str, str]]:
    """(name, type) of `raw.<source>` in table order: the data columns, then the lineage columns.

    Names are unique even where two headers describe one column (the finance plan's sheet name).
    """
    seen: dict[str, str] = {}
    for column in [*spec.stored_columns, *(LINEAGE_COLUMNS if lineage else ())]:
        seen.setdefault(column.name, column.sql_type)
    return list(seen.items())


def ensure_raw_table(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    body = ",\n  ".join(f'"{name}" {sql_type}' for name, sql_type in raw_columns(spec))
    con.execute("create schema if not exists raw")
    con.execute(f"create table if not exists {spec.table} (\n  {body}\n)")


def ensure_audit_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    con.execute(
        f"""
        create table if not exists {MANIFEST_TABLE} (
            source varchar not null,
            source_file varchar not null,
            source_file_hash varchar not null,
            file_size_bytes bigint not null,
            extract_date date,
            status varchar not null,  -- loaded | duplicate | rejected
            duplicate_of varchar,
            rows_read bigint not null,
            rows_loaded bigint not null,
            rows_quarantined bigint not null,
            reason varchar,
            loaded_at timestamp not null,
            rule varchar,    -- the file-level rule a rejected file broke
            action varchar,  -- what that rule does: block | quarantine | warn
            run_id varchar,
            failing_cells bigint,  -- cells that failed their type (rows_quarantined counts rows)
            date_orders varchar    -- JSON: each date column's day/month order and why
        )
        """
    )
    # Warehouses built before these columns existed get them (null for their earlier files).
    for column, sql_type in (("failing_cells", "bigint"), ("date_orders", "varchar")):
        con.execute(f"alter table {MANIFEST_TABLE} add column if not exists {column} {sql_type}")
    con.execute(
        f"""
        create table if not exists {QUARANTINE_TABLE} (
            source varchar not null,
            source_file varchar not null,
            source_file_hash varchar not null,
            source_row bigint,
            column_name varchar,
            raw_value varchar,
            stage varchar not null,   -- ingest | gate
            rule varchar not null,
            action varchar not null,  -- block | quarantine | warn
            reason varchar not null,
            raw_record varchar,
            run_id varchar,
            quarantined_at timestamp not null
        )
        """
    )
    ensure_summary_views(con, manifest=MANIFEST_TABLE, quarantine=QUARANTINE_TABLE)
