"""The budget waterline, as commercial PPM suites draw it: fund in rank order until the money
runs out; the first candidate that does not fit is the cut line and nothing below it is funded.

Mandatory projects (and their prerequisites) are funded first, whatever their rank. Walking down
the list, a candidate whose exclusive alternative is already funded, or whose prerequisite is not
funded yet, is passed over (a ranked list cannot look ahead: that is the waterline's weakness),
as is one whose team demand no longer fits the capacity. Only money draws the line.
"""

from __future__ import annotations

import numpy as np

from pipelines.prioritization.feasibility import required_projects_problem
from pipelines.prioritization.portfolio import Portfolio
from pipelines.prioritization.scoring import Scores
from pipelines.prioritization.selection import Selection, infeasible, totals

_TOLERANCE = 1e-6


def waterline(portfolio: Portfolio, scores: Scores) -> Selection:
    problem = required_projects_problem(portfolio)
    if problem is not None:
        return infeasible("waterline", portfolio, problem)
    required = portfolio.required_closure()
    funded = required.copy()
    reasons = ["" for _ in range(portfolio.size)]
    for i in np.flatnonzero(required):
        reasons[i] = "mandatory" if portfolio.is_mandatory[i] else "prerequisite of a mandatory"
    spent = portfolio.costs[funded].sum(axis=0)
    used = np.asarray(portfolio.demand[np.flatnonzero(funded)].sum(axis=0)).ravel()
    prerequisites: dict[int, list[int]] = {}
    for a, b in portfolio.depends_on:
        prerequisites.setdefault(a, []).append(b)
    group_of = {m: g for g, members in portfolio.exclusive_groups.items() for m in members}
    group_taken = {
        g for g, members in portfolio.exclusive_groups.items() if funded[list(members)].any()
    }
    demand = portfolio.demand.tocsr()
    indptr, indices, data = demand.indptr, demand.indices, demand.data
    costs, budgets = portfolio.costs, portfolio.budgets + _TOLERANCE
    cut_rank: int | None = None
    for i in np.lexsort((np.asarray(portfolio.project_ids), scores.rank)):
        if funded[i]:
            continue
        if cut_rank is not None:
            reasons[i] = "below the waterline"
            continue
        group = group_of.get(int(i))
        if group is not None and group in group_taken:
            reasons[i] = f"passed over: its alternative in group {group!r} is funded"
            continue
        missing = [b for b in prerequisites.get(int(i), []) if not funded[b]]
        if missing:
            names = ", ".join(portfolio.project_ids[b] for b in missing)
            reasons[i] = f"passed over: prerequisite {names} not funded above it"
            continue
        if np.any(spent + costs[i] > budgets):
            cut_rank = int(scores.rank[i])
            reasons[i] = "below the waterline (first that does not fit the budget)"
            continue
        cells = indices[indptr[i] : indptr[i + 1]]
        hours = data[indptr[i] : indptr[i + 1]]
        if cells.size and np.any(used[cells] + hours > portfolio.capacity[cells] + _TOLERANCE):
            reasons[i] = "passed over: a team's capacity is used up"
            continue
        funded[i] = True
        reasons[i] = "above the waterline"
        spent = spent + costs[i]
        used[cells] += hours
        if group is not None:
            group_taken.add(group)
    value, cost = totals(portfolio, funded, scores.value)
    return Selection(
        method="waterline",
        funded=funded,
        feasible=True,
        message="",
        value=value,
        cost_by_year=cost,
        reasons=tuple(reasons),
        cut_rank=cut_rank,
    )
