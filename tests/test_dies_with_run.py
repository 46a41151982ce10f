"""A run's children do not outlive it: dbt's launcher dies with its parent, orphans are ended."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.publish.dies_with_run import WORKING_DIR_OPTION
from pipelines.publish.run_state import (
    end_orphans,
    process_start_time,
    read_run_state,
    record_child,
    start_run_state,
)
from pipelines.settings import DBT_PROJECT_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent

# A stand-in for the run: starts a child the way portfolio-dbt starts dbt, prints its pid, waits.
PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import time; from pipelines.child_process import die_with_parent; "
    "die_with_parent(); print('ready', flush=True); time.sleep(120)"],
    stdout=subprocess.PIPE, text=True)
assert child.stdout is not None and child.stdout.readline().strip() == "ready"
print(child.pid, flush=True)
time.sleep(120)
"""


def _gone_within(pid: int, start: int | None, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process_start_time(pid) != start:
            return True
        time.sleep(0.05)
    return False


def test_a_child_started_to_die_with_the_run_dies_on_kill_9_of_the_run() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        start = process_start_time(child)
        assert start is not None
        os.kill(parent.pid, signal.SIGKILL)  # the run alone, not its process group
        parent.wait(timeout=10)
        assert _gone_within(child, start, 5), f"child {child} outlived the killed run"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_the_next_run_ends_a_recorded_child_still_alive(tmp_path: Path) -> None:
    published = tmp_path / "portfolio.duckdb"
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        start_run_state(published, "killed-run")
        record_child(published, orphan.pid, dbt_target=tmp_path / "target")
        # A recorded pid whose start time differs is someone else's process now: left alone.
        state = read_run_state(published)
        state["children"].append({"pid": bystander.pid, "start": -1})
        (tmp_path / "portfolio.duckdb.run.state").write_text(__import__("json").dumps(state))

        done = end_orphans(published)

        assert orphan.wait(timeout=5) == -signal.SIGKILL
        assert bystander.poll() is None
        assert done == [f"ended process {orphan.pid}, left running by a killed run"]
    finally:
        for process in (orphan, bystander):
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.mark.integration  # dbt in a subprocess
def test_the_launcher_starts_dbt_in_the_warehouse_folder(tmp_path: Path) -> None:
    """A run's dbt opens the build file beside its warehouse: the profile names the file alone
    (Settings.dbt_vars), and `portfolio-dbt --working-dir` is what puts dbt in its folder."""
    warehouse = tmp_path / "warehouse" / "portfolio.duckdb"
    warehouse.parent.mkdir()
    settings = Settings(warehouse_path=warehouse)
    launcher = Path(sys.executable).parent / "portfolio-dbt"
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    project += ["--log-path", str(tmp_path / "logs")]  # not the checkout's dbt_project/logs
    done = subprocess.run(
        [
            *(str(launcher), WORKING_DIR_OPTION, str(settings.dbt_working_dir)),
            *("debug", "--connection", "--target", "build", *settings.dbt_arguments()[2:]),
            *project,
        ],
        cwd=tmp_path,  # not the warehouse's folder: the option must move dbt there
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # dbt's connection check opened (and so created) the run's build file, and nothing elsewhere
    assert (warehouse.parent / "portfolio.duckdb.building").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "logs") == ["warehouse"]
