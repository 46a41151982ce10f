"""The row-level rules of a staged CSV: typed values, blank, summary and duplicate rows.

`build_typed` turns the staged text rows (numbered with their physical line) into one table with
every declared column converted (pipelines/ingest/values.py), a row-level rule where one applies,
and a `bad` flag; `quarantine` copies every set-aside row, with its rule, configured action and
reason, into audit.quarantine. Only rows sharing a hash are compared for exact repeats, so a
10M-row file does not pay for a full window over all its columns.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest import csv_lines, key_reuse, values
from pipelines.ingest.dialect import Header
from pipelines.ingest.quarantine import FileContext, insert_select
from pipelines.ingest.sources import Column, SourceSpec
from pipelines.sql_helpers import fetch_row, quote_literal
from pipelines.sql_helpers import quote_identifier as ident

TYPED = "_typed_rows"
_SUMMARY_WORDS = ("total", "grand total", "subtotal", "sub-total", "sub total")
_SUMMARY_STARTS = "(84, 116, 71, 103, 83, 115, 32, 9)"  # T t G g S s, space, tab
_BLANK_REASON = "the line has only delimiters or whitespace: not data"
_ROW_RULES = ("blank line", "summary row", "duplicate row", key_reuse.RULE)


def _record_json(header: Header) -> str:
    pairs = ", ".join(
        f"{quote_literal(found)}, {ident(name)}"
        for found, name in zip(header.found, header.names, strict=True)
    )
    return f"json_object({pairs})::varchar"


def build_typed(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, header: Header, rows_sql: str
) -> None:
    """One table with each row's line, raw text, typed values, row-level rule and `bad` flag."""
    all_columns = ", ".join(ident(n) for n in header.names)
    blank = " and ".join(values.is_blank_sql(n) for n in header.names)
    words = ", ".join(quote_literal(w) for w in _SUMMARY_WORDS)
    keys = dict.fromkeys([header.names[0], spec.headers[0]])
    summary = " or ".join(
        f"(ascii({ident(k)}) in {_SUMMARY_STARTS} and lower({values.text_sql(k)}) in ({words}))"
        for k in keys
    )
    numeric = [c for c in spec.columns if c.sql_type in values.NUMERIC_TYPES]
    numbers = "".join(
        f", {values.number_sql(c.header, header.decimal, c.parse)} as {ident('n__' + c.name)}"
        for c in numeric
    )
    typed = ", ".join(
        f"{values.column_sql(c, _number(c))} as {ident('v__' + c.name)}" for c in spec.columns
    )
    # A sentence in a column that keeps its reason is no failure: it becomes the null's reason.
    reasons = "".join(
        f", case when {_unread(c)} and not {values.value_shaped_sql(c.header)} "
        f"then {values.text_sql(c.header)} end"
        f" as {ident('v__' + c.reason_column)}"
        for c in spec.columns
        if c.keeps_null_reason
    )
    failed = " or ".join(["false", *(_failed(c) for c in _checked(spec))])
    con.execute(
        f"""
        create or replace temp table {TYPED} as
        with parsed as (
            select *, hash({all_columns}) as row_hash, null::bigint as first_line,
                   null::varchar as earlier_file, null::bigint as earlier_line{numbers}
            from {rows_sql}
        ),
        ruled as (
            select *, {typed},
                   case when {blank} then 'blank line'
                        when coalesce({summary}, false) then 'summary row' end as row_rule
            from parsed
        )
        select *{reasons}, (row_rule is not null or {failed}) as bad from ruled
        """
    )


def mark_duplicates(con: duckdb.DuckDBPyConnection, header: Header) -> None:
    """Mark each exact repeat of an earlier record; only rows sharing a hash are compared."""
    all_columns = ", ".join(ident(n) for n in header.names)
    con.execute(
        f"""
        create or replace temp table _csv_repeats as
        select record_no, first_line from (
            select record_no, row_number() over w as copy_no, min(source_row) over w as first_line
            from {TYPED}
            where row_rule is null and row_hash in (
                select row_hash from {TYPED} where row_rule is null
                group by row_hash having count(*) > 1
            )
            window w as (partition by {all_columns} order by record_no)
        ) where copy_no > 1
        """
    )
    con.execute(
        f"""
        update {TYPED} set row_rule = 'duplicate row', bad = true, first_line = r.first_line
        from _csv_repeats r where {TYPED}.record_no = r.record_no
        """
    )
    con.execute("drop table _csv_repeats")


