"""The invariant "rows in = accepted + quarantined", checked for every loaded file on every run.

For each file the manifest records as loaded (or as rejected after every one of its rows was set
aside, those rows kept in the quarantine), the rows read must equal the rows loaded plus the
rows quarantined, and the rows loaded must be exactly the rows of `raw.<source>` that carry the
file's name and hash. Raw rows that no loaded file accounts for are a failure too. A mismatch
means a row was lost or counted twice somewhere, so it blocks the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE
from pipelines.quality.warehouse import RAW_SCHEMA, quote, table_columns

_SHOWN = 5


@dataclass(frozen=True)
class RowAccounting:
    source: str
    files_checked: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    problems: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.problems


def account_for_rows(con: duckdb.DuckDBPyConnection, source: str) -> RowAccounting:
    if table_columns(con, RAW_SCHEMA, source) is None:
        problem = f"{RAW_SCHEMA}.{source} does not exist, so its rows cannot be accounted for"
        return RowAccounting(source, 0, 0, 0, 0, [problem])
    raw = f"{quote(RAW_SCHEMA)}.{quote(source)}"
    files = con.execute(
        f"""
        WITH in_raw AS (
            SELECT source_file, source_file_hash, count(*) AS rows_in_raw
            FROM {raw} GROUP BY ALL
        )
        SELECT m.source_file, m.rows_read, m.rows_loaded, m.rows_quarantined,
               coalesce(in_raw.rows_in_raw, 0)
        FROM {MANIFEST_TABLE} AS m
        LEFT JOIN in_raw USING (source_file, source_file_hash)
        WHERE m.source = ? AND m.status IN ('loaded', 'rejected')
        ORDER BY m.source_file, m.loaded_at
        """,
        [source],
    ).fetchall()
    problems = []
    for name, read, loaded, quarantined, in_raw in files:
        if read != loaded + quarantined:
            problems.append(
                f"{name}: {read} rows read but {loaded} loaded + {quarantined} quarantined"
            )
        if loaded != in_raw:
            problems.append(f"{name}: the manifest says {loaded} rows loaded, {raw} holds {in_raw}")
    orphans = con.execute(
        f"""
        SELECT r.source_file, count(*) FROM {raw} AS r
        ANTI JOIN (SELECT * FROM {MANIFEST_TABLE} WHERE source = ? AND status = 'loaded') AS m
            USING (source_file, source_file_hash)
        GROUP BY ALL ORDER BY ALL
        """,
        [source],
    ).fetchall()
    problems += [f"{name}: {n} rows in {raw} from no loaded file" for name, n in orphans]
    return RowAccounting(
        source=source,
        files_checked=len(files),
        rows_read=sum(int(f[1]) for f in files),
        rows_loaded=sum(int(f[2]) for f in files),
        rows_quarantined=sum(int(f[3]) for f in files),
        problems=problems[:_SHOWN]
        + ([f"... {len(problems) - _SHOWN} more"] * (len(problems) > _SHOWN)),
    )


def _shortened(problems: list[str]) -> list[str]:
    if len(problems) <= _SHOWN:
        return problems
    return [*problems[:_SHOWN], f"... and {len(problems) - _SHOWN} more"]
