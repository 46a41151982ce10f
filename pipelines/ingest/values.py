"""SQL that turns a CSV field's text into its declared type, and says why when it cannot.

Everything is a DuckDB expression so a 10M-row file is normalised in the engine, not in a Python
loop. The rules, per docs/exports.md "What the ingest does with imperfect files":

- `NA`, `N/A`, `-` and blank (any case, surrounding whitespace) are null, for every type.
- Numbers may carry a currency symbol (`$ £ € ¥`) and thousands separators that group by three
  (`1,234.50`, `1 234,50`); which character is the decimal point is the file's (`.`, or `,` in a
  `;`-delimited file). Anything else (`1,2`, `1.5` in a decimal-comma file) is not guessed at.
- Whole-number columns refuse a fraction instead of rounding it (`try_cast('7.5' as INTEGER)`
  is 8 in DuckDB).
- Dates must be `YYYY-MM-DD`; `03/04/2026` is ambiguous, `25/12/2026` is not the contract's format,
  `45678` is an Excel serial date. Each says so, in its own rule.
"""

from __future__ import annotations

import contextlib
import html

import duckdb

from pipelines.ingest.date_values import date_failure_sql, date_value_sql, expected_shapes
from pipelines.ingest.spec import Column, Parse
from pipelines.sql_helpers import quote_identifier as ident
from pipelines.sql_helpers import quote_literal

_WS = "' \t\u00a0\u202f'"  # space, tab, no-break space, narrow no-break (literal characters)
_SPACES = r"[ \x{A0}\x{202F}]"
_PAD = r"[\s\x{A0}\x{202F}]*"
NUMERIC_TYPES = ("DOUBLE", "INTEGER", "BIGINT")
WHOLE_TYPES = ("INTEGER", "BIGINT")


def text_sql(column: str) -> str:
    return f"trim({ident(column)}, {_WS})"


# The reader (read_csv's nullstr) already turns the bare tokens into NULL; what is left is a
# blank or a token padded with whitespace. SQL here stays cheap to plan (no IN lists: a wide file
# has dozens of columns) and cheap to run (a value starting with a visible character is data).
NULL_TOKENS = ("", "NA", "N/A", "na", "n/a", "Na", "N/a", "n/A", "-")
_TOKEN_RE = r"'[\s\x{A0}\x{202F}]*(((?i)na|n/a|-)[\s\x{A0}\x{202F}]*)?'"


def _visible_start(c: str) -> str:
    return f"(ascii({c}) > 32 and ascii({c}) < 160)"


def is_null_sql(column: str) -> str:
    """The field is absent: NULL, blank, or a null token (`NA`, `N/A`, `-`) with padding."""
    c = ident(column)
    return f"({c} is null or regexp_full_match({c}, {_TOKEN_RE}))"


def is_blank_sql(column: str) -> str:
    """The field holds nothing but whitespace."""
    c = ident(column)
    return (
        f"(case when {c} is null then true when {_visible_start(c)} then false "
        f"else trim({c}, {_WS}) = '' end)"
    )


def _number_text_sql(column: str, decimal: str, parse: Parse | None = None) -> str:
    """The field's number with currency and grouping removed and `.` as decimal point, or NULL."""
    symbols = "[$£€¥]|%[\\s\\x{A0}]*$" if parse == "percent" else "[$£€¥]"
    bare = f"trim(regexp_replace({ident(column)}, '{symbols}', '', 'g'), {_WS})"
    sign = "[+-]?"
    if decimal == ".":
        return f"""(case
            when regexp_full_match({bare}, '{sign}\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?')
                then replace({bare}, ',', '')
            when regexp_full_match({bare}, '{sign}\\d{{1,3}}({_SPACES}\\d{{3}})+(\\.\\d+)?')
                then regexp_replace({bare}, '{_SPACES}', '', 'g')
            when regexp_full_match({bare}, '{sign}(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?')
                then {bare}
            end)"""
    return f"""(case
        when regexp_full_match({bare}, '{sign}\\d+(,\\d+)?') then replace({bare}, ',', '.')
        when regexp_full_match({bare}, '{sign}\\d{{1,3}}(\\.\\d{{3}})+(,\\d+)?')
            then replace(replace({bare}, '.', ''), ',', '.')
        when regexp_full_match({bare}, '{sign}\\d{{1,3}}({_SPACES}\\d{{3}})+(,\\d+)?')
            then replace(regexp_replace({bare}, '{_SPACES}', '', 'g'), ',', '.')
        end)"""


