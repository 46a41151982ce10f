"""A killed, disk-full or out-of-memory run publishes nothing, and the next run completes.

Each fault run is `python -m pipelines.cli run` in a subprocess (its own process group, so the dbt
child dies with it). For a kill, a hook installed in that subprocess only (no failpoints in the
pipeline) pauses at the chosen point and writes a marker; the test then sends SIGKILL to the whole
group and compares the published warehouse and every report file, byte for byte, with before.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.publish.cleanup import discard_failed_run, discard_unpublished
from pipelines.publish.run_lock import acquire_run_lock, release_run_lock
from pipelines.publish.sensors import discard_unpublished_build
from pipelines.publish.staged_report import report_being_published, staged_report
from pipelines.publish.warehouse_build import build_path
from pipelines.report.publish import write_manifest
from pipelines.settings import Settings
from tests.pipeline_runs import SMALL_DEMO, RunPaths, make_paths, run_weekly_job
from tests.timesheet_weeks import a_project_entry, new_week

CONFIG = SMALL_DEMO  # the session's published run (conftest.demo_run), copied per test
NEW_ENTRY = "CRASH-1"
ROOT = Path(__file__).resolve().parent.parent
# Waiting for a hook's marker: a loaded 2-core CI box takes ~90 s to reach the report step.
MARKER_TIMEOUT_SECONDS = 400


# --- helpers ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _published_state(paths: RunPaths) -> dict[str, str]:
    """sha256 of the published warehouse and of every file under the reports folder."""
    state = {"warehouse": _sha256(paths.warehouse)}
    for file in sorted(p for p in paths.reports.rglob("*") if p.is_file()):
        state[f"reports/{file.relative_to(paths.reports)}"] = _sha256(file)
    return state


def _unpublished_leftovers(paths: RunPaths) -> list[str]:
    """Build files, report staging and renderer temp folders: all must be gone after a run."""
    names = [build_path(paths.warehouse).name, build_path(paths.warehouse).name + ".wal"]
    leftovers = [paths.warehouse.parent / name for name in names]
    leftovers += [staged_report(paths.reports), report_being_published(paths.reports)]
    leftovers += list(paths.reports.parent.glob(f".{paths.reports.name}.*"))
    return sorted(str(p) for p in leftovers if p.exists())


def _add_new_week(landing: Path) -> None:
    """A new timesheet week: the run that gets killed would have changed raw data and marts."""
    employee = a_project_entry(landing)[1]
    new_week(
        landing,
        CONFIG.as_of,
        [[NEW_ENTRY, employee, CONFIG.as_of.isoformat(), "", "BAU", "7.5", ""]],
    )


def _has_new_week(warehouse: Path) -> bool:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sql = "select count(*) from raw.timesheets where entry_id = ?"
        row = con.execute(sql, [NEW_ENTRY]).fetchone()
        return bool(row and row[0])


@pytest.fixture
def paths(published_copy: RunPaths) -> RunPaths:
    """A copy of the session's good published run (warehouse + reports), then a new week lands."""
    _add_new_week(published_copy.landing)
    return published_copy


# --- the fault runs: a subprocess running the CLI with a hook ---------------------------------

PAUSE = """
import os, signal, sys, time
from pathlib import Path

def pause_here(what):
    Path(os.environ["CRASH_MARKER"]).write_text(what)
    time.sleep(3600)  # until the test kills the process group
"""

