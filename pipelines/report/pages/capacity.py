"""Resource capacity page (capacity.html): can the teams deliver what the plan asks of them?

Capacity against planned demand and the hours actually booked, per month and team; each month's
demand is its plan of record (the resource plan in force before the month began, as the mart
takes it); the over-allocated team-months; utilisation; and whether people log their time (timesheet
compliance), because utilisation is only as good as the timesheets behind it. Ratios are ratios
of sums, so a portfolio-wide figure is never an average of team percentages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import duckdb

from pipelines.report.charts import ChartImage
from pipelines.report.coverage import topic_note
from pipelines.report.formatting import format_month, format_pct
from pipelines.report.pages._shared import (
    day,
    format_hours,
    mart_status,
    num,
    ratio_pct,
    whole,
)
from pipelines.report.pages.chart_helpers import (
    OVER_COLOUR,
    PAGE_CHART_WIDTH,
    SERIES_COLOURS,
    inline_data,
    styled,
    write_page_chart,
)
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.sql_helpers import fetch_dicts

# The page's charts are charts/capacity-<name>.svg (chart_helpers.write_page_chart).
SLUG = "capacity"
SPEC = PageSpec(
    template="capacity.html.j2",
    marts=(
        "fct_capacity_demand_monthly",
        "fct_capacity_demand_portfolio_monthly",
        "fct_capacity_demand_by_team",
        "fct_timesheet_compliance_weekly",
        "fct_timesheet_compliance_portfolio_weekly",
        "fct_timesheet_compliance_by_team",
    ),
    charts=(
        "charts/capacity-monthly.svg",
        "charts/capacity-allocation.svg",
        "charts/capacity-compliance.svg",
    ),
)

DEMAND_COLUMNS = (
    "team",
    "month_start_date",
    "fiscal_period",
    "capacity_hours",
    "planned_demand_hours",
    "actual_hours",
    "capacity_hours_to_date",
    "planned_allocation",
    "is_over_allocated",
    "over_allocation_hours",
    "has_complete_timesheets",
    "plan_extract_date",
    "plan_basis",
)
COMPLIANCE_COLUMNS = (
    "employee_id",
    "iso_week_start_date",
    "team",
    "expected_hours",
    "logged_hours",
    "missing_hours",
    "is_compliant",
)


@dataclass(frozen=True)
class Totals:
    """Capacity, demand and actual summed over a month or a team (ratios of these sums)."""

    capacity_hours: float | None
    planned_demand_hours: float | None  # None when no resource plan is loaded
    actual_hours: float | None  # None when no timesheet covers any of the days
    capacity_hours_to_date: float | None
    over_allocated_count: int
    over_allocation_hours: float | None

    @property
    def utilisation_pct(self) -> float | None:
        return ratio_pct(self.actual_hours, self.capacity_hours_to_date)

    @property
    def allocation_pct(self) -> float | None:
        return ratio_pct(self.planned_demand_hours, self.capacity_hours)


@dataclass(frozen=True)
class MonthRow:
    month_start_date: date
    fiscal_period: int
    complete_timesheets: bool
    totals: Totals
    plan_extract_date: date | None  # the month's plan of record; None without a plan
    plan_basis: str  # 'plan of record', 'earliest plan available' or 'no plan'


@dataclass(frozen=True)
class TeamRow:
    team: str
    totals: Totals
    cells: tuple[float | None, ...]  # planned allocation % per month of CapacityData.months
    over: tuple[bool, ...]


@dataclass(frozen=True)
class OverAllocation:
    team: str
    month_start_date: date
    capacity_hours: float | None
    planned_demand_hours: float | None
    over_allocation_hours: float | None
    allocation_pct: float | None


@dataclass(frozen=True)
class WeekRow:
    week_start_date: date
    people: int  # people expected to log time that week
    compliant: int
    expected_hours: float | None
    logged_hours: float | None
    missing_hours: float | None

    @property
    def compliance_pct(self) -> float | None:
        return ratio_pct(float(self.compliant), float(self.people))

    @property
    def incomplete(self) -> int:
        return self.people - self.compliant


@dataclass(frozen=True)
class TeamCompliance:
    team: str
    person_weeks: int
    non_compliant: int
    missing_hours: float | None

    @property
    def compliance_pct(self) -> float | None:
        return ratio_pct(float(self.person_weeks - self.non_compliant), float(self.person_weeks))


@dataclass(frozen=True)
class CapacityData:
    notes: tuple[str, ...]
    has_plan: bool
    has_actuals: bool
    plan_extract_date: date | None  # the latest plan any month's demand comes from
    earliest_plan_months: int  # months that began before the first extract
    total: Totals | None
    months: tuple[MonthRow, ...]
    teams: tuple[TeamRow, ...]
    team_count: int
    over_allocations: tuple[OverAllocation, ...]
    over_allocation_count: int
    weeks: tuple[WeekRow, ...]
    team_compliance: tuple[TeamCompliance, ...]
    compliance_total: WeekRow | None

    @property
    def weeks_with_gaps(self) -> int:
        """Weeks shown in which at least one person's timesheet is incomplete."""
        return sum(1 for week in self.weeks if week.incomplete > 0)


