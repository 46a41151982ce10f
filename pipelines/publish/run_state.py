"""The running run's pid, its children's pids and dbt's target folder, beside the run lock.

dbt dies with the run (dies_with_run.py), but only where Linux's prctl exists and only for the
child it started. So the run also writes down every child it starts; the next run, once it holds
the lock (the previous run's process is gone then), ends any recorded child still alive — after
checking, by its start time, that the pid was not reused by someone else's process. The failure
printout reads dbt's target folder from here (failure_cause.py).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from pipelines.publish.paths import run_state_path
from pipelines.site_folder import write_atomic


def process_start_time(pid: int) -> int | None:
    """A live process's start, in clock ticks since boot (/proc/<pid>/stat field 22), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    after_name = stat.rsplit(")", 1)[1].split()
    if after_name[0] == "Z":
        return None  # a zombie: already dead, only waiting to be reaped
    return int(after_name[19])


def read_run_state(published: Path) -> dict[str, Any]:
    try:
        state = json.loads(run_state_path(published).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write(published: Path, state: dict[str, Any]) -> None:
    write_atomic(run_state_path(published), json.dumps(state, indent=2) + "\n")


def start_run_state(published: Path, run_id: str) -> None:
    """This process runs run_id now (the caller holds the run lock); no children yet."""
    pid = os.getpid()
    _write(published, {"run_id": run_id, "pid": pid, "start": process_start_time(pid)})


def record_child(published: Path, pid: int, *, dbt_target: Path | None = None) -> None:
    """A child process this run started (and, for dbt, the folder it writes its artifacts to)."""
    state = read_run_state(published)
    state.setdefault("children", []).append({"pid": pid, "start": process_start_time(pid)})
    if dbt_target is not None:
        state["dbt_target"] = str(dbt_target)
    _write(published, state)


def end_orphans(published: Path, *, grace_seconds: float = 5.0) -> list[str]:
    """SIGKILL the previous run's recorded children still alive; what was done, one line each.

    Only call it holding the run lock: then the recorded run's own process has exited.
    """
    done = []
    for child in read_run_state(published).get("children", []):
        pid, start = int(child["pid"]), child.get("start")
        if start is None or process_start_time(pid) != start:
            continue  # gone, or the pid now belongs to another process
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + grace_seconds
        while process_start_time(pid) == start and time.monotonic() < deadline:
            time.sleep(0.05)  # a zombie keeps its /proc entry until its new parent reaps it
        done.append(f"ended process {pid}, left running by a killed run")
    return done
