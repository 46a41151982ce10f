"""The dbt project object, built once.

The manifest is produced at build time (`make` runs `portfolio parse`), never parsed while Dagster
imports the code, except under `dagster dev` (`make dev`), which parses the project each time it
loads the code (`prepare_if_dev`), and so does each run it launches (they inherit its environment).
That parse is made with a run's options (the target, `--vars` and log level of the environment's
settings), from the state kept for them (parse_state.py) copied into target/ first (another dbt
command, `make docs` or the tests, may have left a state of other options there), and its own state
is kept for the next load. Both copies replace their file in one rename: another process parsing at
that moment reads the old state or the new. With dagster-dbt's default (`dbt parse` with dbt's
defaults) the first load after `make dbt-parse` parsed the whole project (docs/benchmarks.md, "One
parse state for every warehouse of the same name").
"""

from __future__ import annotations

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from pipelines.settings import DBT_PROJECT_DIR, Settings, SettingsError
from pipelines.transform.parse_state import (
    keep_parse_state,
    parse_options,
    start_from_kept_state,
)


def _settings() -> Settings | None:
    try:
        return Settings.from_env()
    except SettingsError:  # a run says what is wrong; the manifest does not need them
        return None


def _dbt_project() -> DbtProject:
    if not using_dagster_dev():  # the check prepare_if_dev makes: the manifest is built already
        return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    options, key = parse_options(_settings())
    project = DbtProject(
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        prepare_project_cli_args=["parse", "--quiet", *options],
    )
    target = DBT_PROJECT_DIR / project.target_path
    start_from_kept_state(target, key, target)
    project.prepare_if_dev()
    keep_parse_state(target, target, key)  # the next load parses only files edited since
    return project


dbt_project = _dbt_project()
