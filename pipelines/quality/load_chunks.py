"""Chunks of whole loads, read straight from the raw table when that is exact: no staged copy.

The general path (staging.py, chunking.py) copies the rows to check into a temp table with their
derived columns, then copies each pass's columns again sorted by hash partition of its key, so
that every chunk query reads only its own row groups. At 9.7 M timesheet rows those two copies
took 6.5 s and 9 s of a 19 s fetch. Neither is needed when a chunk can be a set of whole loads:

- every derived column's windows partition by the file's hash (`staging.within_one_file`), so
  the rows of a load's file are all the rows its windows need;
- every uniqueness key holds `source_file_hash`, so every copy of a key is in the same load;
- no load has more rows to check than a chunk may hold, and every such row names its load.

Then each chunk is the staging SELECT over the raw table restricted to its files' hashes. A load
is appended in one statement, so its rows are adjacent and DuckDB skips the other row groups by
their min/max of the hash. The rows come in raw order, as a chunk of the general path does; the
rows of loads already checked under the suite are left out after the windows, as staging does.
Whole loads keep every key's copies together whatever the key, so the rules run in one pass.
An expression DuckDB cannot plan is found before any chunk is read, as staging finds it; an error
only the data raises (a chunk that cannot be read) makes the gate check the source again the
staged way, which leaves the derived columns out and still runs the other rules (validate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.quality.checked_loads import checked_loads_exist, unchecked_rows_predicate
from pipelines.quality.chunking import ROWID_COLUMN, ChunkQuery, Pass, select_list
from pipelines.quality.staging import within_one_file
from pipelines.quality.suites import Rule
from pipelines.quality.warehouse import RAW_SCHEMA, quote
from pipelines.sql_helpers import quote_literal

LOAD_COLUMN = "source_file_hash"


@dataclass(frozen=True)
class LoadChunks:
    """The files (by hash) of each chunk, and the loads (file, hash, rows) they check."""

    source: str
    fingerprint: str
    groups: tuple[tuple[str, ...], ...]
    loads: tuple[tuple[str, str, int], ...]
    only_unchecked: bool  # some load was checked before: leave its rows out

    def queries(self, pass_: Pass, table_columns: list[str], select: str) -> list[ChunkQuery]:
        """One query per chunk over `select` (staging.staging_select with the usable columns)."""
        keep = ""
        parameters: list[object] = []
        if self.only_unchecked:
            keep = f" WHERE {unchecked_rows_predicate('staged')}"
            parameters = [self.source, self.fingerprint]
        columns = select_list(pass_, table_columns)
        # The hashes are written into the query, not bound: a literal IN list is pushed into the
        # scan as a filter, so DuckDB skips the row groups of other loads by their min/max.
        return [
            (
                f"SELECT {columns} FROM ({select} WHERE r.{quote(LOAD_COLUMN)} IN "
                f"({', '.join(quote_literal(digest) for digest in group)})) AS staged{keep} "
                f"ORDER BY {quote(ROWID_COLUMN)}",
                parameters,
            )
            for group in self.groups
        ]


def plan_load_chunks(
    con: duckdb.DuckDBPyConnection,
    source: str,
    table_columns: list[str],
    rules: list[Rule],
    derived_columns: dict[str, str],
    fingerprint: str,
    chunk_rows: int,
) -> LoadChunks | None:
    """The chunks of whole loads, or None when they would not be exact or not needed (one chunk
    holds every row to check: the general path costs nothing more then)."""
    if not {LOAD_COLUMN, "source_file"} <= set(table_columns):
        return None
    if not all(within_one_file(expression) for expression in derived_columns.values()):
        return None
    if any(rule.unique_key and LOAD_COLUMN not in rule.columns for rule in rules):
        return None
    raw = f"{quote(RAW_SCHEMA)}.{quote(source)}"
    only_unchecked = checked_loads_exist(con)
    where = f" WHERE {unchecked_rows_predicate('r')}" if only_unchecked else ""
    loads = con.execute(
        f"SELECT r.source_file, r.{quote(LOAD_COLUMN)}, count(*), min(r.rowid) FROM {raw} AS r"
        f"{where} GROUP BY ALL ORDER BY 4, 1",
        [source, fingerprint] if only_unchecked else [],
    ).fetchall()
    rows_by_hash: dict[str, int] = {}
    for _, digest, rows, _ in loads:
        if digest is None:
            return None  # a row that names no load: only the general path reads it
        rows_by_hash[str(digest)] = rows_by_hash.get(str(digest), 0) + int(rows)
    if sum(rows_by_hash.values()) <= chunk_rows or max(rows_by_hash.values()) > chunk_rows:
        return None
    groups: list[tuple[str, ...]] = []
    group: list[str] = []
    held = 0
    for digest, rows in rows_by_hash.items():  # in the order the loads were appended
        if group and held + rows > chunk_rows:
            groups.append(tuple(group))
            group, held = [], 0
        group.append(digest)
        held += rows
    groups.append(tuple(group))
    return LoadChunks(
        source=source,
        fingerprint=fingerprint,
        groups=tuple(groups),
        loads=tuple(sorted((str(f), str(d), int(n)) for f, d, n, _ in loads)),
        only_unchecked=only_unchecked,
    )
