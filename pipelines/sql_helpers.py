"""Small helpers for DuckDB SQL: quoting names, queries that return one row, rows as dicts.

DuckDB 2.0 keeps a result open until a fetch returns nothing, and then refuses other work on the
connection; fetching all rows of a one-row query closes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb


def quote_identifier(name: str) -> str:
    """Quote a column or table name (names come from export headers, suites and catalogs)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A SQL string literal (a file path, a header, a code) written into a statement."""
    return "'" + value.replace("'", "''") + "'"


def fetch_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> tuple[Any, ...] | None:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> Any:
    row = fetch_row(con, sql, params)
    return row[0] if row else None


def fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name (fetchall closes the result)."""
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def missing_columns(
    con: duckdb.DuckDBPyConnection, required: Mapping[str, Sequence[str]]
) -> dict[str, list[str] | None]:
    """For each required `schema.table`: None if the table is absent, else its missing columns.

    Tables with every column present are left out, so an empty result means "all there".
    """
    rows = con.execute(
        """
        select table_schema || '.' || table_name, column_name
        from information_schema.columns
        where table_catalog = current_database()
        """
    ).fetchall()
    present: dict[str, set[str]] = {}
    for table, column in rows:
        present.setdefault(str(table), set()).add(str(column))
    gaps: dict[str, list[str] | None] = {}
    for table, columns in required.items():
        if table not in present:
            gaps[table] = None
        elif missing := [c for c in columns if c not in present[table]]:
            gaps[table] = missing
    return gaps
