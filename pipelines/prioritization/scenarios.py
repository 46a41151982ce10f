"""Scenarios: the baseline plan and its named variants (a budget cut, a team's capacity halved,
a must-fund list), each solved by both methods and compared with the baseline.

A scenario that cannot be met is a result, not an error: it comes back infeasible with the
message naming the binding constraint, so one bad what-if never stops the run or blanks the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from pipelines.prioritization.config import Scenario, ScoringModel
from pipelines.prioritization.optimizer import optimal_selection
from pipelines.prioritization.portfolio import FloatArray, Portfolio
from pipelines.prioritization.scoring import Scores, score_portfolio
from pipelines.prioritization.selection import Selection, infeasible
from pipelines.prioritization.waterline import waterline


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    portfolio: Portfolio
    scores: Scores
    waterline: Selection
    optimal: Selection

    @property
    def feasible(self) -> bool:
        return self.optimal.feasible

    @property
    def message(self) -> str:
        return self.optimal.message or self.waterline.message

    def selection(self, method: str) -> Selection:
        return self.optimal if method == "optimal" else self.waterline


@dataclass(frozen=True)
class ScenarioDiff:
    """Against the baseline, per method: which projects the scenario adds and drops."""

    funded_in: dict[str, tuple[str, ...]]
    funded_out: dict[str, tuple[str, ...]]
    value_delta: dict[str, float | None]
    cost_delta: dict[str, float | None]


def plan_budgets(portfolio: Portfolio, baseline: Scenario) -> FloatArray:
    """The plan's budget per fiscal year: explicit amounts, or a share of what the candidates
    would cost that year (the demand the budget is set against)."""
    if baseline.budget_by_fiscal_year is not None:
        return np.asarray(
            [baseline.budget_by_fiscal_year.get(year, 0.0) for year in portfolio.fiscal_years]
        )
    share = baseline.budget_share_of_cost if baseline.budget_share_of_cost is not None else 1.0
    return np.asarray(portfolio.costs.sum(axis=0) * share, dtype=np.float64)


def _configuration_problem(portfolio: Portfolio, scenario: Scenario) -> str | None:
    unknown = [p for p in scenario.must_fund if p not in portfolio.project_ids]
    if unknown:
        return (
            f"must-fund project(s) {', '.join(unknown)} are not candidates (not in the latest "
            "projects extract, or finished, cancelled or without remaining cost)"
        )
    teams = {team for team, _period in portfolio.resources}
    missing = sorted(set(scenario.team_capacity_factors) - teams)
    if missing:
        return f"team(s) {', '.join(missing)} have no capacity in the horizon (unknown team?)"
    return None


def run_scenario(
    portfolio: Portfolio,
    scenario: Scenario,
    models: Mapping[str, ScoringModel],
    budgets: FloatArray,
) -> ScenarioResult:
    """Apply the scenario to the plan (`budgets` = the baseline's) and solve both methods."""
    if scenario.scoring_model not in models:
        raise ValueError(
            f"scenario {scenario.name!r} names scoring model {scenario.scoring_model!r}; "
            f"known: {sorted(models)}"
        )
    scores = score_portfolio(portfolio, models[scenario.scoring_model])
    problem = _configuration_problem(portfolio, scenario)
    if problem is not None:
        return ScenarioResult(
            scenario,
            portfolio.with_budgets(budgets * scenario.budget_factor),
            scores,
            infeasible("waterline", portfolio, problem),
            infeasible("optimal", portfolio, problem),
        )
    applied = (
        portfolio.with_budgets(budgets * scenario.budget_factor)
        .with_capacity_factors(scenario.team_capacity_factors)
        .with_mandatory(scenario.must_fund)
    )
    return ScenarioResult(
        scenario,
        applied,
        scores,
        waterline(applied, scores),
        optimal_selection(applied, scores.value),
    )


def compare(baseline: ScenarioResult, other: ScenarioResult) -> ScenarioDiff:
    ids = np.asarray(baseline.portfolio.project_ids)
    funded_in: dict[str, tuple[str, ...]] = {}
    funded_out: dict[str, tuple[str, ...]] = {}
    value_delta: dict[str, float | None] = {}
    cost_delta: dict[str, float | None] = {}
    same_model = baseline.scores.model == other.scores.model
    for method in ("waterline", "optimal"):
        base, alt = baseline.selection(method), other.selection(method)
        if not (base.feasible and alt.feasible):
            funded_in[method] = funded_out[method] = ()
            value_delta[method] = cost_delta[method] = None
            continue
        funded_in[method] = tuple(str(p) for p in ids[alt.funded & ~base.funded])
        funded_out[method] = tuple(str(p) for p in ids[base.funded & ~alt.funded])
        # Values of different scoring models are different units: no delta between them.
        value_delta[method] = alt.value - base.value if same_model else None
        cost_delta[method] = alt.total_cost - base.total_cost
    return ScenarioDiff(funded_in, funded_out, value_delta, cost_delta)
