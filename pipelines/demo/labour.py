"""The expected labour cost of every project, week by week, over its whole life.

This runs before any budget exists: budgets are then set from what the assigned team will cost (so
labour plus non-labour lands near the budget), and the weeks before the history window give the
GL history lines for the cost that no timesheet export shows. Timesheets later draw noisy days
around the same expectation.
"""

from __future__ import annotations

from datetime import date, timedelta

from pipelines.demo.dates import monday_of, month_of, week_of
from pipelines.demo.fx import FxRates
from pipelines.demo.people import Assignment, Employee
from pipelines.demo.projects import Project
from pipelines.demo.worktime import AVAILABILITY, project_shares


def employed_fraction(employee: Employee, monday: date) -> float:
    """Share of the week's five working days the person is on the payroll."""
    friday = monday + timedelta(days=4)
    if employee.hired <= monday and (employee.left is None or employee.left >= friday):
        return 1.0
    days = sum(employee.employed_on(monday + timedelta(days=d)) for d in range(5))
    return days / 5


def _active_by_week(
    employee: Employee, projects: list[Project], first: int, last: int
) -> dict[int, list[Assignment]]:
    """Week -> the person's assignments whose project is being worked that week, in assignment
    order (walking each project's working spans is far cheaper than testing every week)."""
    by_week: dict[int, list[Assignment]] = {}
    for assignment in employee.assignments:
        for low, high in projects[assignment.project].working_spans:
            begin = max(low, assignment.first_week, first)
            end = min(high, assignment.last_week + 1, last + 1)
            for week in range(begin, end):
                by_week.setdefault(week, []).append(assignment)
    return by_week


def simulate_labour(
    projects: list[Project], employees: list[Employee], fx: FxRates, first_timesheet_week: int
) -> None:
    for employee in employees:
        if not employee.assignments:
            continue
        first = week_of(employee.hired)
        last = week_of(employee.left) if employee.left is not None else 10**7
        weekly_hours = employee.fte * 40.0 * AVAILABILITY
        by_week = _active_by_week(employee, projects, first, last)
        for week in sorted(by_week):
            active = by_week[week]
            monday = monday_of(week)
            present = employed_fraction(employee, monday)
            if present == 0.0:
                continue
            month = month_of(monday)
            hourly = employee.rate_on(monday)
            for assignment, share in zip(active, project_shares(employee, active), strict=True):
                project = projects[assignment.project]
                cost = (
                    weekly_hours
                    * present
                    * share
                    * hourly
                    * fx.factor(employee.currency, project.currency, month)
                )
                project.labour_by_month[month] = project.labour_by_month.get(month, 0.0) + cost
                if week < first_timesheet_week:
                    before = project.labour_before_window
                    before[month] = before.get(month, 0.0) + cost
