"""Read what the portfolio summary needs from the marts, and nothing else.

The report depends only on the mart contract in docs/marts.md, so staging and intermediate models
can change freely. Results are plain frozen dataclasses: templates and charts never see a database
cursor or a DataFrame, and every value has been converted to a Python type the formatters know.
The contract is checked up front so a missing table or column fails with a message naming it
instead of a SQL error from the middle of a query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipelines.report.errors import MartsInconsistentError, MartsUnavailableError
from pipelines.report.formatting import RAG_VALUES
from pipelines.sql_helpers import missing_columns

MARTS_SCHEMA = "marts"
# Only the columns this module reads: a mart may grow columns without breaking the report.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "dim_dates": (
        "date_day",
        "month_start_date",
        "fiscal_year",
        "fiscal_period",
        "fiscal_year_label",
    ),
    # the original budget ('Budget' plan version) and the actual cost per month (dbt)
    "fct_portfolio_budget_actual_monthly": (
        "month_start_date",
        "fiscal_year",
        "fiscal_period",
        "original_budget",
        "actual_cost",
    ),
    "fct_project_costs": (
        "project_id",
        "month_start_date",
        "labour_cost",
        "non_labour_cost",
        "total_cost",
    ),
    "fct_project_cost_performance": (
        "project_id",
        "project_name",
        "portfolio",
        "category",
        "status",
        "reported_rag",
        "percent_complete",
        "budget_at_completion",
        "actual_cost_to_date",
        "forecast_at_completion",
        "forecast_variance",
        "forecast_variance_pct",
        "budget_burn_pct",
        "as_of_date",
        "reporting_currency",
    ),
    "fct_portfolio_cost_performance": (
        "portfolio",
        "project_count",
        "budget_at_completion",
        "actual_cost_to_date",
        "forecast_at_completion",
        "forecast_variance",
        "forecast_variance_pct",
        "budget_burn_pct",
    ),
}


# The marts the site's other pages read (summary, exceptions, one-pagers): summary_queries.py,
# project_queries.py. Checked together with the above so one message lists everything missing.
REQUIRED_COLUMNS.update(
    {
        "dim_projects": (
            "project_id", "project_name", "portfolio", "program", "sponsor", "project_manager",
            "business_unit", "category", "strategic_theme", "phase", "status", "reported_rag",
            "percent_complete", "baseline_start_date", "baseline_finish_date",
            "forecast_start_date", "forecast_finish_date", "budget_at_completion",
            "capex_budget", "opex_budget", "forecast_at_completion",
        ),
        "fct_project_health": (
            "project_id", "computed_rag", "is_reported_green_computed_red", "is_health_assessed",
            "health_reasons", "unrated_measures", "cpi", "cpi_rag", "spi", "spi_rag",
            "finish_slip_days", "finish_slip_days_rag", "days_since_status_update",
            "days_since_status_update_rag", "last_status_update_date", "rebaseline_count",
            "rebaselined_budget_change", "rebaselined_finish_days",
            "finish_slip_days_vs_first_baseline", "original_baseline_finish_date", "spi_t",
            "spi_t_rag", "forecast_optimism_pct", "forecast_optimism_pct_rag",
        ),
        "fct_project_earned_value": (
            "project_id", "cv_first_baseline", "sv_first_baseline", "bac", "eac_cpi", "fac",
            "reporting_extract_date",
        ),
        "fct_project_earned_value_curve": (
            "project_id", "month_start_date", "pv", "ev", "ac", "is_after_cutoff",
        ),
        "fct_project_rebaselines": (
            "project_id", "rebaseline_date", "previous_baseline_finish_date",
            "baseline_finish_date", "baseline_finish_moved_days", "finish_slip_days_hidden",
            "budget_at_completion_change",
        ),
        "fct_portfolio_kpi_trend": (
            "extract_date", "previous_extract_date", "budget_at_completion",
            "budget_at_completion_delta",
        ),
        "fct_portfolio_earned_value_monthly": (
            "rollup_level", "month_start_date", "is_as_of_month", "active_bac", "active_ac",
            "active_rebaselined_budget",
            "eac_cpi", "vac", "active_cpi", "active_spi", "active_project_count",
            "completed_project_count", "completed_bac", "completed_ac", "cancelled_project_count",
            "cancelled_bac", "cancelled_ac", "released_budget",
        ),
        "fct_project_earned_value_monthly": (
            "project_id", "month_start_date", "pv", "ev", "ac", "cpi", "spi",
        ),
        "fct_milestones": (
            "project_id", "milestone_id", "milestone_name", "baseline_date", "forecast_date",
            "actual_date", "schedule_variance_days", "is_achieved", "is_overdue",
            "first_baseline_date", "slip_days_vs_first_baseline",
        ),
        "fct_project_status_history": (
            "project_id", "extract_date", "status", "phase", "reported_rag", "percent_complete",
            "baseline_finish_date", "forecast_finish_date", "finish_slip_days",
            "budget_at_completion", "forecast_at_completion", "is_rebaselined",
            "is_status_update",
        ),
        "fct_portfolio_financials_monthly": (
            "month_start_date", "fiscal_period", "budget", "forecast", "actual_ytd",
        ),
        "fct_financial_performance_by_dimension": (
            "dimension", "dimension_value", "project_count", "budget_at_completion", "budget_fy",
            "actual_ytd",
        ),
    }
)  # fmt: skip


@dataclass(frozen=True)
class ReportContext:
    """What the figures are 'as of' and in which currency and fiscal year they are framed."""

    as_of_date: date
    reporting_currency: str
    fiscal_year: int
    fiscal_year_label: str


@dataclass(frozen=True)
class RagCounts:
    red: int
    amber: int
    green: int
    not_reported: int


@dataclass(frozen=True)
class PortfolioTotals:
    """Whole-portfolio KPIs; percentages are ratios of sums, never averages of project ratios."""

    project_count: int
    budget_at_completion: float | None
    actual_cost_to_date: float | None
    forecast_at_completion: float | None
    forecast_variance: float | None
    forecast_variance_pct: float | None
    budget_burn_pct: float | None
    rag: RagCounts


@dataclass(frozen=True)
class MonthBudgetActual:
    """One fiscal month: the original budget against actual cost.

    `actual` is None for months after the as-of date (not yet happened, not zero); `budget` is None
    for every month when no Budget plan is loaded for the year.
    """

    month_start_date: date
    fiscal_period: int
    budget: float | None
    actual: float | None

    @property
    def variance(self) -> float | None:
        """Budget minus actual: negative = spent more than budgeted (as the forecast variance)."""
        if self.budget is None or self.actual is None:
            return None
        return self.budget - self.actual


@dataclass(frozen=True)
class BudgetVsActual:
    """The current fiscal year's months, in fiscal order."""

    months: tuple[MonthBudgetActual, ...]

    @property
    def budget_total(self) -> float | None:
        return _sum_known(m.budget for m in self.months)

    @property
    def budget_to_date(self) -> float | None:
        """Budget of the months that have actuals, the fair comparison for actual to date."""
        return _sum_known(m.budget for m in self.months if m.actual is not None)

    @property
    def actual_to_date(self) -> float | None:
        return _sum_known(m.actual for m in self.months)

    @property
    def variance_to_date(self) -> float | None:
        budget, actual = self.budget_to_date, self.actual_to_date
        if budget is None or actual is None:
            return None
        return budget - actual


