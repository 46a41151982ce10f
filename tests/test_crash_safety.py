"""A killed run publishes nothing, and the next run completes; the clean-up it relies on.

The kills are fault runs (tests/fault_runs.py): the CLI in a subprocess with a hook that pauses at
the chosen point, then SIGKILL to its whole process group; the published warehouse and every report
file are compared, byte for byte, with before. Disk and memory exhaustion are in
tests/test_crash_safety_limits.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.publish.cleanup import discard_failed_run, discard_unpublished
from pipelines.publish.paths import build_path, report_being_published, staged_report
from pipelines.publish.run_lock import acquire_run_lock, release_run_lock
from pipelines.publish.run_state import process_start_time, read_run_state
from pipelines.publish.sensors import discard_unpublished_build
from pipelines.settings import Settings
from pipelines.site_folder import write_manifest
from tests.fault_runs import (
    ROOT,
    add_new_week,
    has_new_week,
    kill_at_marker,
    kill_the_run_alone_at_marker,
    published_state,
    start_fault_run,
    unpublished_leftovers,
)
from tests.pipeline_runs import RunPaths, make_paths, run_weekly_job


@pytest.fixture
def paths(published_copy: RunPaths) -> RunPaths:
    """A copy of the session's good published run (warehouse + reports), then a new week lands."""
    add_new_week(published_copy.landing)
    return published_copy


# --- kill -9 ----------------------------------------------------------------------------------


