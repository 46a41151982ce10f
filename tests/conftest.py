"""Shared set-up: no telemetry, and a dbt manifest before any test imports the Dagster code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# Printing the board pack takes ~2 s a page: pipeline runs in tests skip it, and
# tests/test_board_pack.py prints the demo run's site itself.
os.environ.setdefault("PORTFOLIO_BOARD_PACK", "off")

import dagster as dg
import pytest

from pipelines.demo import generate_demo_exports
from tests.pipeline_runs import SMALL_DEMO, RunPaths, make_paths, run_weekly_job

_DBT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def _manifest_is_stale() -> bool:
    manifest = _DBT_DIR / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for p in _DBT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".md"}]
    return any(p.stat().st_mtime > built for p in sources if "target" not in p.parts)


def pytest_configure(config: object) -> None:
    # `make test` parses first; this covers a bare `pytest` after editing the dbt project.
    if _manifest_is_stale():
        subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                "parse",
                "--quiet",
                "--project-dir",
                str(_DBT_DIR),
                "--profiles-dir",
                str(_DBT_DIR),
            ],
            check=True,
        )


@pytest.fixture(scope="session")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[RunPaths, dg.ExecuteInProcessResult]:
    """One full pipeline run on small demo data, shared by every test that reads its results."""
    paths = make_paths(tmp_path_factory.mktemp("demo_run"))
    generate_demo_exports(paths.landing, SMALL_DEMO)
    return paths, run_weekly_job(paths)