def number_sql(column: str, decimal: str, parse: Parse | None = None) -> str:
    """The field as DOUBLE (NULL when absent or unreadable); `percent` reads `-19%` as -19."""
    cast = f"try_cast({_number_text_sql(column, decimal, parse)} as DOUBLE)"
    # `1e999` casts to infinity: never a value (dbt would fail on it far from its file and line);
    # NULL here makes it a type failure, quarantined with its reason (failure_sql).
    slow = f"(case when isfinite({cast}) then {cast} end)"
    if decimal == "." and parse is None:
        # Most values are plain numbers: cast them directly, normalise only the rest (a CASE
        # evaluates its ELSE only for those rows; COALESCE would evaluate it for all).
        fast = f"try_cast({ident(column)} as DOUBLE)"
        return f"(case when isfinite({fast}) then {fast} else {slow} end)"  # no inf, nan
    return slow


def typed_sql(column: str, sql_type: str, number: str | None) -> str:
    """The field as `sql_type`; `number` is the column already read by `number_sql`, if numeric."""
    if sql_type == "VARCHAR":
        c = ident(column)
        return (
            f"(case when {c} is null then null when {_visible_start(c)} then {c} "
            f"when regexp_full_match({c}, {_TOKEN_RE}) then null else {c} end)"
        )
    if sql_type == "DOUBLE":
        assert number is not None
        return number
    if sql_type in WHOLE_TYPES:
        assert number is not None
        return f"case when {number} = trunc({number}) then try_cast({number} as {sql_type}) end"
    if sql_type == "DATE":
        # Ten characters parsed by %Y-%m-%d is exactly YYYY-MM-DD (strptime is the fast path);
        # only padded values pay for the regex.
        c = ident(column)
        iso = "\\d{4}-\\d{2}-\\d{2}"
        return (
            f"(case when length({c}) = 10 then try_strptime({c}, '%Y-%m-%d')::DATE "
            f"when regexp_full_match({c}, '{_PAD}{iso}{_PAD}') "
            f"then try_strptime(regexp_extract({c}, '{iso}'), '%Y-%m-%d')::DATE end)"
        )
    raise ValueError(f"no reader for declared type {sql_type}")


def value_shaped_sql(column: str) -> str:
    """The cell looks like a figure or a date, not a sentence: it has a digit and no word of four
    letters or more (`2017-11-01 00:00:00`, `£2,607m`, `1 Nov 2017` are values; `Exempt under
    Section 43 ...` is a sentence). A value its column cannot read is a type failure even where
    the column keeps a sentence as a null's reason: its own text is not a reason."""
    text = text_sql(column)
    return f"(regexp_matches({text}, '\\d') and not regexp_matches({text}, '[A-Za-z]{{4,}}'))"


def _quoted(sql: str) -> str:
    return f"('''' || {sql} || '''')"


def column_sql(column: Column, number: str | None) -> str:
    """The column's value: its type, plus what a profile declares (date formats, HTML entities)."""
    if column.sql_type == "DATE" and column.date_shapes:
        return date_value_sql(column)
    if column.sql_type == "DATE" and column.date_formats:
        text = text_sql(column.header)
        tries = ", ".join(f"try_strptime({text}, {quote_literal(f)})" for f in column.date_formats)
        return f"(coalesce({tries})::DATE)"
    value = typed_sql(column.header, column.sql_type, number)
    if column.decode_html:
        # `&amp;` as published becomes `&` once here; the report templates escape it once.
        decoded = f"portfolio_html_unescape({value})"
        return f"(case when contains({value}, '&') then {decoded} else {value} end)"
    return value


