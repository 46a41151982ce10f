"""`portfolio-dbt`: dbt, started so that it dies with the run that started it.

dagster-dbt starts dbt with a plain `subprocess.Popen` and lets no `preexec_fn` be passed, so the
pipeline's `dbt_executable` is this small launcher instead (a console script beside `dbt`). It asks
Linux to SIGKILL it when its parent dies (`prctl(PR_SET_PDEATHSIG)`, kept across `exec`), then
replaces itself with the real dbt. Without it a `kill -9` of the run left dbt writing the build file
for minutes, overlapping the next run. Elsewhere (no prctl) it runs dbt as is; the next run's first
step still ends a recorded orphan (run_state.py).

`portfolio-dbt --working-dir DIR <dbt arguments>` starts dbt in DIR, where dagster-dbt would start
it in the project folder (it takes no working folder either): the run's profile names the
warehouse file relative to its folder (pipelines/settings.py, `Settings.dbt_vars`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipelines.child_process import die_with_parent

WORKING_DIR_OPTION = "--working-dir"


def main() -> None:
    die_with_parent()
    arguments = sys.argv[1:]
    if arguments[:1] == [WORKING_DIR_OPTION]:
        os.chdir(arguments[1])
        arguments = arguments[2:]
    dbt = Path(sys.executable).parent / "dbt"  # the dbt installed beside this interpreter
    os.execv(dbt, [str(dbt), *arguments])


if __name__ == "__main__":
    main()
