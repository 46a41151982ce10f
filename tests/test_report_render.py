"""The portfolio summary report, checked the way a reader would see it.

The marts are built by hand in a temporary DuckDB file (no dbt), so these tests pin the report to
the mart contract in docs/marts.md and run in seconds. Figures are asserted as formatted strings in
the table cells a reader looks at.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from pipelines.report.errors import MartsInconsistentError, MartsUnavailableError, OutputDirError
from pipelines.report.formatting import format_date, format_money, format_pct
from pipelines.report.pages import projects as projects_page
from pipelines.report.render import render_portfolio_report
from pipelines.site_folder import MANIFEST_NAME

MALICIOUS_NAME = "<img src=x onerror=alert(1)>"
AS_OF = "2025-10-15"  # fiscal year starts in April: FY2025 = Apr 2025 - Mar 2026
GENERATED_AT = datetime(2025, 10, 16, 7, 30, tzinfo=UTC)
EM_DASH = "\u2014"

# (id, name, portfolio, category, status, rag, % complete, BAC, AC, FAC, forecast variance,
#  forecast variance %, burn %)
PROJECTS = [
    ("PRJ-0001", "Data Platform", "Digital", "Transform", "Active", "Red", 40.0,
     1234567.40, 617283.70, 1358024.14, -123456.74, -10.0, 50.0),
    ("PRJ-0002", MALICIOUS_NAME, "Infrastructure", "Run", "Active", "Amber", 75.5,
     200000.0, 150000.0, 210000.0, -10000.0, -5.0, 75.0),
    ("PRJ-0003", "Zero Budget Discovery", "Digital", "Grow", "On Hold", "Green", 0.0,
     0.0, 12500.0, 12500.0, -12500.0, None, None),
    ("PRJ-0004", "Service Desk Refresh", "Infrastructure", "Run", "Completed", "Green", 100.0,
     500000.0, 450000.0, 450000.0, 50000.0, 10.0, 90.0),
]  # fmt: skip


def build_marts(path: Path) -> None:
    """Create the mart tables of docs/marts.md with a small, hand-checkable portfolio."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.dim_dates as
            select
                d::date as date_day,
                date_trunc('month', d)::date as month_start_date,
                year(d) as calendar_year,
                month(d) as calendar_month,
                date_trunc('week', d)::date as iso_week_start_date,
                isodow(d) as day_of_week,
                isodow(d) <= 5 as is_weekday,
                case when month(d) >= 4 then year(d) else year(d) - 1 end as fiscal_year,
                ((month(d) + 8) % 12) // 3 + 1 as fiscal_quarter,
                (month(d) + 8) % 12 + 1 as fiscal_period,
                'FY' || case when month(d) >= 4 then year(d) else year(d) - 1 end
                    as fiscal_year_label
            from range(date '2024-01-01', date '2027-01-01', interval 1 day) as t(d)
            """
        )
        con.execute(
            """
            create table marts.fct_project_cost_performance (
                project_id varchar, project_name varchar, portfolio varchar, program varchar,
                category varchar, status varchar, reported_rag varchar, percent_complete double,
                budget_at_completion double, labour_cost_to_date double,
                non_labour_cost_to_date double, actual_cost_to_date double,
                forecast_at_completion double, forecast_variance double,
                forecast_variance_pct double, budget_burn_pct double,
                current_fy_budget double, current_fy_actual double, as_of_date date,
                reporting_currency varchar
            )
            """
        )
        for pid, name, portfolio, cat, status, rag, pct, bac, ac, fac, vac, vpct, burn in PROJECTS:
            con.execute(
                """
                insert into marts.fct_project_cost_performance values
                (?, ?, ?, 'Programme A', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, 'USD')
                """,
                [pid, name, portfolio, cat, status, rag, pct, bac, ac * 0.6, ac * 0.4, ac, fac,
                 vac, vpct, burn, AS_OF],
            )  # fmt: skip
        con.execute(
            """
            create table marts.fct_portfolio_cost_performance as
            select
                portfolio,
                count(*) as project_count,
                sum(budget_at_completion) as budget_at_completion,
                sum(actual_cost_to_date) as actual_cost_to_date,
                sum(forecast_at_completion) as forecast_at_completion,
                sum(forecast_variance) as forecast_variance,
                sum(forecast_variance) / nullif(sum(budget_at_completion), 0) * 100
                    as forecast_variance_pct,
                sum(actual_cost_to_date) / nullif(sum(budget_at_completion), 0) * 100
                    as budget_burn_pct,
                max(as_of_date) as as_of_date,
                'USD' as reporting_currency
            from marts.fct_project_cost_performance
            group by portfolio
            """
        )
        # Budget: 110,000 a month in FY2025; a re-forecast and last year's plan must not count.
        con.execute(
            """
            create table marts.fct_budgets as
            with months as (
                select distinct month_start_date, fiscal_year, fiscal_period
                from marts.dim_dates
            )
            select
                p.project_id, v.plan_version, v.plan_version <> 'Budget' as is_latest_forecast,
                m.month_start_date, m.fiscal_year, m.fiscal_period, p.capex_opex,
                p.amount::decimal(18, 2) as amount_local, 'USD' as currency,
                (p.amount * v.factor)::decimal(18, 2) as amount
            from months as m
            cross join (values ('PRJ-0001', 'CAPEX', 100000.0), ('PRJ-0002', 'OPEX', 10000.0))
                as p(project_id, capex_opex, amount)
            cross join (values ('Budget', 1.0), ('Forecast Q1', 9.0)) as v(plan_version, factor)
            where m.fiscal_year in (2024, 2025)
            """
        )
        # Actuals: 105,000 a month Apr-Oct 2025 except July (90,000); FY2024 costs must not count.
        con.execute(
            """
            create table marts.fct_project_costs as
            with months as (
                select distinct month_start_date, fiscal_year, fiscal_period
                from marts.dim_dates
                where month_start_date between date '2025-03-01' and date '2025-10-01'
            ),
            rows as (
                select m.*, 'PRJ-0001' as project_id, 90000.0 as total_cost from months as m
                union all
                select m.*, 'PRJ-0002', 15000.0 from months as m
                where m.month_start_date <> date '2025-07-01'
            )
            select
                project_id, month_start_date, fiscal_year, fiscal_period,
                total_cost * 0.5 as labour_cost, total_cost * 0.25 as non_labour_capex_cost,
                total_cost * 0.25 as non_labour_opex_cost, total_cost * 0.5 as non_labour_cost,
                total_cost
            from rows
            """
        )
        # The report mart dbt derives from both (fct_portfolio_budget_actual_monthly).
        con.execute(
            """
            create table marts.fct_portfolio_budget_actual_monthly as
            with months as (
                select month_start_date, fiscal_year, min(fiscal_period) as fiscal_period
                from marts.dim_dates group by month_start_date, fiscal_year
            ),
            budget as (
                select month_start_date, sum(amount) as original_budget from marts.fct_budgets
                where plan_version = 'Budget' group by month_start_date
            ),
            actual as (
                select month_start_date, sum(total_cost) as actual_cost
                from marts.fct_project_costs group by month_start_date
            )
            select months.*, budget.original_budget, actual.actual_cost
            from months
            left join budget using (month_start_date)
            left join actual using (month_start_date)
            """
        )
        build_site_marts(con)
    finally:
        con.close()


# (id, sponsor, theme, baseline start, baseline finish, forecast finish, capex, opex)
ATTRIBUTES = {
    "PRJ-0001": ("Ada Sponsor", "Cloud First", "2025-01-06", "2025-12-01", "2026-01-15",
                 900000.0, 334567.40),
    "PRJ-0002": ("Bo Sponsor", "Cyber Resilience", "2025-02-03", "2026-03-31", "2026-04-10",
                 0.0, 200000.0),
    "PRJ-0003": ("Cy Sponsor", "Cloud First", "2025-06-02", "2026-06-30", "2026-07-20",
                 0.0, 0.0),
    "PRJ-0004": ("Di Sponsor", "Cost Optimisation", "2024-09-02", "2025-08-29", "2025-08-29",
                 250000.0, 250000.0),
}  # fmt: skip

# Health: PRJ-0001 CPI 0.85 (red) and slip 45 days; PRJ-0002 amber but re-baselined in the newest
# extract; PRJ-0003 reported Green, computed Red, status 40 days stale; PRJ-0004 completed.
HEALTH = [
    ("PRJ-0001", "Red", False, True, "CPI 0.85 < 0.90 (red); finish slip 45 days > 30 days (red)",
     None, 0.85, "Red", 0.93, "Amber", 45, "Red", 3, "Green"),
    ("PRJ-0002", "Amber", False, True, "CPI 0.93 < 0.95 (amber)", None, 0.93, "Amber", 1.0,
     "Green", 10, "Green", 0, "Green"),
    ("PRJ-0003", "Red", True, True, "days since status update 40 > 28 (red)", "cpi, spi", None,
     None, None, None, 20, "Amber", 40, "Red"),
    ("PRJ-0004", None, False, False, "not assessed: project completed", None, 1.02, None, 1.0,
     None, 0, None, 0, None),
]  # fmt: skip


def build_site_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The marts the summary, exceptions and one-pagers read, small enough to check by hand."""
    con.execute(
        """
        create table marts.dim_projects (
            project_id varchar, project_name varchar, portfolio varchar, program varchar,
            sponsor varchar, project_manager varchar, business_unit varchar, category varchar,
            strategic_theme varchar, phase varchar, status varchar, reported_rag varchar,
            percent_complete double, baseline_start_date date, baseline_finish_date date,
            forecast_start_date date, forecast_finish_date date, budget_at_completion double,
            capex_budget double, opex_budget double, forecast_at_completion double,
            as_of_date date, reporting_currency varchar
        )
        """
    )
    for pid, name, portfolio, cat, status, rag, pct, bac, _ac, fac, *_ in PROJECTS:
        sponsor, theme, start, finish, forecast, capex, opex = ATTRIBUTES[pid]
        con.execute(
            """
            insert into marts.dim_projects values
            (?, ?, ?, 'Programme A', ?, 'Pat Manager', 'Group IT', ?, ?, 'Build', ?, ?, ?,
             ?, ?, ?, ?, ?, ?, ?, ?, ?, 'USD')
            """,
            [pid, name, portfolio, sponsor, cat, theme, status, rag, pct, start, finish, start,
             forecast, bac, capex, opex, fac, AS_OF],
        )  # fmt: skip
    con.execute(
        """
        create table marts.fct_project_health (
            project_id varchar, reported_rag varchar, computed_rag varchar,
            is_reported_green_computed_red boolean, is_health_assessed boolean,
            health_reasons varchar, unrated_measures varchar, cpi double, cpi_rag varchar,
            spi double, spi_rag varchar, finish_slip_days integer, finish_slip_days_rag varchar,
            days_since_status_update integer, days_since_status_update_rag varchar,
            last_status_update_date date, as_of_date date
        )
        """
    )
    rags = {p[0]: p[5] for p in PROJECTS}
    for row in HEALTH:
        con.execute(
            "insert into marts.fct_project_health values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, date '2025-10-08', ?)",
            [row[0], rags[row[0]], *row[1:], AS_OF],
        )
    # the first-baseline view: PRJ-0002 was re-baselined once (+20,000, +60 days)
    con.execute(
        """
        alter table marts.fct_project_health add column rebaseline_count integer default 0;
        alter table marts.fct_project_health add column rebaselined_budget_change double;
        alter table marts.fct_project_health add column rebaselined_finish_days integer;
        alter table marts.fct_project_health add column finish_slip_days_vs_first_baseline integer;
        alter table marts.fct_project_health add column original_baseline_finish_date date;
        alter table marts.fct_project_health add column spi_t double;
        alter table marts.fct_project_health add column spi_t_rag varchar;
        alter table marts.fct_project_health add column forecast_optimism_pct double;
        alter table marts.fct_project_health add column forecast_optimism_pct_rag varchar;
        update marts.fct_project_health set spi_t = spi, spi_t_rag = spi_rag;
        create table marts.fct_project_earned_value as
        select * from (values
            ('PRJ-0001', -92_592.70, -75_309.0, 700000.0, 823529.41, 720000.0,
             date '2025-10-08'),
            ('PRJ-0002', 1_000.0, 1_000.0, 150000.0, 148514.85, 150000.0, date '2025-10-08')
        ) as t(project_id, cv_first_baseline, sv_first_baseline, bac, eac_cpi, fac,
               reporting_extract_date);
        update marts.fct_project_health
        set rebaseline_count = 1, rebaselined_budget_change = 20000.0,
            rebaselined_finish_days = 60, finish_slip_days_vs_first_baseline = 60,
            original_baseline_finish_date = date '2026-01-30'
        where project_id = 'PRJ-0002';
        """
    )
    con.execute(
        """
        create table marts.fct_project_rebaselines as
        select * from (values
            ('PRJ-0002', date '2025-10-15', date '2026-01-30', date '2026-03-31', 60, 55,
             20000.0),
            ('PRJ-0004', date '2025-06-01', date '2025-06-30', date '2025-08-29', 60, 60, 0.0)
        ) as t(project_id, rebaseline_date, previous_baseline_finish_date, baseline_finish_date,
               baseline_finish_moved_days, finish_slip_days_hidden, budget_at_completion_change)
        """
    )
    con.execute(
        """
        create table marts.fct_portfolio_kpi_trend as
        select * from (values
            (date '2025-10-08', null::date, 1900000.0, null::double),
            (date '2025-10-15', date '2025-10-08', 1934567.40, 34567.40)
        ) as t(extract_date, previous_extract_date, budget_at_completion,
               budget_at_completion_delta)
        """
    )
    con.execute(
        """
        create table marts.fct_portfolio_earned_value_monthly as
        select
            *, ac as active_ac, cpi as active_cpi, spi as active_spi,
            20000.0 as active_rebaselined_budget,
            active_bac - eac_cpi as vac, 3 as active_project_count,
            1 as completed_project_count, 100000.0 as completed_bac, 90000.0 as completed_ac,
            0 as cancelled_project_count, 0.0 as cancelled_bac, 0.0 as cancelled_ac,
            0.0 as released_budget
        from (values
            -- EAC = BAC / CPI on the same set, as the mart computes it
            ('portfolio_total', date '2025-09-01', false, 1900000.0, 1100000.0, 1900000.0 / 0.95,
             0.95, 0.97),
            ('portfolio_total', date '2025-10-01', true, 1934567.40, 1229783.70, 1934567.40 / 0.92,
             0.92, 0.98),
            ('portfolio', date '2025-10-01', true, 5.0, 5.0, 5.0, 5.0, 5.0)
        ) as t(rollup_level, month_start_date, is_as_of_month, active_bac, ac, eac_cpi, cpi, spi)
        """
    )
    con.execute(
        """
        create table marts.fct_project_earned_value_monthly as
        select * from (values
            ('PRJ-0001', date '2025-08-01', 400000.0, 340000.0, 400000.0, 0.85, 0.85),
            ('PRJ-0001', date '2025-09-01', 500000.0, 425000.0, 500000.0, 0.85, 0.85),
            ('PRJ-0001', date '2025-10-01', 600000.0, 524691.0, 617283.70, 0.85, 0.87),
            ('PRJ-0002', date '2025-10-01', 150000.0, 151000.0, 150000.0, 1.01, 1.01)
        ) as t(project_id, month_start_date, pv, ev, ac, cpi, spi)
        """
    )
    # the whole-life S-curve: the months above, then the plan to the finish (PV only)
    con.execute(
        """
        create table marts.fct_project_earned_value_curve as
        select project_id, month_start_date, pv, ev, ac, false as is_after_cutoff
        from marts.fct_project_earned_value_monthly
        union all
        select * from (values
            ('PRJ-0001', date '2025-11-01', 650000.0, null::double, null::double, true),
            ('PRJ-0001', date '2025-12-01', 700000.0, null::double, null::double, true)
        ) as t(project_id, month_start_date, pv, ev, ac, is_after_cutoff)
        """
    )
    con.execute(
        """
        create table marts.fct_milestones as
        select
            *,
            -- Go-live was first planned for 2025-11-01: re-baselined a month later
            case when milestone_name = 'Go-live' then date '2025-11-01' else baseline_date end
                as first_baseline_date,
            case
                when milestone_name = 'Go-live' then 75 else -schedule_variance_days
            end as slip_days_vs_first_baseline
        from (values
            ('PRJ-0001', 'M1', 'Design signed off', date '2025-06-01', date '2025-06-11',
             date '2025-06-11', -10, true, false),
            ('PRJ-0001', 'M2', 'Go-live', date '2025-12-01', date '2026-01-15', null::date, -45,
             false, false),
            ('PRJ-0002', 'M1', 'Kick-off <b>now</b>', date '2025-09-01', date '2025-09-01',
             null::date, 0, false, true)
        ) as t(project_id, milestone_id, milestone_name, baseline_date, forecast_date,
               actual_date, schedule_variance_days, is_achieved, is_overdue)
        """
    )
    con.execute(
        """
        create table marts.fct_project_status_history as
        select
            d.project_id, e.extract_date, d.status, d.phase,
            case when e.extract_date = date '2025-10-08' and d.project_id = 'PRJ-0001'
                then 'Amber' else d.reported_rag end as reported_rag,
            d.percent_complete, d.baseline_finish_date, d.forecast_finish_date,
            d.forecast_finish_date - d.baseline_finish_date as finish_slip_days,
            d.budget_at_completion, d.forecast_at_completion,
            d.project_id = 'PRJ-0002' and e.extract_date = date '2025-10-15' as is_rebaselined,
            e.extract_date = date '2025-10-15' as is_status_update
        from marts.dim_projects as d
        cross join (values (date '2025-10-08'), (date '2025-10-15')) as e(extract_date)
        """
    )
    # Financials: every FY2025 month has a budget of 110,000 and a forecast of 120,000; the
    # months to October have an actual of 100,000.
    con.execute(
        """
        create table marts.fct_project_financials_monthly as
        select
            'PRJ-0001' as project_id, month_start_date, min(fiscal_period) as fiscal_period,
            110000.0 as budget, 120000.0 as forecast,
            case when month_start_date <= date '2025-10-01' then 100000.0 end as actual,
            month_start_date <= date '2025-10-01' as is_ytd
        from marts.dim_dates
        where fiscal_year = 2025
        group by month_start_date
        """
    )
    con.execute(  # summed over projects, as dbt's fct_portfolio_financials_monthly
        """
        create table marts.fct_portfolio_financials_monthly as
        select
            month_start_date, fiscal_period, sum(budget) as budget, sum(forecast) as forecast,
            case when bool_or(is_ytd) then sum(actual) end as actual_ytd
        from marts.fct_project_financials_monthly
        group by month_start_date, fiscal_period
        """
    )
    con.execute(
        """
        create table marts.fct_financial_performance_by_dimension as
        select * from (values
            ('category', 'Transform', 1, 1234567.40, 600000.0, 400000.0),
            ('category', 'Run', 2, 700000.0, 300000.0, 250000.0),
            ('category', 'Grow', 1, 0.0, 0.0, 12500.0),
            ('capex_opex', 'CAPEX', 4, 1150000.0, 500000.0, 300000.0),
            ('capex_opex', 'OPEX', 4, 784567.40, 400000.0, 362500.0),
            ('strategic_theme', 'Cloud First', 2, 1234567.40, 600000.0, 412500.0),
            ('strategic_theme', 'Cyber Resilience', 1, 200000.0, 100000.0, 150000.0),
            ('strategic_theme', 'Cost Optimisation', 1, 500000.0, 200000.0, 100000.0),
            ('total', 'total', 4, 1934567.40, 900000.0, 662500.0)
        ) as t(dimension, dimension_value, project_count, budget_at_completion, budget_fy,
               actual_ytd)
        """
    )


