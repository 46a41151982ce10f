"""The gate's verdict for one source in one run: passed, warned, quarantined or blocked.

Blocked when any block-action rule failed (a check that could not run always counts as one), when
ingest rejected a file or row under a block rule, or when this run quarantined more than the
suite's threshold share of the rows it read: a file that is mostly bad is not "mostly fine".
Quarantined when rows were set aside within the threshold; warned when only warn rules fired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, QUARANTINE_TABLE
from pipelines.quality.ingest_findings import IngestFinding
from pipelines.quality.outcome import ValidationOutcome
from pipelines.quality.quarantine import QuarantineResult
from pipelines.quality.warehouse import RAW_SCHEMA, quote
from pipelines.sql_helpers import fetch_row

DECISIONS = ("passed", "warned", "quarantined", "blocked", "not supplied")


@dataclass(frozen=True)
class GateDecision:
    source: str
    decision: str
    files_loaded: int
    files_rejected: int
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    quarantine_threshold_pct: float
    messages: list[str] = field(default_factory=list)
    decided_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def blocked(self) -> bool:
        return self.decision == "blocked"

    @property
    def quarantined_pct(self) -> float:
        return 100.0 * self.rows_quarantined / self.rows_read if self.rows_read else 0.0

    def summary(self) -> str:
        return (
            f"{self.source}: {self.decision}; {self.files_loaded} file(s) loaded, "
            f"{self.files_rejected} rejected; {self.rows_read} rows read = "
            f"{self.rows_accepted} accepted + {self.rows_quarantined} quarantined "
            f"({self.quarantined_pct:.1f} %, threshold {self.quarantine_threshold_pct:g} %)"
        )


def decide(
    con: duckdb.DuckDBPyConnection,
    outcome: ValidationOutcome,
    findings: list[IngestFinding],
    moved: QuarantineResult,
    threshold_pct: float,
    run_id: str,
) -> GateDecision:
    """Combine ingest findings, the GX outcome and the quarantine into one decision."""
    source = outcome.source
    counts = fetch_row(
        con,
        f"""
        SELECT count(*) FILTER (WHERE status = 'loaded'),
               count(*) FILTER (WHERE status = 'rejected'),
               coalesce(sum(rows_read) FILTER (WHERE status = 'loaded'), 0),
               coalesce(sum(rows_quarantined) FILTER (WHERE status = 'loaded'), 0)
        FROM {MANIFEST_TABLE} WHERE source = ? AND run_id = ?
        """,
        [source, run_id],
    )
    files_loaded, files_rejected, rows_read, quarantined_new = (int(v) for v in counts or (0,) * 4)
    # Rows of earlier loads a (new) rule set aside this run count too, against this run's rows.
    this_run_files = {
        (str(name), str(digest))
        for name, digest in con.execute(
            f"SELECT source_file, source_file_hash FROM {MANIFEST_TABLE} "
            "WHERE source = ? AND run_id = ? AND status = 'loaded'",
            [source, run_id],
        ).fetchall()
    }
    quarantined_old = sum(n for key, n in moved.rows_by_file.items() if key not in this_run_files)
    # Warn-level records ingest kept aside (blank lines) are not data: they are reported, not
    # counted against the threshold.
    kept_aside = fetch_row(
        con,
        f"SELECT count(*) FROM {QUARANTINE_TABLE} "
        "WHERE source = ? AND run_id = ? AND stage = 'ingest' AND action = 'warn'",
        [source, run_id],
    )
    warned_aside = int(kept_aside[0]) if kept_aside else 0
    quarantined_new -= warned_aside
    rows_quarantined = quarantined_new + quarantined_old
    denominator = rows_read or _table_rows(con, source) + quarantined_old

    blocking = [f.message() for f in outcome.failures_by_action("block")]
    blocking += [f.message for f in findings if f.action == "block"]
    setting_aside: list[str] = []
    for failure in outcome.failures_by_action("quarantine"):
        # A quarantine rule that failed without naming rows has set nothing aside: block.
        (setting_aside if failure.unexpected_rowids else blocking).append(failure.message())
    setting_aside += [f.message for f in findings if f.action == "quarantine"]
    warnings = [f.message() for f in outcome.failures_by_action("warn")]
    warnings += [f.message for f in findings if f.action == "warn"]

    share = 100.0 * rows_quarantined / denominator if denominator else 0.0
    if rows_quarantined and share > threshold_pct:
        blocking.append(
            f"{source}: {rows_quarantined} of {denominator} rows ({share:.1f} %) were quarantined "
            f"this run, above the threshold of {threshold_pct:g} % (meta.quarantine_threshold_pct "
            f"in expectations/{source}.json): too much is wrong to publish the rest"
        )
    if blocking:
        decision = "blocked"
    elif rows_quarantined:
        decision = "quarantined"
    elif warnings:
        decision = "warned"
    else:
        decision = "passed"
    return GateDecision(
        source=source,
        decision=decision,
        files_loaded=files_loaded,
        files_rejected=files_rejected,
        rows_read=rows_read,
        rows_accepted=rows_read - quarantined_new - warned_aside,
        rows_quarantined=rows_quarantined,
        quarantine_threshold_pct=threshold_pct,
        messages=blocking + setting_aside + warnings,
    )


def _table_rows(con: duckdb.DuckDBPyConnection, source: str) -> int:
    row = fetch_row(con, f"SELECT count(*) FROM {quote(RAW_SCHEMA)}.{quote(source)}")
    return int(row[0]) if row else 0
