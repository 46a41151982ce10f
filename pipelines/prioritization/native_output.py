"""Silence what the HiGHS solver writes straight to file descriptor 1.

Some HiGHS builds (the one bundled with scipy) print a debugging line
("HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();") from C++ whenever
a heuristic solution is re-solved, whatever `disp` says. It bypasses sys.stdout, so neither the
CLI's run log nor Dagster's capture sees it: it would land on the operator's console between the
progress lines. The solver's own result (status, gap, message) is what the marts keep.

Nested and concurrent uses share one redirection (solves run on a thread pool, each silencing
itself inside the pool's silencing): fd 1 is pointed away on the first entry and restored on the
last exit, so no thread restores it while another still writes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_saved_fd: int | None = None


def _enter() -> None:
    global _depth, _saved_fd
    with _lock:
        _depth += 1
        if _depth > 1:
            return
        sys.stdout.flush()
        try:
            _saved_fd = os.dup(1)
        except OSError:  # no fd 1 (a detached daemon): nothing to silence
            _saved_fd = None
            return
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)


def _exit() -> None:
    global _depth, _saved_fd
    with _lock:
        _depth -= 1
        if _depth > 0 or _saved_fd is None:
            return
        os.dup2(_saved_fd, 1)
        os.close(_saved_fd)
        _saved_fd = None


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Point fd 1 at os.devnull for the duration; Python's sys.stdout is flushed first."""
    _enter()
    try:
        yield
    finally:
        _exit()
