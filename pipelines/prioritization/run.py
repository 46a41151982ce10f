"""One prioritisation run: every scoring model's scores, every scenario by both methods, the
frontier and the weight sensitivity of the baseline. Pure: inputs in, results out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.prioritization.config import (
    BASELINE,
    FrontierSettings,
    Scenario,
    ScoringModel,
    SensitivitySettings,
)
from pipelines.prioritization.frontier import FrontierPoint, budget_factors, efficient_frontier
from pipelines.prioritization.portfolio import FloatArray, Portfolio
from pipelines.prioritization.scenarios import (
    ScenarioDiff,
    ScenarioResult,
    compare,
    plan_budgets,
    run_scenario,
)
from pipelines.prioritization.scoring import Scores, score_portfolio
from pipelines.prioritization.sensitivity import Sensitivity, weight_sensitivity


@dataclass(frozen=True)
class Prioritisation:
    portfolio: Portfolio
    plan_budgets: FloatArray
    scores: dict[str, Scores]
    scenarios: dict[str, ScenarioResult]
    diffs: dict[str, ScenarioDiff]
    frontier: list[FrontierPoint]
    sensitivity: Sensitivity | None
    baseline_model: str


def prioritise(
    portfolio: Portfolio,
    models: Mapping[str, ScoringModel],
    scenarios: Mapping[str, Scenario],
    sensitivity: SensitivitySettings,
    frontier: FrontierSettings,
) -> Prioritisation:
    baseline = scenarios[BASELINE]
    budgets = plan_budgets(portfolio, baseline)
    planned = portfolio.with_budgets(budgets)
    results = {name: run_scenario(portfolio, s, models, budgets) for name, s in scenarios.items()}
    diffs = {name: compare(results[BASELINE], result) for name, result in results.items()}
    base = results[BASELINE]
    model = models[baseline.scoring_model]
    points: list[FrontierPoint] = []
    spread: Sensitivity | None = None
    if portfolio.size:
        factors = budget_factors(frontier.low, frontier.high, frontier.points)
        points = efficient_frontier(base.portfolio, base.scores, factors)
        if base.feasible:
            spread = weight_sensitivity(base.portfolio, model, sensitivity)
    return Prioritisation(
        portfolio=planned,
        plan_budgets=budgets,
        scores={name: score_portfolio(portfolio, m) for name, m in models.items()},
        scenarios=results,
        diffs=diffs,
        frontier=points,
        sensitivity=spread,
        baseline_model=baseline.scoring_model,
    )
