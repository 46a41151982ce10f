"""Give every CSV record its physical line, and prove no line of the file went missing.

DuckDB's reader does not say which line a row came from. It numbers the records it rejects by
their ordinal (header = 1, counting empty lines but not newlines inside quotes), and it silently
skips empty lines and anything after an unterminated quote. So the line of an accepted row is
derived: its ordinal is its position among the records that were neither rejected nor empty (an
ASOF join against those gaps), and its line is that ordinal plus the quoted newlines in every
record before it. The last record must then end on the file's last line; if it does not, some
lines belong to no record (the file ends inside a quoted field) and the caller refuses the file.

Empty lines are only searched for (with Python's csv reader, which splits records as DuckDB
does) when the byte scan saw one, so the usual file costs nothing extra.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.sql_helpers import fetch_row
from pipelines.sql_helpers import quote_identifier as ident

ROW_LINES = "_csv_row_lines"  # record_no -> source_row of each row DuckDB accepted
REJECT_RECORDS = "_csv_reject_records"  # one row per record DuckDB rejected, with its line
EMPTY_LINES = "_csv_empty_lines"  # ordinal, source_row of each empty line
_GAPS = "_csv_gap_steps"
# A rejected record that holds only delimiters and whitespace is a blank line, not a broken one.
BLANK_LINE_SQL = "regexp_full_match(csv_line, '[\\s,;|]*')"
_ALL = "_csv_all_records"


@dataclass(frozen=True)
class LineAccount:
    rows_sql: str  # a FROM item: the staged rows with their `source_row`
    last_line: int  # the physical line the last record ends on
    last_record_line: int | None  # where the last record starts
    last_record_rejected: bool
    last_reject_type: str | None
    in_file_order: bool = False  # rows_sql yields rows in file order (no join reorders them)


def empty_lines(path: Path, delimiter: str) -> list[tuple[int, int]]:
    """(record ordinal, physical line) of every empty line outside quotes; header = ordinal 1."""
    found: list[tuple[int, int]] = []
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"')
        try:
            for ordinal, row in enumerate(reader, start=1):
                if not row:
                    found.append((ordinal, reader.line_num))
        except csv.Error:
            pass  # an unterminated quote at the end: the line account below reports it
    return found


def _newlines_sql(expr: str) -> str:
    return f"coalesce(length({expr}) - length(replace({expr}, chr(10), '')), 0)"


def number_records(
    con: duckdb.DuckDBPyConnection,
    staged: str,
    rejects: str,
    columns: list[str],
    empties: list[tuple[int, int]],
    header_lines: int,
    physical_lines: int,
) -> LineAccount:
    """Number every record; create REJECT_RECORDS and EMPTY_LINES (and ROW_LINES if needed)."""
    _stage_gaps(con, rejects, empties)
    counts = fetch_row(
        con,
        f"select (select count(*) from {staged}), (select count(*) from _csv_rejects_once), "
        "(select count(*) from _csv_empties)",
    )
    assert counts is not None
    rows, rejected, empty = (int(v) for v in counts)
    records = rows + rejected + empty
    if header_lines == 1 and 1 + records == physical_lines:
        # One line per record (no quoted newline anywhere): the line is the ordinal.
        return _one_line_records(con, staged, rows + rejected + empty, rejected + empty)
    return _multi_line_records(con, staged, columns, header_lines)


def _stage_gaps(
    con: duckdb.DuckDBPyConnection, rejects: str, empties: list[tuple[int, int]]
) -> None:
    con.register(
        "_csv_empty_arrow",
        pa.table(
            {"ordinal": [e[0] for e in empties], "line": [e[1] for e in empties]},
            schema=pa.schema([("ordinal", pa.int64()), ("line", pa.int64())]),
        ),
    )
    con.execute("create or replace temp table _csv_empties as select * from _csv_empty_arrow")
    con.unregister("_csv_empty_arrow")
    trimmed = "trim(csv_line, chr(13) || chr(10))"
    con.execute(
        f"""
        create or replace temp table _csv_rejects_once as
        select line as ordinal, any_value({trimmed}) as csv_line,
               string_agg(distinct error_type, ', ' order by error_type) as error_types,
               arg_min(error_message, coalesce(column_idx, 0)) as error_message,
               arg_min(column_name, coalesce(column_idx, 0)) as column_name
        from {rejects} group by line
        """
    )
    con.execute(
        f"""
        create or replace temp table {_GAPS} as
        select ordinal - j - 1 as rows_before, max(j) as gaps
        from (
            select ordinal, row_number() over (order by ordinal) as j
            from (select ordinal from _csv_rejects_once union select ordinal from _csv_empties)
        )
        group by 1
        """
    )


def _ordinal_sql(staged: str, gaps: int) -> str:
    """A FROM item: the staged rows with their record ordinal (header = 1)."""
    if not gaps:
        return f"(select record_no + 1 as ordinal, * from {staged})"
    return (
        f"(select s.record_no + 1 + coalesce(g.gaps, 0) as ordinal, s.* from {staged} s "
        f"asof left join {_GAPS} g on s.record_no > g.rows_before)"
    )


def _one_line_records(
    con: duckdb.DuckDBPyConnection, staged: str, records: int, gaps: int
) -> LineAccount:
    con.execute(
        f"create or replace temp table {REJECT_RECORDS} as "
        "select *, ordinal as source_row from _csv_rejects_once"
    )
    con.execute(
        f"create or replace temp table {EMPTY_LINES} as select ordinal, line from _csv_empties"
    )
    last = fetch_row(
        con,
        f"select error_types from {REJECT_RECORDS} where ordinal = ? and not {BLANK_LINE_SQL}",
        [records + 1],
    )
    _drop(con)
    rows_sql = (
        f"(select ordinal as source_row, * exclude (ordinal) from {_ordinal_sql(staged, gaps)})"
    )
    return LineAccount(
        rows_sql=rows_sql,
        last_line=records + 1,
        last_record_line=records + 1 if records else None,
        last_record_rejected=last is not None,
        last_reject_type=last[0] if last else None,
        in_file_order=not gaps,
    )


def _multi_line_records(
    con: duckdb.DuckDBPyConnection, staged: str, columns: list[str], header_lines: int
) -> LineAccount:
    newlines = " + ".join(_newlines_sql(ident(c)) for c in columns)
    con.execute(
        f"""
        create or replace temp table {_ALL} as
        with records as (
            select 'row' as kind, record_no as id, ordinal, {newlines} as newlines
            from {_ordinal_sql(staged, 1)}
            union all
            select 'reject', ordinal, ordinal, {_newlines_sql("csv_line")} from _csv_rejects_once
            union all
            select 'empty', ordinal, ordinal, 0 from _csv_empties
        )
        select kind, id, ordinal, newlines,
               ordinal + {header_lines - 1} + coalesce(sum(newlines) over (
                   order by ordinal rows between unbounded preceding and 1 preceding), 0) as line
        from records
        """
    )
    con.execute(
        f"create or replace temp table {ROW_LINES} as "
        f"select id as record_no, line as source_row from {_ALL} where kind = 'row'"
    )
    con.execute(
        f"""
        create or replace temp table {REJECT_RECORDS} as
        select r.*, a.line as source_row
        from _csv_rejects_once r join {_ALL} a on a.kind = 'reject' and a.id = r.ordinal
        """
    )
    con.execute(
        f"""
        create or replace temp table {EMPTY_LINES} as
        select e.ordinal, a.line from _csv_empties e
        join {_ALL} a on a.kind = 'empty' and a.id = e.ordinal
        """
    )
    last = fetch_row(
        con,
        f"""
        select a.line + a.newlines, a.line,
               a.kind = 'reject' and not coalesce({BLANK_LINE_SQL}, false), r.error_types
        from {_ALL} a left join _csv_rejects_once r on a.kind = 'reject' and r.ordinal = a.id
        order by a.ordinal desc limit 1
        """,
    )
    _drop(con)
    rows_sql = (
        f"(select l.source_row, s.* from {staged} s join {ROW_LINES} l using (record_no) "
        "order by record_no)"
    )
    if last is None:
        return LineAccount(rows_sql, header_lines, None, False, None)
    return LineAccount(rows_sql, int(last[0]), int(last[1]), bool(last[2]), last[3])


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    for table in (_ALL, "_csv_rejects_once", "_csv_empties"):
        con.execute(f"drop table if exists {table}")


def drop_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in (ROW_LINES, REJECT_RECORDS, EMPTY_LINES, _GAPS):
        con.execute(f"drop table if exists {table}")
