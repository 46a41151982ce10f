"""dbt models as Dagster assets and dbt tests as asset checks, in the `transform` group."""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.transform.project import dbt_project


class PortfolioDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=PortfolioDbtTranslator(),
)
def portfolio_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Build staging → intermediate → marts and run every dbt test (tests fail the run)."""
    yield from dbt.cli(["build"], context=context).stream()
