"""Keep dbt's parse state from one run for the next, so a scheduled run does not re-parse.

dagster-dbt copies `dbt_project/target/partial_parse.msgpack` into each invocation's own target
folder, and dbt reuses it only when the `--vars`, target and connection it was parsed with are the
run's. `make dbt-parse` parses with none of the run's vars, so without this every run re-parsed the
whole project (7 s of a 54 s dbt step on the demo). After a build that succeeded, its parse state
(parsed with this deployment's vars) replaces the project's; the next run with the same settings
parses only the files that changed. A run with other settings (a test's warehouse) re-parses, as
before, and leaves its state for whoever runs next: the file is replaced in one rename.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PARSE_STATE_FILE = "partial_parse.msgpack"


def keep_parse_state(invocation_target: Path, project_target: Path) -> bool:
    """Copy the invocation's parse state over the project's; False when it wrote none."""
    state = invocation_target / PARSE_STATE_FILE
    if not state.is_file():
        return False
    project_target.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{PARSE_STATE_FILE}.", dir=project_target)
    os.close(handle)
    try:
        shutil.copyfile(state, temp)
        os.replace(temp, project_target / PARSE_STATE_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True
