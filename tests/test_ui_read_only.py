"""The shared UI (`make ui`: dagster-webserver --read-only) refuses to launch a run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.schedules import WEEKLY_JOB_NAME
from pipelines.settings import PROJECT_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_STARTUP_SECONDS = 240
_LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on UnauthorizedError { message }
    ... on PythonError { message }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _graphql(url: str, query: str, variables: dict[str, object] | None = None) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.fixture
def read_only_ui(tmp_path: Path) -> Iterator[str]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    instance_yaml = PROJECT_ROOT / "pipelines" / "dagster_instance.yaml"
    (home / "dagster.yaml").write_text(instance_yaml.read_text(encoding="utf-8"), encoding="utf-8")
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DO_NOT_TRACK": "1",
        "PORTFOLIO_WAREHOUSE": str(tmp_path / "warehouse" / "portfolio.duckdb"),
        "PORTFOLIO_LANDING_DIR": str(tmp_path / "landing"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    webserver = Path(sys.executable).parent / "dagster-webserver"
    command = [str(webserver), "-w", "workspace.yaml", "--read-only", "-h", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while True:
            assert process.poll() is None, "dagster-webserver exited before it answered"
            try:
                answer = _graphql(url, "{ version }")
                if answer.get("data", {}).get("version"):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "dagster-webserver did not answer in time"
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _location_loaded(url: str) -> None:
    """Wait until the code location has loaded, so a refusal is not just "not loaded yet"."""
    query = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
    deadline = time.monotonic() + _STARTUP_SECONDS
    while True:
        entries = _graphql(url, query)["data"]["workspaceOrError"]["locationEntries"]
        if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
            return
        assert time.monotonic() < deadline, f"the code location did not load: {entries}"
        time.sleep(1)


def test_the_read_only_ui_refuses_to_launch_a_run(read_only_ui: str) -> None:
    _location_loaded(read_only_ui)
    params = {
        "selector": {
            "repositoryLocationName": "pipelines.definitions",
            "repositoryName": "__repository__",
            "jobName": WEEKLY_JOB_NAME,
        },
        "runConfigData": {},
    }
    answer = _graphql(read_only_ui, _LAUNCH, {"params": params})
    result = answer["data"]["launchPipelineExecution"]
    assert result["__typename"] == "UnauthorizedError", result
    # And nothing was launched.
    runs = _graphql(read_only_ui, "{ runsOrError { ... on Runs { results { runId } } } }")
    assert runs["data"]["runsOrError"]["results"] == []