def _totals(row: dict[str, Any], has_plan: bool, has_actuals: bool) -> Totals:
    return Totals(
        capacity_hours=num(row["capacity_hours"]),
        planned_demand_hours=num(row["planned_demand_hours"]) if has_plan else None,
        actual_hours=num(row["actual_hours"]) if has_actuals else None,
        capacity_hours_to_date=num(row["capacity_hours_to_date"]),
        over_allocated_count=whole(row["over_allocated_count"]) if has_plan else 0,
        over_allocation_hours=num(row["over_allocation_hours"]) if has_plan else None,
    )


_SUMS = """
    sum(capacity_hours) as capacity_hours,
    sum(planned_demand_hours) as planned_demand_hours,
    sum(actual_hours) as actual_hours,
    sum(capacity_hours_to_date) as capacity_hours_to_date,
    count(*) filter (where is_over_allocated) as over_allocated_count,
    sum(over_allocation_hours) as over_allocation_hours
"""


def load_demand(con: duckdb.DuckDBPyConnection, notes: list[str]) -> dict[str, Any]:
    """Months, teams (with their month-by-month allocation) and the worst over-allocations."""
    overall = fetch_dicts(
        con,
        f"""
        select {_SUMS}, max(plan_extract_date) as plan_extract_date,
            bool_or(capacity_hours_to_date > 0) as has_covered_days,
            count(distinct team) as team_count
        from marts.fct_capacity_demand_monthly
        """,
    )[0]
    plan_date = day(overall["plan_extract_date"])
    has_plan = plan_date is not None
    has_actuals = bool(overall["has_covered_days"])
    if not has_plan:
        notes.append(
            "No resource plan is loaded: planned demand and over-allocation cannot be shown."
        )
    if not has_actuals:
        notes.append(
            "No timesheets cover the reporting months: actual hours and utilisation cannot be "
            "measured."
        )
    months = tuple(
        MonthRow(
            month_start_date=day(r["month_start_date"]) or date.min,
            fiscal_period=whole(r["fiscal_period"]),
            complete_timesheets=bool(r["complete"]),
            totals=_totals(r, has_plan, has_actuals and num(r["capacity_hours_to_date"]) != 0),
            plan_extract_date=day(r["plan_extract_date"]),
            plan_basis=str(r["plan_basis"]),
        )
        for r in fetch_dicts(
            con,
            """
            select *, has_complete_timesheets as complete
            from marts.fct_capacity_demand_portfolio_monthly
            order by month_start_date
            """,
        )
    )
    month_index = {m.month_start_date: i for i, m in enumerate(months)}
    # Each team's month-by-month allocation, laid out as the row's cells.
    cells_by_team: dict[str, list[dict[str, Any]]] = {}
    for cell in fetch_dicts(
        con,
        """
        select team, month_start_date, planned_allocation, is_over_allocated
        from marts.fct_capacity_demand_monthly
        order by team, month_start_date
        """,
    ):
        cells_by_team.setdefault(str(cell["team"]), []).append(cell)
    team_rows = fetch_dicts(
        con,
        """
        select * from marts.fct_capacity_demand_by_team
        order by over_allocation_hours desc, team
        """,
    )
    teams = []
    for r in team_rows:
        cells: list[float | None] = [None] * len(months)
        over = [False] * len(months)
        for cell in cells_by_team.get(str(r["team"]), []):
            i = month_index[day(cell["month_start_date"]) or date.min]
            allocation = cell["planned_allocation"]
            cells[i] = None if allocation is None else float(allocation) * 100
            over[i] = bool(cell["is_over_allocated"])
        teams.append(
            TeamRow(
                team=str(r["team"]),
                totals=_totals(r, has_plan, has_actuals),
                cells=tuple(cells) if has_plan else (None,) * len(months),
                over=tuple(over),
            )
        )
    over_rows = fetch_dicts(
        con,
        """
        select team, month_start_date, capacity_hours, planned_demand_hours,
            over_allocation_hours, planned_allocation
        from marts.fct_capacity_demand_monthly
        where is_over_allocated
        order by over_allocation_hours desc, month_start_date, team
        """,
    )
    return {
        "has_plan": has_plan,
        "has_actuals": has_actuals,
        "plan_extract_date": plan_date,
        "earliest_plan_months": sum(1 for m in months if m.plan_basis == "earliest plan available"),
        "total": _totals(overall, has_plan, has_actuals),
        "months": months,
        "teams": tuple(teams),
        "team_count": whole(overall["team_count"]),
        "over_allocations": tuple(
            OverAllocation(
                team=str(r["team"]),
                month_start_date=day(r["month_start_date"]) or date.min,
                capacity_hours=num(r["capacity_hours"]),
                planned_demand_hours=num(r["planned_demand_hours"]),
                over_allocation_hours=num(r["over_allocation_hours"]),
                allocation_pct=None
                if r["planned_allocation"] is None
                else float(r["planned_allocation"]) * 100,
            )
            for r in over_rows
        ),
        "over_allocation_count": whole(overall["over_allocated_count"]) if has_plan else 0,
    }


