"""SQL that reads a source profile's date cell in the shapes spreadsheets write, or says why not.

Real exports are saved by spreadsheets, which write a date column as `2017-11-01 00:00:00`,
`2017-11-01T00:00:00Z` or `11/01/2017 00:00`. On a date column the date is what counts: a time
part (any time, a `Z` or offset, `AM`/`PM`) is read past, never used to move the day. Day/month
order is not guessed per cell: it is decided per column and file by `date_order.py` (a first
field over 12 proves day-first, a second field over 12 month-first) and passed in here; when
nothing in the column decides it, a cell whose two fields could swap is an `ambiguous date`.

Only profile columns (`Column.date_shapes`) read these shapes; the native exports' contract
stays `YYYY-MM-DD` (docs/exports.md).
"""

from __future__ import annotations

from pipelines.ingest.spec import Column
from pipelines.sql_helpers import quote_identifier as ident
from pipelines.sql_helpers import quote_literal

_WS = "' \t\u00a0\u202f'"
# The time part spreadsheets append: ` 00:00`, `T00:00:00`, `T00:00:00.000Z`, ` 12:00:00 AM`,
# `+01:00`. Read past, never used.
_TIME = r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?"
ISO_SHAPE = r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME
# Day and month in either order, then a four-digit year: `01/11/2017`, `1.11.2017 00:00`.
DMY_SHAPE = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _TIME

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
ORDERS = (DAY_FIRST, MONTH_FIRST)


def _text(column: Column) -> str:
    return f"trim({ident(column.header)}, {_WS})"


def _part(text: str, shape: str, group: int) -> str:
    return (
        f"try_cast(regexp_extract({text}, {quote_literal('^' + shape + '$')}, {group}) as INTEGER)"
    )


def _ymd(year: str, month: str, day: str) -> str:
    """A date from parts, NULL when the day does not exist (31 February), never an error."""
    return f"try_strptime(concat({year}, '-', {month}, '-', {day}), '%Y-%m-%d')::DATE"


def dmy_fields(column: Column) -> tuple[str, str, str, str]:
    """(matches, first field, second field, year) of a day/month/year cell, as SQL."""
    text = _text(column)
    matches = f"regexp_full_match({text}, {quote_literal(DMY_SHAPE)})"
    return (
        matches,
        _part(text, DMY_SHAPE, 1),
        _part(text, DMY_SHAPE, 2),
        _part(text, DMY_SHAPE, 3),
    )


def date_value_sql(column: Column) -> str:
    """The date: a declared format, ISO with any time part, or d/m/y in the column's order."""
    text = _text(column)
    tries = [f"try_strptime({text}, {quote_literal(f)})::DATE" for f in column.date_formats]
    iso = (
        f"case when regexp_full_match({text}, {quote_literal(ISO_SHAPE)}) then "
        + _ymd(_part(text, ISO_SHAPE, 1), _part(text, ISO_SHAPE, 2), _part(text, ISO_SHAPE, 3))
        + " end"
    )
    matches, first, second, year = dmy_fields(column)
    if column.day_month_order == DAY_FIRST:
        dmy = _ymd(year, second, first)
    elif column.day_month_order == MONTH_FIRST:
        dmy = _ymd(year, first, second)
    else:
        # Nothing decides the order: only a cell that reads the same both ways is a date.
        dmy = f"case when {first} = {second} then {_ymd(year, first, second)} end"
    tries += [iso, f"case when {matches} then {dmy} end"]
    return f"(coalesce({', '.join(tries)}))"


def date_failure_sql(column: Column, expected: str) -> tuple[str, str]:
    """(rule, reason) SQL for a present date cell that `date_value_sql` could not read."""
    text = _text(column)
    shown = f"('''' || {text} || '''')"
    matches, first, second, year = dmy_fields(column)
    order = column.day_month_order
    undecided = order not in ORDERS
    ambiguous = f"({matches} and {first} <= 12 and {second} <= 12 and {first} <> {second})"
    swappable = ambiguous if undecided else "false"
    serial = f"regexp_full_match({text}, '\\d{{5}}(\\.0+)?')"
    why = (
        "the column mixes day-first and month-first dates in this file"
        if order == "conflicting"
        else "nothing in this column of the file decides the day/month order (a first field "
        "over 12 would make it day-first, a second field over 12 month-first)"
    )
    mixed = f"({matches} and {quote_literal(order or '')} = 'conflicting' and {first} <> {second})"
    rule = (
        f"case when {swappable} or {mixed} then 'ambiguous date' "
        f"when {serial} then 'excel serial date' else 'type' end"
    )
    read_as = f" (read {order})" if order in ORDERS else ""
    reason = f"""case
        when {swappable} or {mixed} then {shown} || ' is ambiguous: '
            || coalesce(try_strptime(concat({year}, '-', {second}, '-', {first}), '%Y-%m-%d')
                ::DATE::VARCHAR, 'no date') || ' (day/month) or '
            || coalesce(try_strptime(concat({year}, '-', {first}, '-', {second}), '%Y-%m-%d')
                ::DATE::VARCHAR, 'no date') || ' (month/day); ' || {quote_literal(why)}
        when {serial} then {text} || ' looks like an Excel serial date ('
            || (date '1899-12-30' + cast(floor(try_cast({text} as DOUBLE)) as INTEGER))::VARCHAR
            || '); dates must be ' || {quote_literal(expected)}
        when {matches} or regexp_full_match({text}, {quote_literal(ISO_SHAPE)})
            then {shown} || {quote_literal(" is not a valid date" + read_as)}
        else {shown} || {quote_literal(" is not a date: dates must be " + expected)} end"""
    return rule, reason


def expected_shapes(column: Column) -> str:
    declared = " or ".join(column.date_formats)
    shapes = "YYYY-MM-DD or day/month/year (a time part is read past)"
    return f"{declared} or {shapes}" if declared else shapes
