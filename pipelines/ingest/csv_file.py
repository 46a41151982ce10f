"""Load one CSV export into its raw table with DuckDB's reader and explicit types.

Every column is read as text (never sniffed) and converted in SQL (pipelines/ingest/values.py), so
a value that does not fit its declared type is caught per row and column. Nothing is lost: each
data line of the file ends up either in `raw.<source>` or in `audit.quarantine` with its line,
rule and reason, and the file's manifest row says rows_read = rows_loaded + rows_quarantined.
Records DuckDB's reader rejects (wrong field count, stray quote) are copied from its
store_rejects table; the rest of the file still loads. What cannot be loaded at all (empty,
header only, binary, truncated, missing columns) raises FileRejected with the file-level rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.ingest import csv_lines, csv_rows, values
from pipelines.ingest.column_checks import failing_cells, refuse_lost_columns
from pipelines.ingest.date_order import decide_orders, orders_json
from pipelines.ingest.dialect import Header, read_header
from pipelines.ingest.encoding import LineFacts, utf8_text
from pipelines.ingest.file_outcome import FileLoadResult, FileRejected
from pipelines.ingest.key_reuse import mark_reused_keys
from pipelines.ingest.quarantine import FileContext, examples
from pipelines.ingest.sources import SourceSpec, month_end
from pipelines.sql_helpers import fetch_row, fetch_scalar, quote_literal
from pipelines.sql_helpers import quote_identifier as ident

_STAGED = "_staged_csv_rows"
_CSV_REJECTS = "_csv_structure_rejects"
_CSV_SCANS = "_csv_structure_scans"
_TYPED = csv_rows.TYPED


def _stage_rows(con: duckdb.DuckDBPyConnection, path: Path, header: Header) -> None:
    """Read every record as text, numbered in file order; DuckDB keeps what it cannot parse."""
    columns = ", ".join(f"{quote_literal(name)}: 'VARCHAR'" for name in header.names)
    absent = "".join(f", null::VARCHAR as {ident(name)}" for name in header.absent)
    con.execute(f"drop table if exists {_CSV_REJECTS}")
    con.execute(f"drop table if exists {_CSV_SCANS}")
    con.execute(
        f"""
        create or replace temp table {_STAGED} as
        select row_number() over () as record_no, *{absent}
        from read_csv(
            {quote_literal(str(path))},
            header = true, delim = {quote_literal(header.delimiter)}, quote = '"', escape = '"',
            columns = {{{columns}}}, auto_detect = false, parallel = false,
            nullstr = [{", ".join(quote_literal(t) for t in values.NULL_TOKENS)}],
            store_rejects = true, rejects_table = '{_CSV_REJECTS}', rejects_scan = '{_CSV_SCANS}'
        )
        """
    )


def _refuse_incomplete(account: csv_lines.LineAccount, lines: LineFacts) -> None:
    """A file that ends inside a record is still being copied or was cut: refuse all of it."""
    if account.last_line < lines.physical_lines:
        start = account.last_line + 1
        raise FileRejected(
            "truncated",
            f"lines {start}-{lines.physical_lines} belong to no complete record: the file ends "
            f"inside a quoted field opened on line {start} (an unterminated '\"'); the last "
            "record is incomplete, the file may still be copying",
        )
    if account.last_line > lines.physical_lines:
        raise FileRejected(
            "truncated",
            f"the records end on line {account.last_line} but the file has "
            f"{lines.physical_lines} lines; its structure cannot be trusted",
        )
    short = account.last_reject_type and "MISSING COLUMNS" in account.last_reject_type
    if account.last_record_rejected and short and not lines.ends_with_newline:
        raise FileRejected(
            "truncated",
            f"the last record (line {account.last_record_line}) is incomplete: it has fewer "
            "fields than the header and the file does not end with a newline; the file may "
            "still be copying",
        )


def load_csv_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    context: FileContext,
    extract_date: date | None,
) -> FileLoadResult:
    try:
        with utf8_text(path) as text:
            header = read_header(spec, text.path)
            if any(c.decode_html for c in spec.columns):
                values.register_html_unescape(con)
            try:
                _stage_rows(con, text.path, header)
            except duckdb.InvalidInputException as error:
                raise FileRejected("unreadable csv", f"DuckDB cannot read it: {error}") from None
            empties = (
                csv_lines.empty_lines(text.path, header.delimiter)
                if text.lines.has_empty_line
                else []
            )
            account = csv_lines.number_records(
                con,
                _STAGED,
                _CSV_REJECTS,
                header.names,
                empties,
                header.header_lines,
                text.lines.physical_lines,
            )
        _refuse_incomplete(account, text.lines)
        spec, orders = decide_orders(con, spec, account.rows_sql)
        csv_rows.build_typed(con, spec, header, account.rows_sql)
        csv_rows.mark_duplicates(con, header)
        mark_reused_keys(con, spec, csv_rows.TYPED, context.source_file)
        counts = fetch_row(
            con,
            f"""
            select (select count(*) from {_TYPED}),
                   (select count(*) from {_TYPED} where bad),
                   (select count(*) from {_TYPED} where row_rule = 'blank line')
                     + (select count(*) from {csv_lines.EMPTY_LINES})
                     + (select count(*) from {csv_lines.REJECT_RECORDS}
                        where {csv_lines.BLANK_LINE_SQL}),
                   (select count(*) from {csv_lines.REJECT_RECORDS})
                     + (select count(*) from {csv_lines.EMPTY_LINES})
            """,
        )
        assert counts is not None
        accepted, bad, blank, set_aside = (int(v) for v in counts)
        rows_read = accepted + set_aside
        if rows_read == blank:
            only = f" (only {blank} blank line(s))" if blank else ""
            raise FileRejected(
                "header only", f"the file has a header (line 1) but no data rows{only}"
            )
        if bad or set_aside:
            csv_rows.quarantine(con, spec, header, context, set_aside)
        cells = failing_cells(con, context) if bad else 0
        rows_quarantined = bad + set_aside
        if rows_quarantined == rows_read:
            return FileLoadResult(
                rows_read=rows_read,
                rows_loaded=0,
                rows_quarantined=rows_quarantined,
                extract_date=extract_date,
                examples=examples(con, context),
                failing_cells=cells,
                date_orders=orders_json(orders),
                rejection=(
                    "every row set aside",
                    f"all {rows_read:,} rows were set aside ({cells:,} failing cells); "
                    "each is in audit.quarantine with its line, column and rule",
                ),
            )
        if bad:  # with no row set aside for a rule or a type, every value present was loaded
            refuse_lost_columns(con, spec, header, context)
        if spec.extract_date_column:
            extract_date = _latest_date(con, spec.extract_date_column)
        elif extract_date is None:
            extract_date = _extract_date_from_periods(con)
        _insert_raw(con, spec, context, extract_date, account.in_file_order)
        notes = "; ".join(n for n in (text.note, header.note) if n) or None
        return FileLoadResult(
            rows_read=rows_read,
            rows_loaded=rows_read - rows_quarantined,
            rows_quarantined=rows_quarantined,
            extract_date=extract_date,
            note=notes,
            examples=examples(con, context) if rows_quarantined else [],
            failing_cells=cells,
            date_orders=orders_json(orders),
        )
    finally:
        _drop_work_tables(con)


def _drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables; after a failed statement the rollback discards them anyway."""
    try:
        for table in (_STAGED, _TYPED, _CSV_REJECTS, _CSV_SCANS):
            con.execute(f"drop table if exists {table}")
        csv_lines.drop_tables(con)
    except duckdb.TransactionException:
        pass


