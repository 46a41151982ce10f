"""Bound what runs leave on disk: dbt artifacts, run logs, Dagster's logs and history, kept builds.

Measured before: ~40 MB of dbt artifacts and 8 MB of Dagster logs a run, never deleted. This runs
at the end of every run, good or failed (published_warehouse; cleanup.discard_failed_run), under
the run lock. It only deletes files of the kinds below, never the published warehouse or reports
and never the current run's (dbt's newest target folders are kept by count, logs by age, so
this run's are always inside the bound). The reports' archive is bounded where it is rendered
(pipelines/report/archive.py), so the published folder is never edited in place.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.publish.paths import blocked_path, failed_path, wal_path
from pipelines.publish.run_history import prune_run_history
from pipelines.publish.run_state import read_run_state
from pipelines.settings import DBT_PROJECT_DIR, Settings

DAY_SECONDS = 86400.0
# Each dbt invocation's artifacts: target/portfolio_dbt_models-<run id>-<random> (the dbt asset
# names it as dagster-dbt would: pipelines/transform/assets.py).
DBT_TARGET_PREFIX = "portfolio_dbt_models-"
DBT_TARGET_GLOB = f"{DBT_TARGET_PREFIX}*"
RUN_LOG_GLOB = "run-*.log"


@dataclass(frozen=True)
class Retention:
    """Where the files are and how many runs or days of each to keep (from Settings)."""

    published: Path
    dbt_target_dir: Path
    dbt_keep_runs: int
    log_dir: Path
    dagster_home: Path | None
    log_keep_days: int
    kept_build_keep_days: int
    dagster_keep_runs: int = 26

    @classmethod
    def of(cls, settings: Settings) -> Retention:
        return cls(
            published=settings.warehouse_path,
            dbt_target_dir=DBT_PROJECT_DIR / "target",
            dbt_keep_runs=settings.dbt_artifacts_keep_runs,
            log_dir=settings.log_dir,
            dagster_home=settings.dagster_home,
            log_keep_days=settings.log_keep_days,
            kept_build_keep_days=settings.kept_build_keep_days,
            dagster_keep_runs=settings.dagster_keep_runs,
        )


def _remove(path: Path) -> None:
    # Never fail the run over clean-up: it runs after the publish, and the next run tries again.
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def keep_newest(paths: Iterable[Path], keep: int, *, protect: Path | None = None) -> list[Path]:
    """Delete all but the `keep` newest (by modification time) and `protect`; the deleted."""
    ordered = sorted(paths, key=_mtime, reverse=True)
    doomed = [p for p in ordered[keep:] if p != protect]
    for path in doomed:
        _remove(path)
    return doomed


def older_than(paths: Iterable[Path], days: int, *, now: float | None = None) -> list[Path]:
    """Delete those last modified more than `days` ago; the deleted."""
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    doomed = [p for p in paths if _mtime(p) < cutoff]
    for path in doomed:
        _remove(path)
    return doomed


def apply_retention(retention: Retention, *, now: float | None = None) -> list[str]:
    """Delete what is past its bound; one line per kind of file that lost something.

    Call it holding the run lock: the run state then names this run's dbt target folder.
    """
    r = retention
    current = read_run_state(r.published).get("dbt_target")
    current_dbt_target = Path(current) if current else None
    removed = {
        "dbt artifact folder(s)": keep_newest(
            r.dbt_target_dir.glob(DBT_TARGET_GLOB), r.dbt_keep_runs, protect=current_dbt_target
        ),
        "run log(s)": older_than(r.log_dir.glob(RUN_LOG_GLOB), r.log_keep_days, now=now),
        "kept build(s)": older_than(
            [
                path
                for kept in (blocked_path(r.published), failed_path(r.published))
                for path in (kept, wal_path(kept))
                if path.exists()
            ],
            r.kept_build_keep_days,
            now=now,
        ),
    }
    if r.dagster_home is not None:
        # Dagster's local compute logs: one folder per run under storage/.
        storage = r.dagster_home / "storage"
        runs = [p for p in storage.glob("*") if p.is_dir()] if storage.is_dir() else []
        removed["Dagster compute log folder(s)"] = older_than(runs, r.log_keep_days, now=now)
        # Its run history (event logs and asset index): the newest finished runs are kept.
        history = prune_run_history(r.dagster_home, r.dagster_keep_runs)
        removed["Dagster run(s) from the run history"] = [Path(run) for run in history]
    return [f"retention: removed {len(paths)} {kind}" for kind, paths in removed.items() if paths]
