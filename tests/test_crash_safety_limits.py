"""A run that fills the disk or hits DuckDB's memory limit fails cleanly and publishes nothing.

Fault runs (tests/fault_runs.py) under an OS file-size limit or a tiny memory limit; the published
warehouse and reports must stay byte-identical and nothing unpublished may be left behind.
"""

from __future__ import annotations

import pytest

from pipelines.publish.paths import failed_path
from tests.fault_runs import (
    add_new_week,
    finish_run,
    published_state,
    start_fault_run,
    unpublished_leftovers,
)
from tests.pipeline_runs import RunPaths


@pytest.fixture
def paths(published_copy: RunPaths) -> RunPaths:
    """A copy of the session's good published run (warehouse + reports), then a new week lands."""
    add_new_week(published_copy.landing)
    return published_copy


# --- resource exhaustion ----------------------------------------------------------------------


def _assert_clean_failure(paths: RunPaths, before: dict[str, str], code: int, out: str) -> None:
    assert code == 1, out[-4000:]
    assert "Nothing was published; the last good warehouse and reports are unchanged" in out
    # The failed build is kept for inspection, and the command says where.
    kept = failed_path(paths.warehouse)
    assert kept.exists()
    assert f"the failed run's build is kept for inspection at {kept}" in out
    assert published_state(paths) == before
    assert unpublished_leftovers(paths) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "room"),
    [
        # Not even room to copy the published warehouse: the first step fails.
        ("copying the warehouse", 0.5),
        # Room for the copy and not one block more: dbt runs on the WAL, the checkpoint fails.
        ("checkpointing the build", 1.0),
    ],
)
def test_a_full_disk_fails_the_run_cleanly(paths: RunPaths, where: str, room: float) -> None:
    before = published_state(paths)
    limit = str(int(paths.warehouse.stat().st_size * room))

    code, out = finish_run(start_fault_run(paths, "file size limit", CRASH_FSIZE_LIMIT=limit))

    assert "File too large" in out.split("What stopped the run:")[-1], f"disk full {where}"
    _assert_clean_failure(paths, before, code, out)


@pytest.mark.slow
def test_a_duckdb_memory_limit_fails_the_run_cleanly(paths: RunPaths) -> None:
    before = published_state(paths)

    run = start_fault_run(paths, "no fault", PORTFOLIO_DUCKDB_MEMORY_LIMIT="1MB")
    code, out = finish_run(run)

    assert "Out of Memory Error" in out.split("What stopped the run:")[-1]
    _assert_clean_failure(paths, before, code, out)
