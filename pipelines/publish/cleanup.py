"""Leave only published files behind when a run fails, is blocked, or was killed.

Called by the first step of every run (for whatever a killed run left), by the CLI after a failed
in-process run, and by the `discard_unpublished_build` sensor after a failed run the Dagster daemon
launched. Deletion order matters: `<reports>.publishing` goes before the build file, because
"`<reports>.publishing` but no build file" means "the warehouse is published, finish the reports"
(see staged_report.py).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.publish.kept_builds import keep_blocked_build, keep_failed_build
from pipelines.publish.paths import blocked_path, build_path, report_being_published, staged_report
from pipelines.publish.retention import Retention, apply_retention
from pipelines.publish.run_lock import RunAlreadyInProgress, acquire_run_lock, release_run_lock
from pipelines.publish.staged_report import finish_or_discard
from pipelines.publish.warehouse_build import discard_build


def _renderer_leftovers(reports: Path) -> list[Path]:
    # The renderer writes into `.<name>.tmp-*` beside its output and retires the folder it
    # replaces as `.<name>.old-*`; a kill can leave either behind (for the staging folder's name
    # and, from older runs, for the reports folder's).
    return sorted(p for p in reports.parent.glob(f".{reports.name}.*") if p.is_dir())


@dataclass
class Cleanup:
    """What was found and done; `finished_publish`: the warehouse had been published already."""

    done: list[str] = field(default_factory=list)
    finished_publish: bool = False


def discard_unpublished(published: Path, reports: Path) -> Cleanup:
    """Finish or drop an interrupted publish, then delete staging and the build file.

    The caller must hold the run lock, so these are nobody else's files.
    """
    cleanup = Cleanup()
    done = cleanup.done
    outcome = finish_or_discard(published, reports)
    if outcome == "finished":
        cleanup.finished_publish = True
        done.append(f"published the reports {reports} that go with the already published warehouse")
    elif outcome == "discarded":
        done.append(f"discarded {report_being_published(reports)} (warehouse never published)")
    staged = staged_report(reports)
    if staged.exists():
        shutil.rmtree(staged)
        done.append(f"discarded the unpublished report staging {staged}")
    for leftover in _renderer_leftovers(reports):
        if leftover.name.startswith(f".{reports.name}.old-") and not reports.exists():
            # Killed between the two renames of a swap with nothing left to swap in: put it back.
            leftover.rename(reports)
            done.append(f"restored the reports {reports} from {leftover.name}")
            continue
        shutil.rmtree(leftover, ignore_errors=True)
        done.append(f"removed the renderer's leftover {leftover.name}")
    if discard_build(published):
        done.append(f"discarded the unpublished build file {build_path(published)}")
    return cleanup


def discard_failed_run(
    published: Path,
    reports: Path,
    *,
    wait_seconds: float = 0.0,
    run_id: str | None = None,
    retention: Retention | None = None,
) -> Cleanup:
    """After a failed or blocked run: clean up under the run lock, or leave a running run alone.

    If the quality gate blocked run `run_id`, its build is first kept as `<warehouse>.blocked`
    and the published reports' index is told; a build that failed otherwise is kept as
    `<warehouse>.failed` (kept_builds.py). Then `retention` bounds what runs left (retention.py).

    The process that ran the job may still hold the lock (it is idempotent there); a daemon sensor
    waits up to wait_seconds for the failed run's process to exit. If another run holds the lock,
    the build file is that run's: nothing is touched.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            acquire_run_lock(published)
            break
        except RunAlreadyInProgress as running:
            if time.monotonic() >= deadline:
                return Cleanup(done=[f"left the build files alone: {running}"])
            time.sleep(0.5)
    try:
        kept = keep_blocked_build(published, reports, run_id) if run_id else None
        failed = keep_failed_build(published) if run_id and kept is None else None
        cleanup = discard_unpublished(published, reports)
        if kept is not None:
            cleanup.done.insert(
                0,
                f"the quality gate blocked this run: its build is kept at "
                f"{blocked_path(published)}; the reports' index links its data-quality page {kept}",
            )
        if failed is not None:
            cleanup.done.insert(0, f"the failed run's build is kept for inspection at {failed}")
        if retention is not None:
            cleanup.done += apply_retention(retention)
        return cleanup
    finally:
        release_run_lock(published)
