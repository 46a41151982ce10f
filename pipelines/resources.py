"""Dagster resources: the warehouse, dbt, and the folders a run reads and writes.

All paths come from `pipelines.settings`, so the Dagster code, the dbt profile (via the same
environment variables) and the CLI always agree on which warehouse file a run uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines.publish.warehouse_build import build_path
from pipelines.settings import DBT_PROJECT_DIR, Settings


class PortfolioFolders(dg.ConfigurableResource):
    """Where exports land, and where the warehouse and the reports are published."""

    landing_dir: str
    reports_dir: str
    warehouse_path: str

    @property
    def published_warehouse(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def reports(self) -> Path:
        return Path(self.reports_dir)


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        # Every step writes the run's build file; only the publish step touches the published one.
        "duckdb": DuckDBResource(
            database=str(build_path(settings.warehouse_path)),
            connection_config={"memory_limit": settings.duckdb_memory_limit},
        ),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # The dbt installed beside this interpreter, whether or not .venv/bin is on PATH.
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
            target="build",
        ),
        "folders": PortfolioFolders(
            landing_dir=str(settings.landing_dir),
            reports_dir=str(settings.reports_dir),
            warehouse_path=str(settings.warehouse_path),
        ),
    }
