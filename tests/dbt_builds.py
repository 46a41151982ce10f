"""`dbt build` for tests: dbt's Python API against a warehouse file under the test's own folder.

Target and log folders live in the caller's work dir and partial parsing is off, so a test never
touches the project's warehouse, dbt_project/target or another test's build. The settings reach
dbt as `--vars`, as in a pipeline run (pipelines/transform/assets.py).

A `build` or `run` is handed the project as this process parsed it for the same settings, the
warehouse's path aside: dbt would parse the whole project again for each new path (~8 s of CPU:
the path is in the vars and the connection a parse state is checked against), although nothing
it parses depends on that path (only the file's name does: dbt-duckdb names every node's database
after it, so it is part of the key).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest

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
    arguments = dbt_args(command, warehouse, work_dir, *args, settings=settings)
    if command not in _REUSE_PARSED:
        return dbtRunner().invoke(arguments)
    return dbtRunner(manifest=_parsed(warehouse, work_dir, settings)).invoke(arguments)


# The commands handed a parsed project. Any other parses as `make` runs it: `docs generate` writes
# the manifest.json and catalog a test reads, as `make docs` writes them.
_REUSE_PARSED = ("build", "run")
_PARSED: dict[str, Manifest] = {}


def _parsed(warehouse: Path, work_dir: Path, settings: Settings | None) -> Manifest:
    """The project parsed once per process for these settings and this warehouse file name."""
    dbt_vars = (settings or Settings()).dbt_vars()
    dbt_vars.pop("warehouse_path")
    key = f"{warehouse.name} {sorted(dbt_vars.items())}"
    if key not in _PARSED:
        parsed = dbtRunner().invoke(dbt_args("parse", warehouse, work_dir, settings=settings))
        if not parsed.success or not isinstance(parsed.result, Manifest):
            raise RuntimeError(f"dbt parse failed: {parsed.exception}")
        _PARSED[key] = parsed.result
    return _PARSED[key]


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
        # dbt runs in this process, not in the warehouse's folder: the whole path.
        *settings.dbt_arguments(started_in_working_dir=False),
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
