"""Helpers for tests that read the session's published demo site and its warehouse's marts."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from tests.browser import Browser, BrowserError, ensure_chromium
from tests.pipeline_runs import RunOutcome, RunPaths


def published_run(demo_run: tuple[RunPaths, RunOutcome]) -> RunPaths:
    """The session's run, which must have succeeded: there is nothing to read otherwise."""
    paths, outcome = demo_run
    assert outcome.success, "the demo pipeline run failed; no report to read"
    return paths


def marts(run: RunPaths, sql: str) -> list[tuple[object, ...]]:
    """Rows of a query on the run's warehouse, read-only (other workers may be reading it)."""
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def open_browser() -> Iterator[Browser]:
    """One headless Chromium for a test module; a missing browser fails the test, never skips."""
    try:
        instance = Browser(ensure_chromium())
    except BrowserError as exc:
        pytest.fail(f"headless Chromium is required for the report tests: {exc}")
    with instance:
        yield instance