HOOKS = {
    "no fault": "",
    # Inside ingest: the new week's file is committed to the build file, later sources not loaded.
    "during ingest": """
import pipelines.ingest.assets as ingest_assets
real_load_source = ingest_assets.load_source

def load_source(*args, **kwargs):
    summary = real_load_source(*args, **kwargs)
    spec = kwargs.get("spec", args[1] if len(args) > 1 else None)
    if getattr(spec, "name", None) == "timesheets":
        pause_here("ingest: timesheets loaded into the build file")
    return summary

ingest_assets.load_source = load_source
""",
    # After dbt reported its first model built: dbt is stopped before the next one, then killed.
    "between two dbt models": """
import dagster as dg
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
real_stream = DbtCliInvocation.stream

def stream(self):
    for event in real_stream(self):
        yield event
        if isinstance(event, dg.Output):
            os.kill(self.process.pid, signal.SIGSTOP)
            pause_here(f"dbt: {event.output_name} built, dbt stopped before the next model")

DbtCliInvocation.stream = stream
""",
    # Inside the renderer: the charts are written into its staging folder, the pages are not.
    "during report writing": """
import pipelines.report.render as render
real_write_charts = render.write_charts

def write_charts(data, folder, *args, **kwargs):
    charts = real_write_charts(data, folder, *args, **kwargs)
    pause_here(f"report: {len(list(Path(folder).rglob('*')))} files written to {folder}")
    return charts

render.write_charts = write_charts
""",
    # The report is complete in staging, the publish step has not started: the old code had
    # already swapped the new reports in over the old warehouse at this point.
    "after the report, before publishing": """
import pipelines.publish.assets as publish_assets
real_publish = publish_assets.publish_warehouse_and_report

def publish_warehouse_and_report(*args, **kwargs):
    pause_here("publish: report staged, warehouse and reports not yet swapped")
    return real_publish(*args, **kwargs)

publish_assets.publish_warehouse_and_report = publish_warehouse_and_report
""",
    # A full disk, as the OS reports it to every writer of the run (dbt included): the build file
    # cannot grow past the size of the copied warehouse (EFBIG, "File too large").
    "file size limit": """
import resource
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG, do not kill
limit = int(os.environ["CRASH_FSIZE_LIMIT"])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
""",
}

RUN = """
from pipelines.cli import main
sys.exit(main(["run", "--no-demo"]))
"""


@dataclass
class FaultRun:
    process: subprocess.Popen[bytes]
    log: Path
    marker: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _start_fault_run(paths: RunPaths, hook: str, **env: str) -> FaultRun:
    root = paths.warehouse.parent.parent
    marker, log = root / "fault.marker", root / "fault.log"
    script = textwrap.dedent(PAUSE) + textwrap.dedent(HOOKS[hook]) + textwrap.dedent(RUN)
    environment = {
        **os.environ,
        "PORTFOLIO_LANDING_DIR": str(paths.landing),
        "PORTFOLIO_WAREHOUSE": str(paths.warehouse),
        "PORTFOLIO_REPORTS_DIR": str(paths.reports),
        "PORTFOLIO_LOG_DIR": str(root / "logs"),
        "PORTFOLIO_BOARD_PACK": "off",
        "CRASH_MARKER": str(marker),
        **env,
    }
    environment.pop("DAGSTER_HOME", None)  # an ephemeral instance: nothing outside tmp_path
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: dbt is killed with it
        )
    return FaultRun(process, log, marker)


def _kill_at_marker(run: FaultRun) -> str:
    deadline = time.monotonic() + MARKER_TIMEOUT_SECONDS
    while not run.marker.exists():
        if run.process.poll() is not None:
            pytest.fail(f"the run ended before the fault point:\n{run.output()[-4000:]}")
        if time.monotonic() > deadline:
            os.killpg(run.process.pid, signal.SIGKILL)
            pytest.fail(f"the fault point was not reached:\n{run.output()[-4000:]}")
        time.sleep(0.2)
    os.killpg(run.process.pid, signal.SIGKILL)
    run.process.wait(timeout=30)
    _assert_group_gone(run.process.pid)
    return run.marker.read_text()


