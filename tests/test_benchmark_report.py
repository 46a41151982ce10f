"""The harness's Markdown (benchmarks/report.py): the ratios of issue 16 and the lower bound the
stages without a counterpart in the floor put on them, from a hand-made result."""

from __future__ import annotations

from typing import Any

from benchmarks.report import scale_table


def _figures(**seconds: float) -> dict[str, dict[str, float]]:
    return {stage: {"seconds": value, "peak_mb": 1000.0} for stage, value in seconds.items()}


def _results() -> dict[str, Any]:
    full = _figures(
        ingest=20.0, gate=12.0, dbt=30.0, prioritization=9.0, report=14.0, other=1.0, total=96.0
    )
    week = _figures(
        ingest=2.0, gate=3.0, dbt=30.0, prioritization=8.0, report=14.0, other=3.0, total=60.0
    )
    reference = {"seconds": 6.0, "peak_mb": 3000.0, "agrees_with_marts": True}
    return {
        "scale": "10m",
        "timesheet_rows": 9_669_731,
        "machine": "2 cores",
        "when": "2026-12-08",
        "medians": {"full": full, "incremental": week},
        "runs": {"full": [{}], "incremental": [{}]},
        "floor": reference,
        "peer": {**reference, "seconds": 80.0},
        "incremental_marts_differing": [],
    }


def test_the_ratios_of_issue_16_are_stated() -> None:
    lines = scale_table(_results())
    assert "- pipeline / floor: **16.0x** (whole run, process start included)" in lines
    assert "- (ingest + gate + dbt) / floor: **10.3x**" in lines  # 62 s / 6 s
    assert any(line.startswith("- peer / pipeline: **0.83x**") for line in lines)
    assert "- incremental / full: **62%**; tables and marts equal to a full rebuild's" in lines


def test_the_stages_the_floor_does_not_have_bound_the_ratio_from_below() -> None:
    lines = scale_table(_results())
    # gate 12 + prioritization 9 + report 14 = 35 s against the floor's 6 s
    bound = next(line for line in lines if line.startswith("- the stages the floor has no"))
    assert "(gate, prioritization, report): 35.0 s, **5.8x** the floor" in bound
    assert bound.endswith("the gate alone 2.0x")
    # the week's prioritisation 8 s and report 14 s against the full run's 96 s
    assert "- the week's prioritization and report alone: 23% of the full run" in lines


def test_a_result_without_an_incremental_run_states_no_week() -> None:
    results = _results()
    del results["medians"]["incremental"]
    lines = scale_table(results)
    assert not any("week" in line or "incremental / full" in line for line in lines)
    assert any(line.startswith("- the stages the floor has no counterpart") for line in lines)
