"""The dbt CLI resource, without two start-up costs the pipeline does not use.

Before every `dbt build`, dagster-dbt's `DbtCliResource.cli` runs `dbt --version` in a subprocess
to learn dbt's version, and builds a dbt adapter in-process (loading the profile and project and
registering the adapter) that it only uses when an asset asks for row counts or column metadata.
Together that was 3.0 s of the demo's 24 s dbt step, before dbt itself started. Here the version is
that of the dbt-core installed beside this interpreter, which is the dbt `portfolio-dbt` runs (it
execs the `dbt` of the same environment), and no adapter is built: no asset of this project asks
for dbt metadata (`fetch_row_counts`, `fetch_column_metadata`), and dagster-dbt accepts no adapter
(it is what it falls back to when building one fails). tests/test_dbt_cli_resource.py checks both
against the installed dagster-dbt, so an upgrade that renames them fails there, not in a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


class PortfolioDbtCli(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None
