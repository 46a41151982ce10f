"""Keep dbt's parse state between runs, one per set of settings, so a run does not re-parse.

dbt reuses a parse state (`partial_parse.msgpack` in the invocation's target folder) only when the
`--vars`, target and connection it was parsed with are the run's; otherwise it parses the whole
project again (about 5 s of the demo's dbt step). The connection names the warehouse file alone (a
run starts dbt in its folder, Settings.dbt_vars), so warehouses of the same name share a state:
`make run`'s, `make run-export`'s (data/exports/<profile>/portfolio.duckdb), a benchmark's, a
test's. One checkout still serves runs with different settings (another currency, memory limit, dbt
target), so a single kept state was thrown away whenever they alternated. So each successful build's
state is kept under `target/parse_states/<key>.msgpack`, the key a digest of the dbt target and vars
(`parse_state_key`), and a run starts from the state of its own key, copied into its invocation
folder before dbt starts (dagster-dbt copies the project's `partial_parse.msgpack` only into a
folder that has none). The KEEP_STATES most recently used are kept, besides the state `make
dbt-parse` (`portfolio parse`) and `make docs` left for the settings they ran with, which are pinned
(the KEEP_PINNED newest pins hold): a test suite's runs, many with settings of their own, would
otherwise push the state of `make run`'s settings out. dbt still compares every file's checksum with
the state, so a state from before a model changed only re-parses that model.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.settings import Settings

PARSE_STATE_FILE = "partial_parse.msgpack"
STATES_DIR = "parse_states"
KEEP_STATES = 8  # ~3 MB each; enough for a deployment's few settings, bounded under the tests
# `make dbt-parse` pins the state of the settings it parsed for (`portfolio parse`): runs with
# other settings (a test suite's dozens of warehouses) do not push it out; the newest few pinned.
PIN_SUFFIX = ".pinned"
KEEP_PINNED = 3  # `make run`'s settings and dbt's defaults (make docs), and one more


# The parse state of a dbt command run with the profile's default target and no vars: `make docs`,
# and a parse that cannot use the settings (parse_options).
DEFAULTS_KEY = "dbt-defaults"


def parse_options(settings: Settings | None) -> tuple[list[str], str]:
    """The dbt options of a parse as a run with `settings` parses (its target, `--vars` and log
    level), and the key of that parse's state. With no settings (they are invalid), or when dbt
    could not load their target (Spark without the `spark` extra installed): dbt's defaults,
    no options, and DEFAULTS_KEY."""
    from pipelines.transform.spark_exchange import dbt_spark_installed

    if settings is None or (settings.dbt_engine != "duckdb" and not dbt_spark_installed()):
        return [], DEFAULTS_KEY
    options = ["--target", settings.dbt_target, *settings.dbt_arguments()]
    options += ["--log-level-file", settings.dbt_log_level_file]
    return options, run_parse_key(settings)


def run_parse_key(settings: Settings) -> str:
    """The key of the parse state a pipeline run with `settings` starts from and keeps."""
    return parse_state_key(settings.dbt_target, settings.dbt_vars())


def parse_state_key(target: str, dbt_vars: Mapping[str, object]) -> str:
    """The settings a parse state is valid for: the dbt target and the `--vars` (their values
    reach the profile's connection, which dbt also checks)."""
    settings = json.dumps({"target": target, "vars": dbt_vars}, sort_keys=True, default=str)
    return hashlib.sha256(settings.encode()).hexdigest()[:16]


def _kept(project_target: Path, key: str) -> Path:
    return project_target / STATES_DIR / f"{key}.msgpack"


def start_from_kept_state(project_target: Path, key: str, invocation_target: Path) -> bool:
    """Copy the state kept for `key` into the invocation's folder; False when none is kept."""
    kept = _kept(project_target, key)
    invocation_target.mkdir(parents=True, exist_ok=True)
    try:
        # In one rename: `dagster dev` copies into the project's target/, which dbt may be reading
        _copy_in_one_rename(kept, invocation_target / PARSE_STATE_FILE)
        os.utime(kept)  # recently used: pruned last
    except FileNotFoundError:  # none kept, or pruned by another run a moment ago
        return False
    return True


def _copy_in_one_rename(source: Path, target: Path) -> None:
    """Replace `target` with a copy of `source`: a reader sees the old file or the new, not half."""
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def keep_parse_state(
    invocation_target: Path, project_target: Path, key: str, *, pin: bool = False
) -> bool:
    """Keep the invocation's parse state for runs with `key`; False when it wrote none. A pinned
    state is not pushed out by other settings' runs while its pin is among the KEEP_PINNED
    newest."""
    state = invocation_target / PARSE_STATE_FILE
    if not state.is_file():
        return False
    folder = project_target / STATES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # Replaced in one rename: a run starting now copies the old state or the new, never half.
    _copy_in_one_rename(state, _kept(project_target, key))
    if pin:
        (folder / f"{key}{PIN_SUFFIX}").touch()
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    def last_used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    pins = sorted(folder.glob(f"*{PIN_SUFFIX}"), key=last_used, reverse=True)
    for old_pin in pins[KEEP_PINNED:]:  # its state is then pruned as any other
        old_pin.unlink(missing_ok=True)
    pinned = {pin.name.removesuffix(PIN_SUFFIX) for pin in pins[:KEEP_PINNED]}
    states = sorted(folder.glob("*.msgpack"), key=last_used, reverse=True)
    for old in [state for state in states if state.stem not in pinned][KEEP_STATES:]:
        old.unlink(missing_ok=True)
