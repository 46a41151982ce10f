"""`dbt build` for tests: dbt's Python API against a warehouse file under the test's own folder.

Target and log folders live in the caller's work dir and partial parsing is off, so a test never
touches the project's warehouse, dbt_project/target or another test's build. The settings reach
dbt as `--vars`, as in a pipeline run (pipelines/transform/assets.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

from pipelines.settings import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def run_dbt(
    command: str,
    warehouse: Path,
    work_dir: Path,
    *args: str,
    settings: Settings | None = None,
) -> dbtRunnerResult:
    """`dbt <command> <args>` with `settings` (default: the defaults) against `warehouse`."""
    return dbtRunner().invoke(dbt_args(command, warehouse, work_dir, *args, settings=settings))


def dbt_args(
    command: str,
    warehouse: Path,
    work_dir: Path,
    *args: str,
    settings: Settings | None = None,
) -> list[str]:
    """The arguments of `run_dbt`, for a test that runs dbt in a process of its own."""
    settings = (settings or Settings()).with_changes(warehouse_path=warehouse)
    return [
        command,
        *args,
        *settings.dbt_arguments(),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--no-partial-parse",
        "--quiet",
    ]


def run_dbt_build(
    warehouse: Path,
    work_dir: Path,
    select: Sequence[str] = (),
    settings: Settings | None = None,
    unit_tests: bool = False,
) -> dbtRunnerResult:
    """`dbt build` the project (or only `select`) into `warehouse`.

    Unit tests are left out unless asked for: they check SQL on fixed inputs, so the session runs
    them once (tests/test_dbt_models.py), not with every build of test data.
    """
    selection = ["--select", *select] if select else []
    exclusion = [] if unit_tests else ["--exclude-resource-type", "unit_test"]
    return run_dbt("build", warehouse, work_dir, *selection, *exclusion, settings=settings)


def failed_nodes(result: dbtRunnerResult) -> set[str]:
    """The names of the nodes that failed or errored in `result`."""
    return {r.node.name for r in result.result or [] if str(r.status) in {"fail", "error"}}
