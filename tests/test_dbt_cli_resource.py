"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process adapter
(pipelines/transform/dbt_cli.py): its version must be the one the dbt it runs reports, and the
dagster-dbt internals it replaces must still be the ones `DbtCliResource.cli` uses. Its launcher
starts dbt in the warehouse's folder."""

from __future__ import annotations

import inspect
import subprocess
from functools import cached_property
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource

from pipelines.publish.dies_with_run import WORKING_DIR_OPTION
from pipelines.resources import build_resources
from pipelines.settings import Settings
from pipelines.transform.dbt_cli import PortfolioDbtCli

pytestmark = pytest.mark.unit


def _resource() -> PortfolioDbtCli:
    resource = build_resources(Settings())["dbt"]
    assert isinstance(resource, PortfolioDbtCli)
    return resource


def test_the_version_is_the_one_the_pipelines_dbt_reports() -> None:
    resource = _resource()
    reported = subprocess.run(
        [resource.dbt_executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert f"installed: {resource._cli_version}" in reported


def test_no_adapter_is_built_before_dbt_starts() -> None:
    assert _resource()._initialize_dbt_core_adapter(["build"]) is None


def test_the_replaced_dagster_dbt_internals_are_the_ones_cli_uses() -> None:
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), cached_property)
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source
    assert "self._initialize_dbt_core_adapter(" in source


def test_dbt_starts_in_the_warehouse_folder(tmp_path: Path) -> None:
    """The profile names the warehouse file alone (Settings.dbt_vars): the launcher's option must
    reach it first, where dagster-dbt puts `global_config_flags`, right after the executable."""
    settings = Settings(warehouse_path=tmp_path / "w" / "portfolio.duckdb")
    resource = build_resources(settings)["dbt"]
    assert isinstance(resource, PortfolioDbtCli)
    assert resource.global_config_flags == [WORKING_DIR_OPTION, str(tmp_path / "w")]
    source = inspect.getsource(DbtCliResource.cli)
    assert "self.dbt_executable,\n            *self.global_config_flags," in source
