"""Financial performance page (finance.html): the current fiscal year's money, for sign-off.

Budget, latest forecast and actual by portfolio, program, category and fiscal month, the CAPEX /
OPEX split, the largest overspends year to date and the finance findings (unbudgeted spend first),
all in the reporting currency and the fiscal calendar of the marts. Totals come from the marts'
own roll-ups (fct_financial_performance_by_dimension: ratios of sums), never re-derived here, so
the page agrees with what an analyst queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import duckdb

from pipelines.report.chart_links import filtered_list_href
from pipelines.report.charts import ChartImage
from pipelines.report.coverage import topic_note
from pipelines.report.formatting import format_money, format_month, format_text
from pipelines.report.pages._shared import (
    day,
    mart_status,
    num,
    text,
    whole,
)
from pipelines.report.pages.chart_helpers import (
    PAGE_CHART_WIDTH,
    SERIES_COLOURS,
    inline_data,
    styled,
    write_page_chart,
)
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.report.wording import fiscal_period_label, fiscal_range_label
from pipelines.sql_helpers import fetch_dicts

# The page's charts are charts/finance-<name>.svg (chart_helpers.write_page_chart).
SLUG = "finance"
SPEC = PageSpec(
    template="finance.html.j2",
    marts=(
        "fct_financial_performance_by_dimension",
        "fct_portfolio_financials_monthly",
        "fct_financial_performance",
        "fct_finance_findings",
        "fct_finance_findings_by_type",
    ),
    charts=("charts/finance-monthly.svg", "charts/finance-portfolios.svg"),
)

MEASURES = (
    "project_count",
    "budget_fy",
    "forecast_fy",
    "variance_full_year",
    "variance_full_year_pct",
    "budget_ytd",
    "forecast_ytd",
    "actual_ytd",
    "variance_ytd",
    "variance_ytd_pct",
    "budget_fy_consumed_pct",
)
BY_DIMENSION_COLUMNS = ("dimension", "dimension_value", "fiscal_year", *MEASURES)
MONTHLY_COLUMNS = (
    "month_start_date",
    "fiscal_period",
    "is_ytd",
    "budget",
    "forecast",
    "actual_ytd",
    "cumulative_budget",
    "cumulative_actual_ytd",
)
PROJECT_COLUMNS = (
    "project_id",
    "project_name",
    "portfolio",
    "program",
    "as_of_fiscal_period",
    "forecast_plan_version",
    "budget_fy",
    "forecast_fy",
    "budget_ytd",
    "actual_ytd",
    "variance_ytd",
    "variance_ytd_pct",
)
FINDING_COLUMNS = (
    "finding_type",
    "project_id",
    "project_name",
    "portfolio",
    "is_in_project_master",
    "first_month_start_date",
    "last_month_start_date",
    "month_count",
    "amount",
)
FINDING_TYPES = {
    "unbudgeted_spend": "Unbudgeted spend",
    "budget_without_spend": "Budget without spend",
    "unknown_project_code": "Cost on unknown project codes",
}


@dataclass(frozen=True)
class GroupRow:
    """One row of fct_financial_performance_by_dimension."""

    label: str
    project_count: int
    budget_fy: float | None
    forecast_fy: float | None
    variance_full_year: float | None
    variance_full_year_pct: float | None
    budget_ytd: float | None
    forecast_ytd: float | None
    actual_ytd: float | None
    variance_ytd: float | None
    variance_ytd_pct: float | None
    budget_fy_consumed_pct: float | None


@dataclass(frozen=True)
class Grouping:
    """The rows of one dimension, largest full-year budget first, capped at ROW_CAP."""

    rows: tuple[GroupRow, ...]
    total_count: int


@dataclass(frozen=True)
class MonthRow:
    month_start_date: date
    fiscal_period: int
    is_ytd: bool
    budget: float | None
    forecast: float | None
    actual: float | None  # None for months after the as-of month: not "0 spent"
    variance: float | None
    cumulative_budget: float | None
    cumulative_actual: float | None


@dataclass(frozen=True)
class OverspendRow:
    project_id: str
    project_name: str | None
    portfolio: str | None
    program: str | None
    budget_ytd: float | None
    actual_ytd: float | None
    variance_ytd: float | None
    variance_ytd_pct: float | None
    budget_fy: float | None
    forecast_fy: float | None


@dataclass(frozen=True)
class FindingRow:
    project_id: str
    project_name: str | None
    portfolio: str | None
    in_master: bool
    first_month: date | None
    last_month: date | None
    month_count: int
    amount: float | None


@dataclass(frozen=True)
class FindingGroup:
    finding_type: str
    label: str
    rows: tuple[FindingRow, ...]
    total_count: int
    total_amount: float | None


@dataclass(frozen=True)
class FinanceData:
    notes: tuple[str, ...]
    total: GroupRow | None
    portfolios: Grouping
    programs: Grouping
    categories: Grouping
    capex_opex: Grouping
    months: tuple[MonthRow, ...]
    ytd_periods: tuple[int, ...]
    forecast_plan_version: str | None
    overspends: tuple[OverspendRow, ...]
    overspend_count: int
    findings: tuple[FindingGroup, ...]
    findings_available: bool
    # fct_financial_performance has rows: without them overspends are unknown, not none
    overspends_known: bool = True


def _group_row(row: dict[str, Any]) -> GroupRow:
    return GroupRow(
        label=format_text(row["dimension_value"]),
        project_count=whole(row["project_count"]),
        **{m: num(row[m]) for m in MEASURES if m != "project_count"},
    )


def load_groups(
    con: duckdb.DuckDBPyConnection,
) -> tuple[GroupRow | None, dict[str, Grouping]]:
    """The total row and the portfolio/program/category/CAPEX-OPEX rows, in one query."""
    # Each dimension's rows, largest full-year budget first (the page caps the list; the count
    # says how many there are).
    rows = fetch_dicts(
        con,
        f"""
        select {", ".join(BY_DIMENSION_COLUMNS)}
        from marts.fct_financial_performance_by_dimension
        where dimension in ('total', 'portfolio', 'program', 'category', 'capex_opex')
        order by dimension, budget_fy desc nulls last, dimension_value nulls last
        """,
    )
    total: GroupRow | None = None
    grouped: dict[str, list[GroupRow]] = {}
    for row in rows:
        if row["dimension"] == "total":
            total = _group_row(row)
        else:
            grouped.setdefault(str(row["dimension"]), []).append(_group_row(row))
    groupings = {
        dim: Grouping(tuple(grouped.get(dim, [])), len(grouped.get(dim, [])))
        for dim in ("portfolio", "program", "category", "capex_opex")
    }
    return total, groupings


def load_months(con: duckdb.DuckDBPyConnection) -> tuple[MonthRow, ...]:
    """Portfolio-wide budget, forecast and actual per fiscal month of the current fiscal year."""
    rows = fetch_dicts(
        con,
        """
        select month_start_date, fiscal_period, is_ytd, budget, forecast, actual_ytd,
            cumulative_budget, cumulative_actual_ytd
        from marts.fct_portfolio_financials_monthly
        order by fiscal_period
        """,
    )
    months: list[MonthRow] = []
    for r in rows:
        budget, actual = num(r["budget"]), num(r["actual_ytd"])
        months.append(
            MonthRow(
                month_start_date=day(r["month_start_date"]) or date.min,
                fiscal_period=int(r["fiscal_period"]),
                is_ytd=bool(r["is_ytd"]),
                budget=budget,
                forecast=num(r["forecast"]),
                actual=actual,
                variance=None if budget is None or actual is None else budget - actual,
                cumulative_budget=num(r["cumulative_budget"]),
                cumulative_actual=num(r["cumulative_actual_ytd"]),
            )
        )
    return tuple(months)


def load_overspends(
    con: duckdb.DuckDBPyConnection,
) -> tuple[tuple[OverspendRow, ...], int, str | None]:
    """Projects spending more than budgeted so far this year, worst first (capped), their count,
    and the forecast's plan version (one per fiscal year; null when no workbook is loaded)."""
    summary = con.execute(
        """
        select max(forecast_plan_version), count(*) filter (where variance_ytd < 0)
        from marts.fct_financial_performance
        """
    ).fetchall()
    plan_version, overspend_count = summary[0] if summary else (None, 0)
    rows = fetch_dicts(
        con,
        f"""
        select {", ".join(PROJECT_COLUMNS)}
        from marts.fct_financial_performance
        where variance_ytd < 0
        order by variance_ytd asc, project_id
        """,
    )
    overspends = tuple(
        OverspendRow(
            project_id=str(r["project_id"]),
            project_name=text(r["project_name"]),
            portfolio=text(r["portfolio"]),
            program=text(r["program"]),
            budget_ytd=num(r["budget_ytd"]),
            actual_ytd=num(r["actual_ytd"]),
            variance_ytd=num(r["variance_ytd"]),
            variance_ytd_pct=num(r["variance_ytd_pct"]),
            budget_fy=num(r["budget_fy"]),
            forecast_fy=num(r["forecast_fy"]),
        )
        for r in rows
    )
    return overspends, whole(overspend_count), text(plan_version)


