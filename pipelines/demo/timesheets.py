"""The time tracker's weekly files: one row per person, working day and kind of time.

This is the only part of the generator whose output grows with people times weeks (tens of millions
of rows at enterprise size), so it streams: one week at a time, one person at a time, straight into
the CSV writer, with strings for dates and hours prepared once rather than per row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from pipelines.demo.catalogue import ADMIN_ACTIVITIES, TEAMS_BY_NAME
from pipelines.demo.dates import monday_of
from pipelines.demo.holidays import is_public_holiday
from pipelines.demo.people import Employee
from pipelines.demo.projects import Project
from pipelines.demo.seeds import rng_for
from pipelines.demo.timesheet_gaps import gap_probability, week_factor, weekdays_logged
from pipelines.demo.worktime import (
    HOURS_PER_FTE_DAY,
    LEAVE_DAY_PROBABILITY,
    LEAVE_WEEK_PROBABILITY,
    project_shares,
)
from pipelines.demo.writer import CsvFile

TIMESHEETS_HEADER: tuple[str, ...] = (
    "Entry ID",
    "Employee ID",
    "Work Date",
    "Project ID",
    "Time Category",
    "Hours",
    "Comment",
)

# Hours are booked in quarter hours; 0-24 h as strings, indexed by the number of quarters.
_HOURS = [f"{quarters / 4:.2f}" for quarters in range(97)]
_SINGLE_DAY_LEAVE = ("Sick leave", "Personal leave", "Annual leave", "Annual leave")


@dataclass(frozen=True, slots=True)
class _Person:
    """What the writer needs of an employee, precomputed once for the whole run."""

    employee: Employee
    employee_id: str
    hired_ordinal: int
    left_ordinal: int
    day_hours: float
    gap_probability: float
    bau: tuple[str, ...]
    project_comments: tuple[str, ...]


def _people(employees: list[Employee], seed: int) -> list[_Person]:
    people = []
    for employee in employees:
        team = TEAMS_BY_NAME[employee.team]
        people.append(
            _Person(
                employee=employee,
                employee_id=employee.employee_id,
                hired_ordinal=employee.hired.toordinal(),
                left_ordinal=employee.left.toordinal() if employee.left else 10**9,
                day_hours=employee.fte * HOURS_PER_FTE_DAY,
                gap_probability=gap_probability(employee, seed),
                bau=team.bau_activities,
                project_comments=team.project_activities,
            )
        )
    return people


class TimesheetGenerator:
    """Streams the weekly timesheet files; entry IDs run on across weeks, as the tracker's do."""

    def __init__(
        self, employees: list[Employee], projects: list[Project], seed: int, first_entry: int = 1
    ) -> None:
        self._people = _people(employees, seed)
        self._projects = projects
        self._seed = seed
        # the benchmark harness starts a later week where the base files' ids ended
        self._next_entry = first_entry

    def write_week(self, week: int, output: CsvFile) -> None:
        rng = rng_for(self._seed, "timesheets", week)
        # a stream of its own, so gaps do not shift the hours everyone else books
        gaps = rng_for(self._seed, "timesheet-gaps", week)
        how_bad = week_factor(self._seed, week)
        monday = monday_of(week)
        # nobody books time on a public holiday: the office is closed
        days = [monday + timedelta(days=offset) for offset in range(5)]
        workdays = [day for day in days if not is_public_holiday(day)]
        day_ordinals = [day.toordinal() for day in workdays]
        day_labels = [day.isoformat() for day in workdays]
        first_ordinal, last_ordinal = days[0].toordinal(), days[4].toordinal()
        working = [project.is_working(week) for project in self._projects]
        project_ids = [project.project_id for project in self._projects]
        for person in self._people:
            if person.hired_ordinal > last_ordinal or person.left_ordinal < first_ordinal:
                continue
            logged = weekdays_logged(person.gap_probability * how_bad, gaps)
            active = [
                a
                for a in person.employee.assignments
                if a.first_week <= week <= a.last_week and working[a.project]
            ]
            shares = project_shares(person.employee, active)
            booked = [
                (project_ids[a.project], share) for a, share in zip(active, shares, strict=True)
            ]
            rows = self._person_week(
                person, booked, day_ordinals[:logged], day_labels[:logged], rng
            )
            output.write_many(rows)

    def _entry_id(self) -> str:
        entry = self._next_entry
        self._next_entry = entry + 1
        return f"TS{entry:010d}"

    def _person_week(
        self,
        person: _Person,
        booked: list[tuple[str, float]],
        day_ordinals: list[int],
        day_labels: list[str],
        rng: random.Random,
    ) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        employee_id = person.employee_id
        day_hours = person.day_hours
        day_quarters = round(day_hours * 4)
        on_holiday = rng.random() < LEAVE_WEEK_PROBABILITY
        for ordinal, label in zip(day_ordinals, day_labels, strict=True):
            if not person.hired_ordinal <= ordinal <= person.left_ordinal:
                continue
            if on_holiday or rng.random() < LEAVE_DAY_PROBABILITY:
                reason = "Annual leave" if on_holiday else rng.choice(_SINGLE_DAY_LEAVE)
                rows.append(
                    (
                        self._entry_id(),
                        employee_id,
                        label,
                        "",
                        "Leave",
                        _HOURS[day_quarters],
                        reason,
                    )
                )
                continue
            # Most days are the contracted hours; some run long, a few end early.
            extra = rng.random()
            target = day_quarters
            if extra < 0.12:
                target += rng.choice((2, 4, 4, 6, 8))
            elif extra < 0.17:
                target -= rng.choice((2, 4))
            project_quarters = 0
            for project_id, share in booked:
                quarters = round(day_hours * share * rng.uniform(0.75, 1.25) * 4)
                if quarters <= 0:
                    continue
                project_quarters += quarters
                comment = rng.choice(person.project_comments) if rng.random() < 0.7 else ""
                rows.append(
                    (
                        self._entry_id(),
                        employee_id,
                        label,
                        project_id,
                        "Project",
                        _HOURS[quarters],
                        comment,
                    )
                )
            admin = rng.choice((1, 2, 2, 3, 4)) if rng.random() < 0.4 else 0
            bau = target - project_quarters - admin
            if bau > 0:
                # BAU is booked per activity (tickets, patching...), so long BAU days have
                # several lines, as they do in real trackers.
                pieces = 1 if bau < 8 else rng.choice((1, 2, 2, 3))
                for piece in range(pieces):
                    quarters = bau // pieces + (1 if piece < bau % pieces else 0)
                    rows.append(
                        (
                            self._entry_id(),
                            employee_id,
                            label,
                            "",
                            "BAU",
                            _HOURS[quarters],
                            rng.choice(person.bau),
                        )
                    )
            if admin:
                rows.append(
                    (
                        self._entry_id(),
                        employee_id,
                        label,
                        "",
                        "Admin",
                        _HOURS[admin],
                        rng.choice(ADMIN_ACTIVITIES),
                    )
                )
        return rows