class _TableReader(HTMLParser):
    """Collect each table's rows as lists of cell text, keyed by the id of the enclosing section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables.setdefault(self._section, []).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, section_id: str) -> list[list[str]]:
    reader = _TableReader()
    reader.feed(html)
    return reader.tables[section_id]


def row_starting(rows: list[list[str]], first: str) -> list[str]:
    return next(row for row in rows if row and row[0] == first)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "portfolio.duckdb"
    build_marts(path)
    return path


@pytest.fixture(scope="module")
def report(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render shared by the read-only assertions (vl-convert's engine takes ~1 s to start)."""
    out = tmp_path_factory.mktemp("reports") / "portfolio"
    return render_portfolio_report(warehouse, out, run_id="run-123", generated_at=GENERATED_AT)


@pytest.fixture(scope="module")
def html(report: Path) -> str:
    """The cost overview (projects.html): key figures, budget vs actual, portfolios, projects."""
    return (report.parent / "projects.html").read_text(encoding="utf-8")


def test_writes_index_html_in_output_dir(report: Path) -> None:
    assert report.name == "index.html"
    assert report.is_file()
    assert (report.parent / "static" / "report.css").is_file()
    assert (report.parent / MANIFEST_NAME).is_file()


def test_header_shows_as_of_date_generation_time_and_run(html: str) -> None:
    assert "Projects and cost performance" in html
    assert '<time datetime="2025-10-15">2025-10-15</time>' in html
    assert "2025-10-16 07:30 UTC" in html
    assert "run-123" in html
    assert "FY2025" in html