def load_findings(con: duckdb.DuckDBPyConnection) -> tuple[FindingGroup, ...]:
    """Each finding type's largest findings (capped) with the type's count and total amount."""
    rows = fetch_dicts(
        con,
        f"""
        select {", ".join(FINDING_COLUMNS)}
        from marts.fct_finance_findings
        order by finding_type, amount desc nulls last, finding_id
        """,
    )
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_type.setdefault(str(row["finding_type"]), []).append(row)
    totals = {
        str(r["finding_type"]): r
        for r in fetch_dicts(
            con,
            "select finding_type, finding_count, total_amount "
            "from marts.fct_finance_findings_by_type",
        )
    }
    groups = []
    for finding_type, label in FINDING_TYPES.items():
        found = by_type.get(finding_type, [])
        groups.append(
            FindingGroup(
                finding_type=finding_type,
                label=label,
                rows=tuple(
                    FindingRow(
                        project_id=str(r["project_id"]),
                        project_name=text(r["project_name"]),
                        portfolio=text(r["portfolio"]),
                        in_master=bool(r["is_in_project_master"]),
                        first_month=day(r["first_month_start_date"]),
                        last_month=day(r["last_month_start_date"]),
                        month_count=whole(r["month_count"]),
                        amount=num(r["amount"]),
                    )
                    for r in found
                ),
                total_count=whole(totals[finding_type]["finding_count"]) if found else 0,
                total_amount=num(totals[finding_type]["total_amount"]) if found else None,
            )
        )
    return tuple(groups)


