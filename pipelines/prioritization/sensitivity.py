"""How fragile each funding decision is: re-solve with the weights perturbed (each weight -/+10 %
one at a time, then random draws of all weights at once) and count how often each project is
funded. A project funded in some runs and not in others is fragile: its decision rests on the
exact weights, which were set by judgement, not measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.prioritization.config import ScoringModel, SensitivitySettings
from pipelines.prioritization.optimizer import optimal_selection, prepared_constraints
from pipelines.prioritization.portfolio import BoolArray, FloatArray, Portfolio
from pipelines.prioritization.scoring import score_portfolio
from pipelines.prioritization.solver_pool import Mapper, serial_map
from pipelines.prioritization.waterline import waterline


@dataclass(frozen=True)
class Perturbation:
    label: str
    weights: dict[str, float]


@dataclass(frozen=True)
class Sensitivity:
    """Per method (`waterline`, `optimal`) and candidate: the baseline decision, the share of
    perturbed runs that fund it, and the one-at-a-time perturbations that flip it."""

    runs: int
    baseline: dict[str, BoolArray]
    funded_share: dict[str, FloatArray]
    flipped_by: dict[str, tuple[tuple[str, ...], ...]]
    finished: bool = True  # every optimal solve finished (Selection.finished)

    def is_fragile(self, method: str) -> BoolArray:
        share = self.funded_share[method]
        return np.asarray(np.where(self.baseline[method], share < 1.0, share > 0.0))


def perturbations(model: ScoringModel, settings: SensitivitySettings) -> list[Perturbation]:
    weights = model.weights
    runs: list[Perturbation] = []
    for name in weights:
        for sign, word in ((-1, "-"), (1, "+")):
            changed = dict(weights)
            changed[name] = weights[name] * (1 + sign * settings.step)
            runs.append(Perturbation(f"{name} {word}{settings.step:.0%}", changed))
    rng = np.random.default_rng(settings.seed)
    for draw in range(settings.random_draws):
        factors = rng.uniform(1 - settings.random_spread, 1 + settings.random_spread, len(weights))
        runs.append(
            Perturbation(
                f"random draw {draw + 1}",
                {name: w * f for (name, w), f in zip(weights.items(), factors, strict=True)},
            )
        )
    return runs


def weight_sensitivity(
    portfolio: Portfolio,
    model: ScoringModel,
    settings: SensitivitySettings,
    *,
    mapper: Mapper = serial_map,
) -> Sensitivity:
    """`portfolio` as in the baseline scenario (its budgets, capacities and mandatory flags)."""
    constraints = prepared_constraints(portfolio)
    methods = ("waterline", "optimal")

    def decide(weights_model: ScoringModel) -> tuple[dict[str, BoolArray], bool]:
        scores = score_portfolio(portfolio, weights_model)
        optimal = optimal_selection(portfolio, scores.value, constraints=constraints)
        decided = {"waterline": waterline(portfolio, scores).funded, "optimal": optimal.funded}
        return decided, optimal.finished

    runs = perturbations(model, settings)
    decisions = mapper(decide, [model, *(model.with_weights(r.weights) for r in runs)])
    baseline, *perturbed = (decided for decided, _ in decisions)
    counts = {m: np.zeros(portfolio.size) for m in methods}
    flips: dict[str, list[list[str]]] = {m: [[] for _ in range(portfolio.size)] for m in methods}
    for run, decided in zip(runs, perturbed, strict=True):
        for method in methods:
            counts[method] += decided[method]
            if not run.label.startswith("random"):
                for i in np.flatnonzero(decided[method] != baseline[method]):
                    flips[method][i].append(run.label)
    total = max(len(runs), 1)
    return Sensitivity(
        runs=len(runs),
        baseline=baseline,
        funded_share={m: counts[m] / total for m in methods},
        flipped_by={m: tuple(tuple(f) for f in flips[m]) for m in methods},
        finished=all(finished for _, finished in decisions),
    )
