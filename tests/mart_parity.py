"""Row-for-row comparison of the marts of two warehouses (the DuckDB build and the Spark build).

Two builds agree on a mart when it has the same columns and the same multiset of rows: rows are
put in one order (every column, floating point rounded for the sort only) and compared pairwise,
text, dates, integers and booleans exactly, doubles within rounding (the engines add them up in
different orders) and fixed-point amounts within one unit of their last decimal (an amount the
engines multiply at different intermediate precision may round the other way).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
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


def compare_relations(
    reference: Path, candidate: Path, relations: list[tuple[str, str]]
) -> list[MartComparison]:
    """Compare each (schema, table) of `candidate` with the same one of `reference`."""
    with duckdb.connect() as con:
        con.execute(f"attach '{reference}' as reference (read_only)")
        con.execute(f"attach '{candidate}' as candidate (read_only)")
        return [_compare(con, f"{schema}.{table}") for schema, table in relations]


def _compare(con: duckdb.DuckDBPyConnection, relation: str) -> MartComparison:
    left_columns = _columns(con, f"reference.{relation}")
    right_columns = _columns(con, f"candidate.{relation}")
    if right_columns is None:
        return MartComparison(relation, -1, ("missing from the candidate build",))
    assert left_columns is not None, f"{relation} missing from the reference build"
    if left_columns != right_columns:  # names, order and types
        differing = sorted(set(left_columns) ^ set(right_columns))
        return MartComparison(relation, -1, (f"columns differ: {differing}",))
    floats = {name for name, kind in left_columns if kind in ("DOUBLE", "FLOAT", "REAL")}
    tolerances = {name: _tolerance(kind) for name, kind in left_columns}
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
            if not _same(x, y, tolerances[name])
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


def _tolerance(kind: str) -> str | Decimal | None:
    """How two values of a column may differ: "float", one unit of a decimal's scale, or not."""
    if kind in ("DOUBLE", "FLOAT", "REAL"):
        return "float"
    scale = re.fullmatch(r"DECIMAL\(\d+,(\d+)\)", kind)
    return Decimal(1).scaleb(-int(scale.group(1))) if scale else None


def _same(x: Any, y: Any, tolerance: str | Decimal | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if tolerance == "float":
        return math.isclose(x, y, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    if isinstance(tolerance, Decimal):
        return abs(Decimal(x) - Decimal(y)) <= tolerance
    return bool(x == y)