def load_finance(con: duckdb.DuckDBPyConnection, fiscal_year_label: str) -> FinanceData:
    """Everything the page shows; an unavailable or empty mart becomes a note, not an error."""
    by_dim = mart_status(
        con, "fct_financial_performance_by_dimension", BY_DIMENSION_COLUMNS, "financial totals"
    )
    monthly = mart_status(
        con, "fct_portfolio_financials_monthly", MONTHLY_COLUMNS, "monthly financials"
    )
    projects = mart_status(con, "fct_financial_performance", PROJECT_COLUMNS, "project financials")
    findings = mart_status(con, "fct_finance_findings", FINDING_COLUMNS, "finance findings")
    notes = [s.note for s in (by_dim, monthly, projects) if s.note]
    if source_note := topic_note(con, "finance"):
        notes.insert(0, source_note)  # a published export supplies none of it: say so first
    if not findings.available and findings.note:
        notes.append(findings.note)

    empty = Grouping((), 0)
    total, groups = load_groups(con) if by_dim.has_rows else (None, {})
    months = load_months(con) if monthly.has_rows else ()
    overspends, overspend_count, plan_version = (
        load_overspends(con) if projects.has_rows else ((), 0, None)
    )
    if projects.has_rows and plan_version is None:
        notes.append(
            f"No finance workbook for {fiscal_year_label} is loaded: there is no budget or "
            "forecast to compare actual cost with, so budget, forecast and variances are missing "
            "rather than zero."
        )
    return FinanceData(
        notes=tuple(notes),
        total=total,
        portfolios=groups.get("portfolio", empty),
        programs=groups.get("program", empty),
        categories=groups.get("category", empty),
        capex_opex=groups.get("capex_opex", empty),
        months=months,
        ytd_periods=tuple(m.fiscal_period for m in months if m.is_ytd),
        forecast_plan_version=plan_version,
        overspends=overspends,
        overspend_count=overspend_count,
        findings=load_findings(con) if findings.available else (),
        findings_available=findings.available,
        overspends_known=projects.has_rows,
    )


def monthly_chart(months: tuple[MonthRow, ...], currency: str) -> Any:
    """Grouped bars per fiscal month: budget, latest forecast and (to date) actual."""
    records: list[dict[str, Any]] = []
    for m in months:
        label = fiscal_period_label(m.fiscal_period, m.month_start_date)
        for series, value in (("Budget", m.budget), ("Forecast", m.forecast), ("Actual", m.actual)):
            if value is not None:
                records.append({"month": label, "series": series, "amount": value})
    order = [fiscal_period_label(m.fiscal_period, m.month_start_date) for m in months]
    series_order = ["Budget", "Forecast", "Actual"]
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar()
        .encode(
            x=alt.X("month:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
            xOffset=alt.XOffset("series:N", sort=series_order),
            y=alt.Y("amount:Q", title=f"Amount ({currency})", axis=alt.Axis(format="$,.3~s")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series_order, range=list(SERIES_COLOURS)),
            ),
        )
        .properties(width=PAGE_CHART_WIDTH, height=260)
    )
    return styled(chart)


