"""What a method decides: the funded set, its totals, and why each candidate is in or out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.prioritization.portfolio import BoolArray, FloatArray, Portfolio


@dataclass(frozen=True)
class Selection:
    """`feasible` False means no selection satisfies the constraints; `message` says which one
    binds. `reasons` has a short text per candidate (why it is in or out) for the report."""

    method: str
    funded: BoolArray
    feasible: bool
    message: str
    value: float
    cost_by_year: FloatArray
    reasons: tuple[str, ...] = ()
    cut_rank: int | None = None  # waterline: the rank of the first candidate below the line
    mip_gap: float | None = None  # optimal: the solver's relative gap at the end
    extra: dict[str, float] = field(default_factory=dict)
    # False when a limit stopped the solver (its time limit): the selection then depends on how
    # far it got, so it is not the same in every run (kept_result.py does not keep it)
    finished: bool = True

    @property
    def total_cost(self) -> float:
        return float(self.cost_by_year.sum())


def infeasible(
    method: str, portfolio: Portfolio, message: str, *, finished: bool = True
) -> Selection:
    nothing = np.zeros(portfolio.size, dtype=bool)
    return Selection(
        method=method,
        funded=nothing,
        feasible=False,
        message=message,
        value=0.0,
        cost_by_year=np.zeros(len(portfolio.fiscal_years)),
        reasons=tuple("not decided: the scenario is infeasible" for _ in range(portfolio.size)),
        finished=finished,
    )


def totals(portfolio: Portfolio, funded: BoolArray, value: FloatArray) -> tuple[float, FloatArray]:
    return float(value[funded].sum()), np.asarray(portfolio.costs[funded].sum(axis=0))
