"""Which sources the quality gate blocked in a run, read from that run's build file.

The publish step (pipelines/publish/kept_builds.py) asks this before it discards a failed run's
build: a blocked run's build is kept as `<warehouse>.blocked` and the reports say so.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.quality.audit import DECISIONS_TABLE


def blocked_sources(build: Path, run_id: str) -> list[str]:
    """Sources the gate blocked in this run, read from the run's build file ([] if none)."""
    if not build.exists():
        return []
    try:
        with duckdb.connect(str(build), read_only=True) as con:
            rows = con.execute(
                f"SELECT source FROM {DECISIONS_TABLE} "
                "WHERE run_id = ? AND decision = 'blocked' ORDER BY source",
                [run_id],
            ).fetchall()
    except duckdb.Error:
        return []  # no decisions table: the run failed before the gate, not a block
    return [str(row[0]) for row in rows]
