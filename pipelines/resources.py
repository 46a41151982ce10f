"""Dagster resources: the run's settings, the warehouse build and dbt.

Every asset that needs a folder or a setting takes the `settings` resource (one `Settings`, built
where the definitions are); the dbt subprocess gets the same values as `--vars`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.publish.dies_with_run import WORKING_DIR_OPTION
from pipelines.publish.paths import build_path, staged_report
from pipelines.settings import DBT_PROJECT_DIR, Settings
from pipelines.transform.dbt_cli import PortfolioDbtCli


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "settings": dg.ResourceDefinition.hardcoded_resource(settings, "the run's Settings"),
        # Every step writes the run's build file; only the publish step touches the published one.
        "duckdb": DuckDBResource(
            database=str(build_path(settings.warehouse_path)),
            connection_config={"memory_limit": settings.duckdb_memory_limit},
        ),
        # The report step renders here; only the publish step swaps it in for the reports folder.
        "report_staging": dg.ResourceDefinition.hardcoded_resource(
            staged_report(settings.reports_dir), "where this run's report is rendered"
        ),
        "dbt": PortfolioDbtCli(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # The dbt installed beside this interpreter, whether or not .venv/bin is on PATH,
            # via a launcher that makes it die with the run (pipelines/publish/dies_with_run.py).
            dbt_executable=str(Path(sys.executable).parent / "portfolio-dbt"),
            # The launcher's own option, placed first: dbt starts in the warehouse's folder, where
            # the profile's path (the file's name, Settings.dbt_vars) is. Not a dbt flag.
            global_config_flags=[WORKING_DIR_OPTION, str(settings.dbt_working_dir)],
            # `build` (the DuckDB build file) or a Spark target: PORTFOLIO_DBT_ENGINE.
            target=settings.dbt_target,
        ),
    }
