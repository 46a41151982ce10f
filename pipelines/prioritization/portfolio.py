"""The decision problem as arrays: candidates, their costs per fiscal year, their demand on each
team and period, the budgets and capacities, and the rules that tie candidates together.

Arrays rather than per-project objects because the frontier solves the same problem 21 times for
5,000 candidates; the constraint matrices are built from these once per solve without Python loops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Portfolio:
    """Everything the methods need; indices into `project_ids` identify a candidate.

    - `criteria`: criterion name -> one value per candidate (NaN = not given).
    - `costs[i, y]`: candidate i's cost in fiscal year `fiscal_years[y]`, reporting currency.
    - `demand[i, r]`: hours candidate i plans from resource `resources[r]` = (team, period).
    - `depends_on`: (a, b) pairs, a can only be funded together with b.
    - `exclusive_groups`: group name -> candidates that are alternatives (at most one funded).
    """

    project_ids: tuple[str, ...]
    project_names: tuple[str, ...]
    criteria: Mapping[str, FloatArray]
    fiscal_years: tuple[int, ...]
    costs: FloatArray
    budgets: FloatArray
    is_mandatory: BoolArray
    resources: tuple[tuple[str, str], ...] = ()
    demand: sparse.csr_array = field(default_factory=lambda: sparse.csr_array((0, 0)))
    capacity: FloatArray = field(default_factory=lambda: np.zeros(0))
    depends_on: tuple[tuple[int, int], ...] = ()
    exclusive_groups: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.project_ids)
        if self.demand.shape == (0, 0):
            object.__setattr__(self, "demand", sparse.csr_array((n, len(self.resources))))
        problems = []
        if self.costs.shape != (n, len(self.fiscal_years)):
            problems.append(f"costs has shape {self.costs.shape}, expected ({n}, years)")
        if self.budgets.shape != (len(self.fiscal_years),):
            problems.append("one budget per fiscal year")
        if self.demand.shape != (n, len(self.resources)):
            problems.append(f"demand has shape {self.demand.shape}")
        if self.capacity.shape != (len(self.resources),):
            problems.append("one capacity per resource")
        if self.is_mandatory.shape != (n,):
            problems.append("one mandatory flag per candidate")
        for name, values in self.criteria.items():
            if values.shape != (n,):
                problems.append(f"criterion {name!r} needs one value per candidate")
        if problems:
            raise ValueError("inconsistent portfolio: " + "; ".join(problems))

    @property
    def size(self) -> int:
        return len(self.project_ids)

    @property
    def total_costs(self) -> FloatArray:
        return np.asarray(self.costs.sum(axis=1), dtype=np.float64)

    def index_of(self, project_id: str) -> int:
        return self.project_ids.index(project_id)

    def with_budgets(self, budgets: FloatArray) -> Portfolio:
        return replace(self, budgets=np.asarray(budgets, dtype=np.float64))

    def with_mandatory(self, project_ids: Sequence[str]) -> Portfolio:
        """Force `project_ids` in (a must-fund list); unknown ids are the caller's error."""
        flags = self.is_mandatory.copy()
        for project_id in project_ids:
            flags[self.index_of(project_id)] = True
        return replace(self, is_mandatory=flags)

    def with_capacity_factors(self, factors: Mapping[str, float]) -> Portfolio:
        """Scale every period's capacity of the named teams (0.5 = halved)."""
        capacity = self.capacity.copy()
        for r, (team, _period) in enumerate(self.resources):
            if team in factors:
                capacity[r] *= factors[team]
        return replace(self, capacity=capacity)

    def required_closure(self) -> BoolArray:
        """Mandatory candidates plus everything they depend on, transitively: all must be funded."""
        required = self.is_mandatory.copy()
        prerequisites: dict[int, list[int]] = {}
        for a, b in self.depends_on:
            prerequisites.setdefault(a, []).append(b)
        stack = [int(i) for i in np.flatnonzero(required)]
        while stack:
            for b in prerequisites.get(stack.pop(), []):
                if not required[b]:
                    required[b] = True
                    stack.append(b)
        return required


def build_portfolio(
    *,
    project_ids: Sequence[str],
    criteria: Mapping[str, npt.ArrayLike],
    fiscal_years: Sequence[int],
    costs: Mapping[str, Mapping[int, float]],
    budgets: Mapping[int, float],
    project_names: Sequence[str] | None = None,
    mandatory: Sequence[str] = (),
    depends_on: Mapping[str, Sequence[str]] | None = None,
    exclusive_groups: Mapping[str, str | None] | None = None,
    demand: Mapping[str, Mapping[tuple[str, str], float]] | None = None,
    capacity: Mapping[tuple[str, str], float] | None = None,
) -> Portfolio:
    """A portfolio from plain mappings keyed by project id (what tests and the warehouse give).

    A dependency on a project that is not a candidate is dropped: it is delivered already or not
    up for decision, so it constrains nothing. Demand on a (team, period) with no capacity entry is
    not constrained (the capacity is not known; the plan's own over-allocation report covers it).
    """
    ids = tuple(project_ids)
    position = {project_id: i for i, project_id in enumerate(ids)}
    years = tuple(int(y) for y in fiscal_years)
    cost_matrix = np.zeros((len(ids), len(years)))
    for project_id, by_year in costs.items():
        for year, amount in by_year.items():
            if year in years and project_id in position:
                cost_matrix[position[project_id], years.index(year)] = float(amount)
    resources = tuple(sorted(capacity or {}))
    resource_position = {resource: r for r, resource in enumerate(resources)}
    rows: list[int] = []
    cols: list[int] = []
    hours: list[float] = []
    for project_id, by_resource in (demand or {}).items():
        for resource, value in by_resource.items():
            if project_id in position and resource in resource_position and value:
                rows.append(position[project_id])
                cols.append(resource_position[resource])
                hours.append(float(value))
    demand_matrix = sparse.csr_array(
        (np.asarray(hours), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(len(ids), len(resources)),
    )
    pairs = tuple(
        (position[a], position[b])
        for a, prerequisites in (depends_on or {}).items()
        for b in prerequisites
        if a in position and b in position and a != b
    )
    groups: dict[str, list[int]] = {}
    for project_id, group in (exclusive_groups or {}).items():
        if group and project_id in position:
            groups.setdefault(group, []).append(position[project_id])
    return Portfolio(
        project_ids=ids,
        project_names=tuple(project_names) if project_names is not None else ids,
        criteria={name: np.asarray(values, dtype=np.float64) for name, values in criteria.items()},
        fiscal_years=years,
        costs=cost_matrix,
        budgets=np.asarray([float(budgets[y]) for y in years]),
        is_mandatory=np.asarray([project_id in set(mandatory) for project_id in ids]),
        resources=resources,
        demand=demand_matrix,
        capacity=np.asarray([float((capacity or {})[r]) for r in resources]),
        depends_on=pairs,
        exclusive_groups={name: tuple(members) for name, members in groups.items()},
    )
