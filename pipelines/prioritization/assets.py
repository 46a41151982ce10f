"""The prioritisation asset: scores, waterline and optimal selections per scenario, the efficient
frontier and the weight sensitivity, written as marts beside dbt's (docs/marts.md).

Python rather than dbt because the optimisation is a mixed-integer programme (scipy's HiGHS);
it reads only marts (and the current resource plan) that dbt has built and tested. An infeasible
scenario is a row with its reason, never a failed step.
"""

import dagster as dg
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from pipelines.prioritization.config import (
    CONFIG_DIR,
    load_run_settings,
    load_scenarios,
    load_scoring_models,
)
from pipelines.prioritization.inputs import WarehouseInputs, has_candidates, read_inputs
from pipelines.prioritization.kept_result import (
    forget_inputs,
    inputs_fingerprint,
    kept_from_run,
    record_inputs,
)
from pipelines.prioritization.outcome import Outcome, outcome_of, read_outcome
from pipelines.prioritization.run import prioritise
from pipelines.prioritization.tables import drop_tables, write_tables
from pipelines.settings import Settings
from pipelines.transform.assets import portfolio_dbt_models
from pipelines.transform.kept_events import KEPT_FROM_RUN

# The dbt models read (pipelines/prioritization/inputs.py).
PRIORITIZATION_INPUTS = (
    "dim_dates",
    "dim_projects",
    "fct_budgets",
    "fct_project_cost_performance",
    "fct_capacity_demand_monthly",
    "int_resource_plan_lines_filtered",
)


@dg.asset(
    group_name="prioritize",
    deps=[get_asset_key_for_model([portfolio_dbt_models], name) for name in PRIORITIZATION_INPUTS],
    kinds={"python", "duckdb"},
)
def portfolio_prioritization(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    """Prioritisation marts: scores, selections by scenario, frontier, sensitivity, scenarios."""
    models = load_scoring_models(CONFIG_DIR)
    scenarios = load_scenarios(CONFIG_DIR)
    sensitivity, frontier = load_run_settings(CONFIG_DIR)
    with duckdb.get_connection() as con:
        if not has_candidates(con):
            # A source profile without a PPM tool's projects (the IT Dashboard, GMPP) has nothing
            # to prioritise: no marts (an earlier run's would be stale), and the page says so.
            dropped = drop_tables(con)
            forget_inputs(con)
            context.log.info("marts.dim_projects is empty: nothing to prioritise this run")
            return dg.MaterializeResult(
                metadata={"candidates": 0, "dropped_stale_tables": ", ".join(dropped) or "none"}
            )
        inputs = read_inputs(con)
        fingerprint = inputs_fingerprint(inputs, models, scenarios, sensitivity, frontier)
        kept = kept_from_run(con, fingerprint)
        if kept is not None:
            context.log.info(
                f"the prioritisation's inputs equal those of run {kept}: its marts are kept"
            )
            outcome = read_outcome(con)
            return _reported(context, inputs, outcome, {KEPT_FROM_RUN: kept})
        result = prioritise(
            inputs.portfolio,
            models,
            scenarios,
            sensitivity,
            frontier,
            workers=settings.solver_threads,
        )
        # No record while the marts are replaced: a run stopped halfway leaves none to trust.
        forget_inputs(con)
        written = write_tables(
            con, result, inputs.candidates, inputs.as_of_date, inputs.reporting_currency
        )
        if result.finished:
            record_inputs(con, fingerprint, context.run_id)
        else:
            context.log.warning(
                "a solve stopped at its time limit: its selection depends on how far it got, so "
                "the next run solves again even if nothing changes"
            )
    return _reported(context, inputs, outcome_of(result, written), {})


def _reported(
    context: dg.AssetExecutionContext,
    inputs: WarehouseInputs,
    outcome: Outcome,
    extra: "dict[str, dg.RawMetadataValue]",  # quoted: dagster exports it for type checkers only
) -> dg.MaterializeResult:
    """The infeasible scenarios as warnings, and the metadata, alike whether solved or kept."""
    for name, message in outcome.infeasible.items():
        context.log.warning(f"scenario {name} is infeasible: {message}")
    metadata: dict[str, dg.RawMetadataValue] = {
        "candidates": inputs.portfolio.size,
        "fiscal_years": ", ".join(f"FY{y}" for y in inputs.portfolio.fiscal_years),
        "scenarios": outcome.scenarios,
        "infeasible_scenarios": ", ".join(outcome.infeasible) or "none",
        "baseline_value_waterline": outcome.baseline_value.get("waterline"),
        "baseline_value_optimal": outcome.baseline_value.get("optimal"),
        **{f"rows_{table}": rows for table, rows in outcome.rows.items()},
        **extra,
    }
    return dg.MaterializeResult(metadata=metadata)
