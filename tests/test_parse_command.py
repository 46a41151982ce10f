"""`portfolio parse` (what `make dbt-parse` runs) leaves a parse state the run it prepares uses.

dbt parses the whole project again when the target or `--vars` differ from the parse state's, so
`portfolio parse` parses with a run's own and keeps the state for it (pipelines/transform/
parse_state.py). Checked the way the pipeline starts dbt: the kept state copied into a fresh
invocation folder, then a dbt command with the run's settings, whose output says when dbt could
not parse partially. The same state under other `--vars` must make dbt say so: the check can fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.command import parse
from pipelines.settings import DBT_PROJECT_DIR, Settings
from pipelines.transform.parse_state import (
    PIN_SUFFIX,
    STATES_DIR,
    run_parse_key,
    start_from_kept_state,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # dbt in subprocesses, a full parse

FULL_PARSE = "Unable to do partial parsing"


def _dbt_ls(settings: Settings, target: Path) -> str:
    """`dbt ls` as a run with `settings` would invoke dbt, in the invocation folder `target`."""
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "ls",
        "--resource-type",
        "seed",
        "--target",
        settings.dbt_target,
        "--vars",  # `dbt ls` takes no --threads, the rest of dbt_arguments()
        json.dumps(settings.dbt_vars()),
        "--target-path",
        str(target),
        "--log-level-file",
        "none",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout


def test_a_run_with_the_parsed_settings_starts_from_the_parse(tmp_path: Path) -> None:
    settings = Settings.from_env()
    key = run_parse_key(settings)  # the key pipelines/transform/assets.py starts a run from
    parsed = tmp_path / "parsed"
    # From the state `make dbt-parse` kept for these settings, when there is one: a shorter parse.
    start_from_kept_state(DBT_PROJECT_DIR / "target", key, parsed)
    assert parse(settings, parsed) == 0
    assert (parsed / "manifest.json").is_file()  # what Dagster loads
    assert (parsed / STATES_DIR / f"{key}{PIN_SUFFIX}").is_file()  # the test suite's runs keep it

    assert start_from_kept_state(parsed, key, tmp_path / "run")
    listed = _dbt_ls(settings, tmp_path / "run")
    assert "public_holidays" in listed  # dbt ran and listed the project's seeds
    assert FULL_PARSE not in listed

    # A warehouse of the same name elsewhere (a benchmark's, an export's, a test's) as well: dbt
    # starts in its folder and the profile names the file alone (Settings.dbt_vars).
    elsewhere = replace(
        settings, warehouse_path=tmp_path / "elsewhere" / settings.warehouse_path.name
    )
    assert start_from_kept_state(parsed, key, tmp_path / "elsewhere-run")
    assert FULL_PARSE not in _dbt_ls(elsewhere, tmp_path / "elsewhere-run")

    other = replace(settings, reporting_currency="EUR")
    assert start_from_kept_state(parsed, key, tmp_path / "other")
    assert FULL_PARSE in _dbt_ls(other, tmp_path / "other")
