"""The optimizer against hand-solved portfolios: where the waterline is provably suboptimal, and
where every kind of constraint (mandatory, dependency, exclusivity, capacity) binds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pipelines.prioritization import optimizer
from pipelines.prioritization.config import Criterion, ScoringModel
from pipelines.prioritization.optimizer import optimal_selection
from pipelines.prioritization.portfolio import Portfolio, build_portfolio
from pipelines.prioritization.scoring import score_portfolio
from pipelines.prioritization.waterline import waterline

# One criterion on a 0..100 scale: the score is the raw value, so the sums below are by hand.
VALUE_MODEL = ScoringModel(
    name="value",
    label="value",
    kind="weighted",
    criteria=(Criterion("value", 1.0, normalisation="range", scale_min=0, scale_max=100),),
)


def _portfolio(
    projects: dict[str, tuple[float, float]], budget: float, **rules: object
) -> Portfolio:
    """`projects`: id -> (cost in FY2027, value)."""
    ids = list(projects)
    return build_portfolio(
        project_ids=ids,
        criteria={"value": [projects[p][1] for p in ids]},
        fiscal_years=[2027],
        costs={p: {2027: projects[p][0]} for p in ids},
        budgets={2027: budget},
        **rules,  # type: ignore[arg-type]
    )


def _funded(portfolio: Portfolio, funded: np.ndarray) -> set[str]:
    return {p for p, f in zip(portfolio.project_ids, funded, strict=True) if f}


def _brute_force(portfolio: Portfolio, value: np.ndarray) -> tuple[float, set[str]]:
    """Every subset, to prove the hand-computed optimum is the optimum."""
    best: tuple[float, set[str]] = (-1.0, set())
    n = portfolio.size
    groups = list(portfolio.exclusive_groups.values())
    for bits in itertools.product([False, True], repeat=n):
        x = np.asarray(bits)
        if (portfolio.is_mandatory & ~x).any():
            continue
        if (portfolio.costs[x].sum(axis=0) > portfolio.budgets + 1e-9).any():
            continue
        if any(x[a] and not x[b] for a, b in portfolio.depends_on):
            continue
        if any(x[list(g)].sum() > 1 for g in groups):
            continue
        if portfolio.resources:
            used = np.asarray(portfolio.demand[np.flatnonzero(x)].sum(axis=0)).ravel()
            if (used > portfolio.capacity + 1e-9).any():
                continue
        total = float(value[x].sum())
        if total > best[0]:
            best = (total, _funded(portfolio, x))
    return best


def test_waterline_is_provably_suboptimal_and_the_optimizer_finds_the_optimum() -> None:
    """Budget 10 in FY2027. A costs 6 (value 90), B 5 (80), C 5 (70).

    Waterline: rank A, B, C; A is funded (6 spent), B would make 11 > 10, so the line falls
    under A: value 90. The optimum is B + C: cost exactly 10, value 150, 60 more for the same
    money (A + anything else breaks the budget, and B + C is the only other pair that fits).
    """
    portfolio = _portfolio({"A": (6, 90), "B": (5, 80), "C": (5, 70)}, budget=10)
    scores = score_portfolio(portfolio, VALUE_MODEL)
    line = waterline(portfolio, scores)
    best = optimal_selection(portfolio, scores.value)
    assert _funded(portfolio, line.funded) == {"A"}
    assert line.value == pytest.approx(90)
    assert line.cut_rank == 2
    assert _funded(portfolio, best.funded) == {"B", "C"}
    assert best.value == pytest.approx(150)
    assert best.total_cost == pytest.approx(10)
    assert best.value - line.value == pytest.approx(60)


def _constrained() -> Portfolio:
    return _portfolio(
        {
            "M": (3, 10),  # mandatory
            "D": (2, 60),  # requires P
            "P": (3, 5),
            "X1": (3, 70),  # X1 and X2 are alternatives
            "X2": (2, 68),
            "Y": (3, 50),
        },
        budget=10,
        mandatory=["M"],
        depends_on={"D": ["P"]},
        exclusive_groups={"X1": "site", "X2": "site"},
    )


def test_mandatory_dependencies_and_exclusivity_are_respected() -> None:
    """Budget 10; M (3) is mandatory, leaving 7.

    Fitting 7 with D only alongside P, and at most one of X1/X2:
      D+P+X2 = 7, value 60+5+68 = 133;  X1+Y = 6, 120;  X2+Y = 5, 118;  D+P = 5, 65.
    So the optimum is {M, D, P, X2}, value 10 + 133 = 143. Each rule binds:
      - without exclusivity X1+X2 (5, 138) would win (10 + 138 = 148),
      - without the dependency D+X2+Y (7, 178) would win (188),
      - without M mandatory D+P+X2+Y (10, 183) would win.
    The waterline (X1, X2, D, Y, M, P by value) funds M, then X1, passes over X2 (alternative
    funded) and D (P not funded above it), funds Y (9 spent) and stops at P: value 130.
    """
    portfolio = _constrained()
    scores = score_portfolio(portfolio, VALUE_MODEL)
    best = optimal_selection(portfolio, scores.value)
    assert _funded(portfolio, best.funded) == {"M", "D", "P", "X2"}
    assert best.value == pytest.approx(143)
    assert _brute_force(portfolio, scores.value) == (pytest.approx(143), {"M", "D", "P", "X2"})

    line = waterline(portfolio, scores)
    assert _funded(portfolio, line.funded) == {"M", "X1", "Y"}
    assert line.value == pytest.approx(130)
    reasons = dict(zip(portfolio.project_ids, line.reasons, strict=True))
    assert reasons["M"] == "mandatory"
    assert "alternative in group 'site'" in reasons["X2"]
    assert "prerequisite P" in reasons["D"]
    assert "below the waterline" in reasons["P"]

    loose = [
        _portfolio(
            {p: (portfolio.costs[i, 0], scores.value[i]) for i, p in enumerate(ids)},
            budget=10,
            **rules,
        )
        for ids in [portfolio.project_ids]
        for rules in (
            {"mandatory": ["M"], "depends_on": {"D": ["P"]}},
            {"mandatory": ["M"], "exclusive_groups": {"X1": "site", "X2": "site"}},
            {"depends_on": {"D": ["P"]}, "exclusive_groups": {"X1": "site", "X2": "site"}},
        )
    ]
    assert [optimal_selection(p, scores.value).value for p in loose] == pytest.approx(
        [148, 188, 183]
    )


def test_a_mandatory_project_brings_its_prerequisites() -> None:
    """M is mandatory and requires P, which is worth nothing: P is funded anyway, by both."""
    portfolio = _portfolio(
        {"M": (4, 10), "P": (4, 0), "A": (4, 90)},
        budget=8,
        mandatory=["M"],
        depends_on={"M": ["P"]},
    )
    scores = score_portfolio(portfolio, VALUE_MODEL)
    assert _funded(portfolio, optimal_selection(portfolio, scores.value).funded) == {"M", "P"}
    assert _funded(portfolio, waterline(portfolio, scores).funded) == {"M", "P"}


def test_team_capacity_binds_in_the_optimum() -> None:
    """Budget is ample (100); A and B each need 100 h of Data in 2027-04, which has 150 h.

    Only one of A, B fits; C needs no Data time. Optimum: B (80) + C (30) = 110, and it matches
    the brute force over all subsets.
    """
    portfolio = _portfolio(
        {"A": (1, 60), "B": (1, 80), "C": (1, 30)},
        budget=100,
        demand={"A": {("Data", "2027-04"): 100}, "B": {("Data", "2027-04"): 100}},
        capacity={("Data", "2027-04"): 150},
    )
    scores = score_portfolio(portfolio, VALUE_MODEL)
    best = optimal_selection(portfolio, scores.value)
    assert _funded(portfolio, best.funded) == {"B", "C"}
    assert _brute_force(portfolio, scores.value) == (pytest.approx(110), {"B", "C"})
    line = waterline(portfolio, scores)
    assert _funded(portfolio, line.funded) == {"B", "C"}
    assert "capacity" in line.reasons[portfolio.index_of("A")]


def test_random_portfolios_match_brute_force() -> None:
    """Twenty seeded random 10-project portfolios with every rule: the MILP equals the optimum
    of all 1,024 subsets, and never funds less than the waterline."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        ids = [f"P{i}" for i in range(10)]
        projects = {p: (float(rng.integers(1, 6)), float(rng.integers(1, 100))) for p in ids}
        portfolio = _portfolio(
            projects,
            budget=float(rng.integers(8, 20)),
            mandatory=[ids[int(rng.integers(0, 10))]],
            depends_on={ids[1]: [ids[2]], ids[3]: [ids[4]]},
            exclusive_groups={ids[5]: "g", ids[6]: "g", ids[7]: "g"},
            demand={p: {("T", "2027-01"): float(rng.integers(0, 50))} for p in ids},
            capacity={("T", "2027-01"): 120.0},
        )
        scores = score_portfolio(portfolio, VALUE_MODEL)
        best = optimal_selection(portfolio, scores.value)
        expected, _ = _brute_force(portfolio, scores.value)
        if expected < 0:
            assert not best.feasible
            continue
        assert best.value == pytest.approx(expected)
        line = waterline(portfolio, scores)
        assert line.value <= best.value + 1e-9


