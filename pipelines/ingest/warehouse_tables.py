"""DDL for the tables ingestion writes: the raw tables, the load manifest and the rejects.

Created on demand so a new warehouse file needs no set-up step.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.sources import LINEAGE_COLUMNS, SourceSpec

MANIFEST_TABLE = "raw.load_manifest"
REJECTS_TABLE = "audit.ingest_rejects"


def ensure_raw_table(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    columns = [*spec.columns, *LINEAGE_COLUMNS]
    # Column names are unique per table even where two headers describe one column (finance plan).
    seen: dict[str, str] = {}
    for column in columns:
        seen.setdefault(column.name, column.sql_type)
    body = ",\n  ".join(f'"{name}" {sql_type}' for name, sql_type in seen.items())
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
            rows_rejected bigint not null,
            reason varchar,
            loaded_at timestamp not null
        )
        """
    )
    con.execute(
        f"""
        create table if not exists {REJECTS_TABLE} (
            source varchar not null,
            source_file varchar not null,
            source_file_hash varchar not null,
            source_row bigint,
            column_name varchar,
            raw_value varchar,
            rule varchar not null,
            reason varchar not null,
            raw_record varchar,
            rejected_at timestamp not null
        )
        """
    )