def test_project_row_shows_formatted_figures(html: str) -> None:
    row = row_starting(table_rows(html, "projects"), "PRJ-0001")
    assert row == [
        "PRJ-0001",
        "Data Platform",
        "Digital",
        "Transform",
        "Active",
        "Red",
        "40.0%",
        "$1,234,567",
        "$617,284",
        "$1,358,024",
        "-$123,457",
        "-10.0%",
        "50.0%",
    ]


def test_projects_sorted_worst_variance_first(html: str) -> None:
    ids = [row[0] for row in table_rows(html, "projects")[1:]]
    assert ids == ["PRJ-0001", "PRJ-0003", "PRJ-0002", "PRJ-0004"]


def test_zero_budget_project_shows_dash_for_percentages(html: str) -> None:
    row = row_starting(table_rows(html, "projects"), "PRJ-0003")
    assert row[7] == "$0"  # BAC
    assert row[11] == EM_DASH  # forecast variance %
    assert row[12] == EM_DASH  # burn %


def test_malicious_project_name_is_escaped(html: str) -> None:
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
    row = row_starting(table_rows(html, "projects"), "PRJ-0002")
    assert row[1] == MALICIOUS_NAME  # the reader sees the name as text, not as markup


def test_kpi_tiles(html: str) -> None:
    kpis = html.split('id="key-figures"')[1].split("</section>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", kpis).split())
    assert "Budget at completion (BAC) of all projects $1,934,567" in text
    assert "Actual cost to date (AC) of all projects $1,229,784" in text
    assert "Forecast at completion (FAC) $2,030,524" in text
    assert "Forecast variance (BAC - FAC) -$95,957 -5.0% of BAC" in text
    assert "Budget burn 63.6%" in text
    # reported, not computed, RAG: the summary counts computed health, so the tile says which
    assert "Projects, by reported RAG 4 Red 1 Amber 1 Green 2" in text
    assert "not reported" not in text