def monthly_alt(data: FinanceData, fiscal_year_label: str, currency: str) -> str:
    months = data.months
    first = format_month(months[0].month_start_date)
    last = format_month(months[-1].month_start_date)
    ytd = [m for m in months if m.is_ytd]
    budget_ytd = sum(m.budget or 0.0 for m in ytd)
    actual_ytd = sum(m.actual or 0.0 for m in ytd)
    text_ = (
        f"Bar chart of budget, latest forecast and actual cost per fiscal month of "
        f"{fiscal_year_label}, {first} to {last}. "
    )
    if ytd:
        periods = fiscal_range_label(
            (ytd[0].fiscal_period, ytd[0].month_start_date),
            (ytd[-1].fiscal_period, ytd[-1].month_start_date),
        )
        text_ += (
            f"Year to date ({periods}): budget "
            f"{format_money(budget_ytd, currency)}, actual {format_money(actual_ytd, currency)}. "
        )
    return text_ + "Actual is shown for the months to date only."


def portfolio_chart(portfolios: Grouping, currency: str) -> Any:
    """Horizontal grouped bars per portfolio: budget and actual year to date."""
    records: list[dict[str, Any]] = []
    for row in portfolios.rows:
        for series, value in (("Budget YTD", row.budget_ytd), ("Actual YTD", row.actual_ytd)):
            if value is not None:
                records.append(
                    {"portfolio": row.label, "series": series, "amount": value,
                     "list": filtered_list_href("portfolio", row.label)}
                )  # fmt: skip
    series_order = ["Budget YTD", "Actual YTD"]
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar()
        .encode(
            y=alt.Y(
                "portfolio:N",
                sort=[r.label for r in portfolios.rows],
                title=None,
                axis=alt.Axis(labelLimit=240),
            ),
            yOffset=alt.YOffset("series:N", sort=series_order),
            href=alt.Href("list:N"),  # a bar opens the projects list filtered to its portfolio
            x=alt.X("amount:Q", title=f"Amount ({currency})", axis=alt.Axis(format="$,.3~s")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series_order, range=[SERIES_COLOURS[0], SERIES_COLOURS[2]]),
            ),
        )
        .properties(width=PAGE_CHART_WIDTH - 160, height=max(80, 36 * len(portfolios.rows)))
    )
    return styled(chart)


def portfolio_alt(portfolios: Grouping, currency: str) -> str:
    over = [r for r in portfolios.rows if r.variance_ytd is not None and r.variance_ytd < 0]
    text_ = (
        f"Bar chart of budget and actual cost year to date for {len(portfolios.rows)} "
        f"portfolio(s); {len(over)} spent more than budgeted so far."
    )
    if over:
        worst = min(over, key=lambda r: r.variance_ytd or 0.0)
        text_ += (
            f" Largest overspend: {worst.label}, actual {format_money(worst.actual_ytd, currency)}"
            f" against a budget of {format_money(worst.budget_ytd, currency)}."
        )
    return text_


def write_charts(
    data: FinanceData, out_dir: Path, currency: str, fiscal_year_label: str
) -> dict[str, ChartImage]:
    charts: dict[str, ChartImage] = {}
    if data.months:
        charts["monthly"] = write_page_chart(
            monthly_chart(data.months, currency),
            page=SLUG,
            name="monthly",
            alt_text=monthly_alt(data, fiscal_year_label, currency),
            currency=currency,
            out_dir=out_dir,
        )
    if data.portfolios.rows:
        charts["portfolios"] = write_page_chart(
            portfolio_chart(data.portfolios, currency),
            page=SLUG,
            name="portfolios",
            alt_text=portfolio_alt(data.portfolios, currency),
            currency=currency,
            out_dir=out_dir,
        )
    return charts


def render(inputs: PageInputs) -> str:
    """The finance page's HTML; its charts are written to out_dir/charts/finance-*.svg."""
    currency = str(inputs.common["currency"])
    fiscal_year_label = str(inputs.common["fiscal_year_label"])
    data = load_finance(inputs.con, fiscal_year_label)
    charts = write_charts(data, inputs.out_dir, currency, fiscal_year_label)
    return inputs.render_template(SPEC, finance=data, charts=charts)


PAGE = SitePage(
    file_name="finance.html",
    label="Finance",
    description="budget, forecast and actual by fiscal month, capex/opex, findings",
    spec=SPEC,
    render=render,
    topic="finance",
    board_pack=True,
)
