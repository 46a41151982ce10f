"""An optional source nobody delivered: recorded as not supplied, which does not block.

A run's source profile (`Settings.source_profile`) says which sources it needs. The others (the
native exports in an IT Dashboard run, a time tracker's export in the demo) may simply not exist
for this organisation; an empty raw table is then not bad data, it is no data, and the reports say
what it would have shown. A source that did deliver, even a file that was rejected, is gated as
usual, and a required source with no rows still blocks.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE
from pipelines.quality.decision import GateDecision
from pipelines.quality.warehouse import RAW_SCHEMA, quote, table_columns
from pipelines.sql_helpers import fetch_scalar

NOT_SUPPLIED = "not supplied"


def was_supplied(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Any file ever recorded for the source (loaded, duplicate or rejected), or any raw row.

    An `ignored` or `deferred` file is not a delivery: it is a warning, not the source's data.
    """
    if table_columns(con, "raw", "load_manifest") is not None:
        files = fetch_scalar(
            con,
            f"select count(*) from {MANIFEST_TABLE} where source = ? "
            "and status not in ('ignored', 'deferred')",
            [source],
        )
        if files:
            return True
    if table_columns(con, RAW_SCHEMA, source) is None:
        return False
    return bool(fetch_scalar(con, f"select count(*) from {quote(RAW_SCHEMA)}.{quote(source)}"))


def not_supplied_decision(source: str, threshold_pct: float, source_profile: str) -> GateDecision:
    return GateDecision(
        source=source,
        decision=NOT_SUPPLIED,
        files_loaded=0,
        files_rejected=0,
        rows_read=0,
        rows_accepted=0,
        rows_quarantined=0,
        quarantine_threshold_pct=threshold_pct,
        messages=[
            f"{source} is optional for the {source_profile!r} source profile and no file has "
            "been delivered: nothing to check; the reports say this data is not available"
        ],
    )