def test_above_the_exact_limit_the_stated_gap_bounds_the_distance_from_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above EXACT_LIMIT candidates the selection is LP-guided and states a proven gap: it must
    fit every budget and capacity, and the exact optimum of the same programme (solved whole
    here) may be better by at most that gap."""
    rng = np.random.default_rng(16)
    n = optimizer.EXACT_LIMIT + 100
    ids = [f"P{i:04d}" for i in range(n)]
    team_months = [("T1", "2027-01"), ("T2", "2027-01")]
    portfolio = build_portfolio(
        project_ids=ids,
        criteria={"value": rng.integers(1, 100, n).astype(float)},
        fiscal_years=[2027, 2028],
        costs={
            p: {2027: float(rng.integers(1, 50)), 2028: float(rng.integers(0, 30))} for p in ids
        },
        budgets={2027: 12.5 * n, 2028: 7.5 * n},  # about half of what the candidates ask
        mandatory=ids[:5],
        depends_on={ids[10]: [ids[11]]},
        exclusive_groups={ids[20]: "g", ids[21]: "g"},
        demand={
            p: {k: float(rng.integers(0, 40)) for k in team_months if rng.random() < 0.1}
            for p in ids
        },
        capacity={k: float(n) for k in team_months},
    )
    value = score_portfolio(portfolio, VALUE_MODEL).value
    guided = optimal_selection(portfolio, value)
    gap = guided.mip_gap
    assert guided.feasible and gap is not None and 0 < gap < 1e-3
    funded = guided.funded
    assert funded[:5].all() and not (funded[10] and not funded[11]) and funded[20:22].sum() <= 1
    assert (portfolio.costs[funded].sum(axis=0) <= portfolio.budgets + 1e-6).all()
    used = np.asarray(portfolio.demand[np.flatnonzero(funded)].sum(axis=0)).ravel()
    assert (used <= portfolio.capacity + 1e-6).all()

    monkeypatch.setattr(optimizer, "EXACT_LIMIT", n)
    exact = optimal_selection(portfolio, value)
    assert exact.mip_gap == pytest.approx(0, abs=1e-6)
    assert exact.value * (1 - gap) <= guided.value + 1e-9 <= exact.value + 1e-6
