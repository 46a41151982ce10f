"""The solves of a prioritisation run side by side on threads give the marts a one-at-a-time run
gives; the solver's native output stays silenced while the pool runs, and fd 1 comes back after."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from pipelines.prioritization.config import load_run_settings, load_scenarios, load_scoring_models
from pipelines.prioritization.native_output import native_stdout_silenced
from pipelines.prioritization.portfolio import Portfolio, build_portfolio
from pipelines.prioritization.run import prioritise
from pipelines.prioritization.solver_pool import solver_pool

CONFIG = Path(__file__).resolve().parents[1] / "prioritization"


def _portfolio(n: int = 60, seed: int = 11) -> Portfolio:
    rng = np.random.default_rng(seed)
    ids = [f"PRJ-{i:04d}" for i in range(n)]
    criteria = {
        name: rng.integers(1, 6, n)
        for name in ("strategic_alignment", "business_value", "time_criticality", "risk")
    }
    return build_portfolio(
        project_ids=ids,
        criteria=criteria,
        fiscal_years=[2027, 2028],
        costs={
            p: {2027: float(rng.uniform(1e5, 1e6)), 2028: float(rng.uniform(0, 6e5))} for p in ids
        },
        budgets={2027: 12e6, 2028: 6e6},
        mandatory=[ids[0]],
        depends_on={ids[1]: [ids[2]]},
        exclusive_groups={ids[3]: "g", ids[4]: "g"},
    )


def test_pooled_run_equals_one_at_a_time() -> None:
    models = load_scoring_models(CONFIG)
    scenarios = load_scenarios(CONFIG)
    sensitivity, frontier = load_run_settings(CONFIG)
    portfolio = _portfolio()
    serial = prioritise(portfolio, models, scenarios, sensitivity, frontier, workers=1)
    pooled = prioritise(portfolio, models, scenarios, sensitivity, frontier, workers=2)
    for name, result in serial.scenarios.items():
        other = pooled.scenarios[name]
        assert other.optimal.funded.tolist() == result.optimal.funded.tolist(), name
        assert other.optimal.value == pytest.approx(result.optimal.value)
    assert [p.optimal.value for p in pooled.frontier] == pytest.approx(
        [p.optimal.value for p in serial.frontier]
    )
    assert serial.sensitivity is not None and pooled.sensitivity is not None
    for method in ("waterline", "optimal"):
        assert (
            pooled.sensitivity.funded_share[method].tolist()
            == serial.sensitivity.funded_share[method].tolist()
        )
        assert pooled.sensitivity.flipped_by[method] == serial.sensitivity.flipped_by[method]


def test_native_output_is_silenced_through_the_pool_and_restored_after(tmp_path: Path) -> None:
    target = tmp_path / "fd1.txt"
    saved = os.dup(1)
    try:
        with open(target, "wb") as sink:
            os.dup2(sink.fileno(), 1)
        with solver_pool(2) as mapper:
            # each solve silences itself too; the nested exits must not restore fd 1 early
            mapper(lambda _: _write_silenced(b"solver noise\n"), range(8))
            os.write(1, b"still inside the pool\n")
        os.write(1, b"after the pool\n")
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert target.read_bytes() == b"after the pool\n"


def _write_silenced(text: bytes) -> None:
    with native_stdout_silenced():
        os.write(1, text)
