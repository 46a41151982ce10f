"""`portfolio status`: the last runs, the gate's decisions and each source's freshness.

Reads the published warehouse read-only (an analyst's open connection is never disturbed) and
the Dagster instance or, without one, the run logs the CLI writes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.operate.freshness import assess_freshness, newest_extracts, source_cadences
from pipelines.quality.audit import DECISIONS_TABLE

RUNS_SHOWN = 5


def run_log_lines(log_dir: Path, limit: int = RUNS_SHOWN) -> list[str]:
    """The newest CLI run logs (run-<time>-<run>.log), newest first."""
    logs = sorted(log_dir.glob("run-*.log"), reverse=True)[:limit]
    return [f"  {path.name}" for path in logs]


def gate_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The gate's decision per source in the published warehouse's latest run."""
    rows = con.execute(
        f"""select run_id, source, decision, rows_read, rows_quarantined from {DECISIONS_TABLE}
        where run_id = (select run_id from {DECISIONS_TABLE} order by decided_at desc limit 1)
        order by source"""
    ).fetchall()
    if not rows:
        return ["  (no gate decision recorded)"]
    lines = [f"  run {rows[0][0]}"]
    lines += [
        f"  {source:<24} {decision:<13} {read} row(s) read, {quarantined} set aside"
        for _, source, decision, read, quarantined in rows
    ]
    return lines


def freshness_lines(
    con: duckdb.DuckDBPyConnection,
    required: list[str],
    *,
    weekly_days: int,
    monthly_days: int,
    today: date,
) -> list[str]:
    newest = newest_extracts(con)
    names = sorted(set(newest) | set(required))
    verdicts = assess_freshness(
        [(name, name in required) for name in names],
        newest,
        source_cadences(weekly_days, monthly_days),
        today,
    )
    return [f"  {verdict.message()}" for verdict in verdicts]


def status_report(
    warehouse: Path,
    *,
    runs: list[str],
    required: list[str],
    weekly_days: int,
    monthly_days: int,
    today: date,
) -> tuple[list[str], bool]:
    """The lines to print, and whether a published warehouse was there to read."""
    lines = ["Last runs:", *(runs or ["  (none recorded)"])]
    if not warehouse.exists():
        return [*lines, f"No published warehouse at {warehouse}: no run has succeeded yet."], False
    with duckdb.connect(str(warehouse), read_only=True) as con:
        lines += [f"Quality gate (published warehouse {warehouse}):", *gate_lines(con)]
        lines += ["Freshness (newest extract per source):"]
        lines += freshness_lines(
            con, required, weekly_days=weekly_days, monthly_days=monthly_days, today=today
        )
    return lines, True
