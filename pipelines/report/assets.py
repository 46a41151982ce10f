"""The report asset: renders the portfolio summary from the marts once dbt has built them.

It renders into the staging folder the `report_staging` resource names (pipelines/resources.py:
beside the reports folder), never into the published one: the last step of the run
(pipelines/publish) swaps it in right after the warehouse it was rendered from,
so published reports always match the published warehouse.
"""

import shutil
from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from pipelines.prioritization.assets import portfolio_prioritization
from pipelines.report.board_pack import write_staged_board_pack
from pipelines.report.headline_metadata import headline_metadata
from pipelines.report.render import render_portfolio_report
from pipelines.settings import Settings
from pipelines.site_folder import check_replaceable
from pipelines.transform.assets import portfolio_dbt_models

# The marts the site reads (docs/marts.md), so the asset graph shows the report's lineage.
REPORT_MARTS = (
    "dim_dates",
    "dim_projects",
    "fct_portfolio_budget_actual_monthly",
    "fct_project_costs",
    "fct_project_cost_performance",
    "fct_portfolio_cost_performance",
    "fct_project_health",
    "fct_project_rebaselines",
    "fct_project_earned_value",
    "fct_project_earned_value_monthly",
    "fct_project_earned_value_curve",
    "fct_portfolio_earned_value_monthly",
    "fct_portfolio_kpi_trend",
    "fct_milestones",
    "fct_project_status_history",
    "fct_financial_performance",
    "fct_financial_performance_by_dimension",
    "fct_project_financials_monthly",
    "fct_portfolio_financials_monthly",
    "fct_finance_findings",
    "fct_finance_findings_by_type",
    "fct_capacity_demand_monthly",
    "fct_capacity_demand_portfolio_monthly",
    "fct_capacity_demand_by_team",
    "fct_team_capacity_weekly",
    "fct_timesheet_compliance_weekly",
    "fct_timesheet_compliance_portfolio_weekly",
    "fct_timesheet_compliance_by_team",
    "fct_milestone_slip_bands",
)


@dg.asset(
    group_name="report",
    deps=[
        *(get_asset_key_for_model([portfolio_dbt_models], name) for name in REPORT_MARTS),
        portfolio_prioritization,  # its marts feed prioritization.html
    ],
    kinds={"html"},
)
def portfolio_report(
    context: dg.AssetExecutionContext,
    duckdb: DuckDBResource,
    settings: dg.ResourceParam[Settings],
    report_staging: dg.ResourceParam[Path],
) -> dg.MaterializeResult:
    """Static HTML portfolio summary (KPI tiles, budget vs actual, project variances), staged."""
    reports = settings.reports_dir
    check_replaceable(reports)  # a folder we may not replace fails now, not at publish
    staged = report_staging
    shutil.rmtree(staged, ignore_errors=True)  # this step run again within the same run
    # The renderer opens the build file read-only itself; dbt has closed it by now.
    index = render_portfolio_report(
        Path(duckdb.database),
        staged,
        run_id=context.run_id,
        previous_dir=reports,
        settings=settings,
    )
    # `off` skips the board pack; `auto` prints it when Chromium is installed and says once in
    # the log when it is not.
    pack = (
        write_staged_board_pack(staged, Path(duckdb.database))
        if settings.board_pack == "auto"
        else None
    )
    metadata: dict[str, dg.RawMetadataValue] = {
        "staged_index": dg.MetadataValue.path(str(index)),
        # This run's pages; archive/ holds earlier runs' pages carried over.
        "pages_written": sum(
            1 for page in staged.rglob("*.html") if page.relative_to(staged).parts[0] != "archive"
        ),
    }
    if pack is not None:
        metadata["board_pack"] = dg.MetadataValue.path(str(pack))
    # the summary's headline, for whoever looks at this asset in the UI (same loaders as the page)
    metadata.update(headline_metadata(Path(duckdb.database)))
    return dg.MaterializeResult(metadata=metadata)
