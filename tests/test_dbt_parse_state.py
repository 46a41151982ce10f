"""A successful dbt build leaves its parse state for the next run (transform/parse_state.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.transform.parse_state import PARSE_STATE_FILE, keep_parse_state

pytestmark = pytest.mark.unit


def test_the_runs_parse_state_replaces_the_projects(tmp_path: Path) -> None:
    invocation, project = tmp_path / "target" / "portfolio_dbt_models-1", tmp_path / "target"
    invocation.mkdir(parents=True)
    (project / PARSE_STATE_FILE).write_bytes(b"parsed by make dbt-parse, without the run's vars")
    (invocation / PARSE_STATE_FILE).write_bytes(b"parsed with this deployment's vars")

    assert keep_parse_state(invocation, project)
    assert (project / PARSE_STATE_FILE).read_bytes() == b"parsed with this deployment's vars"
    assert sorted(p.name for p in project.iterdir()) == [PARSE_STATE_FILE, invocation.name]


def test_a_run_that_wrote_no_parse_state_leaves_the_projects(tmp_path: Path) -> None:
    invocation, project = tmp_path / "invocation", tmp_path / "target"
    invocation.mkdir()
    project.mkdir()
    (project / PARSE_STATE_FILE).write_bytes(b"kept")
    assert not keep_parse_state(invocation, project)
    assert (project / PARSE_STATE_FILE).read_bytes() == b"kept"
