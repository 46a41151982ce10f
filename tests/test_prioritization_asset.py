"""The prioritisation asset end to end on a hand-made warehouse: it reads the marts, writes the
five prioritisation marts, survives an infeasible scenario with a message naming the constraint,
and the report page renders every section from the marts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.prioritization.assets import portfolio_prioritization
from pipelines.prioritization.inputs import read_inputs
from pipelines.report.pages.prioritization import render_prioritization_page
from pipelines.settings import Settings

AS_OF = date(2026, 11, 16)

# id, name, mandatory, depends on, exclusive group, alignment, value, risk, urgency, remaining
# budget, finish. Costs: FY2026 from the forecast (Dec 2026 - Mar 2027), later years derived.
PROJECTS = [
    ("PRJ-0001", "Core banking", False, None, None, 5, 5, 2, 4, 1_200_000, "2027-12-31"),
    ("PRJ-0002", "Data lake", False, "PRJ-0001", None, 4, 4, 3, 3, 800_000, "2027-06-30"),
    ("PRJ-0003", "Vendor A CRM", False, None, "CRM", 3, 4, 2, 3, 600_000, "2027-09-30"),
    ("PRJ-0004", "Vendor B CRM", False, None, "CRM", 3, 3, 1, 3, 500_000, "2027-09-30"),
    (
        "PRJ-0005",
        "Regulatory <reporting> & co",
        True,
        None,
        None,
        2,
        2,
        2,
        5,
        900_000,
        "2027-03-31",
    ),
    ("PRJ-0006", "Finished", False, None, None, 5, 5, 1, 5, 0, "2026-10-31"),
]


def build_warehouse(path: Path, mandatory_cost: float | None = None) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema intermediate")
    con.execute(
        """
        create table marts.dim_dates as
        select cast(d as date) as date_day,
            cast(date_trunc('month', d) as date) as month_start_date,
            case when month(d) >= 4 then year(d) else year(d) - 1 end as fiscal_year
        from range(date '2026-04-01', date '2030-04-01', interval 1 day) as t(d)
        """
    )
    con.execute(
        """
        create table marts.dim_projects (
            project_id varchar, project_name varchar, portfolio varchar, status varchar,
            phase varchar, strategic_alignment_score integer, business_value_score integer,
            risk_score integer, urgency_score integer, is_mandatory boolean,
            depends_on_project_ids varchar, exclusive_group varchar, forecast_finish_date date,
            budget_at_completion decimal(38, 6), is_in_latest_extract boolean, as_of_date date,
            reporting_currency varchar)
        """
    )
    con.execute(
        "create table marts.fct_project_cost_performance "
        "(project_id varchar, remaining_budget decimal(38, 6))"
    )
    con.execute(
        "create table marts.fct_budgets (project_id varchar, month_start_date date, "
        "fiscal_year integer, amount decimal(38, 6), is_latest_forecast boolean)"
    )
    con.execute(
        "create table marts.fct_capacity_demand_monthly "
        "(team varchar, month_start_date date, capacity_hours decimal(38, 6))"
    )
    con.execute(
        "create table intermediate.int_resource_plan_lines_filtered (project_id varchar, "
        "team varchar, month_start_date date, planned_hours decimal(38, 6))"
    )
    for row in PROJECTS:
        pid, name, mandatory, deps, group, sa, bv, risk, urg, remaining, finish = row
        done = pid == "PRJ-0006"
        if mandatory and mandatory_cost is not None:
            remaining = int(mandatory_cost)
        con.execute(
            "insert into marts.dim_projects values "
            "(?, ?, 'Digital', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?, 'USD')",
            [
                pid,
                name,
                "Completed" if done else "Active",
                "Closed" if done else "Execution",
                sa,
                bv,
                risk,
                urg,
                mandatory,
                deps,
                group,
                finish,
                remaining,
                AS_OF,
            ],
        )
        con.execute(
            "insert into marts.fct_project_cost_performance values (?, ?)", [pid, remaining]
        )
        if not done:
            # A quarter of the remaining budget is forecast in Dec 2026 - Mar 2027.
            for month in ("2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01"):
                con.execute(
                    "insert into marts.fct_budgets values (?, ?, 2026, ?, true)",
                    [pid, month, remaining / 16],
                )
            con.execute(
                "insert into intermediate.int_resource_plan_lines_filtered values "
                "(?, 'Data Engineering', date '2027-01-01', 100)",
                [pid],
            )
    con.execute(
        "insert into marts.fct_capacity_demand_monthly values "
        "('Data Engineering', date '2027-01-01', 350), ('Security', date '2027-01-01', 100)"
    )
    con.close()


def test_inputs_derive_costs_beyond_the_plan_year(tmp_path: Path) -> None:
    """PRJ-0001: remaining 1.2 M, 0.3 M forecast in FY2026 (Dec-Mar); the other 0.9 M is spread
    evenly over Apr 2027 - Dec 2027 (9 months): all of it in FY2027. PRJ-0005 finishes in March
    2027, inside the plan year, so its cost is the forecast alone. The finished PRJ-0006 is no
    candidate; PRJ-0002's dependency and the CRM alternatives come through."""
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    with duckdb.connect(str(path)) as con:
        inputs = read_inputs(con)
    p = inputs.portfolio
    assert p.project_ids == ("PRJ-0001", "PRJ-0002", "PRJ-0003", "PRJ-0004", "PRJ-0005")
    assert p.fiscal_years == (2026, 2027, 2028)
    assert p.costs[0].tolist() == pytest.approx([300_000, 900_000, 0])
    assert p.costs[4].tolist() == pytest.approx([225_000, 0, 0])
    assert p.depends_on == ((1, 0),)
    assert dict(p.exclusive_groups) == {"CRM": (2, 3)}
    assert p.is_mandatory.tolist() == [False, False, False, False, True]
    assert p.resources == (("Data Engineering", "2027-01"), ("Security", "2027-01"))


