"""`dbt build` for tests: dbt's Python API against a warehouse file under the test's own folder.

Target and log folders live in the caller's work dir and partial parsing is off, so a test never
touches the project's warehouse, dbt_project/target or another test's build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def run_dbt_build(
    warehouse: Path,
    work_dir: Path,
    select: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> dbtRunnerResult:
    """`dbt build` the project (or only `select`) into `warehouse`, with `env` set for the run."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("PORTFOLIO_WAREHOUSE", str(warehouse))
        for name, value in (env or {}).items():
            patched.setenv(name, value)
        patched.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        patched.setenv("DO_NOT_TRACK", "1")
        return dbtRunner().invoke(
            [
                "build",
                *(["--select", *select] if select else []),
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(work_dir / "target"),
                "--log-path",
                str(work_dir / "logs"),
                "--no-partial-parse",
            ]
        )


def failed_nodes(result: dbtRunnerResult) -> set[str]:
    """The names of the nodes that failed or errored in `result`."""
    return {r.node.name for r in result.result or [] if str(r.status) in {"fail", "error"}}