@dataclass(frozen=True)
class PortfolioRow:
    portfolio: str | None
    project_count: int
    budget_at_completion: float | None
    actual_cost_to_date: float | None
    forecast_at_completion: float | None
    forecast_variance: float | None
    forecast_variance_pct: float | None
    budget_burn_pct: float | None


@dataclass(frozen=True)
class ProjectRow:
    project_id: str
    project_name: str | None
    portfolio: str | None
    category: str | None
    status: str | None
    reported_rag: str | None
    percent_complete: float | None
    budget_at_completion: float | None
    actual_cost_to_date: float | None
    forecast_at_completion: float | None
    forecast_variance: float | None
    forecast_variance_pct: float | None
    budget_burn_pct: float | None


@dataclass(frozen=True)
class PortfolioReportData:
    context: ReportContext
    totals: PortfolioTotals
    budget_vs_actual: BudgetVsActual
    portfolios: tuple[PortfolioRow, ...]
    projects: tuple[ProjectRow, ...]


def _sum_known(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _float(value: object) -> float | None:
    """DuckDB returns DOUBLE as float and DECIMAL as Decimal; the report works in floats."""
    if value is None:
        return None
    if isinstance(value, float | int | Decimal):
        return float(value)
    raise MartsInconsistentError(f"expected a number from the marts, got {value!r}")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise MartsInconsistentError(f"expected a date from the marts, got {value!r}")


def _ratio_pct(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def connect_read_only(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only: the report must never be able to change the data it reports.

    Read-only also means a missing file is an error here rather than a new empty database.
    """
    if not warehouse_path.is_file():
        raise MartsUnavailableError(
            f"warehouse {warehouse_path} does not exist; run the pipeline to build the marts first"
        )
    try:
        return duckdb.connect(str(warehouse_path), read_only=True)
    except duckdb.Error as exc:
        raise MartsUnavailableError(
            f"cannot open warehouse {warehouse_path} read-only: {exc}"
        ) from exc


def check_mart_contract(con: duckdb.DuckDBPyConnection) -> None:
    """Fail with one message listing every missing mart table or column the report relies on."""
    required = {f"{MARTS_SCHEMA}.{table}": columns for table, columns in REQUIRED_COLUMNS.items()}
    problems = [
        f"missing table {table}"
        if missing is None
        else f"{table} lacks column(s) " + ", ".join(missing)
        for table, missing in missing_columns(con, required).items()
    ]
    if problems:
        raise MartsUnavailableError(
            "the warehouse does not hold the marts this report needs ("
            + "; ".join(problems)
            + "); run the pipeline (dbt build) first, see docs/marts.md"
        )


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[tuple[Any, ...]]:
    return con.execute(sql, list(params)).fetchall()


def load_context(
    con: duckdb.DuckDBPyConnection, fallback: ReportContext | None = None
) -> ReportContext:
    """The single as-of date and currency of the marts, and the fiscal year containing that date.

    `fallback` is the context to use when the marts hold no project at all (a warehouse built
    from a published export only: the site then reports that export, see site_data.py).
    """
    rows = _fetch(
        con,
        """
        select distinct as_of_date, reporting_currency
        from marts.fct_project_cost_performance
        """,
    )
    if not rows and fallback is not None:
        return fallback
    if not rows:
        raise MartsInconsistentError(
            "marts.fct_project_cost_performance has no projects (and no published export is "
            "loaded); nothing to report"
        )
    if len(rows) > 1:
        found = ", ".join(sorted(f"{a} {c}" for a, c in rows))
        raise MartsInconsistentError(
            f"marts.fct_project_cost_performance mixes as-of dates or currencies ({found}); "
            "one report needs one of each"
        )
    as_of_raw, currency = rows[0]
    if as_of_raw is None or currency is None:
        raise MartsInconsistentError(
            "marts.fct_project_cost_performance has no as_of_date or reporting_currency"
        )
    as_of_date = _date(as_of_raw)
    fiscal = _fetch(
        con,
        "select fiscal_year, fiscal_year_label from marts.dim_dates where date_day = ?",
        [as_of_date],
    )
    if not fiscal:
        raise MartsInconsistentError(
            f"as-of date {as_of_date.isoformat()} is outside marts.dim_dates; "
            "cannot tell the current fiscal year"
        )
    fiscal_year, fiscal_year_label = fiscal[0]
    return ReportContext(
        as_of_date=as_of_date,
        reporting_currency=str(currency),
        fiscal_year=int(fiscal_year),
        fiscal_year_label=str(fiscal_year_label),
    )


def load_totals(con: duckdb.DuckDBPyConnection) -> PortfolioTotals:
    rag_filters = ", ".join(f"count(*) filter (where reported_rag = '{rag}')" for rag in RAG_VALUES)
    row = _fetch(
        con,
        f"""
        select
            count(*),
            sum(budget_at_completion),
            sum(actual_cost_to_date),
            sum(forecast_at_completion),
            sum(forecast_variance),
            {rag_filters}
        from marts.fct_project_cost_performance
        """,
    )[0]
    count, bac, ac, fac, vac, red, amber, green = row
    bac_f, ac_f, vac_f = _float(bac), _float(ac), _float(vac)
    return PortfolioTotals(
        project_count=int(count),
        budget_at_completion=bac_f,
        actual_cost_to_date=ac_f,
        forecast_at_completion=_float(fac),
        forecast_variance=vac_f,
        forecast_variance_pct=_ratio_pct(vac_f, bac_f),
        budget_burn_pct=_ratio_pct(ac_f, bac_f),
        rag=RagCounts(
            red=int(red),
            amber=int(amber),
            green=int(green),
            not_reported=int(count) - int(red) - int(amber) - int(green),
        ),
    )


def load_budget_vs_actual(con: duckdb.DuckDBPyConnection, context: ReportContext) -> BudgetVsActual:
    """Monthly original budget vs actual cost for the fiscal year containing the as-of date."""
    rows = _fetch(
        con,
        """
        select month_start_date, fiscal_period, original_budget, actual_cost
        from marts.fct_portfolio_budget_actual_monthly
        where fiscal_year = ?
        order by fiscal_period
        """,
        [context.fiscal_year],
    )
    any_budget = any(budget is not None for _, _, budget, _ in rows)
    months: list[MonthBudgetActual] = []
    for month_raw, period, budget, actual in rows:
        month = _date(month_raw)
        has_happened = month <= context.as_of_date  # on or before the reporting cut-off
        # cost of a month after the cut-off is "since close": not set against its budget here
        actual_f = _float(actual) if has_happened else None
        if actual_f is None and has_happened:
            actual_f = 0.0  # a past month with no cost rows really cost nothing
        budget_f = _float(budget)
        if budget_f is None and any_budget:
            budget_f = 0.0  # the plan is loaded and simply has nothing in this month
        months.append(
            MonthBudgetActual(
                month_start_date=month,
                fiscal_period=int(period),
                budget=budget_f,
                actual=actual_f,
            )
        )
    return BudgetVsActual(months=tuple(months))


def load_portfolios(con: duckdb.DuckDBPyConnection) -> tuple[PortfolioRow, ...]:
    """Portfolios, worst forecast variance (BAC - FAC) first so exceptions lead."""
    rows = _fetch(
        con,
        """
        select
            portfolio, project_count, budget_at_completion, actual_cost_to_date,
            forecast_at_completion, forecast_variance, forecast_variance_pct,
            budget_burn_pct
        from marts.fct_portfolio_cost_performance
        order by forecast_variance asc nulls last, portfolio
        """,
    )
    return tuple(
        PortfolioRow(
            portfolio=_text(portfolio),
            project_count=int(count or 0),
            budget_at_completion=_float(bac),
            actual_cost_to_date=_float(ac),
            forecast_at_completion=_float(fac),
            forecast_variance=_float(vac),
            forecast_variance_pct=_float(vac_pct),
            budget_burn_pct=_float(burn),
        )
        for portfolio, count, bac, ac, fac, vac, vac_pct, burn in rows
    )


def load_projects(con: duckdb.DuckDBPyConnection) -> tuple[ProjectRow, ...]:
    """Projects, worst (most negative) forecast variance first; unknown variance last."""
    rows = _fetch(
        con,
        """
        select
            project_id, project_name, portfolio, category, status, reported_rag,
            percent_complete, budget_at_completion, actual_cost_to_date, forecast_at_completion,
            forecast_variance, forecast_variance_pct, budget_burn_pct
        from marts.fct_project_cost_performance
        order by forecast_variance asc nulls last, project_id
        """,
    )
    return tuple(
        ProjectRow(
            project_id=str(project_id),
            project_name=_text(name),
            portfolio=_text(portfolio),
            category=_text(category),
            status=_text(status),
            reported_rag=_text(rag),
            percent_complete=_float(pct_complete),
            budget_at_completion=_float(bac),
            actual_cost_to_date=_float(ac),
            forecast_at_completion=_float(fac),
            forecast_variance=_float(vac),
            forecast_variance_pct=_float(vac_pct),
            budget_burn_pct=_float(burn),
        )
        for (
            project_id,
            name,
            portfolio,
            category,
            status,
            rag,
            pct_complete,
            bac,
            ac,
            fac,
            vac,
            vac_pct,
            burn,
        ) in rows
    )


def load_cost_overview(
    con: duckdb.DuckDBPyConnection, context: ReportContext
) -> PortfolioReportData:
    """The cost overview (projects.html) in the site's context, read by the page itself."""
    return PortfolioReportData(
        context=context,
        totals=load_totals(con),
        budget_vs_actual=load_budget_vs_actual(con, context),
        portfolios=load_portfolios(con),
        projects=load_projects(con),
    )
