"""The rows the gate validates: `raw.<source>` plus the row id and the suite's derived columns.

GX sees rows one chunk at a time, so a rule that needs other rows (a person's total hours that day)
or another source (the project's start date, whether an fx rate exists) is turned into a column
computed here, in DuckDB, over the whole table before chunking; the rule itself then stays a
row-level check that is exact over any chunking. The DuckDB `rowid` is carried along so a
quarantine rule can name precisely which raw rows to set aside.
"""

from __future__ import annotations

import re

import duckdb

from pipelines.quality.checked_loads import checked_loads_exist, unchecked_rows_predicate
from pipelines.quality.chunking import ROWID_COLUMN
from pipelines.quality.warehouse import RAW_SCHEMA, quote
from pipelines.sql_helpers import quote_literal


def gate_relation(source: str) -> str:
    return f"temp.main.{quote('_gate_rows_' + source)}"


def stage_gate_rows(
    con: duckdb.DuckDBPyConnection,
    source: str,
    derived_columns: dict[str, str],
    reporting_currency: str,
    fingerprint: str | None = None,
) -> list[str]:
    """(Re)create the temp table of rows to validate; returns its columns in table order.

    Derived expressions are SQL over the raw row aliased `r`; `{reporting_currency}` is replaced
    by the configured code as a quoted literal. A broken expression raises duckdb.Error, which
    the caller turns into failures of the rules that need the column.

    With a suite `fingerprint`, only rows of loads not yet checked under it are staged. A window
    (a person's hours that day) must see every row of its partition, so derived columns are
    computed before that filter. When every window partitions by `r.source_file_hash` (each
    suite's do: a sum within one file), only the rows of files with an unchecked load are read
    into them (`within_one_file`), when that leaves any row out (`_files_to_read`): with
    none unchecked, nothing is computed over history at all.
    Otherwise the derived columns are computed over the whole table, as before any filter.
    """
    relation = gate_relation(source)
    raw = f"{quote(RAW_SCHEMA)}.{quote(source)}"
    rows = staging_select(source, derived_columns, reporting_currency)
    parameters: list[object] = []
    if fingerprint is not None and checked_loads_exist(con):
        if all(within_one_file(e) for e in derived_columns.values()):
            files = _files_to_read(con, raw, source, fingerprint)
            if files is not None:
                rows += f" WHERE r.{quote('source_file_hash')} IN (SELECT unnest(?::VARCHAR[]))"
                parameters = [files]
        rows = f"SELECT * FROM ({rows}) AS staged WHERE {unchecked_rows_predicate('staged')}"
        parameters += [source, fingerprint]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {quote('_gate_rows_' + source)} AS {rows}", parameters
    )
    description = con.execute(f"SELECT * FROM {relation} LIMIT 0").description or []
    return [str(column[0]) for column in description]


def staging_select(source: str, derived_columns: dict[str, str], reporting_currency: str) -> str:
    """The raw rows (aliased `r`) with their row id and derived columns, as one SELECT."""
    extra = "".join(
        f", ({_with_currency(expression, reporting_currency)}) AS {quote(name)}"
        for name, expression in derived_columns.items()
    )
    raw = f"{quote(RAW_SCHEMA)}.{quote(source)}"
    return f"SELECT r.rowid AS {quote(ROWID_COLUMN)}, r.*{extra} FROM {raw} AS r"


def derived_column_errors(
    con: duckdb.DuckDBPyConnection,
    source: str,
    derived_columns: dict[str, str],
    reporting_currency: str,
) -> dict[str, str]:
    """The derived columns DuckDB cannot even plan, each with its error, after staging failed.

    So that one broken expression (a reference to a table that is not there, a typo) fails the
    rules that read it and leaves the others checked, instead of taking every derived column down.
    """
    raw = f"{quote(RAW_SCHEMA)}.{quote(source)}"
    errors: dict[str, str] = {}
    for name, expression in derived_columns.items():
        try:
            con.execute(
                f"SELECT ({_with_currency(expression, reporting_currency)}) FROM {raw} AS r LIMIT 0"
            )
        except duckdb.Error as exc:
            errors[name] = str(exc)
    return errors


def _with_currency(expression: str, reporting_currency: str) -> str:
    return expression.replace("{reporting_currency}", quote_literal(reporting_currency))


def _files_to_read(
    con: duckdb.DuckDBPyConnection, raw: str, source: str, fingerprint: str
) -> list[str] | None:
    """The file hashes with an unchecked load, or None when reading only those would leave no
    row out (a first run, a new suite, or every file re-sent) or would leave out a row that names
    no load (no hash to be found by: the rule that every row names its load must see it).

    Then no filter is written: under DuckDB's window functions a filter that keeps every row
    still made the staging more than twice as slow (9.7 M timesheet rows: 11.6-12.3 s against
    5.0-5.2 s).
    """
    file_hash = f"u.{quote('source_file_hash')}"
    row = con.execute(
        f"SELECT list(DISTINCT {file_hash}) FILTER (WHERE {unchecked_rows_predicate('u')}), "
        f"count(*) FILTER (WHERE {file_hash} IS NULL) > 0 "
        f"OR count(DISTINCT {file_hash}) FILTER (WHERE {unchecked_rows_predicate('u')}) "
        f"= count(DISTINCT {file_hash}) FROM {raw} AS u",
        [source, fingerprint, source, fingerprint],
    ).fetchone()
    if row is None or row[1]:
        return None
    return [str(digest) for digest in row[0] or [] if digest is not None]


_WINDOW = re.compile(r"\bover\s*\((?P<spec>[^)]*)", re.IGNORECASE)
_PARTITION_BY_FILE = re.compile(r"^\s*partition\s+by\s+r\.source_file_hash\s*(,|$)", re.IGNORECASE)


def within_one_file(expression: str) -> bool:
    """Whether every window of a derived column partitions by the raw row's file hash first."""
    return all(_PARTITION_BY_FILE.match(m.group("spec")) for m in _WINDOW.finditer(expression))


def staged_loads(con: duckdb.DuckDBPyConnection, source: str) -> tuple[tuple[str, str, int], ...]:
    """(source_file, source_file_hash, rows) of every load with rows in the staged table."""
    rows = con.execute(
        "SELECT source_file, source_file_hash, count(*) "
        f"FROM {gate_relation(source)} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return tuple((str(name), str(digest), int(count)) for name, digest, count in rows)


def drop_gate_rows(con: duckdb.DuckDBPyConnection, source: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS {gate_relation(source)}")