def test_rag_is_text_as_well_as_colour(html: str) -> None:
    assert '<span class="rag rag-red">Red</span>' in html
    assert '<span class="rag rag-amber">Amber</span>' in html
    assert '<span class="rag rag-green">Green</span>' in html


def test_budget_vs_actual_table_covers_current_fiscal_year(html: str) -> None:
    rows = table_rows(html, "budget-vs-actual")
    months = [row for row in rows if row[0].startswith("P")]
    assert [row[0] for row in months][:2] == ["P1 (Apr 2025)", "P2 (May 2025)"]
    assert len(months) == 12 and months[-1][0] == "P12 (Mar 2026)"
    assert months[0] == ["P1 (Apr 2025)", "$110,000", "$105,000", "$5,000"]
    assert months[3] == ["P4 (Jul 2025)", "$110,000", "$90,000", "$20,000"]
    assert months[7] == ["P8 (Nov 2025)", "$110,000", EM_DASH, EM_DASH]  # after as-of date
    assert row_starting(rows, "Year to date")[1:] == ["$770,000", "$720,000", "$50,000"]
    assert row_starting(rows, "Full year budget")[1] == "$1,320,000"


def test_portfolio_table_with_total(html: str) -> None:
    rows = table_rows(html, "portfolios")
    assert row_starting(rows, "Digital") == [
        "Digital", "2", "$1,234,567", "$629,784", "$1,370,524", "-$135,957", "-11.0%", "51.0%",
    ]  # fmt: skip
    assert row_starting(rows, "All portfolios")[1:3] == ["4", "$1,934,567"]