_WEEK_SUMS = """
    count(*) filter (where expected_hours > 0) as people,
    count(*) filter (where expected_hours > 0 and is_compliant) as compliant,
    sum(expected_hours) as expected_hours,
    sum(logged_hours) as logged_hours,
    sum(missing_hours) as missing_hours
"""


def _week(r: dict[str, Any], week: date) -> WeekRow:
    return WeekRow(
        week_start_date=week,
        people=whole(r["people"]),
        compliant=whole(r["compliant"]),
        expected_hours=num(r["expected_hours"]),
        logged_hours=num(r["logged_hours"]),
        missing_hours=num(r["missing_hours"]),
    )


def load_compliance(
    con: duckdb.DuckDBPyConnection,
) -> tuple[tuple[WeekRow, ...], tuple[TeamCompliance, ...], WeekRow]:
    """Per week (the latest 53 at most) and per team over the whole timesheet history."""
    weeks = tuple(
        _week(r, day(r["iso_week_start_date"]) or date.min)
        for r in reversed(
            fetch_dicts(
                con,
                """
                select iso_week_start_date, expected_people as people,
                    compliant_people as compliant, expected_hours, logged_hours, missing_hours
                from marts.fct_timesheet_compliance_portfolio_weekly
                order by iso_week_start_date desc
                limit 53
                """,
            )
        )
    )
    teams = tuple(
        TeamCompliance(
            team=str(r["team"]) if r["team"] is not None else "(no team)",
            person_weeks=whole(r["people"]),
            non_compliant=whole(r["people"]) - whole(r["compliant"]),
            missing_hours=num(r["missing_hours"]),
        )
        for r in fetch_dicts(
            con,
            """
            select team, expected_person_weeks as people, compliant_person_weeks as compliant,
                expected_hours, logged_hours, missing_hours
            from marts.fct_timesheet_compliance_by_team
            order by expected_person_weeks - compliant_person_weeks desc, team
            """,
        )
    )
    total_row = fetch_dicts(con, f"select {_WEEK_SUMS} from marts.fct_timesheet_compliance_weekly")[
        0
    ]
    return weeks, teams, _week(total_row, weeks[-1].week_start_date)


