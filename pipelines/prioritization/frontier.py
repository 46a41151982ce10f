"""The efficient frontier: the most value each budget envelope can buy, from 50 % to 150 % of the
plan, with the funded set at each point (and the waterline's value at the same money, to show
what ranking alone leaves on the table).

Every fiscal year's budget is scaled by the same factor. A selection that fits a smaller envelope
fits every larger one, so the best value found so far carries forward: the optimal curve is
non-decreasing even where the solver stops within its gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.prioritization.optimizer import optimal_selection, prepared_constraints
from pipelines.prioritization.portfolio import Portfolio
from pipelines.prioritization.scoring import Scores
from pipelines.prioritization.selection import Selection
from pipelines.prioritization.solver_pool import Mapper, serial_map
from pipelines.prioritization.waterline import waterline


@dataclass(frozen=True)
class FrontierPoint:
    budget_factor: float
    budgets: np.ndarray
    optimal: Selection
    waterline: Selection


def budget_factors(low: float = 0.5, high: float = 1.5, points: int = 21) -> list[float]:
    if points < 2 or high <= low:
        raise ValueError("a frontier needs at least two points and high > low")
    return [round(float(f), 6) for f in np.linspace(low, high, points)]


def efficient_frontier(
    portfolio: Portfolio,
    scores: Scores,
    factors: list[float],
    *,
    with_waterline: bool = True,
    mapper: Mapper = serial_map,
) -> list[FrontierPoint]:
    """Every envelope solved on its own (side by side when `mapper` is a pool's), then carried
    forward in increasing order."""
    constraints = prepared_constraints(portfolio)
    envelopes = [portfolio.with_budgets(portfolio.budgets * f) for f in sorted(factors)]
    solved = mapper(
        lambda scaled: optimal_selection(scaled, scores.value, constraints=constraints), envelopes
    )
    points: list[FrontierPoint] = []
    best: Selection | None = None
    for factor, scaled, optimal in zip(sorted(factors), envelopes, solved, strict=True):
        if optimal.feasible and best is not None and best.feasible and best.value > optimal.value:
            optimal = best  # the smaller envelope's set still fits and is worth more
        if optimal.feasible:
            best = optimal
        line = waterline(scaled, scores) if with_waterline else optimal
        points.append(FrontierPoint(factor, scaled.budgets, optimal, line))
    return points
