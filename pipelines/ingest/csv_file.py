"""Load one CSV export into its raw table with DuckDB's reader and explicit types.

Every column is read as text first and cast in SQL with `try_cast`, so a value that does not fit its
declared type is caught per row and column (kept in `audit.ingest_rejects` with file, line,
column and reason) instead of being guessed at or failing the whole load.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.ingest.file_outcome import FileLoadResult, FileRejected
from pipelines.ingest.sources import SourceSpec, month_end
from pipelines.ingest.warehouse_tables import REJECTS_TABLE
from pipelines.sql_helpers import fetch_scalar
from pipelines.sql_helpers import quote_identifier as ident

_STAGED = "_staged_csv_rows"
_CSV_REJECTS = "_csv_structure_rejects"
_CSV_SCANS = "_csv_structure_scans"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        first = next(csv.reader(handle), None)
    if first is None:
        raise FileRejected("the file is empty (no header line)")
    headers = [cell.strip() for cell in first]
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if duplicated:
        raise FileRejected(f"the header repeats column(s) {', '.join(duplicated)}")
    return headers


def check_header(spec: SourceSpec, found: list[str]) -> str | None:
    """Raise if a required column is missing; return a note naming ignored extra columns."""
    missing = [h for h in spec.headers if h not in found]
    if missing:
        raise FileRejected(
            f"missing column(s) {', '.join(repr(m) for m in missing)}; "
            f"expected {list(spec.headers)}, found {found}"
        )
    extra = [h for h in found if h not in spec.headers]
    return f"ignored extra column(s) {', '.join(repr(e) for e in extra)}" if extra else None


def _stage_rows(con: duckdb.DuckDBPyConnection, path: Path, headers: list[str]) -> int:
    """Read every record as text, numbered in file order; returns the count of structure rejects."""
    columns = ", ".join(f"{_sql_string(h)}: 'VARCHAR'" for h in headers)
    con.execute(f"drop table if exists {_CSV_REJECTS}")
    con.execute(f"drop table if exists {_CSV_SCANS}")
    con.execute(
        f"""
        create or replace temp table {_STAGED} as
        select row_number() over () as record_no, *
        from read_csv(
            {_sql_string(str(path))},
            header = true, delim = ',', quote = '"', escape = '"',
            columns = {{{columns}}}, auto_detect = false, parallel = false,
            store_rejects = true, rejects_table = '{_CSV_REJECTS}', rejects_scan = '{_CSV_SCANS}'
        )
        """
    )
    return int(fetch_scalar(con, f"select count(*) from {_CSV_REJECTS}"))


def _line_number_sql(headers: list[str]) -> str:
    """Line of each record: header = line 1; a quoted newline in a field pushes later lines down."""
    newlines = " + ".join(
        f"coalesce(length({ident(h)}) - length(replace({ident(h)}, chr(10), '')), 0)"
        for h in headers
    )
    return (
        f"1 + record_no + coalesce(sum({newlines}) over (order by record_no "
        "rows between unbounded preceding and 1 preceding), 0)"
    )


def _record_structure_rejects(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, rel_name: str, file_hash: str, at: datetime
) -> list[str]:
    rows = con.execute(
        f"select line, error_type, error_message, csv_line from {_CSV_REJECTS} order by line"
    ).fetchall()
    for line, error_type, message, csv_line in rows:
        con.execute(
            f"insert into {REJECTS_TABLE} values (?, ?, ?, ?, null, null, ?, ?, ?, ?)",
            [
                spec.name,
                rel_name,
                file_hash,
                line,
                "csv structure",
                f"{error_type}: {message}",
                csv_line,
                at,
            ],
        )
    return [f"line {line}: {message}" for line, _, message, _ in rows[:3]]


def load_csv_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    rel_name: str,
    file_hash: str,
    extract_date: date | None,
    loaded_at: datetime,
) -> FileLoadResult:
    headers = read_header(path)
    note = check_header(spec, headers)
    structure_rejects = _stage_rows(con, path, headers)
    if structure_rejects:
        examples = _record_structure_rejects(con, spec, rel_name, file_hash, loaded_at)
        raise FileRejected(
            f"{structure_rejects} record(s) break the CSV structure (kept in {REJECTS_TABLE}), "
            f"e.g. {'; '.join(examples)}"
        )
    rows_read = int(fetch_scalar(con, f"select count(*) from {_STAGED}"))
    if rows_read == 0:
        raise FileRejected("the file has a header but no data rows")

    raw = {c.name: ident("raw__" + c.name) for c in spec.columns}
    record_json = (
        "json_object(" + ", ".join(f"{_sql_string(h)}, {ident(h)}" for h in headers) + ")::varchar"
    )
    con.execute(
        f"""
        create or replace temp table _typed_rows as
        select {_line_number_sql(headers)} as source_row,
               {record_json} as raw_record,
               {", ".join(f"{ident(c.header)} as {raw[c.name]}" for c in spec.columns)},
               {
            ", ".join(
                f"try_cast({ident(c.header)} as {c.sql_type}) as {ident(c.name)}"
                for c in spec.columns
            )
        }
        from {_STAGED}
        """
    )
    # A value that was there but did not survive its cast is a type error; blanks are plain nulls.
    failures = {
        c.name: f"({raw[c.name]} is not null and {ident(c.name)} is null)" for c in spec.columns
    }
    any_failure = " or ".join(failures.values())
    if extract_date is None:
        extract_date = _extract_date_from_periods(con, any_failure)

    for column in spec.columns:
        con.execute(
            f"""
            insert into {REJECTS_TABLE}
            select ?, ?, ?, source_row, ?, {raw[column.name]}, 'type',
                   'could not read ' || {raw[column.name]} || ' as {column.sql_type}',
                   raw_record, ?
            from _typed_rows
            where {failures[column.name]}
            """,
            [spec.name, rel_name, file_hash, column.header, loaded_at],
        )
    names = [c.name for c in spec.columns]
    con.execute(
        f"""
        insert into {spec.table} ({", ".join(ident(n) for n in names)},
            source_file, source_file_hash, source_row, extract_date, loaded_at)
        select {", ".join(ident(n) for n in names)}, ?, ?, source_row, ?, ?
        from _typed_rows where not ({any_failure})
        order by source_row
        """,
        [rel_name, file_hash, extract_date, loaded_at],
    )
    rows_rejected = int(fetch_scalar(con, f"select count(*) from _typed_rows where {any_failure}"))
    con.execute(f"drop table {_STAGED}")
    con.execute("drop table _typed_rows")
    return FileLoadResult(
        rows_read=rows_read,
        rows_loaded=rows_read - rows_rejected,
        rows_rejected=rows_rejected,
        extract_date=extract_date,
        note=note,
    )


def _extract_date_from_periods(con: duckdb.DuckDBPyConnection, any_failure: str) -> date | None:
    """A file covering many months (the demo's fx_rates_all.csv) is as of its latest month's end."""
    latest = fetch_scalar(con, f"select max(period) from _typed_rows where not ({any_failure})")
    if latest is None:
        return None
    year, month = (int(part) for part in str(latest).split("-")[:2])
    return month_end(year, month)
