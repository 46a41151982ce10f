"""The decision problem from the warehouse: the candidates, what they cost in each fiscal year of
the horizon, what they ask of each team in each month, and the teams' capacity.

- Candidates: projects of the latest extract that are still open (Active or On Hold, not in the
  Closed phase) and still cost money or team time in the horizon; only these are up for decision.
- Horizon: the months after the as-of month, to the end of the fiscal year two years after the
  current one (the current year's remainder plus two full fiscal years), per dim_dates.
- Cost per fiscal year: finance's latest forecast (fct_budgets, is_latest_forecast) for the
  horizon months it covers. Finance's workbook covers its fiscal year only, so the rest of the
  project's remaining budget (BAC - actual to date, fct_project_cost_performance, floored at 0,
  less what the forecast already plans in the horizon) is spread evenly over the horizon months
  after the plan's last month up to the forecast finish; if the project finishes within the
  plan's year, the forecast is taken as the whole cost.
- Team demand: the current resource plan (intermediate.int_resource_plan_lines_filtered: there is
  no per-project demand mart), hours per project, team and month in the horizon.
- Capacity: fct_capacity_demand_monthly.capacity_hours per team and month in the horizon. A
  team-month without a capacity row constrains nothing (capacity unknown).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from pipelines.prioritization.portfolio import Portfolio, build_portfolio

HORIZON_FISCAL_YEARS = 3

_CANDIDATES = """
select
    projects.project_id,
    projects.project_name,
    projects.portfolio,
    projects.status,
    projects.strategic_alignment_score,
    projects.business_value_score,
    projects.risk_score,
    projects.urgency_score,
    projects.is_mandatory,
    projects.depends_on_project_ids,
    projects.exclusive_group,
    cast(date_trunc('month', projects.forecast_finish_date) as date) as finish_month,
    greatest(coalesce(performance.remaining_budget, projects.budget_at_completion, 0), 0)
        as remaining_cost
from marts.dim_projects as projects
left join marts.fct_project_cost_performance as performance
    on projects.project_id = performance.project_id
where projects.is_in_latest_extract
    and projects.status in ('Active', 'On Hold')
    and projects.phase <> 'Closed'
