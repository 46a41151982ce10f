"""The PPM tool's resource plan: planned hours per project, team, role and month, one file a week.

Demand comes from the same staffing the timesheets are drawn from, but as project managers ask
for it, not as people end up working:

- each assignment asks for `weight x FTE x 40 h x the team's demand pressure that month`
  (demand_pressure.py) every week of its span, capped at the person's full week: project
  managers plan a named person at their weighted full week, leaning harder on some teams than
  others and more in some months, with no regard to the person's BAU or other projects (the
  timesheets cap a person at 100%; the plan does not), to holidays, or to the person leaving
  (the role is still needed after a leaver goes). Some teams are therefore over-allocated in
  some months and have room in others, as in real plans;
- a week's hours are split over its five working days, so a week that straddles a month end
  counts in both months by its weekdays;
- projects that have not started by the extract date are planned at team level (Role blank,
  people not named yet); started ones by role;
- a project cancelled by the extract date keeps only the weeks actually worked; holds and slips
  are not re-planned (plans lag reality);
- each extract covers the two months before its own month (for plan-versus-actual) up to six
  months after it.

Only each project's plan lines (team x role x month, built once) are held in memory; an
extract's rows are yielded one by one in a fixed order (project, team, role, month) and streamed
into the file, so the same seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

from pipelines.demo.dates import monday_of, month_of, period_label
from pipelines.demo.demand_pressure import pressure
from pipelines.demo.people import Employee
from pipelines.demo.projects import Project

RESOURCE_PLAN_HEADER: tuple[str, ...] = (
    "Project ID",
    "Team",
    "Role",
    "Month",
    "Planned Hours",
)
STANDARD_WEEKLY_HOURS = 40.0
MONTHS_BEFORE_EXTRACT = 2
MONTHS_AFTER_EXTRACT = 6
# The tool refuses more than a month of round-the-clock hours (24 x 31) on one plan line, and the
# quality gate checks the same bound. A line sums every person of one role on one project, so on
# big projects it can exceed that (30 of 82,456 lines in the default demo, 0.3% at enterprise
# scale): such a line is capped at the bound, understating that demand slightly.
MAX_LINE_HOURS = 744.0


_Line = tuple[str, str, int]  # team, role, month


@cache
def _weekday_months(week: int) -> list[tuple[int, int]]:
    """(month, weekdays of the week in that month) for the Monday-Friday of `week`."""
    first = monday_of(week).toordinal()
    counts: dict[int, int] = {}
    for offset in range(5):
        month = month_of(date.fromordinal(first + offset))
        counts[month] = counts.get(month, 0) + 1
    return sorted(counts.items())


def _add(
    lines: dict[_Line, float],
    team: str,
    role: str,
    week: int,
    full_week: float,
    ask: float,
    seed: int,
) -> None:
    """Add one assignment's week: `ask` of a `full_week` under the month's pressure, capped."""
    for month, weekdays in _weekday_months(week):
        key = (team, role, month)
        hours = min(full_week, full_week * ask * pressure(seed, team, month))
        lines[key] = lines.get(key, 0.0) + hours * weekdays / 5


@dataclass(frozen=True, slots=True)
class _ProjectPlan:
    """One project's plan lines over its whole life, in output order: by role and at team level."""

    by_role: list[tuple[str, str, int, float]]  # team, role, month, hours; by team, role, month
    by_team: list[tuple[str, int, float]]  # team, month, hours; by team, month


def _project_plan(lines: dict[_Line, float]) -> _ProjectPlan:
    by_role = [(team, role, month, hours) for (team, role, month), hours in sorted(lines.items())]
    teams: dict[tuple[str, int], float] = {}
    for team, _role, month, hours in by_role:  # summed in this fixed order: same bytes every run
        teams[(team, month)] = teams.get((team, month), 0.0) + hours
    by_team = [(team, month, hours) for (team, month), hours in sorted(teams.items())]
    return _ProjectPlan(by_role, by_team)


class ResourcePlan:
    """Per-project planned demand, built once from the staffing; one extract per `rows(week)`."""

    def __init__(self, projects: list[Project], employees: list[Employee], seed: int) -> None:
        self._projects = projects
        # project index -> (team, role, full week, weight, first week, last week), in employee
        # then assignment order; each project's lines are then built and kept in compact form
        asks: dict[int, list[tuple[str, str, float, float, int, int]]] = {}
        for employee in employees:
            full_week = employee.fte * STANDARD_WEEKLY_HOURS
            for a in employee.assignments:
                asks.setdefault(a.project, []).append(
                    (employee.team, employee.role, full_week, a.weight, a.first_week, a.last_week)
                )
        # The whole plan, and for a project that gets cancelled the part before its cancellation
        # (all the plan keeps once the cancellation is known).
        self._planned: dict[int, _ProjectPlan] = {}
        self._worked: dict[int, _ProjectPlan] = {}
        for index, project_asks in asks.items():
            cancel_week = projects[index].cancel_week
            whole: dict[_Line, float] = {}
            before: dict[_Line, float] = {}
            for team, role, full_week, weight, first_week, last_week in project_asks:
                for week in range(first_week, last_week + 1):
                    _add(whole, team, role, week, full_week, weight, seed)
                    if cancel_week is not None and week < cancel_week:
                        _add(before, team, role, week, full_week, weight, seed)
            self._planned[index] = _project_plan(whole)
            if before:
                self._worked[index] = _project_plan(before)
        self._labels: dict[int, str] = {}

    def _plan(self, project: Project, extract_week: int) -> _ProjectPlan | None:
        if project.cancel_week is not None and project.cancel_week <= extract_week:
            return self._worked.get(project.index)
        return self._planned.get(project.index)

    def _label(self, month: int) -> str:
        label = self._labels.get(month)
        if label is None:
            label = self._labels[month] = period_label(month)
        return label

    def rows(self, extract_week: int) -> Iterator[tuple[str, ...]]:
        """The extract of `extract_week`: every project the PPM tool knows on that Monday."""
        extract_day = monday_of(extract_week)
        extract_month = month_of(extract_day)
        first_month = extract_month - MONTHS_BEFORE_EXTRACT
        last_month = extract_month + MONTHS_AFTER_EXTRACT
        for project in self._projects:
            if project.created > extract_day:
                continue
            plan = self._plan(project, extract_week)
            if plan is None:
                continue
            project_id = project.project_id
            if project.start_week <= extract_week:
                for team, role, month, hours in plan.by_role:
                    if first_month <= month <= last_month:
                        planned = round(min(hours, MAX_LINE_HOURS), 1)
                        if planned > 0:
                            yield (project_id, team, role, self._label(month), f"{planned:.1f}")
            else:
                # Not started: people are not named yet, so the plan is by team (Role empty).
                for team, month, hours in plan.by_team:
                    if first_month <= month <= last_month:
                        planned = round(min(hours, MAX_LINE_HOURS), 1)
                        if planned > 0:
                            yield (project_id, team, "", self._label(month), f"{planned:.1f}")
