"""Silence what the HiGHS solver writes straight to file descriptor 1.

Some HiGHS builds (the one bundled with scipy) print a debugging line
("HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();") from C++ whenever
a heuristic solution is re-solved, whatever `disp` says. It bypasses sys.stdout, so neither the
CLI's run log nor Dagster's capture sees it: it would land on the operator's console between the
progress lines. The solver's own result (status, gap, message) is what the marts keep.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Point fd 1 at os.devnull for the duration; Python's sys.stdout is flushed first."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no fd 1 (a detached daemon): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
