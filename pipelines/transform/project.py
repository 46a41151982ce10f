"""The dbt project object, built once.

The manifest is produced at build time (`make` runs `portfolio parse`; `dagster dev` prepares it
through `prepare_if_dev`, with dbt's default target), never parsed while Dagster imports the code.
"""

from __future__ import annotations

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
