"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process adapter
(pipelines/transform/dbt_cli.py): its version must be the one the dbt it runs reports, and the
dagster-dbt internals it replaces must still be the ones `DbtCliResource.cli` uses."""

from __future__ import annotations

import inspect
import subprocess
from functools import cached_property

import pytest
from dagster_dbt import DbtCliResource

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
