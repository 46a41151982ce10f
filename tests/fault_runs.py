"""Fault runs for the crash tests: `python -m pipelines.cli run` in a subprocess, with a hook.

Each fault run has its own process group, so the dbt child dies with it. For a kill, a hook
installed in that subprocess only (no failpoints in the pipeline) pauses at the chosen point and
writes a marker; the test then sends SIGKILL to the whole group. `published_state` is what must not
change: the published warehouse and every report file, byte for byte.
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

import duckdb
import pytest

from pipelines.publish.paths import build_path, report_being_published, staged_report
from tests.pipeline_runs import SMALL_DEMO, RunPaths
from tests.timesheet_weeks import a_project_entry, new_week

CONFIG = SMALL_DEMO  # the session's published run (conftest.demo_run), copied per test
NEW_ENTRY = "CRASH-1"
ROOT = Path(__file__).resolve().parent.parent
# Waiting for a hook's marker: a loaded 2-core CI box takes ~90 s to reach the report step.
MARKER_TIMEOUT_SECONDS = 400


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_state(paths: RunPaths) -> dict[str, str]:
    """sha256 of the published warehouse and of every file under the reports folder."""
    state = {"warehouse": sha256(paths.warehouse)}
    for file in sorted(p for p in paths.reports.rglob("*") if p.is_file()):
        state[f"reports/{file.relative_to(paths.reports)}"] = sha256(file)
    return state


def unpublished_leftovers(paths: RunPaths) -> list[str]:
    """Build files, report staging and renderer temp folders: all must be gone after a run."""
    names = [build_path(paths.warehouse).name, build_path(paths.warehouse).name + ".wal"]
    leftovers = [paths.warehouse.parent / name for name in names]
    leftovers += [staged_report(paths.reports), report_being_published(paths.reports)]
    leftovers += list(paths.reports.parent.glob(f".{paths.reports.name}.*"))
    return sorted(str(p) for p in leftovers if p.exists())


def add_new_week(landing: Path) -> None:
    """A new timesheet week: the run that gets killed would have changed raw data and marts."""
    employee = a_project_entry(landing)[1]
    new_week(
        landing,
        CONFIG.as_of,
        [[NEW_ENTRY, employee, CONFIG.as_of.isoformat(), "", "BAU", "7.5", ""]],
    )


def has_new_week(warehouse: Path) -> bool:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sql = "select count(*) from raw.timesheets where entry_id = ?"
        row = con.execute(sql, [NEW_ENTRY]).fetchone()
        return bool(row and row[0])


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
import pipelines.report.pages.projects as projects_page
real_write_charts = projects_page.write_charts

def write_charts(data, folder, *args, **kwargs):
    charts = real_write_charts(data, folder, *args, **kwargs)
    pause_here(f"report: {len(list(Path(folder).rglob('*')))} files written to {folder}")
    return charts

projects_page.write_charts = write_charts
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


def start_fault_run(paths: RunPaths, hook: str, **env: str) -> FaultRun:
    root = paths.warehouse.parent.parent
    marker, log = root / "fault.marker", root / "fault.log"
    # Run from a file, as the `portfolio` command is: with the `spark` extra installed, pyspark
    # (imported by Great Expectations) exits a process whose __main__ has no file (`python -c`).
    script = root / "fault_run.py"
    script.write_text(
        textwrap.dedent(PAUSE) + textwrap.dedent(HOOKS[hook]) + textwrap.dedent(RUN),
        encoding="utf-8",
    )
    environment = {
        **os.environ,
        "PORTFOLIO_LANDING_DIR": str(paths.landing),
        "PORTFOLIO_WAREHOUSE": str(paths.warehouse),
        "PORTFOLIO_REPORTS_DIR": str(paths.reports),
        "PORTFOLIO_LOG_DIR": str(root / "logs"),
        "PORTFOLIO_BOARD_PACK": "off",
        "PORTFOLIO_LANDING_SETTLE_SECONDS": "0",  # the test wrote its files a moment ago
        "CRASH_MARKER": str(marker),
        **env,
    }
    environment.pop("DAGSTER_HOME", None)  # an ephemeral instance: nothing outside tmp_path
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(script)],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: dbt is killed with it
        )
    return FaultRun(process, log, marker)


def kill_at_marker(run: FaultRun) -> str:
    _await_marker(run)
    os.killpg(run.process.pid, signal.SIGKILL)
    run.process.wait(timeout=30)
    assert_group_gone(run.process.pid)
    return run.marker.read_text()


def wait_for_marker(run: FaultRun) -> str:
    _await_marker(run)
    return run.marker.read_text()


def _await_marker(run: FaultRun) -> None:
    """Until the run reaches its fault point; fails the test if it ends or times out first."""
    deadline = time.monotonic() + MARKER_TIMEOUT_SECONDS
    while not run.marker.exists():
        if run.process.poll() is not None:
            pytest.fail(f"the run ended before the fault point:\n{run.output()[-4000:]}")
        if time.monotonic() > deadline:
            os.killpg(run.process.pid, signal.SIGKILL)
            pytest.fail(f"the fault point was not reached:\n{run.output()[-4000:]}")
        time.sleep(0.2)


def kill_the_run_alone_at_marker(run: FaultRun) -> str:
    """SIGKILL the run's process only (as an OOM killer or `kill -9 <pid>` does), not its group:
    its children must die with it on their own."""
    where = wait_for_marker(run)
    os.kill(run.process.pid, signal.SIGKILL)
    run.process.wait(timeout=30)
    return where


def assert_group_gone(pgid: int) -> None:
    """No survivor (an orphaned dbt) may still be writing the build file."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"processes of the killed run's group {pgid} are still alive")


def finish_run(run: FaultRun) -> tuple[int, str]:
    try:
        code = run.process.wait(timeout=MARKER_TIMEOUT_SECONDS)
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
    return code, run.output()