def register_html_unescape(con: duckdb.DuckDBPyConnection) -> None:
    """Python's HTML5 entity decoder as a SQL function on this connection (once per connection)."""
    # Already registered on this connection is fine; the name avoids the inet extension's.
    with contextlib.suppress(duckdb.NotImplementedException):
        con.create_function(
            "portfolio_html_unescape", html.unescape, ["VARCHAR"], "VARCHAR", side_effects=False
        )


def _expected_dates(column: Column) -> str:
    return " or ".join(column.date_formats) if column.date_formats else "YYYY-MM-DD"


DATE_RULES = ("type", "ambiguous date", "excel serial date")
NUMBER_RULES = ("type",)


def failure_sql(spec_column: Column, number: str | None, decimal: str) -> tuple[str, str]:
    """(rule, reason) SQL for a field that is present but failed its type; use only on failures."""
    column, sql_type = spec_column.header, spec_column.sql_type
    if sql_type == "DATE" and spec_column.date_shapes:
        return date_failure_sql(spec_column, expected_shapes(spec_column))
    formats = _expected_dates(spec_column).replace("'", "''")
    # A real YYYY-MM-DD day is only "not valid" when that is the format; else it is the wrong one.
    iso_ok = not spec_column.date_formats or "%Y-%m-%d" in spec_column.date_formats
    iso_reason = (
        "' is not a valid date'"
        if iso_ok
        else f"' is not in the profile''s date format: dates must be {formats}'"
    )
    text = text_sql(column)
    shown = _quoted(text)
    if sql_type == "DATE":
        dmy = "'^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})$'"
        first = f"try_cast(regexp_extract({text}, {dmy}, 1) as INTEGER)"
        second = f"try_cast(regexp_extract({text}, {dmy}, 2) as INTEGER)"
        year = f"try_cast(regexp_extract({text}, {dmy}, 3) as INTEGER)"
        is_dmy = f"regexp_matches({text}, {dmy})"
        ambiguous = f"({is_dmy} and {first} <= 12 and {second} <= 12 and {first} <> {second})"
        serial = f"regexp_full_match({text}, '\\d{{5}}(\\.0+)?')"
        rule = (
            f"case when {ambiguous} then 'ambiguous date' "
            f"when {serial} then 'excel serial date' else 'type' end"
        )
        reason = f"""case
            when {ambiguous} then {shown} || ' is ambiguous: '
                || try_cast(make_date({year}, {second}, {first}) as VARCHAR) || ' (day/month) or '
                || try_cast(make_date({year}, {first}, {second}) as VARCHAR)
                || ' (month/day); dates must be {formats}'
            when {serial} then {text} || ' looks like an Excel serial date ('
                || (date '1899-12-30' + cast(floor(try_cast({text} as DOUBLE)) as INTEGER))::VARCHAR
                || '); dates must be {formats}'
            when {is_dmy} then {shown}
                || ' is not in the contract''s date format: dates must be {formats}'
            when regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')
                then {shown} || {iso_reason}
            else {shown} || ' is not a date: dates must be {formats}' end"""
        return rule, reason
    kind = f" ({sql_type}, decimal separator '{decimal}')"
    if sql_type in WHOLE_TYPES:
        reason = (
            f"case when {number} is not null then {shown} || "
            f"{quote_literal(f' is not a whole number ({sql_type}); it is not rounded')} "
            f"else {shown} || {quote_literal(' is not a number' + kind)} end"
        )
        return "'type'", reason
    infinite = f"not isfinite(try_cast(regexp_replace({text}, '[$£€¥,]', '', 'g') as DOUBLE))"
    reason = (
        f"case when coalesce({infinite}, false) then {shown} || "
        f"{quote_literal(' is not a finite number (it reads as infinity or NaN); not loaded')} "
        f"else {shown} || {quote_literal(' is not a number' + kind)} end"
    )
    return "'type'", reason
