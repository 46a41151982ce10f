"""Which loads the gate has already checked, so a weekly run checks only what it loaded.

Raw tables keep every extract ever loaded, and the gate's rules are row-level or keyed within one
load (every uniqueness key and per-day sum includes `source_file_hash`; an entry id re-used across
files is quarantined at ingest by key_reuse.py). So a load that passed the gate stays passed, and
re-checking ten million rows of history to validate one new week is pure cost (570 s of a 900 s
incremental run at 10 M rows). A load is checked again when the suite that checked it changes: the
fingerprint is the suite file's bytes plus the reporting currency its derived columns convert to,
so a new or edited rule is applied to history on the next run.

What this deliberately does not re-check: a referential rule is judged against the reference data
in the warehouse when the load arrives (a project known then stays known; reference ids only grow,
because rows leave raw only by quarantine at their own load's gate).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import duckdb

from pipelines.quality.warehouse import quote, table_columns

_SCHEMA, _TABLE = "audit", "gate_checked_loads"
CHECKED_LOADS_TABLE = f"{_SCHEMA}.{_TABLE}"

_CREATE = f"""
CREATE TABLE IF NOT EXISTS {CHECKED_LOADS_TABLE} (
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_file_hash VARCHAR NOT NULL,
    suite_fingerprint VARCHAR NOT NULL,  -- sha256 of the suite file and the reporting currency
    rows_checked BIGINT NOT NULL,        -- the load's rows the gate checked
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL
)
"""


def ensure_checked_loads_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(_CREATE)


def checked_loads_exist(con: duckdb.DuckDBPyConnection) -> bool:
    """False for a warehouse no gate has recorded in yet: then every row is unchecked."""
    return table_columns(con, _SCHEMA, _TABLE) is not None


def suite_fingerprint(suite_digest: str, reporting_currency: str) -> str:
    """The suite file's sha256 and the currency its derived amounts convert to, as one key."""
    text = f"{suite_digest}\0{reporting_currency}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unchecked_rows_predicate(alias: str) -> str:
    """SQL true for a row of `alias` whose load was not checked under the bound fingerprint.

    Two parameters, in order: the source name and the suite fingerprint.
    """
    return (
        f"NOT EXISTS (SELECT 1 FROM {CHECKED_LOADS_TABLE} AS checked "
        "WHERE checked.source = ? AND checked.suite_fingerprint = ? "
        f"AND checked.source_file = {alias}.{quote('source_file')} "
        f"AND checked.source_file_hash = {alias}.{quote('source_file_hash')})"
    )


def record_checked_loads(
    con: duckdb.DuckDBPyConnection,
    source: str,
    fingerprint: str,
    loads: tuple[tuple[str, str, int], ...],
    run_id: str,
    at: datetime,
) -> None:
    """Remember the loads (file, hash, rows) this run's gate checked and let through."""
    ensure_checked_loads_table(con)
    if not loads:  # nothing new was checked (DuckDB's executemany refuses an empty list)
        return
    con.executemany(
        f"INSERT INTO {CHECKED_LOADS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
        [[source, name, digest, fingerprint, rows, run_id, at] for name, digest, rows in loads],
    )