def load_capacity(con: duckdb.DuckDBPyConnection) -> CapacityData:
    demand = mart_status(con, "fct_capacity_demand_monthly", DEMAND_COLUMNS, "capacity figures")
    compliance = mart_status(
        con,
        "fct_timesheet_compliance_weekly",
        COMPLIANCE_COLUMNS,
        "timesheets, so timesheet compliance cannot be measured",
    )
    notes = [s.note for s in (demand, compliance) if s.note]
    if source_note := topic_note(con, "timesheets"):
        notes.insert(0, source_note)  # a published export supplies none of it: say so first
    parts: dict[str, Any] = {
        "has_plan": False,
        "has_actuals": False,
        "plan_extract_date": None,
        "earliest_plan_months": 0,
        "total": None,
        "months": (),
        "teams": (),
        "team_count": 0,
        "over_allocations": (),
        "over_allocation_count": 0,
    }
    if demand.has_rows:
        parts = load_demand(con, notes)
    weeks, team_compliance, compliance_total = (
        load_compliance(con) if compliance.has_rows else ((), (), None)
    )
    return CapacityData(
        notes=tuple(notes),
        weeks=weeks,
        team_compliance=team_compliance,
        compliance_total=compliance_total,
        **parts,
    )


def monthly_chart(months: tuple[MonthRow, ...]) -> Any:
    """Grouped bars per month: capacity, planned demand and actual hours, all teams."""
    series = ["Capacity", "Planned demand", "Actual"]
    records: list[dict[str, Any]] = []
    for m in months:
        label = format_month(m.month_start_date)
        values = (m.totals.capacity_hours, m.totals.planned_demand_hours, m.totals.actual_hours)
        for name, value in zip(series, values, strict=True):
            if value is not None:
                records.append({"month": label, "series": name, "hours": value})
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar()
        .encode(
            x=alt.X(
                "month:N",
                sort=[format_month(m.month_start_date) for m in months],
                title=None,
                axis=alt.Axis(labelAngle=-45),
            ),
            xOffset=alt.XOffset("series:N", sort=series),
            y=alt.Y("hours:Q", title="Hours", axis=alt.Axis(format=",.3~s")),
            color=alt.Color(
                "series:N", title=None, scale=alt.Scale(domain=series, range=list(SERIES_COLOURS))
            ),
        )
        .properties(width=PAGE_CHART_WIDTH, height=260)
    )
    return styled(chart)


def monthly_alt(data: CapacityData) -> str:
    first = format_month(data.months[0].month_start_date)
    last = format_month(data.months[-1].month_start_date)
    over_months = [m for m in data.months if m.totals.over_allocated_count]
    text = (
        f"Bar chart of capacity, planned demand and actual hours per month for "
        f"{data.team_count} team(s), {first} to {last}. "
    )
    if data.has_plan:
        text += (
            f"{data.over_allocation_count} team-month(s) are over-allocated, in "
            f"{len(over_months)} of {len(data.months)} month(s). "
        )
    if data.total is not None and data.has_actuals:
        text += f"Utilisation to date {format_pct(data.total.utilisation_pct)}."
    return text


def allocation_chart(data: CapacityData) -> Any:
    """Heat map of planned allocation (demand / capacity) per team and month, labelled in cells.

    The value is printed in every cell and over-allocated cells are outlined, so the colour scale
    is never the only way to read it.
    """
    records: list[dict[str, Any]] = []
    for team in data.teams:
        for m, value, over in zip(data.months, team.cells, team.over, strict=True):
            if value is None and not over:
                continue
            records.append(
                {
                    "team": team.team,
                    "month": format_month(m.month_start_date),
                    "allocation": value,
                    "label": ("\u25b2 " if over else "") + format_pct(value),
                    "state": "Over-allocated" if over else "Within capacity",
                }
            )
    months = [format_month(m.month_start_date) for m in data.months]
    teams = [t.team for t in data.teams]
    base = alt.Chart(inline_data(records)).encode(
        x=alt.X(
            "month:N",
            sort=months,
            title=None,
            axis=alt.Axis(labelAngle=0, orient="top", grid=False, ticks=False, domain=False),
        ),
        y=alt.Y(
            "team:N", sort=teams, title=None, axis=alt.Axis(grid=False, ticks=False, labelLimit=240)
        ),
    )
    is_over = "datum.state === 'Over-allocated'"
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        # Every over-allocated cell in the alarm colour (the overrun red of every chart), the
        # rest in blues by allocation: a scale blending blue into red drew them purple, a colour
        # that says nothing. How far over is the printed value (and the ▲) in the cell.
        color=alt.condition(
            is_over,
            alt.value(OVER_COLOUR),
            alt.Color(
                "allocation:Q",
                title="Planned allocation % (over-allocated: red)",
                scale=alt.Scale(domain=[0, 100], range=["#f7fbff", "#6baed6"], clamp=True),
            ),
        ),
    )
    labels = base.mark_text(fontSize=10).encode(
        text="label:N",
        color=alt.condition(is_over, alt.value("white"), alt.value("black")),
    )
    chart = alt.layer(cells, labels).properties(
        width=max(PAGE_CHART_WIDTH - 200, 70 * len(months)), height=max(60, 24 * len(teams))
    )
    return styled(chart)


