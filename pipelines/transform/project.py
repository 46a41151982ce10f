"""The dbt project object, built once.

The manifest is produced at build time (`make` runs `portfolio parse`), never parsed while Dagster
imports the code, except under `dagster dev` (`make dev`), which parses the project each time it
loads the code (`prepare_if_dev`). That parse is made with a run's options (the target, `--vars`
and log level of the environment's settings): dbt then starts from the state `portfolio parse`
left in target/ and writes one of the same options back. With dagster-dbt's default (`dbt parse`
with dbt's defaults) that state did not match, so the first load after `make dbt-parse` parsed the
whole project (docs/benchmarks.md, "One parse state for every warehouse of the same name").
"""

from __future__ import annotations

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR, Settings, SettingsError
from pipelines.transform.parse_state import parse_options


def _settings() -> Settings | None:
    try:
        return Settings.from_env()
    except SettingsError:  # a run says what is wrong; the manifest does not need them
        return None


dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    prepare_project_cli_args=["parse", "--quiet", *parse_options(_settings())[0]],
)
dbt_project.prepare_if_dev()
