"""Put people on projects: a project manager and a team drawn from the teams its portfolio uses.

Each team's people are taken in a shuffled round-robin over projects ordered by start date, which
spreads assignments evenly without a calendar-aware scheduler: most people carry one to three
projects at a time, and people who join or leave only get projects that overlap their employment.
"""

from __future__ import annotations

import math
import random

from pipelines.demo.catalogue import CATEGORY_TEAM_SIZE, PROJECT_MANAGER_ROLES, TEAMS_BY_NAME
from pipelines.demo.people import Assignment, Employee
from pipelines.demo.projects import Project
from pipelines.demo.seeds import rng_for, weighted_choice

# People per project at the default mix (400 people, 150 projects); bigger head-counts per project
# mean bigger teams rather than more idle people.
_REFERENCE_PEOPLE_PER_PROJECT = 400 / 150 / 1.25


class _Pool:
    """A team's people in a fixed shuffled order, handed out round-robin."""

    def __init__(self, members: list[Employee], rng: random.Random) -> None:
        self.members = members[:]
        rng.shuffle(self.members)
        self.cursor = 0

    def take(self, project: Project, exclude: set[int]) -> Employee | None:
        for _ in range(len(self.members)):
            candidate = self.members[self.cursor]
            self.cursor = (self.cursor + 1) % len(self.members)
            if candidate.index in exclude:
                continue
            if candidate.employed_between(project.actual_start, project.last_cost_date):
                return candidate
        return None


def _window(project: Project, team: str, rng: random.Random) -> tuple[int, int]:
    """The weeks this person is on the project, from the team's typical span (BAs early, etc.)."""
    low, high = TEAMS_BY_NAME[team].span
    low = min(max(0.0, low + rng.uniform(-0.05, 0.05)), 0.9)
    high = max(min(1.0, high + rng.uniform(-0.05, 0.05)), low + 0.1)
    span = project.finish_week - project.start_week + 1
    first = project.start_week + math.floor(low * span)
    last = project.start_week + max(math.ceil(high * span) - 1, math.floor(low * span))
    return first, min(last, project.finish_week)


def staff_projects(projects: list[Project], employees: list[Employee], seed: int) -> None:
    rng = rng_for(seed, "staffing")
    by_team: dict[str, list[Employee]] = {}
    for employee in employees:
        by_team.setdefault(employee.team, []).append(employee)
    pools = {team: _Pool(members, rng) for team, members in sorted(by_team.items())}
    managers = _Pool([e for e in by_team.get("PMO", []) if e.role in PROJECT_MANAGER_ROLES], rng)
    size_scale = min(3.0, max(0.5, len(employees) / len(projects) / _REFERENCE_PEOPLE_PER_PROJECT))
    for project in sorted(projects, key=lambda p: (p.actual_start, p.index)):
        project_rng = rng_for(seed, "team", project.index)
        low, high = CATEGORY_TEAM_SIZE[project.category]
        size = max(1, round(project_rng.randint(low, high) * size_scale))
        on_project: set[int] = set()
        manager = managers.take(project, on_project) if managers.members else None
        if manager is None:
            manager = managers.members[project.index % len(managers.members)]
        project.manager = manager.name
        on_project.add(manager.index)
        first, last = _window(project, "PMO", project_rng)
        manager.assignments.append(
            Assignment(project.index, round(project_rng.uniform(0.25, 0.4), 2), first, last)
        )
        team_mix = list(project.portfolio.team_mix)
        for _ in range(size - 1):
            team = weighted_choice(project_rng, team_mix)
            member = pools[team].take(project, on_project) if team in pools else None
            if member is None:
                continue
            on_project.add(member.index)
            first, last = _window(project, team, project_rng)
            weight = round(project_rng.uniform(0.4, 1.0), 1)
            member.assignments.append(Assignment(project.index, weight, first, last))