def test_charts_are_vl_convert_svg_files_with_text_alternatives(report: Path, html: str) -> None:
    # An <img>, or an inlined SVG when its bars are links (pipelines/report/chart_links.py)
    images = re.findall(r'(?:<img src|data-src)="([^"]+)" (?:alt|aria-label)="([^"]*)"', html)
    assert {src for src, _ in images} == {
        "charts/budget_vs_actual.svg",
        "charts/portfolio_variance.svg",
    }
    for src, alt in images:
        svg = (report.parent / src).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<svg")
        assert 'class="marks"' in svg  # Vega's renderer wrote it, not a hand-made placeholder
        assert len(alt) > 40
    alts = dict(images)
    assert "FY2025" in alts["charts/budget_vs_actual.svg"]
    assert "$720,000" in alts["charts/budget_vs_actual.svg"]


def test_content_security_policy_meta_is_present(html: str) -> None:
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src 'self'; style-src 'self'" in html
    )
    # The CSP forbids inline styles and scripts, so the page must not rely on any.
    assert " style=" not in html
    assert "<style" not in html


def test_report_is_self_contained(report: Path, html: str) -> None:
    css = (report.parent / "static" / "report.css").read_text(encoding="utf-8")
    for text in (html, css):
        assert not re.search(r"https?://", text)
        assert "@import" not in text and "url(" not in text
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        if ref.startswith("#"):
            continue
        assert not ref.startswith(("/", "//")) and ":" not in ref
        assert (report.parent / re.split(r"[#?]", ref)[0]).is_file(), ref


