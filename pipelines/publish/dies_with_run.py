"""`portfolio-dbt`: dbt, started so that it dies with the run that started it.

dagster-dbt starts dbt with a plain `subprocess.Popen` and lets no `preexec_fn` be passed, so the
pipeline's `dbt_executable` is this small launcher instead (a console script beside `dbt`). It asks
Linux to SIGKILL it when its parent dies (`prctl(PR_SET_PDEATHSIG)`, kept across `exec`), then
replaces itself with the real dbt. Without it a `kill -9` of the run left dbt writing the build file
for minutes, overlapping the next run. Elsewhere (no prctl) it runs dbt as is; the next run's first
step still ends a recorded orphan (run_state.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipelines.child_process import die_with_parent


def main() -> None:
    die_with_parent()
    dbt = Path(sys.executable).parent / "dbt"  # the dbt installed beside this interpreter
    os.execv(dbt, [str(dbt), *sys.argv[1:]])


if __name__ == "__main__":
    main()
