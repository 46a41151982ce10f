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

from pipelines.settings import DBT_PROJECT_DIR, Settings


class PortfolioFolders(dg.ConfigurableResource):
    """Where exports land and where reports are published."""

    landing_dir: str
    reports_dir: str

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def reports(self) -> Path:
        return Path(self.reports_dir)


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "duckdb": DuckDBResource(database=str(settings.warehouse_path)),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # The dbt installed beside this interpreter, whether or not .venv/bin is on PATH.
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        ),
        "folders": PortfolioFolders(
            landing_dir=str(settings.landing_dir), reports_dir=str(settings.reports_dir)
        ),
    }
