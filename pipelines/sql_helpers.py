"""Small helpers for DuckDB SQL: quoting names, and queries that return one row.

DuckDB 2.0 keeps a result open until a fetch returns nothing, and then refuses other work on the
connection; fetching all rows of a one-row query closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def quote_identifier(name: str) -> str:
    """Quote a column or table name (names come from export headers, suites and catalogs)."""
    return '"' + name.replace('"', '""') + '"'


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
