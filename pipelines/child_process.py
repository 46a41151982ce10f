"""A child process that dies with the run that started it (neutral: used by publish and report).

A run started by the scheduler can be killed (`kill -9`, an out-of-memory kill, a cancelled
Dagster run). Its children must not outlive it: dbt would go on writing the build file under
the next run (pipelines/publish/dies_with_run.py), the report's downloads worker would go on
writing into a report folder nobody will publish (pipelines/report/downloads_worker.py).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int | None = None) -> None:
    """SIGKILL this process when its parent (the run) dies; exit now if it is already gone.

    `parent`: the pid the parent gave the child, for a child that calls this only after its
    imports (the parent may have died meanwhile, and the child been handed to another process);
    None: the parent is the process that started this one, which must call this first thing.
    Linux only (`prctl(PR_SET_PDEATHSIG)`, kept across `exec`); elsewhere a no-op beyond the
    check that the parent still exists.
    """
    parent = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    # The parent may have died before prctl took effect: then we were re-parented already.
    if os.getppid() != parent:
        sys.exit("the run that started this process is gone")
