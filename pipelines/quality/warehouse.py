"""Small read-only questions the gate asks the DuckDB warehouse before pulling any rows."""

from __future__ import annotations

import duckdb

RAW_SCHEMA = "raw"


def quote(identifier: str) -> str:
    """Quote a column or table name for DuckDB SQL (names come from suite files and catalogs)."""
    return '"' + identifier.replace('"', '""') + '"'


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str] | None:
    """The table's columns in table order, or None when the table (or view) does not exist."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(row[0]) for row in rows] or None


def row_count(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next con.sql.
    rows = con.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(table)}").fetchall()
    return int(rows[0][0])