def _insert_raw(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    context: FileContext,
    extract: date | None,
    in_file_order: bool,
) -> None:
    """Append the good rows in file order (sorting only when a join may have reordered them)."""
    names = [c.name for c in spec.stored_columns]
    order = "" if in_file_order else "order by source_row"
    con.execute(
        f"""
        insert into {spec.table} ({", ".join(ident(n) for n in names)},
            source_file, source_file_hash, source_row, extract_date, loaded_at)
        select {", ".join(ident("v__" + n) for n in names)}, ?, ?, source_row, ?, ?
        from {_TYPED} where not bad {order}
        """,
        [context.source_file, context.source_file_hash, extract, context.at],
    )


def _latest_date(con: duckdb.DuckDBPyConnection, column: str) -> date | None:
    """A profiled export dated by a column (the IT Dashboard's Updated Date): its latest value."""
    latest = fetch_scalar(con, f"select max({ident('v__' + column)}) from {_TYPED} where not bad")
    return latest if isinstance(latest, date) else None


def _extract_date_from_periods(con: duckdb.DuckDBPyConnection) -> date | None:
    """A file covering many months (the demo's fx_rates_all.csv) is as of its latest month's end."""
    latest = fetch_scalar(con, f"select max(v__period) from {_TYPED} where not bad")
    if latest is None:
        return None
    year, month = (int(part) for part in str(latest).split("-")[:2])
    return month_end(year, month)
