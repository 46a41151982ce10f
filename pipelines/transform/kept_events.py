"""What Dagster is told about the dbt nodes a run kept instead of building (kept_nodes.py).

A kept model is reported as materialized in this run, with the run that built it: the build file
holds it as this run would have built it, and the steps after dbt wait on its output (a model
without one would make Dagster skip them). Its output comes before dbt starts, so a run whose
dbt then fails shows it too; that run publishes nothing, and the published warehouse holds the
same table. A kept data test is reported as passed, with the run
that ran it on the same rows. Only what the run selected is reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg

from pipelines.transform.kept_nodes import BuildPlan

# dagster-dbt's metadata key naming the dbt node behind an asset or a check
DBT_UNIQUE_ID = "dagster_dbt/unique_id"
KEPT_FROM_RUN = "kept_from_run"  # metadata of a kept node's event: the run that built it


def kept_outputs(
    context: dg.AssetExecutionContext, manifest: Mapping[str, Any], plan: BuildPlan
) -> Iterator[dg.Output[None]]:
    """The kept models' and seeds' outputs, parents first. Yielded before dbt's own events:
    Dagster wants a multi-asset's outputs in topological order, and a kept node's children are
    built (or kept) while its parents are all kept."""
    assets = context.assets_def
    keys = {spec.metadata.get(DBT_UNIQUE_ID): spec.key for spec in assets.specs}
    for uid in plan.kept_of_type(manifest, "model", "seed"):
        key = keys.get(uid)
        if key is not None and key in context.selected_asset_keys:
            yield dg.Output(
                None,
                output_name=assets.get_output_name_for_asset_key(key),
                metadata={
                    KEPT_FROM_RUN: plan.kept[uid],
                    "dbt": "kept: its SQL, settings and inputs are those of the run that built it",
                },
            )


def kept_check_results(
    context: dg.AssetExecutionContext, manifest: Mapping[str, Any], plan: BuildPlan
) -> Iterator[dg.AssetCheckResult]:
    """A passed result for each kept data test, with the run that ran it."""
    keys = {spec.metadata.get(DBT_UNIQUE_ID): spec.key for spec in context.assets_def.check_specs}
    for uid in plan.kept_of_type(manifest, "test"):
        check = keys.get(uid)
        if check is not None and check in context.selected_asset_check_keys:
            yield dg.AssetCheckResult(
                asset_key=check.asset_key,
                check_name=check.name,
                passed=True,
                metadata={
                    KEPT_FROM_RUN: plan.kept[uid],
                    "dbt": "not run again: it passed on the same rows with the same SQL",
                },
            )
