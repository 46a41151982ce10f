"""Run-time values for suite parameters: the reference sets for referential checks.

Suites name the set of valid ids as `{"$PARAMETER": "known_project_ids"}` instead of a literal list,
because the valid ids are whatever raw.projects holds on the day of the run. Each parameter the gate
knows is a query against the warehouse; a parameter it cannot fill fails the rules that use it
(never skips them), so a missing raw.projects cannot make referential checks pass by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.quality.suites import Rule
from pipelines.quality.warehouse import RAW_SCHEMA, quote, table_columns


@dataclass(frozen=True)
class _IdSet:
    table: str
    column: str


PARAMETER_SOURCES: dict[str, _IdSet] = {
    "known_project_ids": _IdSet("projects", "project_id"),
    "known_employee_ids": _IdSet("resources", "employee_id"),
}


class ParameterError(Exception):
    """A suite parameter has no value this run."""


def resolve_parameter(con: duckdb.DuckDBPyConnection, name: str) -> list[object]:
    """The distinct non-null ids for a parameter, read from the raw table that defines them."""
    source = PARAMETER_SOURCES.get(name)
    if source is None:
        known = ", ".join(sorted(PARAMETER_SOURCES))
        raise ParameterError(f"unknown suite parameter {name!r} (the gate can fill: {known})")
    columns = table_columns(con, RAW_SCHEMA, source.table)
    if columns is None:
        raise ParameterError(
            f"cannot fill {name}: table {RAW_SCHEMA}.{source.table} does not exist"
        )
    if source.column not in columns:
        raise ParameterError(
            f"cannot fill {name}: {RAW_SCHEMA}.{source.table} has no column {source.column}"
        )
    rows = con.execute(
        f"SELECT DISTINCT {quote(source.column)} FROM {quote(RAW_SCHEMA)}.{quote(source.table)} "
        f"WHERE {quote(source.column)} IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def resolve_parameters(
    con: duckdb.DuckDBPyConnection, names: set[str]
) -> tuple[dict[str, list[object]], dict[str, str]]:
    """Values for the parameters that could be filled, and an error for each that could not."""
    values: dict[str, list[object]] = {}
    errors: dict[str, str] = {}
    for name in sorted(names):
        try:
            values[name] = resolve_parameter(con, name)
        except (ParameterError, duckdb.Error) as exc:
            errors[name] = str(exc)
    return values, errors


def narrow_parameters(
    rules: list[Rule], parameters: dict[str, list[object]], frame: pd.DataFrame
) -> dict[str, list[object]]:
    """The parameter values one chunk needs, with reference sets cut to the ids it contains.

    For an in-set (or not-in-set) rule, a value is in the full set exactly when it is in the full
    set intersected with the chunk's values, so the verdict, counts and samples are unchanged.
    It matters for speed: GX copies a value set hundreds of times per batch, so a 20,000-id set
    costs seconds per chunk. A parameter also used any other way is passed whole.
    """
    needed = {name for rule in rules for name in rule.parameters}
    widened = {name for rule in rules for name in rule.parameters if rule.set_parameter != name}
    columns_by_name: dict[str, set[str]] = {}
    for rule in rules:
        if rule.set_parameter is not None:
            columns_by_name.setdefault(rule.set_parameter, set()).add(rule.columns[0])
    values: dict[str, list[object]] = {}
    for name in needed:
        full = parameters[name]
        if name in widened:
            values[name] = full
            continue
        present: set[object] = set()
        for column in columns_by_name[name]:
            present.update(frame[column].dropna().unique().tolist())
        values[name] = [value for value in full if value in present]
    return values
