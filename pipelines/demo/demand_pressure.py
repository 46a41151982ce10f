"""How hard project managers lean on each team, month by month.

PMs plan a named person at their assignment weight of a full week (`weight x FTE x 40 h`),
scaled by how much they want from the team that month: teams the portfolio leans on (developers,
analysts, the PMO) are asked for more than their people have, specialist and operational teams
less. The pressure moves with the portfolio's calendar (a seeded wave of about a year per team,
plus a little month-to-month noise), so a team can be over capacity one quarter and have room
the next, as in real plans. Deterministic for a seed.
"""

from __future__ import annotations

import math
from functools import cache

from pipelines.demo.seeds import rng_for

# A team's typical pressure: the share of an assigned person's weighted full week the PMs ask
# for. Tuned on the default demo so the teams' planned allocation (demand / capacity) averages
# roughly: Application Development, Business Analysis and PMO around or above 100 %, Data and
# Platform Engineering, Infrastructure and Security 70-90 %. Service Desk time is mostly BAU
# (few of its people sit on projects), so its allocation stays low whatever the pressure.
TEAM_PRESSURE: dict[str, float] = {
    "Application Development": 1.2,
    "Platform Engineering": 0.9,
    "Data Engineering": 1.0,
    "Infrastructure": 1.15,
    "Service Desk": 1.0,
    "Security": 0.95,
    "Business Analysis": 1.2,
    "PMO": 1.2,
}
DEFAULT_PRESSURE = 1.0
WAVE_AMPLITUDE = 0.18  # +-18 % over the year
NOISE = 0.05  # +-5 % month to month


@cache
def _phase(seed: int, team: str) -> float:
    return rng_for(seed, "demand-phase", team).uniform(0.0, 2 * math.pi)


@cache
def pressure(seed: int, team: str, month: int) -> float:
    """The factor on `team`'s asks in `month` (months since year 0, dates.month_of)."""
    wave = 1.0 + WAVE_AMPLITUDE * math.sin(2 * math.pi * month / 12 + _phase(seed, team))
    noise = rng_for(seed, "demand-noise", team, month).uniform(1.0 - NOISE, 1.0 + NOISE)
    return TEAM_PRESSURE.get(team, DEFAULT_PRESSURE) * wave * noise
