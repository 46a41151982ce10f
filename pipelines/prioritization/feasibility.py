"""Why a scenario cannot be funded, in words: the constraint that binds and the projects in it.

The solver only says "infeasible"; the portfolio manager needs "mandatory projects PRJ-0003,
PRJ-0017 cost 12.4 M in FY2027 against a budget of 10.0 M". The usual causes are checked
directly on the projects that must be funded (mandatory ones and their prerequisites).
"""

from __future__ import annotations

import numpy as np

from pipelines.prioritization.portfolio import Portfolio


def money(amount: float) -> str:
    """Millions with one decimal: the unit budgets are discussed in."""
    return f"{amount / 1_000_000:,.1f} M"


def _names(portfolio: Portfolio, indices: np.ndarray, limit: int = 8) -> str:
    ids = [portfolio.project_ids[int(i)] for i in indices]
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def required_projects_problem(portfolio: Portfolio) -> str | None:
    """The first violated constraint among the projects that must be funded, or None."""
    required = portfolio.required_closure()
    if not required.any():
        return None
    label = "mandatory projects" if required.sum() > 1 else "mandatory project"
    for group, members in sorted(portfolio.exclusive_groups.items()):
        forced = [m for m in members if required[m]]
        if len(forced) > 1:
            return (
                f"{label} {_names(portfolio, np.asarray(forced))} are alternatives in exclusive "
                f"group {group!r}: at most one of them can be funded"
            )
    indices = np.flatnonzero(required)
    cost = portfolio.costs[required].sum(axis=0)
    for y, year in enumerate(portfolio.fiscal_years):
        if cost[y] > portfolio.budgets[y] * (1 + 1e-9) + 1e-6:
            payers = indices[portfolio.costs[indices, y] > 0]
            return (
                f"{label} {_names(portfolio, payers)} cost {money(cost[y])} in FY{year} "
                f"against a budget of {money(portfolio.budgets[y])}"
            )
    if portfolio.resources:
        demand = np.asarray(portfolio.demand[indices].sum(axis=0)).ravel()
        over = np.flatnonzero(demand > portfolio.capacity + 1e-6)
        if over.size:
            r = int(over[np.argmax(demand[over] - portfolio.capacity[over])])
            team, period = portfolio.resources[r]
            users = indices[portfolio.demand[indices][:, [r]].toarray().ravel() > 0]
            return (
                f"{label} {_names(portfolio, users)} need {demand[r]:,.0f} h of team {team!r} "
                f"in {period} against a capacity of {portfolio.capacity[r]:,.0f} h"
            )
    return None
