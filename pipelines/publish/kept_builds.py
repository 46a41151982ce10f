"""Keep the build of a blocked or failed run for inspection, instead of deleting it.

A run that publishes nothing still found something worth reading: the quarantine, the rule results
and the manifest of a blocked run, or the half-built marts of a run dbt, the disk or the memory
stopped. That exists only in its build file, so the build is moved aside, replacing the previous
one of its kind and never touching the published warehouse: `<warehouse>.blocked` for a run the
quality gate blocked (and the published reports' index gets a banner linking the blocked run's
data-quality page), `<warehouse>.failed` for any other failure. A killed run's build is not kept:
the next run's first step cannot tell it from its own leftovers, so it is discarded.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pipelines.publish.paths import blocked_path, build_path, failed_path, wal_path
from pipelines.quality.blocked_run import blocked_sources
from pipelines.report.blocked_notice import publish_blocked_run_notice

logger = logging.getLogger(__name__)


def _move_build(published: Path, kept: Path) -> bool:
    """Rename the build file (and its WAL) to kept, replacing what was kept there before."""
    build = build_path(published)
    if not build.exists():
        return False
    for stale in (kept, wal_path(kept)):
        stale.unlink(missing_ok=True)
    os.replace(build, kept)
    if wal_path(build).exists():  # DuckDB replays it when the kept file is opened
        os.replace(wal_path(build), wal_path(kept))
    return True


def keep_blocked_build(published: Path, reports: Path, run_id: str) -> Path | None:
    """If the gate blocked this run: move its build aside and post the notice; the page's path.

    Call it after the run ended (every connection closed) and before any cleanup deletes the
    build file. Returns None when the run was not blocked by the gate.
    """
    sources = blocked_sources(build_path(published), run_id)
    if not sources:
        return None
    kept = blocked_path(published)
    _move_build(published, kept)
    page = publish_blocked_run_notice(kept, reports, run_id)
    logger.warning(
        "run %s was blocked by the quality gate (%s); its build is kept at %s; notice: %s",
        run_id,
        ", ".join(sources),
        kept,
        page,
    )
    return page


def keep_failed_build(published: Path) -> Path | None:
    """Move a failed run's build to `<warehouse>.failed`; its path, or None if there was none."""
    kept = failed_path(published)
    return kept if _move_build(published, kept) else None
