"""The IT department's people: teams, roles, capacity, effective-dated cost rates, joiners, leavers.

HR's extract has one row per person per rate period, so a pay rise is a second row starting on the
day it takes effect; a leaver's last row carries an end date. Timesheets and the labour cost model
both read these same objects, which is what keeps hours, rates and costs consistent.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.demo.catalogue import FIRST_NAMES, LAST_NAMES, LOCATIONS, TEAMS, Role, Team
from pipelines.demo.dates import Window, month_of, month_start, to_business_day
from pipelines.demo.seeds import rng_for, weighted_choice

RESOURCES_HEADER: tuple[str, ...] = (
    "Employee ID",
    "Employee Name",
    "Team",
    "Role",
    "FTE",
    "Weekly Capacity Hours",
    "Cost Rate",
    "Currency",
    "Active From",
    "Active To",
)

_FTE_WEIGHTS: tuple[tuple[float, float], ...] = ((1.0, 0.86), (0.8, 0.09), (0.5, 0.05))
_MANAGER_ROLES = frozenset({"Engineering Manager", "Infrastructure Manager", "Service Desk Lead"})


@dataclass(slots=True)
class RatePeriod:
    start: date
    end: date | None
    rate: float


@dataclass(slots=True)
class Assignment:
    """One person on one project for a span of weeks, with a weight for their project time."""

    project: int  # index into the run's project list
    weight: float
    first_week: int
    last_week: int


@dataclass(slots=True)
class Employee:
    index: int
    employee_id: str
    name: str
    team: str
    role: str
    fte: float
    currency: str
    hired: date
    left: date | None
    rates: list[RatePeriod]
    # Share of working time that goes to projects while the person is assigned to any.
    project_share: float
    assignments: list[Assignment] = field(default_factory=list)

    def rate_on(self, day: date) -> float:
        for period in reversed(self.rates):
            if period.start <= day:
                return period.rate
        return self.rates[0].rate

    def employed_on(self, day: date) -> bool:
        return self.hired <= day and (self.left is None or day <= self.left)

    def employed_between(self, first: date, last: date) -> bool:
        return self.hired <= last and (self.left is None or self.left >= first)


def _pick_team(index: int, rng: random.Random) -> Team:
    # The first people fill every team once, so even a tiny run has a project manager and an
    # engineer of each kind; after that headcount follows the team weights.
    if index < len(TEAMS):
        return TEAMS[index]
    return weighted_choice(rng, [(team, team.weight) for team in TEAMS])


def _pick_role(team: Team, index: int, rng: random.Random) -> Role:
    if index < len(TEAMS):
        return team.roles[0]  # e.g. the first PMO member is a plain Project Manager
    return weighted_choice(rng, [(role, role.weight) for role in team.roles])


def _hire_date(window: Window, rng: random.Random) -> date:
    start = window.first_timesheet_day
    if rng.random() < 0.88:
        return to_business_day(start - timedelta(days=rng.randint(400, 4000)))
    # Recent joiners, some of them inside the history window.
    span = (window.as_of - start).days + 400
    return to_business_day(start - timedelta(days=400) + timedelta(days=rng.randint(0, span - 7)))


def _leave_date(window: Window, hired: date, rng: random.Random) -> date | None:
    # About 6% of people leave in a half-year of history.
    if rng.random() >= min(0.5, 0.06 * window.weeks / 26):
        return None
    earliest = max(hired + timedelta(days=60), window.first_timesheet_day + timedelta(days=14))
    latest = window.as_of - timedelta(days=1)
    if earliest >= latest:
        return None
    leave = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
    return leave - timedelta(days=max(0, leave.weekday() - 4))  # leavers go on a weekday


def _rate_periods(
    usd_rate: float,
    factor: float,
    hired: date,
    left: date | None,
    window: Window,
    rng: random.Random,
) -> list[RatePeriod]:
    rate = round(usd_rate * factor * rng.uniform(0.88, 1.12), 2)
    if rng.random() >= 0.3:
        return [RatePeriod(hired, left, rate)]
    # Pay reviews and promotions take effect on the first of a month, some inside the window.
    first = month_of(window.first_timesheet_day) - 4
    change = month_start(rng.randint(first, month_of(window.as_of)))
    if change <= hired + timedelta(days=90) or (left is not None and change >= left):
        return [RatePeriod(hired, left, rate)]
    raise_factor = rng.uniform(1.1, 1.16) if rng.random() < 0.2 else rng.uniform(1.025, 1.07)
    return [
        RatePeriod(hired, change - timedelta(days=1), rate),
        RatePeriod(change, left, round(rate * raise_factor, 2)),
    ]


def generate_employees(count: int, window: Window, seed: int) -> list[Employee]:
    width = max(5, len(str(count)))
    employees: list[Employee] = []
    for index in range(count):
        rng = rng_for(seed, "employee", index)
        team = _pick_team(index, rng)
        role = _pick_role(team, index, rng)
        _location, currency, _weight, factor = weighted_choice(
            rng, [(loc, loc[2]) for loc in LOCATIONS]
        )
        fte = 1.0 if index < len(TEAMS) else weighted_choice(rng, _FTE_WEIGHTS)
        hired = _hire_date(window, rng) if index >= len(TEAMS) else date(2015, 1, 5)
        left = _leave_date(window, hired, rng) if index >= len(TEAMS) else None
        share = team.project_share * rng.uniform(0.85, 1.1)
        if role.title in _MANAGER_ROLES:
            share *= 0.5  # line managers spend most of their time running the team
        employees.append(
            Employee(
                index=index,
                employee_id=f"EMP-{index + 1:0{width}d}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                team=team.name,
                role=role.title,
                fte=fte,
                currency=currency,
                hired=hired,
                left=left,
                rates=_rate_periods(role.usd_rate, factor, hired, left, window, rng),
                project_share=min(0.92, share),
            )
        )
    return employees


def resource_rows(employees: list[Employee]) -> Iterator[tuple[str, ...]]:
    for employee in employees:
        for period in employee.rates:
            yield (
                employee.employee_id,
                employee.name,
                employee.team,
                employee.role,
                f"{employee.fte:.1f}",
                f"{employee.fte * 40:.1f}",
                f"{period.rate:.2f}",
                employee.currency,
                period.start.isoformat(),
                period.end.isoformat() if period.end else "",
            )
