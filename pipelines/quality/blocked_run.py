"""What the quality gate decided in a run, read from a warehouse file of that run.

The publish step (pipelines/publish/kept_builds.py) asks which sources were blocked before it
discards a failed run's build: a blocked run's build is kept as `<warehouse>.blocked` and the
reports say so. The run command (pipelines/weekly_run.py) names the sources a published run set
rows aside from.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.quality.audit import DECISIONS_TABLE


def run_decisions(warehouse: Path, run_id: str) -> list[tuple[str, str, int]]:
    """(source, decision, rows quarantined) for each source the gate decided in this run."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            f"SELECT source, decision, rows_quarantined FROM {DECISIONS_TABLE} "
            "WHERE run_id = ? ORDER BY source",
            [run_id],
        ).fetchall()
    return [(str(source), str(decision), int(count)) for source, decision, count in rows]


def blocked_sources(build: Path, run_id: str) -> list[str]:
    """Sources the gate blocked in this run, read from the run's build file ([] if none)."""
    if not build.exists():
        return []
    try:
        decisions = run_decisions(build, run_id)
    except duckdb.Error:
        return []  # no decisions table: the run failed before the gate, not a block
    return [source for source, decision, _ in decisions if decision == "blocked"]
