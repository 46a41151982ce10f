"""Shared set-up: no telemetry, a dbt manifest before any test imports the Dagster code, and the
session's one published pipeline run that every test needing a warehouse or a site reads or copies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

import pytest
from filelock import FileLock

from pipelines.demo import generate_demo_exports
from tests.browser import Browser
from tests.pipeline_runs import (
    SMALL_DEMO,
    RunOutcome,
    RunPaths,
    copy_run,
    make_paths,
    run_weekly_job,
)
from tests.published_site import open_browser, published_run

_DBT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def _manifest_is_stale() -> bool:
    manifest = _DBT_DIR / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for p in _DBT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".md"}]
    return any(p.stat().st_mtime > built for p in sources if "target" not in p.parts)


def pytest_configure(config: pytest.Config) -> None:
    # With the `spark` extra installed, Great Expectations imports pyspark.sql.connect, which
    # takes a process whose __main__ has no file for its own doctest run and calls sys.exit(0):
    # pytest-xdist's workers (`python -c ...`) are such processes. Naming a file keeps them alive.
    # Here, before any test module (hence Great Expectations) is imported.
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is None and not hasattr(main, "__file__"):
        main.__file__ = "<pytest-xdist worker>"
    # `make test` parses first; this covers a bare `pytest` after editing the dbt project. Only the
    # controlling process parses: pytest-xdist's workers would write the same manifest at once.
    if not hasattr(config, "workerinput") and _manifest_is_stale():
        subprocess.run([sys.executable, "-m", "pipelines.cli", "parse"], check=True)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunPaths, RunOutcome]:
    """The session's one full pipeline run on small demo data, published.

    One per session even with pytest-xdist: the first worker to get here runs it under a file
    lock in the folder all workers share; the others wait and read its outcome. Read it; never
    change it (nor open its warehouse read-write: another worker may be reading it): a test that
    runs again, adds a file or edits the warehouse works on its own copy (`published_copy`).
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # every worker's basetemp is a folder of this one
    paths = make_paths(shared / "demo_run")
    outcome_file = shared / "demo_run.outcome.json"
    with FileLock(str(shared / "demo_run.lock")):
        if not outcome_file.exists():
            generate_demo_exports(paths.landing, SMALL_DEMO)
            outcome_file.write_text(RunOutcome.of(run_weekly_job(paths)).to_json())
    return paths, RunOutcome.from_json(outcome_file.read_text())


@pytest.fixture
def published_copy(demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path) -> RunPaths:
    """A private copy of the session's published run: landing folder, warehouse and reports."""
    paths, result = demo_run
    assert result.success, "the session's demo run failed; nothing to copy"
    return copy_run(paths, make_paths(tmp_path / "run"))


# --- tiers -------------------------------------------------------------------------------------
# `unit`: pure Python and the dbt unit tests, no pipeline run (`make test-unit`, the edit loop).
# `integration`: a pipeline run (the session's, a copy's, or its own), a browser or a subprocess.
# A test is integration when its module says so or it uses the session's run; unit otherwise.
_RUN_FIXTURES = {"demo_run", "published_copy"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Longest files first: pytest-xdist hands out whole files (--dist loadfile) in this order, so
    # a file of whole pipeline runs started last would leave one worker running it alone. Slow
    # files that do not need the session's run go first of all: one worker runs them while the
    # other builds that run (which any other slow file would wait for).
    rank: dict[str, int] = {}
    for item in items:
        uses_a_run = bool(_RUN_FIXTURES & set(getattr(item, "fixturenames", ())))
        if uses_a_run and not item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.integration)
        integration = item.get_closest_marker("integration") is not None
        if not integration:
            item.add_marker(pytest.mark.unit)
        if item.get_closest_marker("slow"):
            weight = 1 if uses_a_run else 0
        else:
            weight = 2 if integration else 3
        rank[item.path.name] = min(rank.get(item.path.name, 3), weight)
    items.sort(key=lambda item: rank[item.path.name])


# The published demo site's fixtures, shared by the report test modules that drive it: one headless
# Chromium per module (a missing browser fails, never skips), and the session's run, which must
# have succeeded.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from open_browser()


@pytest.fixture(scope="module")
def run(demo_run: tuple[RunPaths, RunOutcome]) -> RunPaths:
    return published_run(demo_run)
