"""How a working day is spent: leave, project time, BAU and admin.

Shared by the timesheet writer (which draws each day) and the labour cost model (which uses the
expected values), so the costs behind each budget match the hours people actually book.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.demo.people import Assignment, Employee

HOURS_PER_FTE_DAY = 8.0
# A week of holiday, or else a single day off (sick, personal), per person per week.
LEAVE_WEEK_PROBABILITY = 0.05
LEAVE_DAY_PROBABILITY = 0.03
AVAILABILITY = 1.0 - (
    LEAVE_WEEK_PROBABILITY + (1.0 - LEAVE_WEEK_PROBABILITY) * LEAVE_DAY_PROBABILITY
)


def project_shares(employee: Employee, active: Sequence[Assignment]) -> list[float]:
    """Share of a working day each active assignment gets.

    Someone on projects whose weights add up to less than one keeps the rest for BAU; someone over
    one splits their project time pro rata (nobody works 150%).
    """
    total = sum(assignment.weight for assignment in active)
    if total <= 0:
        return [0.0 for _ in active]
    scale = employee.project_share * min(1.0, total) / total
    return [assignment.weight * scale for assignment in active]
