"""After a run the quality gate blocked: keep its build for inspection and say so on the reports.

A blocked run publishes nothing, but what it found (the quarantine, the rule results, the manifest
of the files it read) exists only in its build file. So the build is kept as
`<warehouse>.blocked` (replacing the previous blocked build, never the published warehouse), and
the published reports' index gets a banner: the data is as of the last good run, with a link to
the blocked run's data-quality page. Runs that failed for other reasons are left to the cleanup.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from pipelines.publish.warehouse_build import build_path
from pipelines.quality.audit import DECISIONS_TABLE
from pipelines.report.blocked_notice import publish_blocked_run_notice

logger = logging.getLogger(__name__)

BLOCKED_SUFFIX = ".blocked"


def blocked_path(published: Path) -> Path:
    return published.with_name(published.name + BLOCKED_SUFFIX)


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


def keep_blocked_build(published: Path, reports: Path, run_id: str) -> Path | None:
    """If the gate blocked this run: move its build aside and post the notice; the page's path.

    Call it after the run ended (every connection closed) and before any cleanup deletes the
    build file. Returns None when the run was not blocked by the gate.
    """
    build = build_path(published)
    sources = blocked_sources(build, run_id)
    if not sources:
        return None
    kept = blocked_path(published)
    for stale in (kept, kept.with_name(kept.name + ".wal")):
        stale.unlink(missing_ok=True)
    os.replace(build, kept)
    wal = build.with_name(build.name + ".wal")
    if wal.exists():  # DuckDB replays it when the kept file is opened
        os.replace(wal, kept.with_name(kept.name + ".wal"))
    page = publish_blocked_run_notice(kept, reports, run_id)
    logger.warning(
        "run %s was blocked by the quality gate (%s); its build is kept at %s; notice: %s",
        run_id,
        ", ".join(sources),
        kept,
        page,
    )
    return page
