"""Every file name write-audit-publish uses beside the published warehouse and reports.

One place, so the build, the staging, the kept builds and the run's lock and state cannot drift
apart between the steps that write them and the clean-up that removes them.
"""

from __future__ import annotations

from pathlib import Path

# dbt_project/profiles.yml (target `build`) derives the same path: the published path + this suffix.
BUILD_SUFFIX = ".building"
# A build the quality gate blocked, kept for the engineer to query (replaced by the next one).
BLOCKED_SUFFIX = ".blocked"
# A build that failed for any other reason (dbt, disk, memory), kept the same way.
FAILED_SUFFIX = ".failed"


def _beside(published: Path, suffix: str) -> Path:
    return published.with_name(published.name + suffix)


def build_path(published: Path) -> Path:
    """This run's private copy of the warehouse; only it is written until the publish."""
    return _beside(published, BUILD_SUFFIX)


def blocked_path(published: Path) -> Path:
    return _beside(published, BLOCKED_SUFFIX)


def failed_path(published: Path) -> Path:
    return _beside(published, FAILED_SUFFIX)


def wal_path(database: Path) -> Path:
    """DuckDB's write-ahead log of a database file: it moves and goes with the file."""
    return database.with_name(database.name + ".wal")


def lock_path(published: Path) -> Path:
    """The run lock (flock): one run at a time per warehouse."""
    return _beside(published, ".run.lock")


def run_state_path(published: Path) -> Path:
    """The running run's pid and its children's pids, so a next run can end what a kill left."""
    return _beside(published, ".run.state")


def staged_report(reports: Path) -> Path:
    """Where this run's report is rendered: a sibling of the reports folder, never published."""
    return reports.with_name(reports.name + ".staging")


def report_being_published(reports: Path) -> Path:
    """The staged report after step 1 of the publish: its warehouse is being (or was) published."""
    return reports.with_name(reports.name + ".publishing")
