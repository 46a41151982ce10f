"""The scoring models and scenarios, read from the `prioritization/` folder (YAML).

They are configuration, not code, so the portfolio office can change a weight or add a scenario
without a release; every value is validated here so a typo fails loudly with the file's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml  # type: ignore[import-untyped, unused-ignore]  # no stubs; mypy's cache may not ask

from pipelines.settings import PROJECT_ROOT

CONFIG_DIR = PROJECT_ROOT / "prioritization"
BASELINE = "baseline"

Direction = Literal["higher_is_better", "lower_is_better"]
Normalisation = Literal["range", "minmax"]


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: float
    direction: Direction = "higher_is_better"
    normalisation: Normalisation = "range"
    scale_min: float = 1.0
    scale_max: float = 5.0


@dataclass(frozen=True)
class ScoringModel:
    """`weighted`: score = 100 x weighted mean of normalised criteria; value = score.
    `wsjf`: cost of delay = weighted sum of the criteria; score = cost of delay / job size
    (cost in millions over the horizon); value = cost of delay."""

    name: str
    label: str
    kind: Literal["weighted", "wsjf"]
    criteria: tuple[Criterion, ...]
    job_size_unit: float = 1_000_000.0
    job_size_floor: float = 0.01

    @property
    def weights(self) -> dict[str, float]:
        return {criterion.name: criterion.weight for criterion in self.criteria}

    def with_weights(self, weights: Mapping[str, float]) -> ScoringModel:
        criteria = tuple(
            Criterion(
                c.name, weights[c.name], c.direction, c.normalisation, c.scale_min, c.scale_max
            )
            for c in self.criteria
        )
        return ScoringModel(
            self.name, self.label, self.kind, criteria, self.job_size_unit, self.job_size_floor
        )


@dataclass(frozen=True)
class Scenario:
    """A variant of the baseline plan. The baseline sets the budget as a share of the candidates'
    cost per fiscal year (or explicit amounts); the others scale it with `budget_factor`."""

    name: str
    label: str
    description: str
    scoring_model: str = "weighted"
    budget_share_of_cost: float | None = None
    budget_by_fiscal_year: Mapping[int, float] | None = None
    budget_factor: float = 1.0
    team_capacity_factors: Mapping[str, float] = field(default_factory=dict)
    must_fund: tuple[str, ...] = ()


@dataclass(frozen=True)
class SensitivitySettings:
    step: float = 0.10
    random_draws: int = 40
    random_spread: float = 0.20
    seed: int = 20261116


@dataclass(frozen=True)
class FrontierSettings:
    low: float = 0.5
    high: float = 1.5
    points: int = 21


class ConfigError(ValueError):
    """A prioritisation config file is invalid; the message names the file and the key."""


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _criterion(path: Path, model: str, raw: dict[str, Any]) -> Criterion:
    try:
        criterion = Criterion(
            name=str(raw["name"]),
            weight=float(raw["weight"]),
            direction=raw.get("direction", "higher_is_better"),
            normalisation=raw.get("normalisation", "range"),
            scale_min=float(raw.get("min", 1.0)),
            scale_max=float(raw.get("max", 5.0)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"{path}: model {model!r}: criterion {raw!r}: {error}") from error
    if criterion.direction not in ("higher_is_better", "lower_is_better"):
        raise ConfigError(f"{path}: model {model!r}: unknown direction {criterion.direction!r}")
    if criterion.normalisation not in ("range", "minmax"):
        raise ConfigError(
            f"{path}: model {model!r}: unknown normalisation {criterion.normalisation!r}"
        )
    if criterion.weight < 0 or criterion.scale_max <= criterion.scale_min:
        raise ConfigError(
            f"{path}: model {model!r}: criterion {criterion.name!r}: "
            "weights must be >= 0 and max > min"
        )
    return criterion


def load_scoring_models(config_dir: Path = CONFIG_DIR) -> dict[str, ScoringModel]:
    path = config_dir / "scoring_models.yml"
    models: dict[str, ScoringModel] = {}
    for name, raw in _load(path).get("models", {}).items():
        kind = raw.get("kind")
        if kind not in ("weighted", "wsjf"):
            raise ConfigError(f"{path}: model {name!r}: kind must be weighted or wsjf")
        criteria = tuple(_criterion(path, name, c) for c in raw.get("criteria", []))
        if not criteria or sum(c.weight for c in criteria) <= 0:
            raise ConfigError(f"{path}: model {name!r} needs criteria with a positive weight")
        models[name] = ScoringModel(
            name=name,
            label=str(raw.get("label", name)),
            kind=kind,
            criteria=criteria,
            job_size_unit=float(raw.get("job_size_unit", 1_000_000.0)),
            job_size_floor=float(raw.get("job_size_floor", 0.01)),
        )
    if not models:
        raise ConfigError(f"{path}: no scoring models")
    return models


def load_scenarios(config_dir: Path = CONFIG_DIR) -> dict[str, Scenario]:
    """Every scenarios/*.yml, the baseline first; the baseline must set the budget."""
    scenarios: dict[str, Scenario] = {}
    for path in sorted((config_dir / "scenarios").glob("*.yml")):
        raw = _load(path)
        name = str(raw.get("name", path.stem))
        try:
            budget = raw.get("budget_by_fiscal_year")
            scenario = Scenario(
                name=name,
                label=str(raw.get("label", name)),
                description=str(raw.get("description", "")),
                scoring_model=str(raw.get("scoring_model", "weighted")),
                budget_share_of_cost=(
                    float(raw["budget_share_of_cost"]) if "budget_share_of_cost" in raw else None
                ),
                budget_by_fiscal_year=(
                    {int(y): float(a) for y, a in budget.items()} if budget else None
                ),
                budget_factor=float(raw.get("budget_factor", 1.0)),
                team_capacity_factors={
                    str(team): float(factor)
                    for team, factor in (raw.get("team_capacity_factors") or {}).items()
                },
                must_fund=tuple(str(p) for p in raw.get("must_fund") or ()),
            )
        except (TypeError, ValueError, AttributeError) as error:
            raise ConfigError(f"{path}: {error}") from error
        scenarios[name] = scenario
    if BASELINE not in scenarios:
        raise ConfigError(f"{config_dir / 'scenarios'}: no {BASELINE}.yml")
    base = scenarios[BASELINE]
    if base.budget_share_of_cost is None and base.budget_by_fiscal_year is None:
        raise ConfigError(f"{BASELINE}.yml must set budget_share_of_cost or budget_by_fiscal_year")
    return {BASELINE: base, **{k: v for k, v in scenarios.items() if k != BASELINE}}


def load_run_settings(
    config_dir: Path = CONFIG_DIR,
) -> tuple[SensitivitySettings, FrontierSettings]:
    raw = _load(config_dir / "scoring_models.yml")
    sensitivity = raw.get("sensitivity") or {}
    frontier = raw.get("frontier") or {}
    return (
        SensitivitySettings(
            step=float(sensitivity.get("step", 0.10)),
            random_draws=int(sensitivity.get("random_draws", 40)),
            random_spread=float(sensitivity.get("random_spread", 0.20)),
            seed=int(sensitivity.get("seed", 20261116)),
        ),
        FrontierSettings(
            low=float(frontier.get("low", 0.5)),
            high=float(frontier.get("high", 1.5)),
            points=int(frontier.get("points", 21)),
        ),
    )
