"""Scores: the weighted scoring model and WSJF, from the candidates' criteria.

Normalisation `range` maps a criterion's fixed scale (1-5) to 0..1, so a project's score does not
change when other projects join or leave the list; `minmax` uses the candidates' own spread (for
criteria without a fixed scale, such as money). A missing value counts as the worst (0 after the
direction), so an unscored project is never favoured by a gap in the export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.prioritization.config import Criterion, ScoringModel
from pipelines.prioritization.portfolio import FloatArray, Portfolio


@dataclass(frozen=True)
class Scores:
    """Per candidate: normalised criteria, the score (ranks), the value (what selections add up)
    and the rank (1 = best; ties broken by project id so the order is reproducible)."""

    model: str
    normalised: dict[str, FloatArray]
    score: FloatArray
    value: FloatArray
    rank: np.ndarray


def normalise(values: FloatArray, criterion: Criterion) -> FloatArray:
    """Map to 0..1 where 1 is best (the direction applied); NaN becomes 0 (worst)."""
    if criterion.normalisation == "range":
        low, high = criterion.scale_min, criterion.scale_max
    else:
        present = values[~np.isnan(values)]
        low = float(present.min()) if present.size else 0.0
        high = float(present.max()) if present.size else 0.0
    if high > low:
        scaled = np.clip((values - low) / (high - low), 0.0, 1.0)
    else:
        scaled = np.full(values.shape, 0.5)  # no spread: the criterion cannot tell them apart
    if criterion.direction == "lower_is_better":
        scaled = 1.0 - scaled
    return np.where(np.isnan(values), 0.0, scaled)


def rank_order(score: FloatArray, project_ids: tuple[str, ...]) -> np.ndarray:
    """Candidate indices best first: score descending, then project id ascending."""
    ids = np.asarray(project_ids)
    return np.lexsort((ids, -score))


def score_portfolio(portfolio: Portfolio, model: ScoringModel) -> Scores:
    missing = [c.name for c in model.criteria if c.name not in portfolio.criteria]
    if missing:
        raise ValueError(f"scoring model {model.name!r} needs criteria {missing} the data lacks")
    normalised = {c.name: normalise(portfolio.criteria[c.name], c) for c in model.criteria}
    weights = model.weights
    total_weight = sum(weights.values())
    weighted = sum(weights[name] * normalised[name] for name in normalised)
    if model.kind == "weighted":
        score = 100.0 * np.asarray(weighted, dtype=np.float64) / total_weight
        value = score
    else:
        # Cost of delay on the criteria's own 1-5 scale (SAFe's relative points), direction applied.
        cost_of_delay = np.zeros(portfolio.size)
        for criterion in model.criteria:
            raw = portfolio.criteria[criterion.name]
            points = normalised[criterion.name] * (criterion.scale_max - criterion.scale_min)
            points = points + criterion.scale_min
            cost_of_delay += weights[criterion.name] * np.where(np.isnan(raw), 0.0, points)
        job_size = np.maximum(portfolio.total_costs / model.job_size_unit, model.job_size_floor)
        score = cost_of_delay / job_size
        value = cost_of_delay
    # Rounded so sums of the same weights in another order tie exactly (ranks by project id).
    score = np.round(score, 9)
    value = np.round(value, 9)
    order = rank_order(score, portfolio.project_ids)
    rank = np.empty(portfolio.size, dtype=np.int64)
    rank[order] = np.arange(1, portfolio.size + 1)
    return Scores(model.name, normalised, score, np.asarray(value, dtype=np.float64), rank)