def assert_group_gone_or_kill(pgid: int) -> None:
    """Never leave a test's processes behind, whatever the assertion above found."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _discard_as_the_next_run_starts(paths: RunPaths) -> None:
    """What the next run's first step does with a killed run's debris, without the rest of it."""
    acquire_run_lock(paths.warehouse)
    try:
        discard_unpublished(paths.warehouse, paths.reports)
    finally:
        release_run_lock(paths.warehouse)


@pytest.mark.slow
def test_kill_9_between_two_dbt_models_publishes_nothing_and_the_next_run_completes(
    paths: RunPaths,
) -> None:
    """The one full re-run after a kill: dbt (a child process) dies with the run, the next
    run loads the new week and publishes."""
    before = published_state(paths)

    where = kill_at_marker(start_fault_run(paths, "between two dbt models"))

    assert published_state(paths) == before, f"killed at {where}"
    assert not has_new_week(paths.warehouse)
    assert build_path(paths.warehouse).exists()  # the kill really hit a run in progress

    assert run_weekly_job(paths).success
    assert has_new_week(paths.warehouse)
    assert published_state(paths) != before
    assert unpublished_leftovers(paths) == []


@pytest.mark.slow
def test_kill_9_of_the_run_alone_during_dbt_leaves_no_dbt_behind(paths: RunPaths) -> None:
    """Only the run's process is killed (not its process group): dbt, stopped between two
    models, must not outlive it (it used to run on for minutes, overlapping the next run)."""
    run = start_fault_run(paths, "between two dbt models")
    try:
        kill_the_run_alone_at_marker(run)
        children = read_run_state(paths.warehouse).get("children", [])
        assert children, "the run recorded no dbt process"
        deadline = time.monotonic() + 5
        alive = children
        while alive and time.monotonic() < deadline:
            alive = [c for c in children if process_start_time(c["pid"]) == c["start"]]
            time.sleep(0.1)
        assert alive == [], f"dbt outlived the killed run: {alive}"
    finally:
        assert_group_gone_or_kill(run.process.pid)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["during ingest", "during report writing"])
def test_kill_9_publishes_nothing_and_the_next_run_cleans_up(paths: RunPaths, point: str) -> None:
    """Killed elsewhere: nothing published, and the next run's first step leaves no debris
    (the full next run after a kill is proven by the dbt case above)."""
    before = published_state(paths)

    where = kill_at_marker(start_fault_run(paths, point))

    assert published_state(paths) == before, f"killed at {where}"
    assert not has_new_week(paths.warehouse)
    assert build_path(paths.warehouse).exists()  # the kill really hit a run in progress
    _discard_as_the_next_run_starts(paths)
    assert published_state(paths) == before
    assert unpublished_leftovers(paths) == []


@pytest.mark.slow
def test_kill_9_after_the_report_step_leaves_the_previous_pair_published(paths: RunPaths) -> None:
    """The report is complete but only staged: reports and warehouse still match (both old)."""
    before = published_state(paths)

    where = kill_at_marker(start_fault_run(paths, "after the report, before publishing"))

    assert published_state(paths) == before, f"killed at {where}"
    assert (staged_report(paths.reports) / "index.html").exists()
    _discard_as_the_next_run_starts(paths)
    assert published_state(paths) == before
    assert unpublished_leftovers(paths) == []


# --- the clean-up itself (fast) ---------------------------------------------------------------


def _report_folder(folder: Path, run_id: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(f"<p>{run_id}</p>\n")
    write_manifest(folder, {"report": "portfolio_summary", "run_id": run_id})
    return folder


def _site(tmp_path: Path) -> RunPaths:
    paths = make_paths(tmp_path)
    paths.warehouse.parent.mkdir(parents=True)
    paths.warehouse.write_bytes(b"published warehouse")
    _report_folder(paths.reports, "old")
    return paths


def test_a_crash_after_the_warehouse_rename_is_completed_by_the_clean_up(tmp_path: Path) -> None:
    """Warehouse renamed, reports not yet: `<reports>.publishing` and no build file."""
    paths = _site(tmp_path)
    _report_folder(report_being_published(paths.reports), "new")

    cleanup = discard_unpublished(paths.warehouse, paths.reports)

    assert cleanup.finished_publish
    assert (paths.reports / "index.html").read_text() == "<p>new</p>\n"
    assert unpublished_leftovers(paths) == []


def test_a_crash_before_the_warehouse_rename_publishes_neither(tmp_path: Path) -> None:
    """`<reports>.publishing` beside a build file: the warehouse was never swapped, drop both."""
    paths = _site(tmp_path)
    before = published_state(paths)
    build_path(paths.warehouse).write_bytes(b"unpublished build")
    _report_folder(report_being_published(paths.reports), "new")
    _report_folder(paths.reports.parent / f".{staged_report(paths.reports).name}.tmp-x", "half")

    cleanup = discard_unpublished(paths.warehouse, paths.reports)

    assert not cleanup.finished_publish
    assert published_state(paths) == before
    assert unpublished_leftovers(paths) == []


def test_a_crash_between_the_two_report_renames_restores_the_reports(tmp_path: Path) -> None:
    paths = _site(tmp_path)
    before = published_state(paths)
    paths.reports.rename(paths.reports.parent / f".{paths.reports.name}.old-x")

    discard_unpublished(paths.warehouse, paths.reports)

    assert published_state(paths) == before
    assert unpublished_leftovers(paths) == []


def _failed_run_sensor_context(paths: RunPaths) -> dg.RunFailureSensorContext:
    @dg.op
    def fails() -> None:
        raise RuntimeError("a step failed")

    @dg.job
    def failing_job() -> None:
        fails()

    instance = dg.DagsterInstance.ephemeral()
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    settings = Settings(
        landing_dir=paths.landing, warehouse_path=paths.warehouse, reports_dir=paths.reports
    )
    return dg.build_run_status_sensor_context(
        sensor_name=discard_unpublished_build.name,
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"settings": settings},
    ).for_run_failure()


def test_the_failure_sensor_removes_the_build_and_staging_but_keeps_a_blocked_build(
    tmp_path: Path,
) -> None:
    paths = _site(tmp_path)
    before = published_state(paths)
    build_path(paths.warehouse).write_bytes(b"unpublished build")
    blocked = paths.warehouse.with_name(paths.warehouse.name + ".blocked")
    blocked.write_bytes(b"kept for inspection")
    _report_folder(staged_report(paths.reports), "new")

    discard_unpublished_build(_failed_run_sensor_context(paths))

    assert published_state(paths) == before
    assert unpublished_leftovers(paths) == []
    assert blocked.read_bytes() == b"kept for inspection"


def test_the_failure_sensor_leaves_a_running_run_alone(tmp_path: Path) -> None:
    paths = _site(tmp_path)
    build_path(paths.warehouse).write_bytes(b"another run's build")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; "
            "from pipelines.publish.run_lock import acquire_run_lock; "
            f"acquire_run_lock(Path({str(paths.warehouse)!r})); print('held', flush=True); "
            "time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        cleanup = discard_failed_run(paths.warehouse, paths.reports, wait_seconds=1)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert build_path(paths.warehouse).read_bytes() == b"another run's build"
    assert "left the build files alone" in cleanup.done[0]
