"""Optimal selection: the set of candidates with the most total value that fits every fiscal
year's budget and every team's capacity in every period, funds the mandatory projects, funds a
project only with its prerequisites and at most one of each exclusive group.

A 0/1 mixed-integer programme solved by HiGHS through scipy.optimize.milp, the constraint matrix
built sparse (a candidate touches its budget years and the few team-periods it needs), each row
scaled to a largest coefficient of 1 (money in the millions and hours in the thousands otherwise
span 1e-7 of HiGHS's tolerances).

Up to EXACT_LIMIT candidates the programme is solved whole, to a relative gap of 1e-6: exact for
any portfolio office's real list. Above it, proving optimality of a 5,000-candidate programme
with thousands of capacity rows can take minutes, so the solve is LP-guided: the LP relaxation
gives an upper bound on the value; the candidates the LP leaves fractional, plus the CORE_EXTRA
with the smallest reduced costs, stay free and the rest are fixed at their LP values; the MILP on
that core gives the selection. `mip_gap` is then (LP bound - value) / LP bound: a proven bound on
how far from the optimum the selection can be, reported with every frontier point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from pipelines.prioritization.feasibility import required_projects_problem
from pipelines.prioritization.native_output import native_stdout_silenced
from pipelines.prioritization.portfolio import BoolArray, FloatArray, Portfolio
from pipelines.prioritization.selection import Selection, infeasible, totals

MIP_REL_GAP = 1e-6
# Within the core. The reported gap is against the LP bound, and on the 10 M benchmark (2,853
# candidates, 75 solves) the LP bound alone leaves about 1e-4: a core target of 1e-4 took 74 s,
# one solve stopping at the 30 s limit (so its selection depended on the machine's load); 5e-4
# took 9 s, no solve over 0.3 s, every reported gap under 4e-4 (docs/benchmarks.md).
CORE_MIP_REL_GAP = 5e-4
EXACT_LIMIT = 1500
CORE_EXTRA = 250
TIME_LIMIT_SECONDS = 30.0
_OPTIMAL, _PROVEN_INFEASIBLE = 0, 2  # scipy's milp statuses (1: a limit stopped it)
_INFEASIBLE = (
    "no selection satisfies every constraint together: the mandatory projects, their "
    "prerequisites and exclusive alternatives cannot all fit the budgets and team capacities"
)


@dataclass(frozen=True)
class PreparedConstraints:
    """The scaled constraint rows; the first len(budget_scale) rows are the fiscal years'
    budgets, so a frontier point only replaces their right-hand side."""

    matrix: sparse.csr_array
    upper: FloatArray
    budget_scale: FloatArray

    def with_budgets(self, budgets: FloatArray) -> LinearConstraint:
        upper = self.upper.copy()
        upper[: len(budgets)] = budgets * self.budget_scale
        return LinearConstraint(self.matrix, -np.inf, upper)


def _row_scale(matrix: sparse.csr_array) -> FloatArray:
    largest = np.zeros(matrix.shape[0])
    if matrix.nnz:
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        np.maximum.at(largest, rows, np.abs(matrix.data))
    return np.asarray(np.where(largest > 0, 1.0 / np.where(largest > 0, largest, 1.0), 1.0))


def prepared_constraints(portfolio: Portfolio) -> PreparedConstraints:
    """The constraint matrix once, for repeated solves that change only the budgets."""
    n = portfolio.size
    budget_rows = sparse.csr_array(portfolio.costs.T)
    budget_scale = _row_scale(budget_rows)
    blocks: list[sparse.csr_array] = [sparse.csr_array(sparse.diags(budget_scale) @ budget_rows)]
    upper: list[FloatArray] = [portfolio.budgets * budget_scale]
    demand = portfolio.demand.tocsc()
    used = np.flatnonzero(np.diff(demand.indptr))  # only team-periods someone demands
    if used.size:
        rows = sparse.csr_array(demand[:, used].T)
        scale = _row_scale(rows)
        blocks.append(sparse.csr_array(sparse.diags(scale) @ rows))
        upper.append(portfolio.capacity[used] * scale)
    if portfolio.depends_on:
        pairs = np.asarray(portfolio.depends_on, dtype=np.int64)
        k = len(pairs)
        data = np.tile([1.0, -1.0], k)  # x_a - x_b <= 0
        blocks.append(
            sparse.csr_array((data, (np.repeat(np.arange(k), 2), pairs.ravel())), shape=(k, n))
        )
        upper.append(np.zeros(k))
    groups = [members for members in portfolio.exclusive_groups.values() if len(members) > 1]
    if groups:
        rows_g = np.concatenate([np.full(len(m), g) for g, m in enumerate(groups)])
        cols = np.concatenate([np.asarray(m) for m in groups])
        blocks.append(
            sparse.csr_array((np.ones(cols.size), (rows_g, cols)), shape=(len(groups), n))
        )
        upper.append(np.ones(len(groups)))
    return PreparedConstraints(
        sparse.csr_array(sparse.vstack(blocks, format="csr")),
        np.concatenate(upper),
        budget_scale,
    )


def _core_bounds(
    value: FloatArray, constraint: LinearConstraint, lower: FloatArray
) -> tuple[FloatArray, FloatArray, float] | None:
    """Bounds fixing the LP-integral candidates outside the core, and the LP's value bound."""
    relaxed = linprog(
        -value,
        A_ub=constraint.A,
        b_ub=constraint.ub,
        bounds=np.column_stack([lower, np.ones(value.size)]),
        method="highs",
    )
    if relaxed.status != 0:
        return None
    x = relaxed.x
    reduced = -value - constraint.A.T @ relaxed.ineqlin.marginals
    core = (x > 1e-6) & (x < 1 - 1e-6)
    core[np.argsort(np.abs(reduced))[:CORE_EXTRA]] = True
    fixed = np.round(x)
    low = np.maximum(np.where(core, lower, fixed), lower)
    high = np.maximum(np.where(core, 1.0, fixed), low)
    return low, high, float(-relaxed.fun)