def test_failed_render_raises_clearly_and_keeps_previous_report(
    report: Path, tmp_path: Path
) -> None:
    before = report.read_text(encoding="utf-8")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(MartsUnavailableError, match=r"missing table marts\.fct_project_cost"):
        render_portfolio_report(empty, report.parent)
    with pytest.raises(MartsUnavailableError, match="does not exist"):
        render_portfolio_report(tmp_path / "nowhere.duckdb", report.parent)
    assert report.read_text(encoding="utf-8") == before
    assert [p.name for p in report.parent.parent.iterdir()] == [report.parent.name]


def test_failure_while_writing_leaves_previous_report_and_no_temp_folders(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "portfolio"
    render_portfolio_report(warehouse, out, run_id="first", generated_at=GENERATED_AT)

    def broken_charts(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("chart engine crashed")

    monkeypatch.setattr(projects_page, "write_charts", broken_charts)
    with pytest.raises(RuntimeError, match="chart engine crashed"):
        render_portfolio_report(warehouse, out, run_id="second", generated_at=GENERATED_AT)
    assert "first" in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio"]


def test_rerender_replaces_previous_report(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "portfolio"
    render_portfolio_report(warehouse, out, run_id="first", generated_at=GENERATED_AT)
    (out / "stale.txt").write_text("from an older run", encoding="utf-8")
    render_portfolio_report(warehouse, out, run_id="second", generated_at=GENERATED_AT)
    assert "second" in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio"]


def test_refuses_to_replace_a_folder_it_did_not_write(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "somebody_elses"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputDirError, match="did not write"):
        render_portfolio_report(warehouse, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_marts_without_projects_is_a_clear_error(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "no_projects.duckdb"
    con = duckdb.connect(str(path))
    con.execute(f"attach '{warehouse}' as src (read_only)")
    con.execute("create schema marts")
    tables = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'src' and table_schema = 'marts'"
    ).fetchall()
    for (table,) in tables:
        keep = "" if table == "dim_dates" else " limit 0"
        con.execute(f"create table marts.{table} as select * from src.marts.{table}{keep}")
    con.close()
    with pytest.raises(MartsInconsistentError, match="no projects"):
        render_portfolio_report(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1234567.4, "USD", "$1,234,567"),
        (1234567.5, "EUR", "\u20ac1,234,568"),
        (-5000, "GBP", "-\u00a35,000"),
        (-0.4, "USD", "$0"),
        (None, "USD", EM_DASH),
        (float("nan"), "USD", EM_DASH),
        (1000, "CHF", "CHF\u00a01,000"),
        # every numeric type the marts hand over reads the same, rounded half up
        (2.5, "USD", "$3"),
        (Decimal("2.5"), "USD", "$3"),
        (np.float64(2.5), "USD", "$3"),
        (np.int64(-7), "USD", "-$7"),
        (float("inf"), "USD", EM_DASH),
        (True, "USD", EM_DASH),
    ],
)
def test_format_money(value: Any, currency: str, expected: str) -> None:
    assert format_money(value, currency) == expected


def test_format_pct_and_date() -> None:
    assert format_pct(12.345) == "12.3%"
    assert format_pct(-0.04) == "0.0%"
    assert format_pct(None) == EM_DASH
    assert format_date(datetime(2026, 4, 30, 12, 0).date()) == "2026-04-30"
    assert format_date(None) == EM_DASH