def allocation_alt(data: CapacityData) -> str:
    worst = data.over_allocations[0] if data.over_allocations else None
    text = (
        f"Heat map of planned demand as a percentage of capacity for {len(data.teams)} team(s) "
        f"by month; {data.over_allocation_count} cell(s) are over 100% (marked \u25b2)."
    )
    if worst is not None:
        text += (
            f" Largest: {worst.team} in {format_month(worst.month_start_date)}, "
            f"{format_hours(worst.over_allocation_hours)} hours over "
            f"({format_pct(worst.allocation_pct)})."
        )
    return text


def compliance_chart(weeks: tuple[WeekRow, ...]) -> Any:
    records = [
        {"week": w.week_start_date.isoformat(), "compliance": w.compliance_pct}
        for w in weeks
        if w.compliance_pct is not None
    ]
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar(color=SERIES_COLOURS[2])
        .encode(
            x=alt.X("week:N", title="Week starting", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(
                "compliance:Q",
                title="People with a complete timesheet (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
        )
        .properties(width=PAGE_CHART_WIDTH, height=220)
    )
    return styled(chart)


def compliance_alt(data: CapacityData) -> str:
    weeks = data.weeks
    latest = weeks[-1]
    total = data.compliance_total
    return (
        f"Bar chart of timesheet compliance per week, {len(weeks)} week(s) from "
        f"{weeks[0].week_start_date.isoformat()} to {latest.week_start_date.isoformat()}. "
        f"Latest week: {format_pct(latest.compliance_pct)} of {latest.people} people; whole "
        f"period: {format_pct(total.compliance_pct if total else None)}."
    )


def write_charts(data: CapacityData, out_dir: Path, currency: str) -> dict[str, ChartImage]:
    charts: dict[str, ChartImage] = {}
    if data.months:
        charts["monthly"] = write_page_chart(
            monthly_chart(data.months),
            page=SLUG,
            name="monthly",
            alt_text=monthly_alt(data),
            currency=currency,
            out_dir=out_dir,
        )
    if data.has_plan and data.teams:
        charts["allocation"] = write_page_chart(
            allocation_chart(data),
            page=SLUG,
            name="allocation",
            alt_text=allocation_alt(data),
            currency=currency,
            out_dir=out_dir,
        )
    if data.weeks:
        charts["compliance"] = write_page_chart(
            compliance_chart(data.weeks),
            page=SLUG,
            name="compliance",
            alt_text=compliance_alt(data),
            currency=currency,
            out_dir=out_dir,
        )
    return charts


def render(inputs: PageInputs) -> str:
    """The capacity page's HTML; its charts are written to out_dir/charts/capacity-*.svg."""
    data = load_capacity(inputs.con)
    charts = write_charts(data, inputs.out_dir, str(inputs.common["currency"]))
    return inputs.render_template(SPEC, capacity=data, charts=charts, hours=format_hours)


PAGE = SitePage(
    file_name="capacity.html",
    label="Capacity",
    description="team capacity against demand, over-allocation, timesheet compliance",
    spec=SPEC,
    render=render,
    topic="timesheets",
)
