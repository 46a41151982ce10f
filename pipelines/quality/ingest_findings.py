"""What this run's ingest set aside for a source: rejected files and quarantined rows, by action.

Ingest records its own rule and action with every rejected file (`raw.load_manifest`) and every
row it could not load (`audit.quarantine`, stage `ingest`); the gate turns them into the same kind
of block / quarantine / warn findings as a failed expectation, so nothing ingest set aside can be
missed by the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, QUARANTINE_TABLE, ensure_audit_tables

_EXAMPLES = 3


@dataclass(frozen=True)
class IngestFinding:
    action: str  # block | quarantine | warn
    message: str


def ingest_findings(
    con: duckdb.DuckDBPyConnection, source: str, run_id: str
) -> list[IngestFinding]:
    ensure_audit_tables(con)
    findings: list[IngestFinding] = []
    files = con.execute(
        f"SELECT source_file, coalesce(rule, 'file rejected'), coalesce(action, 'block'), reason "
        f"FROM {MANIFEST_TABLE} WHERE source = ? AND run_id = ? AND status = 'rejected' "
        "ORDER BY source_file",
        [source, run_id],
    ).fetchall()
    for name, rule, action, reason in files:
        findings.append(
            IngestFinding(str(action), f'{source}: file {name} rejected by rule "{rule}": {reason}')
        )
    groups = con.execute(
        f"""
        SELECT action, rule, count(*) AS n,
               list(source_file || ' line ' || coalesce(CAST(source_row AS VARCHAR), '?')
                    || coalesce(' column ' || column_name, '') || ': ' || reason
                    ORDER BY source_file, source_row)[1:{_EXAMPLES}] AS examples
        FROM {QUARANTINE_TABLE}
        WHERE source = ? AND run_id = ? AND stage = 'ingest'
        GROUP BY action, rule
        ORDER BY action, rule
        """,
        [source, run_id],
    ).fetchall()
    for action, rule, count, examples in groups:
        verb = "kept aside" if action == "warn" else "quarantined"
        findings.append(
            IngestFinding(
                str(action),
                f'{source}: {count} record(s) {verb} at ingest by rule "{rule}" '
                f"(in {QUARANTINE_TABLE}), e.g. " + "; ".join(str(e) for e in examples),
            )
        )
    return findings