def _assert_group_gone(pgid: int) -> None:
    """No survivor (an orphaned dbt) may still be writing the build file."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"processes of the killed run's group {pgid} are still alive")


def _finish(run: FaultRun) -> tuple[int, str]:
    try:
        code = run.process.wait(timeout=MARKER_TIMEOUT_SECONDS)
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
    return code, run.output()


# --- kill -9 ----------------------------------------------------------------------------------


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
    before = _published_state(paths)

    where = _kill_at_marker(_start_fault_run(paths, "between two dbt models"))

    assert _published_state(paths) == before, f"killed at {where}"
    assert not _has_new_week(paths.warehouse)
    assert build_path(paths.warehouse).exists()  # the kill really hit a run in progress

    assert run_weekly_job(paths).success
    assert _has_new_week(paths.warehouse)
    assert _published_state(paths) != before
    assert _unpublished_leftovers(paths) == []


@pytest.mark.slow
@pytest.mark.parametrize("point", ["during ingest", "during report writing"])
def test_kill_9_publishes_nothing_and_the_next_run_cleans_up(paths: RunPaths, point: str) -> None:
    """Killed elsewhere: nothing published, and the next run's first step leaves no debris
    (the full next run after a kill is proven by the dbt case above)."""
    before = _published_state(paths)

    where = _kill_at_marker(_start_fault_run(paths, point))

    assert _published_state(paths) == before, f"killed at {where}"
    assert not _has_new_week(paths.warehouse)
    assert build_path(paths.warehouse).exists()  # the kill really hit a run in progress
    _discard_as_the_next_run_starts(paths)
    assert _published_state(paths) == before
    assert _unpublished_leftovers(paths) == []


@pytest.mark.slow
def test_kill_9_after_the_report_step_leaves_the_previous_pair_published(paths: RunPaths) -> None:
    """The report is complete but only staged: reports and warehouse still match (both old)."""
    before = _published_state(paths)

    where = _kill_at_marker(_start_fault_run(paths, "after the report, before publishing"))

    assert _published_state(paths) == before, f"killed at {where}"
    assert (staged_report(paths.reports) / "index.html").exists()
    _discard_as_the_next_run_starts(paths)
    assert _published_state(paths) == before
    assert _unpublished_leftovers(paths) == []


# --- resource exhaustion ----------------------------------------------------------------------


def _assert_clean_failure(paths: RunPaths, before: dict[str, str], code: int, out: str) -> None:
    assert code == 1, out[-4000:]
    assert "Nothing was published; the last good warehouse and reports are unchanged" in out
    assert _published_state(paths) == before
    assert _unpublished_leftovers(paths) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "room"),
    [
        # Not even room to copy the published warehouse: the first step fails.
        ("copying the warehouse", 0.5),
        # Room for the copy and not one block more: dbt runs on the WAL, the checkpoint fails.
        ("checkpointing the build", 1.0),
    ],
)
def test_a_full_disk_fails_the_run_cleanly(paths: RunPaths, where: str, room: float) -> None:
    before = _published_state(paths)
    limit = str(int(paths.warehouse.stat().st_size * room))

    code, out = _finish(_start_fault_run(paths, "file size limit", CRASH_FSIZE_LIMIT=limit))

    assert "File too large" in out.split("What stopped the run:")[-1], f"disk full {where}"
    _assert_clean_failure(paths, before, code, out)


@pytest.mark.slow
def test_a_duckdb_memory_limit_fails_the_run_cleanly(paths: RunPaths) -> None:
    before = _published_state(paths)

    run = _start_fault_run(paths, "no fault", PORTFOLIO_DUCKDB_MEMORY_LIMIT="1MB")
    code, out = _finish(run)

    assert "Out of Memory Error" in out.split("What stopped the run:")[-1]
    _assert_clean_failure(paths, before, code, out)


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
    assert _unpublished_leftovers(paths) == []


def test_a_crash_before_the_warehouse_rename_publishes_neither(tmp_path: Path) -> None:
    """`<reports>.publishing` beside a build file: the warehouse was never swapped, drop both."""
    paths = _site(tmp_path)
    before = _published_state(paths)
    build_path(paths.warehouse).write_bytes(b"unpublished build")
    _report_folder(report_being_published(paths.reports), "new")
    _report_folder(paths.reports.parent / f".{staged_report(paths.reports).name}.tmp-x", "half")

    cleanup = discard_unpublished(paths.warehouse, paths.reports)

    assert not cleanup.finished_publish
    assert _published_state(paths) == before
    assert _unpublished_leftovers(paths) == []


def test_a_crash_between_the_two_report_renames_restores_the_reports(tmp_path: Path) -> None:
    paths = _site(tmp_path)
    before = _published_state(paths)
    paths.reports.rename(paths.reports.parent / f".{paths.reports.name}.old-x")

    discard_unpublished(paths.warehouse, paths.reports)

    assert _published_state(paths) == before
    assert _unpublished_leftovers(paths) == []


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
    before = _published_state(paths)
    build_path(paths.warehouse).write_bytes(b"unpublished build")
    blocked = paths.warehouse.with_name(paths.warehouse.name + ".blocked")
    blocked.write_bytes(b"kept for inspection")
    _report_folder(staged_report(paths.reports), "new")

    discard_unpublished_build(_failed_run_sensor_context(paths))

    assert _published_state(paths) == before
    assert _unpublished_leftovers(paths) == []
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
