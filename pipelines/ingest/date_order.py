"""Decide, per date column of one file, whether its day/month/year cells are day- or month-first.

One file is written by one spreadsheet in one locale, so its order is a fact about the column,
proven by the file itself: a cell whose first field is over 12 (`25/12/2017`) can only be
day-first, one whose second field is over 12 (`12/25/2017`) only month-first. The decision and
the cell that proved it go to the load manifest (`raw.load_manifest.date_orders`, JSON per
column). When nothing decides (every field 12 or under) the order is `ambiguous` and a cell
whose fields differ is set aside as an `ambiguous date`; a column with proof of both orders is
`conflicting` and its swappable cells are set aside the same way. Never a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import duckdb

from pipelines.ingest.date_values import DAY_FIRST, MONTH_FIRST, dmy_fields
from pipelines.ingest.spec import Column, SourceSpec
from pipelines.sql_helpers import fetch_row
from pipelines.sql_helpers import quote_identifier as ident

AMBIGUOUS = "ambiguous"
CONFLICTING = "conflicting"
NOT_NEEDED = "not needed"


@dataclass(frozen=True)
class DateOrder:
    column: str  # the profile's column name
    order: str  # day-first | month-first | ambiguous | conflicting | not needed
    why: str


def _evidence(con: duckdb.DuckDBPyConnection, column: Column, rows_sql: str) -> tuple:
    matches, first, second, _ = dmy_fields(column)
    text = ident(column.header)
    day = f"{matches} and {first} > 12"
    month = f"{matches} and {second} > 12"
    row = fetch_row(
        con,
        f"""
        select count(*) filter (where {matches}),
               count(*) filter (where {day}), arg_min({text}, source_row) filter (where {day}),
               min(source_row) filter (where {day}),
               count(*) filter (where {month}), arg_min({text}, source_row) filter (where {month}),
               min(source_row) filter (where {month})
        from {rows_sql}
        """,
    )
    assert row is not None
    return row


def _decide(column: Column, evidence: tuple) -> DateOrder:
    dmy, days, day_cell, day_line, months, month_cell, month_line = evidence
    day_proof = f"{day_cell!r} (line {day_line}) has a first field over 12"
    month_proof = f"{month_cell!r} (line {month_line}) has a second field over 12"
    if not dmy:
        return DateOrder(column.name, NOT_NEEDED, "no day/month/year cell in this file")
    if days and months:
        return DateOrder(
            column.name,
            CONFLICTING,
            f"{day_proof} but {month_proof}: the column mixes both orders; its {dmy} "
            "day/month/year cell(s) whose fields differ are set aside as ambiguous dates",
        )
    if days:
        return DateOrder(
            column.name, DAY_FIRST, f"{day_proof} ({days} such cell(s)), none a second field"
        )
    if months:
        return DateOrder(
            column.name, MONTH_FIRST, f"{month_proof} ({months} such cell(s)), none a first field"
        )
    return DateOrder(
        column.name,
        AMBIGUOUS,
        f"none of its {dmy} day/month/year cell(s) has a field over 12; those whose fields "
        "differ are set aside as ambiguous dates",
    )


def decide_orders(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, rows_sql: str
) -> tuple[SourceSpec, list[DateOrder]]:
    """The spec with each profile date column's order for this file, and the decisions."""
    orders: list[DateOrder] = []
    columns: list[Column] = []
    for column in spec.columns:
        if column.sql_type == "DATE" and column.date_shapes:
            decided = _decide(column, _evidence(con, column, rows_sql))
            orders.append(decided)
            column = replace(column, day_month_order=decided.order)
        columns.append(column)
    return replace(spec, columns=tuple(columns)), orders


def orders_json(orders: list[DateOrder]) -> str | None:
    """The manifest's `date_orders`: {column: {"order": ..., "why": ...}}, or NULL if none."""
    if not orders:
        return None
    return json.dumps({o.column: {"order": o.order, "why": o.why} for o in orders})
