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
from pipelines.prioritization.solver_pool import Mapper, solver_pool


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
    *,
    workers: int = 0,
) -> Prioritisation:
    """`workers`: threads for the independent solves (one per core when 0)."""
    with solver_pool(workers) as mapper:
        return _prioritise(portfolio, models, scenarios, sensitivity, frontier, mapper)


def _prioritise(
    portfolio: Portfolio,
    models: Mapping[str, ScoringModel],
    scenarios: Mapping[str, Scenario],
    sensitivity: SensitivitySettings,
    frontier: FrontierSettings,
    mapper: Mapper,
) -> Prioritisation:
    baseline = scenarios[BASELINE]
    budgets = plan_budgets(portfolio, baseline)
    planned = portfolio.with_budgets(budgets)
    solved = mapper(lambda s: run_scenario(portfolio, s, models, budgets), scenarios.values())
    results = dict(zip(scenarios, solved, strict=True))
    diffs = {name: compare(results[BASELINE], result) for name, result in results.items()}
    base = results[BASELINE]
    model = models[baseline.scoring_model]
    points: list[FrontierPoint] = []
    spread: Sensitivity | None = None
    if portfolio.size:
        factors = budget_factors(frontier.low, frontier.high, frontier.points)
        points = efficient_frontier(base.portfolio, base.scores, factors, mapper=mapper)
        if base.feasible:
            spread = weight_sensitivity(base.portfolio, model, sensitivity, mapper=mapper)
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