def optimal_selection(
    portfolio: Portfolio,
    value: FloatArray,
    *,
    time_limit: float = TIME_LIMIT_SECONDS,
    constraints: PreparedConstraints | None = None,
) -> Selection:
    """Maximise total `value`; `constraints` may be passed in when only the budgets change."""
    problem = required_projects_problem(portfolio)
    if problem is not None:
        return infeasible("optimal", portfolio, problem)
    required = portfolio.required_closure()
    if portfolio.size == 0:  # nothing to choose: HiGHS is not asked about an empty programme
        return Selection("optimal", required, True, "", 0.0, np.zeros(len(portfolio.budgets)))
    lower = required.astype(np.float64)
    prepared = constraints or prepared_constraints(portfolio)
    constraint = prepared.with_budgets(portfolio.budgets)
    upper = np.ones(portfolio.size)
    lp_bound: float | None = None
    gap_target = MIP_REL_GAP
    if portfolio.size > EXACT_LIMIT:
        gap_target = CORE_MIP_REL_GAP
        core = _core_bounds(value, constraint, lower)
        if core is None:
            return infeasible("optimal", portfolio, _INFEASIBLE)
        lower, upper, lp_bound = core
    with native_stdout_silenced():
        result = milp(
            c=-value,
            integrality=np.ones(portfolio.size),
            bounds=Bounds(lower, upper),
            constraints=constraint,
            options={"mip_rel_gap": gap_target, "time_limit": time_limit, "disp": False},
        )
    if result.x is None:
        if result.status == _PROVEN_INFEASIBLE:
            return infeasible("optimal", portfolio, _INFEASIBLE)
        message = f"the solver stopped: {result.message}"
        return infeasible("optimal", portfolio, message, finished=False)
    funded: BoolArray = np.asarray(result.x > 0.5)
    total_value, cost = totals(portfolio, funded, value)
    if lp_bound is not None:
        gap = max(0.0, (lp_bound - total_value) / lp_bound) if lp_bound > 0 else 0.0
    else:
        gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    reasons = tuple(
        (
            "mandatory"
            if portfolio.is_mandatory[i]
            else "prerequisite of a mandatory"
            if required[i]
            else "funded in the optimum"
        )
        if funded[i]
        else "not in the optimum"
        for i in range(portfolio.size)
    )
    return Selection(
        method="optimal",
        funded=funded,
        feasible=True,
        message="" if result.status == _OPTIMAL else f"solver: {result.message}",
        value=total_value,
        cost_by_year=cost,
        reasons=reasons,
        mip_gap=gap,
        finished=result.status == _OPTIMAL,
    )
