"""Small read-only questions the gate asks the DuckDB warehouse before pulling any rows."""

from __future__ import annotations

import duckdb

from pipelines.sql_helpers import fetch_scalar, quote_identifier

RAW_SCHEMA = "raw"


# One quoting rule for every SQL the pipeline writes; the gate's modules import it from here.
quote = quote_identifier


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str] | None:
    """The table's columns in table order, or None when the table (or view) does not exist.

    Only the connection's own database counts: `portfolio validate` attaches the published
    warehouse beside its scratch one, and a table there is not one unqualified SQL can name.
    """
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(row[0]) for row in rows] or None


def row_count(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    return int(fetch_scalar(con, f"SELECT count(*) FROM {quote(schema)}.{quote(table)}"))