order by projects.project_id
"""


@dataclass(frozen=True)
class Candidate:
    """What the report shows beside the numbers."""

    project_id: str
    project_name: str
    portfolio: str
    status: str


@dataclass(frozen=True)
class WarehouseInputs:
    portfolio: Portfolio
    candidates: tuple[Candidate, ...]
    as_of_date: date
    reporting_currency: str
    horizon_months: tuple[date, ...]
    # Plan months where the cost is finance's forecast; the rest are derived from remaining BAC.
    plan_months: frozenset[date]


def _horizon(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[date, int]:
    rows = con.execute(
        """
        with current_year as (
            select fiscal_year from marts.dim_dates where date_day = ?
        )
        select distinct dates.month_start_date, dates.fiscal_year
        from marts.dim_dates as dates, current_year
        where dates.month_start_date > cast(date_trunc('month', cast(? as date)) as date)
            and dates.fiscal_year < current_year.fiscal_year + ?
        order by 1
        """,
        [as_of, as_of, HORIZON_FISCAL_YEARS],
    ).fetchall()
    return {month: int(year) for month, year in rows}


def has_candidates(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("select count(*) from marts.dim_projects").fetchone()
    return bool(row and row[0])


def read_inputs(con: duckdb.DuckDBPyConnection) -> WarehouseInputs:
    """Everything from one connection; raises ValueError when the marts hold no candidate.

    The budgets and the demand come in a fixed order: a project's costs are summed month by month
    in floating point here, so rows in another order (a parallel GROUP BY's) could change the
    last digit, and with it the fingerprint that lets a run keep the last marts (kept_result.py).
    The capacity is keyed, and DuckDB's own sum of the planned hours per team and month could
    still differ in its last digit: that costs a needless solve, never a wrong keep."""
    as_of_row = con.execute(
        "select max(as_of_date), max(reporting_currency) from marts.dim_projects"
    ).fetchone()
    if as_of_row is None or as_of_row[0] is None:
        raise ValueError("marts.dim_projects is empty: there is nothing to prioritise")
    as_of, currency = as_of_row[0], str(as_of_row[1])
    months = _horizon(con, as_of)
    if not months:
        raise ValueError(f"marts.dim_dates has no months after {as_of}: extend the calendar")
    first, last = min(months), max(months)
    fiscal_years = sorted(set(months.values()))
    rows = con.execute(_CANDIDATES).fetchall()
    plan = con.execute(
        """
        select project_id, month_start_date, sum(amount)
        from marts.fct_budgets
        where is_latest_forecast and month_start_date between ? and ?
        group by all
        order by all
        """,
        [first, last],
    ).fetchall()
    plan_years = {
        int(y)
        for (y,) in con.execute("select distinct fiscal_year from marts.fct_budgets").fetchall()
    }
    plan_months = frozenset(m for m, y in months.items() if y in plan_years)
    planned: dict[str, dict[date, float]] = defaultdict(dict)
    for project_id, month, amount in plan:
        planned[project_id][month] = float(amount or 0.0)
    demand: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for project_id, team, month, hours in con.execute(
        """
        select project_id, team, month_start_date, sum(planned_hours)
        from intermediate.int_resource_plan_lines_filtered
        where month_start_date between ? and ?
        group by all
        order by all
        """,
        [first, last],
    ).fetchall():
        demand[project_id][(team, month.strftime("%Y-%m"))] = float(hours or 0.0)
    capacity = {
        (team, month.strftime("%Y-%m")): float(hours or 0.0)
        for team, month, hours in con.execute(
            """
            select team, month_start_date, capacity_hours
            from marts.fct_capacity_demand_monthly
            where month_start_date between ? and ?
            """,
            [first, last],
        ).fetchall()
    }
    costs: dict[str, dict[int, float]] = {}
    kept: list[tuple[object, ...]] = []
    for row in rows:
        project_id, finish_month, remaining = row[0], row[11], float(row[12] or 0.0)
        by_year: dict[int, float] = defaultdict(float)
        for month, amount in planned.get(project_id, {}).items():
            by_year[months[month]] += amount
        rest = max(remaining - sum(by_year.values()), 0.0)
        later = [m for m in months if m not in plan_months and finish_month and m <= finish_month]
        for month in later:
            by_year[months[month]] += rest / len(later)
        if sum(by_year.values()) <= 0 and not demand.get(project_id):
            continue  # nothing left to fund or staff: not a decision
        costs[project_id] = dict(by_year)
        kept.append(row)
    ids = [str(r[0]) for r in kept]
    portfolio = build_portfolio(
        project_ids=ids,
        project_names=[str(r[1]) for r in kept],
        criteria={
            name: np.asarray([np.nan if r[k] is None else float(r[k]) for r in kept])  # type: ignore[arg-type]
            for name, k in (
                ("strategic_alignment", 4),
                ("business_value", 5),
                ("risk", 6),
                ("time_criticality", 7),
            )
        },
        fiscal_years=fiscal_years,
        costs=costs,
        budgets={year: 0.0 for year in fiscal_years},  # the scenario sets them
        mandatory=[str(r[0]) for r in kept if r[8]],
        depends_on={
            str(r[0]): [p.strip() for p in str(r[9]).split(";") if p.strip()] for r in kept if r[9]
        },
        exclusive_groups={str(r[0]): str(r[10]) for r in kept if r[10]},
        demand=demand,
        capacity=capacity,
    )
    return WarehouseInputs(
        portfolio=portfolio,
        candidates=tuple(Candidate(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in kept),
        as_of_date=as_of,
        reporting_currency=currency,
        horizon_months=tuple(sorted(months)),
        plan_months=plan_months,
    )
