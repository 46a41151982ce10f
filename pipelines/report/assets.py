"""The report asset: renders the portfolio summary from the marts once dbt has built them."""

from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from pipelines.report.render import render_portfolio_report
from pipelines.resources import PortfolioFolders
from pipelines.transform.assets import portfolio_dbt_models

# The marts the summary reads (docs/marts.md).
REPORT_MARTS = (
    "dim_dates",
    "fct_budgets",
    "fct_project_costs",
    "fct_project_cost_performance",
    "fct_portfolio_cost_performance",
)


@dg.asset(
    group_name="report",
    deps=[get_asset_key_for_model([portfolio_dbt_models], name) for name in REPORT_MARTS],
    kinds={"html"},
)
def portfolio_report(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, folders: PortfolioFolders
) -> dg.MaterializeResult:
    """Static HTML portfolio summary (KPI tiles, budget vs actual, project variances)."""
    # The renderer opens the warehouse read-only itself; dbt has closed it by now.
    index = render_portfolio_report(Path(duckdb.database), folders.reports, run_id=context.run_id)
    return dg.MaterializeResult(metadata={"index": dg.MetadataValue.path(str(index))})
