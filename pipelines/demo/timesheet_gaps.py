"""Who does not fill in their timesheet, and for which weeks.

Real trackers are never complete: some people forget a week, or stop logging on Wednesday and
never come back to it. How often depends on the team's habits (project-coded teams are chased
by their project managers; infrastructure and analysts less so), on the person (a few chronic
late loggers miss far more often than the rest) and on the week (some weeks the reminders go out
late). A missed day is not booked at all: the time was worked, but the tracker does not know.
"""

from __future__ import annotations

import random

from pipelines.demo.people import Employee
from pipelines.demo.seeds import rng_for

# Share of person-weeks with a gap, per team, for a typical member.
TEAM_GAP_RATE: dict[str, float] = {
    "Application Development": 0.03,
    "Platform Engineering": 0.05,
    "Data Engineering": 0.03,
    "Infrastructure": 0.08,
    "Service Desk": 0.02,
    "Security": 0.05,
    "Business Analysis": 0.06,
    "PMO": 0.01,
}
DEFAULT_GAP_RATE = 0.04
# One person in seven is a chronic late logger (four times the team's rate); the rest half of it.
LATE_LOGGER_SHARE = 0.15
LATE_LOGGER_FACTOR = 4.0
PUNCTUAL_FACTOR = 0.5


def gap_probability(employee: Employee, seed: int) -> float:
    """The person's chance of a gap in a typical week, fixed for the run."""
    rng = rng_for(seed, "timesheet-habit", employee.index)
    base = TEAM_GAP_RATE.get(employee.team, DEFAULT_GAP_RATE)
    factor = LATE_LOGGER_FACTOR if rng.random() < LATE_LOGGER_SHARE else PUNCTUAL_FACTOR
    return min(0.9, base * factor)


def week_factor(seed: int, week: int) -> float:
    """How much worse (or better) than usual the week is for everyone."""
    return rng_for(seed, "timesheet-week", week).uniform(0.3, 2.2)


def weekdays_logged(probability: float, rng: random.Random) -> int:
    """How many of the week's weekdays (from Monday) the person logged: 5 = all of them.

    A gap is a whole week missing (a third of the gaps) or logging that stops after one to
    three days; either way the week is short of the compliance threshold.
    """
    if rng.random() >= probability:
        return 5
    return 0 if rng.random() < 1 / 3 else rng.randint(1, 3)
