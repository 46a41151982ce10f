"""One prioritisation run: every scoring model's scores, every scenario by both methods, the
frontier and the weight sensitivity of the baseline. Pure: inputs in, results out."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

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
from pipelines.prioritization.solver_pool import Mapper, pool_threads, solver_pool


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

    @property
    def finished(self) -> bool:
        """Every optimal solve finished: no limit stopped one, so the same inputs give the same
        marts (kept_result.py keeps only such a result)."""
        selections = [s.optimal for s in self.scenarios.values()]
        selections += [point.optimal for point in self.frontier]
        return all(s.finished for s in selections) and (
            self.sensitivity is None or self.sensitivity.finished
        )


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
    with solver_pool(workers) as mapper, _phases(pool_threads(workers) > 1) as start:
        return _prioritise(portfolio, models, scenarios, sensitivity, frontier, mapper, start)


Start = Callable[..., "Future[Any]"]


@contextmanager
def _phases(side_by_side: bool) -> Iterator[Start]:
    """Run a phase of solves now, beside the others (each feeds the one solver pool, so a long
    solve of one phase does not leave the pool's other threads idle until it ends); with one
    solver thread, each phase runs when started, one after the other."""
    if not side_by_side:

        def run_now(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
            done: Future[Any] = Future()
            done.set_result(fn(*args, **kwargs))
            return done

        yield run_now
        return
    with ThreadPoolExecutor(3, "phase") as phases:
        yield phases.submit


def _prioritise(
    portfolio: Portfolio,
    models: Mapping[str, ScoringModel],
    scenarios: Mapping[str, Scenario],
    sensitivity: SensitivitySettings,
    frontier: FrontierSettings,
    mapper: Mapper,
    start: Start,
) -> Prioritisation:
    """The baseline is solved first; the other scenarios start beside it, and the frontier and the
    weight sensitivity (which need the baseline's plan, scores and feasibility) as soon as it is
    done. Every solve is deterministic, so the results do not depend on what ran beside what."""
    baseline = scenarios[BASELINE]
    budgets = plan_budgets(portfolio, baseline)
    planned = portfolio.with_budgets(budgets)

    def solve(chosen: list[Scenario]) -> list[ScenarioResult]:
        return mapper(lambda s: run_scenario(portfolio, s, models, budgets), chosen)

    others = [scenario for name, scenario in scenarios.items() if name != BASELINE]
    others_solved = start(solve, others)
    (base,) = solve([baseline])
    points: Future[list[FrontierPoint]] | None = None
    spread: Future[Sensitivity] | None = None
    if portfolio.size:
        factors = budget_factors(frontier.low, frontier.high, frontier.points)
        points = start(efficient_frontier, base.portfolio, base.scores, factors, mapper=mapper)
        if base.feasible:
            model = models[baseline.scoring_model]
            spread = start(weight_sensitivity, base.portfolio, model, sensitivity, mapper=mapper)
    solved = dict(zip((s.name for s in others), others_solved.result(), strict=True))
    results = {name: base if name == BASELINE else solved[name] for name in scenarios}
    return Prioritisation(
        portfolio=planned,
        plan_budgets=budgets,
        scores={name: score_portfolio(portfolio, m) for name, m in models.items()},
        scenarios=results,
        diffs={name: compare(base, result) for name, result in results.items()},
        frontier=points.result() if points is not None else [],
        sensitivity=spread.result() if spread is not None else None,
        baseline_model=baseline.scoring_model,
    )
