"""Row-for-row comparison of the marts of two warehouses (the DuckDB build and the Spark build).

Two builds agree on a mart when it has the same columns and the same multiset of rows: rows are
put in one order (every column, floating point rounded for the sort only) and compared pairwise,
text, dates, integers and booleans exactly, floating point within rounding (the engines add up
doubles in different orders).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

# Two sums of the same doubles in another order differ in the last bits, relative to the sum.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
# Rounding for the sort key only, so two near-equal doubles sort to the same place.
SORT_DIGITS = 6


@dataclass(frozen=True)
class MartComparison:
    table: str
    rows: int  # rows of the reference build
    problems: tuple[str, ...]


def table_names(warehouse: Path, schema: str = "marts") -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "order by table_name",
                [schema],
            ).fetchall()
        ]


def compare_marts(
    reference: Path, candidate: Path, tables: list[str], schema: str = "marts"
) -> list[MartComparison]:
    """Compare `schema.<table>` of `candidate` with `reference` for each of `tables`."""
    with duckdb.connect() as con:
        con.execute(f"attach '{reference}' as reference (read_only)")
        con.execute(f"attach '{candidate}' as candidate (read_only)")
        return [_compare(con, f"{schema}.{table}") for table in tables]


def _compare(con: duckdb.DuckDBPyConnection, relation: str) -> MartComparison:
    left_columns = _columns(con, f"reference.{relation}")
    right_columns = _columns(con, f"candidate.{relation}")
    if right_columns is None:
        return MartComparison(relation, -1, ("missing from the candidate build",))
    assert left_columns is not None, f"{relation} missing from the reference build"
    if [name for name, _ in left_columns] != [name for name, _ in right_columns]:
        return MartComparison(relation, -1, (f"columns differ: {left_columns} vs {right_columns}",))
    floats = {name for name, kind in left_columns if kind in ("DOUBLE", "FLOAT", "REAL")}
    left = _sorted_rows(con, f"reference.{relation}", left_columns, floats)
    right = _sorted_rows(con, f"candidate.{relation}", left_columns, floats)
    problems: list[str] = []
    if len(left) != len(right):
        problems.append(f"{len(left)} rows vs {len(right)}")
    names = [name for name, _ in left_columns]
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        differing = [
            f"{name}: {x!r} vs {y!r}"
            for name, x, y in zip(names, a, b, strict=True)
            if not _same(x, y, name in floats)
        ]
        if differing:
            problems.append(f"row {index + 1}: " + "; ".join(differing))
        if len(problems) >= 5:  # enough to see what is wrong
            break
    return MartComparison(relation, len(left), tuple(problems))


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]] | None:
    catalog, schema, table = relation.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [(name, kind) for name, kind in rows] or None


def _sorted_rows(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[tuple[str, str]],
    floats: set[str],
) -> list[tuple[Any, ...]]:
    keys = ", ".join(
        f'round("{name}", {SORT_DIGITS})' if name in floats else f'"{name}"' for name, _ in columns
    )
    selected = ", ".join(f'"{name}"' for name, _ in columns)
    return con.execute(f"select {selected} from {relation} order by {keys}").fetchall()


def _same(x: Any, y: Any, is_float: bool) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if is_float:
        return math.isclose(x, y, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return bool(x == y)
