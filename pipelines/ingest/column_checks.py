"""File-level checks on a typed CSV: failing cells counted, and no column lost on the way in.

A file can pass row by row and still lose a whole column: when every row that holds a value in
it is set aside, the loaded rows show the column as empty, and a page would read "not published"
where the publisher did publish. That is refused as a whole file (rule `unreadable column`,
block), naming the file, the column and a cell, so the run stops instead of publishing it.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest import values
from pipelines.ingest.csv_rows import TYPED
from pipelines.ingest.dialect import Header
from pipelines.ingest.file_outcome import FileRejected
from pipelines.ingest.quarantine import STAGE, FileContext
from pipelines.ingest.spec import SourceSpec
from pipelines.ingest.warehouse_tables import QUARANTINE_TABLE
from pipelines.sql_helpers import fetch_row, fetch_scalar
from pipelines.sql_helpers import quote_identifier as ident

# The rules that judge one cell against its column's type; every other rule judges a row.
CELL_RULES = values.DATE_RULES


def failing_cells(con: duckdb.DuckDBPyConnection, context: FileContext) -> int:
    """This file's cells quarantined for their type (a row with three bad dates counts three)."""
    rules = ", ".join(f"'{rule}'" for rule in CELL_RULES)
    count = fetch_scalar(
        con,
        f"""
        select count(*) from {QUARANTINE_TABLE}
        where source_file = ? and source_file_hash = ? and stage = '{STAGE}'
              and run_id is not distinct from ? and quarantined_at = ?
              and column_name is not null and rule in ({rules})
        """,
        [context.source_file, context.source_file_hash, *context.tail()],
    )
    return int(count or 0)


def _first_reason(con: duckdb.DuckDBPyConnection, context: FileContext, column: str) -> str:
    found = fetch_row(
        con,
        f"""
        select 'line ' || source_row || ' rule "' || rule || '": ' || reason
        from {QUARANTINE_TABLE}
        where source_file = ? and source_file_hash = ? and run_id is not distinct from ?
              and quarantined_at = ? and column_name = ?
        order by source_row limit 1
        """,
        [context.source_file, context.source_file_hash, *context.tail(), column],
    )
    return f" ({found[0]})" if found else ""


def refuse_lost_columns(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, header: Header, context: FileContext
) -> None:
    """Refuse the file if a typed column has values in it but none among the rows loaded."""
    checked = [c for c in spec.columns if c.sql_type != "VARCHAR" and c.header not in header.absent]
    if not checked:
        return
    parts = []
    for column in checked:
        present = f"not {values.is_null_sql(column.header)}"
        if column.keeps_null_reason:  # a sentence kept as the null's reason is no value
            present += f" and {ident('v__' + column.reason_column)} is null"
        parts.append(
            f"count(*) filter (where row_rule is null and {present}), "
            f"count({ident('v__' + column.name)}) filter (where not bad), "
            f"arg_min({values.text_sql(column.header)}, source_row) "
            f"filter (where row_rule is null and {present}), "
            f"min(source_row) filter (where row_rule is null and {present})"
        )
    row = fetch_row(con, f"select {', '.join(parts)} from {TYPED}")
    assert row is not None
    lost = []
    for i, column in enumerate(checked):
        in_file, loaded, cell, line = row[4 * i : 4 * i + 4]
        if in_file and not loaded:
            lost.append(
                f"column {column.header!r} ({column.name}) has {in_file:,} value(s) in the file "
                f"but none in the rows loaded, e.g. line {line} {cell!r}"
                + _first_reason(con, context, column.header)
            )
    if lost:
        raise FileRejected(
            "unreadable column",
            "; ".join(lost) + ": every row holding a value was set aside, so the column would "
            "be published as empty; the file is refused, nothing of it loaded",
        )