def materialize_prioritization(path: Path) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        [portfolio_prioritization],
        resources={
            "duckdb": DuckDBResource(database=str(path)),
            "settings": Settings(warehouse_path=path),
        },
    )
    assert result.success
    return result


def test_asset_writes_the_marts_and_the_page_renders(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    materialize_prioritization(path)
    with duckdb.connect(str(path), read_only=True) as con:
        counts = {
            t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]  # type: ignore[index]
            for t in (
                "fct_prioritization_scores",
                "fct_prioritization_selections",
                "fct_prioritization_frontier",
                "fct_prioritization_sensitivity",
                "fct_prioritization_scenarios",
            )
        }
        scenarios = dict(
            con.execute(
                "select scenario, is_feasible from marts.fct_prioritization_scenarios "
                "where method = 'optimal'"
            ).fetchall()
        )
        funded = con.execute(
            "select list(project_id order by project_id) from marts.fct_prioritization_selections"
            " where scenario = 'baseline' and method = 'optimal' and is_funded"
        ).fetchone()[0]  # type: ignore[index]
        cost_2027 = con.execute(
            "select cost_by_fiscal_year[2027] from marts.fct_prioritization_scores "
            "where project_id = 'PRJ-0001' and scoring_model = 'weighted'"
        ).fetchone()[0]  # type: ignore[index]
        page = render_prioritization_page(con, tmp_path / "site")
    assert counts["fct_prioritization_scores"] == 5 * 2  # two scoring models
    assert counts["fct_prioritization_frontier"] == 21 * 2  # optimal and waterline per point
    assert counts["fct_prioritization_sensitivity"] == 5 * 2
    assert scenarios["baseline"] and scenarios["budget_cut_10pct"]
    assert not scenarios["must_fund_list"]  # its project ids are not in this warehouse
    assert "PRJ-0005" in funded  # mandatory
    assert not ({"PRJ-0003", "PRJ-0004"} <= set(funded))  # alternatives
    assert "PRJ-0002" not in funded or "PRJ-0001" in funded  # dependency
    assert cost_2027 == pytest.approx(900_000)
    html = page.read_text(encoding="utf-8")
    assert "Regulatory &lt;reporting&gt; &amp; co" in html  # escaped, never raw
    assert "Waterline: the next project does not fit a fiscal year" in html
    assert (tmp_path / "site" / "charts" / "prioritization_frontier.svg").exists()
    assert "must-fund project(s) PRJ-0023, PRJ-0058, PRJ-0129 are not candidates" in html


def test_infeasible_baseline_is_a_row_with_the_reason_not_a_crash(tmp_path: Path) -> None:
    """PRJ-0005 is mandatory and now costs 16 M: a quarter, 4.0 M, falls in FY2026, against a
    baseline budget of 80 % of all candidates' FY2026 cost = 0.8 x (4.0 + 0.725) M = 3.8 M."""
    path = tmp_path / "w.duckdb"
    build_warehouse(path, mandatory_cost=16_000_000)
    materialize_prioritization(path)
    with duckdb.connect(str(path), read_only=True) as con:
        feasible, message = con.execute(
            "select is_feasible, message from marts.fct_prioritization_scenarios "
            "where scenario = 'baseline' and method = 'optimal'"
        ).fetchone()  # type: ignore[misc]
        page = render_prioritization_page(con, tmp_path / "site")
    assert not feasible
    assert message == "mandatory project PRJ-0005 cost 4.0 M in FY2026 against a budget of 3.8 M"
    html = page.read_text(encoding="utf-8")
    assert "The baseline plan cannot be funded: mandatory project PRJ-0005 cost 4.0 M" in html


def test_page_without_prioritisation_marts_says_so(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        con.execute("create schema marts")
        page = render_prioritization_page(con, tmp_path / "site")
    assert "The warehouse has no prioritisation yet" in page.read_text(encoding="utf-8")