def _number(column: Column) -> str | None:
    if column.sql_type not in values.NUMERIC_TYPES:
        return None
    return ident("n__" + column.name)


def _checked(spec: SourceSpec) -> list[Column]:
    """Columns whose unreadable cells quarantine the row (text always reads)."""
    return [c for c in spec.columns if c.sql_type != "VARCHAR"]


def _unread(column: Column) -> str:
    """Present but unreadable; the cheap test first, so the regex runs on failures only."""
    return f"({ident('v__' + column.name)} is null and not {values.is_null_sql(column.header)})"


def _failed(column: Column) -> str:
    """A type failure: unreadable, and not a sentence kept as the null's reason."""
    if column.keeps_null_reason:
        return f"({_unread(column)} and {values.value_shaped_sql(column.header)})"
    return _unread(column)


def quarantine(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    header: Header,
    context: FileContext,
    set_aside_by_reader: int,
) -> None:
    """Copy every set-aside row into audit.quarantine; statements with nothing to copy are
    skipped (a clean weekly file should not pay for a dozen empty inserts)."""
    checked = _checked(spec)
    counts = fetch_row(
        con,
        "select count(*) filter (where row_rule is not null)"
        + "".join(f", count(*) filter (where row_rule is null and {_failed(c)})" for c in checked)
        + f" from {TYPED}",
    )
    assert counts is not None
    if set_aside_by_reader:
        _quarantine_reader_rejects(con, context)
    record = _record_json(header)
    if counts[0]:
        first = values.text_sql(header.names[0])
        summary = f"'a summary row (' || {_quoted(first)} || '): a sum of other rows, not data'"
        insert_select(
            con,
            context,
            f"""
            select source_row, null as column_name, null as raw_value, row_rule as rule,
                   case row_rule
                       when 'blank line' then {quote_literal(_BLANK_REASON)}
                       when 'summary row' then {summary}
                       when 'duplicate row' then 'repeats line ' || first_line
{key_reuse.reason_case(spec, context.source_file)}
                   end as reason,
                   {record} as raw_record
            from {TYPED} where row_rule is not null
            """,
            _ROW_RULES,
        )
    for column, failures in zip(checked, counts[1:], strict=True):
        if not failures:
            continue
        rule, reason = values.failure_sql(column, _number(column), header.decimal)
        rules = values.DATE_RULES if column.sql_type == "DATE" else values.NUMBER_RULES
        insert_select(
            con,
            context,
            f"""
            select source_row, {quote_literal(column.header)} as column_name,
                   {ident(column.header)} as raw_value, {rule} as rule, {reason} as reason,
                   {record} as raw_record
            from {TYPED} where row_rule is null and {_failed(column)}
            """,
            rules,
        )


def _quoted(sql: str) -> str:
    return f"('''' || coalesce({sql}, '') || '''')"


def _quarantine_reader_rejects(con: duckdb.DuckDBPyConnection, context: FileContext) -> None:
    """DuckDB's rejected records and the empty lines it skipped, at their physical lines."""
    only_delimiters = csv_lines.BLANK_LINE_SQL
    insert_select(
        con,
        context,
        f"""
        select source_row, case when {only_delimiters} then null else column_name end
                   as column_name,
               null as raw_value,
               case when {only_delimiters} then 'blank line' else 'csv structure' end as rule,
               case when {only_delimiters} then {quote_literal(_BLANK_REASON)}
                    else 'the CSV reader rejected the record (' || error_types || '): '
                         || error_message end as reason,
               csv_line as raw_record
        from {csv_lines.REJECT_RECORDS}
        union all
        select line, null, null, 'blank line', 'an empty line: not data', ''
        from {csv_lines.EMPTY_LINES}
        """,
        ("blank line", "csv structure"),
    )
