"""Budgets and true outturns, set from what each project's team and suppliers will really cost.

The budget is what the plan would have cost with no slip, plus contingency and an honest estimating
error; the outturn is what the slipped (or cancelled) project really costs. So a project that slips
overruns in proportion, one that is cancelled underruns, and the portfolio's numbers hang together.
"""

from __future__ import annotations

import math

from pipelines.demo.catalogue import TEAMS_BY_NAME
from pipelines.demo.dates import Window, month_of
from pipelines.demo.fx import FxRates
from pipelines.demo.non_labour import plan_non_labour
from pipelines.demo.people import Employee
from pipelines.demo.projects import CostLine, Project
from pipelines.demo.seeds import rng_for
from pipelines.demo.worktime import AVAILABILITY

_MIN_BUDGET = 25_000


def _nominal_weekly_labour(project: Project, employees: list[Employee], fx: FxRates) -> float:
    """Planned weekly team cost from the staffing plan, for projects stopped before they ran long
    enough to have a measured burn rate. Assumes people are shared (hence the 0.75)."""
    month = month_of(project.actual_start)
    total = 0.0
    for employee in employees:
        for assignment in employee.assignments:
            if assignment.project != project.index:
                continue
            share = TEAMS_BY_NAME[employee.team].project_share * min(1.0, assignment.weight)
            total += (
                employee.fte
                * 40.0
                * AVAILABILITY
                * share
                * 0.75
                * employee.rate_on(project.actual_start)
                * fx.factor(employee.currency, project.currency, month)
            )
    return total


def _members_of(employees: list[Employee]) -> dict[int, list[Employee]]:
    members: dict[int, list[Employee]] = {}
    for employee in employees:
        for assignment in employee.assignments:
            members.setdefault(assignment.project, []).append(employee)
    return members


def _labour_at_completion(project: Project, members: list[Employee], fx: FxRates) -> float:
    """Labour over the full (slipped) course. For a cancelled project, what it would have cost
    had it run: its measured weekly burn, or the staffing plan if it barely started."""
    labour_truth = sum(project.labour_by_month.values())
    if project.cancel_week is None:
        return labour_truth
    worked = project.weeks_worked_before(project.finish_week + 1)
    if worked >= 4 and labour_truth > 0:
        return labour_truth / worked * project.working_weeks_full
    return _nominal_weekly_labour(project, members, fx) * project.working_weeks_full


def _book_non_labour(
    project: Project, plan: dict[int, list[CostLine]], first_gl_month: int, as_of_month: int
) -> tuple[float, float]:
    """Keep what the exports need of the non-labour plan; returns (planned, really spent).

    Closed months are published (ledger lines from the first GL month, a capex/opex total per
    month for the finance workbook); months before the timesheet window become GL history lines;
    spend after a cancellation never happens.
    """
    last_month = month_of(project.last_cost_date)
    planned = spent = 0.0
    for month in sorted(plan):
        lines = plan[month]
        month_total = sum(line.amount for line in lines)
        planned += month_total
        if month > last_month:
            continue
        spent += month_total
        if month >= as_of_month:
            continue  # not closed yet: part of the outturn, not of any file
        capex = sum(line.amount for line in lines if line.capex)
        project.non_labour_monthly[month] = (capex, month_total - capex)
        if month < first_gl_month:
            project.non_labour_before[month] = (capex, month_total - capex)
        else:
            project.non_labour[month] = lines
    return planned, spent


def set_budgets(
    projects: list[Project], employees: list[Employee], fx: FxRates, window: Window, seed: int
) -> None:
    members = _members_of(employees)
    first_gl_month = window.gl_months[0] if window.gl_months else month_of(window.as_of)
    as_of_month = month_of(window.as_of)
    for project in projects:
        rng = rng_for(seed, "costing", project.index)
        labour_full = _labour_at_completion(project, members.get(project.index, []), fx)
        # The plan is the unslipped course, estimated with an honest error either way.
        labour_plan = (
            labour_full
            * project.baseline_weeks
            / project.working_weeks_full
            * rng.uniform(0.92, 1.08)
        )
        non_labour_plan = labour_plan * project.portfolio.non_labour_ratio * rng.uniform(0.6, 1.4)
        contingency = rng.uniform(0.02, 0.12)
        bac = max(_MIN_BUDGET, int(round((labour_plan + non_labour_plan) * (1 + contingency), -3)))
        project.bac = bac
        project.capex_budget = int(round(bac * project.capex_share, -3))
        # Suppliers are paid for time too, but less in proportion than the team when it slips.
        stretch = math.sqrt(project.working_weeks_full / project.baseline_weeks)
        non_labour_full = non_labour_plan * stretch * rng.uniform(0.88, 1.15)
        plan = plan_non_labour(project, non_labour_full, rng)
        planned, spent = _book_non_labour(project, plan, first_gl_month, as_of_month)
        project.spent_total = sum(project.labour_by_month.values()) + spent
        # Until the day it is stopped, a cancelled project's estimate is its full course.
        project.eac_full = (
            project.spent_total if project.cancel_week is None else (labour_full + planned)
        )
