"""`portfolio-dbt`: dbt, started so that it dies with the run that started it.

dagster-dbt starts dbt with a plain `subprocess.Popen` and lets no `preexec_fn` be passed, so the
pipeline's `dbt_executable` is this small launcher instead (a console script beside `dbt`). It asks
Linux to SIGKILL it when its parent dies (`prctl(PR_SET_PDEATHSIG)`, kept across `exec`), then
replaces itself with the real dbt. Without it a `kill -9` of the run left dbt writing the build file
for minutes, overlapping the next run. Elsewhere (no prctl) it runs dbt as is; the next run's first
step still ends a recorded orphan (run_state.py).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """SIGKILL this process when its parent (the run) dies; exit now if it is already gone."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    # The parent may have died before prctl took effect: then we were re-parented already.
    if os.getppid() != parent:
        sys.exit("portfolio-dbt: the run that started dbt is gone")


def main() -> None:
    die_with_parent()
    dbt = Path(sys.executable).parent / "dbt"  # the dbt installed beside this interpreter
    os.execv(dbt, [str(dbt), *sys.argv[1:]])


if __name__ == "__main__":
    main()
