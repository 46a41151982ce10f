"""Scoring (normalisation, direction, WSJF), the frontier, scenarios (including an infeasible one)
and weight sensitivity, on hand-made portfolios."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from pipelines.prioritization.config import (
    Criterion,
    Scenario,
    ScoringModel,
    SensitivitySettings,
    load_run_settings,
    load_scenarios,
    load_scoring_models,
)
from pipelines.prioritization.frontier import budget_factors, efficient_frontier
from pipelines.prioritization.portfolio import Portfolio, build_portfolio
from pipelines.prioritization.scenarios import compare, plan_budgets, run_scenario
from pipelines.prioritization.scoring import normalise, score_portfolio
from pipelines.prioritization.sensitivity import weight_sensitivity

WEIGHTED = ScoringModel(
    name="weighted",
    label="weighted",
    kind="weighted",
    criteria=(
        Criterion("alignment", 3.0),
        Criterion("risk", 1.0, direction="lower_is_better"),
    ),
)


def test_range_normalisation_direction_and_missing_values() -> None:
    values = np.asarray([1.0, 3.0, 5.0, np.nan, 7.0])
    higher = normalise(values, Criterion("x", 1.0))
    lower = normalise(values, Criterion("x", 1.0, direction="lower_is_better"))
    # 1..5 -> 0..1, out of scale clipped, missing = worst whatever the direction
    assert higher.tolist() == [0.0, 0.5, 1.0, 0.0, 1.0]
    assert lower.tolist() == [1.0, 0.5, 0.0, 0.0, 0.0]
    minmax = normalise(np.asarray([10.0, 20.0, 30.0]), Criterion("m", 1.0, normalisation="minmax"))
    assert minmax.tolist() == [0.0, 0.5, 1.0]


def test_weighted_score_counts_risk_against() -> None:
    """score = 100 x (3 x alignment_n + 1 x (1 - risk_n)) / 4.

    A: alignment 5, risk 5 -> (3 x 1 + 0) / 4 = 75.  B: alignment 5, risk 1 -> 100.
    C: alignment 1, risk 1 -> 25. So B, A, C; risk alone separates A from B."""
    portfolio = build_portfolio(
        project_ids=["A", "B", "C"],
        criteria={"alignment": [5, 5, 1], "risk": [5, 1, 1]},
        fiscal_years=[2027],
        costs={},
        budgets={2027: 1.0},
    )
    scores = score_portfolio(portfolio, WEIGHTED)
    assert scores.score.tolist() == pytest.approx([75.0, 100.0, 25.0])
    assert scores.rank.tolist() == [2, 1, 3]
    assert scores.value.tolist() == pytest.approx([75.0, 100.0, 25.0])


def test_wsjf_is_cost_of_delay_over_job_size() -> None:
    """A: value 5 + criticality 5 = 10 points, costs 2 M -> WSJF 5.
    B: 3 + 3 = 6 points, costs 0.5 M -> 12 (small and urgent enough wins).
    C: 1 + 1 = 2 points, costs nothing -> job size floored at 0.01 M -> 200."""
    model = ScoringModel(
        name="wsjf",
        label="WSJF",
        kind="wsjf",
        criteria=(Criterion("business_value", 1.0), Criterion("time_criticality", 1.0)),
    )
    portfolio = build_portfolio(
        project_ids=["A", "B", "C"],
        criteria={"business_value": [5, 3, 1], "time_criticality": [5, 3, 1]},
        fiscal_years=[2027, 2028],
        costs={"A": {2027: 1_500_000, 2028: 500_000}, "B": {2027: 500_000}},
        budgets={2027: 1.0, 2028: 1.0},
    )
    scores = score_portfolio(portfolio, model)
    assert scores.score.tolist() == pytest.approx([5.0, 12.0, 200.0])
    assert scores.value.tolist() == pytest.approx([10.0, 6.0, 2.0])
    assert scores.rank.tolist() == [3, 2, 1]


def _random_portfolio(n: int = 30, seed: int = 3) -> Portfolio:
    rng = np.random.default_rng(seed)
    ids = [f"PRJ-{i:04d}" for i in range(n)]
    return build_portfolio(
        project_ids=ids,
        criteria={"alignment": rng.integers(1, 6, n), "risk": rng.integers(1, 6, n)},
        fiscal_years=[2027, 2028],
        costs={
            p: {2027: float(rng.uniform(1e5, 1e6)), 2028: float(rng.uniform(0, 5e5))} for p in ids
        },
        budgets={2027: 6e6, 2028: 3e6},
        mandatory=[ids[0]],
        depends_on={ids[1]: [ids[2]]},
        exclusive_groups={ids[3]: "g", ids[4]: "g"},
    )


def test_frontier_has_21_points_and_never_decreases() -> None:
    portfolio = _random_portfolio()
    scores = score_portfolio(portfolio, WEIGHTED)
    factors = budget_factors(0.5, 1.5, 21)
    points = efficient_frontier(portfolio, scores, factors)
    assert len(points) == 21
    assert points[0].budget_factor == 0.5 and points[-1].budget_factor == 1.5
    values = [p.optimal.value for p in points]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
    for point in points:
        assert point.optimal.value >= point.waterline.value - 1e-9
        assert (point.optimal.cost_by_year <= point.budgets + 1e-6).all()


def test_infeasible_scenario_names_the_binding_constraint() -> None:
    """Mandatory PRJ-0003 (6.5 M) and PRJ-0017 (5.9 M) cost 12.4 M in FY2027; budget 10.0 M."""
    portfolio = build_portfolio(
        project_ids=["PRJ-0001", "PRJ-0003", "PRJ-0017"],
        criteria={"alignment": [5, 1, 1], "risk": [1, 1, 1]},
        fiscal_years=[2027],
        costs={"PRJ-0001": {2027: 1e6}, "PRJ-0003": {2027: 6.5e6}, "PRJ-0017": {2027: 5.9e6}},
        budgets={2027: 10e6},
        mandatory=["PRJ-0003", "PRJ-0017"],
    )
    scenario = Scenario("mandatory_over_budget", "over", "", budget_by_fiscal_year={2027: 10e6})
    result = run_scenario(
        portfolio, scenario, {"weighted": WEIGHTED}, plan_budgets(portfolio, scenario)
    )
    expected = (
        "mandatory projects PRJ-0003, PRJ-0017 cost 12.4 M in FY2027 against a budget of 10.0 M"
    )
    assert not result.feasible
    assert result.message == expected
    assert result.waterline.message == expected
    assert not result.optimal.funded.any()


def test_mandatory_alternatives_and_overbooked_team_are_named() -> None:
    portfolio = build_portfolio(
        project_ids=["A", "B"],
        criteria={"alignment": [5, 1], "risk": [1, 1]},
        fiscal_years=[2027],
        costs={},
        budgets={2027: 1.0},
        mandatory=["A", "B"],
        demand={"A": {("Data", "2027-05"): 90}, "B": {("Data", "2027-05"): 30}},
        capacity={("Data", "2027-05"): 100},
    )
    base = Scenario("s", "s", "", budget_by_fiscal_year={2027: 1.0})
    result = run_scenario(portfolio, base, {"weighted": WEIGHTED}, np.asarray([1.0]))
    assert result.message == (
        "mandatory projects A, B need 120 h of team 'Data' in 2027-05 against a capacity of 100 h"
    )
    grouped = build_portfolio(
        project_ids=["A", "B"],
        criteria={"alignment": [5, 1], "risk": [1, 1]},
        fiscal_years=[2027],
        costs={},
        budgets={2027: 1.0},
        mandatory=["A", "B"],
        exclusive_groups={"A": "erp", "B": "erp"},
    )
    result = run_scenario(grouped, base, {"weighted": WEIGHTED}, np.asarray([1.0]))
    assert "are alternatives in exclusive group 'erp'" in result.message


def test_scenarios_compare_with_the_baseline() -> None:
    portfolio = _random_portfolio()
    models = {"weighted": WEIGHTED}
    baseline = Scenario("baseline", "b", "", budget_share_of_cost=0.6)
    budgets = plan_budgets(portfolio, baseline)
    base = run_scenario(portfolio, baseline, models, budgets)
    cut = run_scenario(
        portfolio,
        Scenario("cut", "c", "", budget_factor=0.9),
        models,
        budgets,
    )
    must = run_scenario(
        portfolio,
        Scenario("must", "m", "", must_fund=("PRJ-0029",)),
        models,
        budgets,
    )
    diff = compare(base, cut)
    assert diff.value_delta["optimal"] is not None and diff.value_delta["optimal"] <= 0
    assert diff.cost_delta["optimal"] is not None
    assert set(diff.funded_out["optimal"]) - set(diff.funded_in["optimal"])
    assert must.optimal.funded[portfolio.index_of("PRJ-0029")]
    unknown = run_scenario(
        portfolio,
        Scenario("bad", "bad", "", must_fund=("PRJ-9999",)),
        models,
        budgets,
    )
    assert not unknown.feasible and "PRJ-9999" in unknown.message


def test_sensitivity_flags_a_hand_made_tie_as_fragile() -> None:
    """Budget for one of A, B (each costs 1.0); C costs 0.5 and is far ahead.

    Equal weights: A (alignment 5, value 3) and B (alignment 3, value 5) both score 75, a tie.
    +10 % on alignment makes A win, -10 % makes B win (and the reverse for value): whichever the
    baseline funds, some one-at-a-time perturbation flips both A and B. C is funded always."""
    model = ScoringModel(
        name="w",
        label="w",
        kind="weighted",
        criteria=(Criterion("alignment", 1.0), Criterion("value", 1.0)),
    )
    portfolio = build_portfolio(
        project_ids=["A", "B", "C"],
        criteria={"alignment": [5, 3, 5], "value": [3, 5, 5]},
        fiscal_years=[2027],
        costs={"A": {2027: 1.0}, "B": {2027: 1.0}, "C": {2027: 0.5}},
        budgets={2027: 1.5},
    )
    result = weight_sensitivity(portfolio, model, SensitivitySettings(random_draws=10))
    assert result.runs == 4 + 10
    for method in ("optimal", "waterline"):
        fragile = result.is_fragile(method)
        assert fragile.tolist() == [True, True, False]
        assert result.funded_share[method][2] == 1.0
        assert 0 < result.funded_share[method][0] < 1
        assert result.flipped_by[method][0]  # a one-at-a-time perturbation names the flip
        assert result.flipped_by[method][2] == ()


def test_the_shipped_configuration_loads() -> None:
    root = Path(__file__).resolve().parent.parent / "prioritization"
    models = load_scoring_models(root)
    scenarios = load_scenarios(root)
    sensitivity, frontier = load_run_settings(root)
    assert {"weighted", "wsjf"} <= set(models)
    assert next(iter(scenarios)) == "baseline"
    assert {"budget_cut_10pct", "must_fund_list"} <= set(scenarios)
    assert any(s.team_capacity_factors for s in scenarios.values())
    assert all(s.scoring_model in models for s in scenarios.values())
    assert frontier.points >= 20 and sensitivity.step == pytest.approx(0.10)
    risk = {c.name: c for c in models["weighted"].criteria}["risk"]
    assert risk.direction == "lower_is_better"
