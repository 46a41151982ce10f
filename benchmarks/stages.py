"""Split a measured pipeline run into the stages of issue 16 and take medians over repetitions.

A Dagster step belongs to a stage by its key: `raw_sources` ingest (every source, side by
side), `validated_<source>` the quality gate, the dbt assets dbt, `portfolio_prioritization`,
`portfolio_report`. The rest (the build copy, publishing, the freshness checks) is `other`.
A stage's seconds are the sum of its steps' durations; its peak memory is the process tree's
peak while any of its steps ran.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence

from benchmarks.measure import Measurement

STAGES = ("ingest", "gate", "dbt", "prioritization", "report", "other")


def stage_of(step_key: str) -> str:
    if step_key.startswith("raw_"):
        return "ingest"
    if step_key.startswith("validated_"):
        return "gate"
    if "dbt" in step_key:
        return "dbt"
    if step_key.startswith("portfolio_prioritization"):
        return "prioritization"
    if step_key.startswith("portfolio_report"):
        return "report"
    return "other"


def by_stage(
    steps: Mapping[str, Sequence[float | None]], measurement: Measurement
) -> dict[str, dict[str, float]]:
    """{stage: {"seconds": ..., "peak_mb": ...}} plus "total" (the whole child process)."""
    figures: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        windows = [
            (start, end)
            for key, (start, end) in steps.items()
            if stage_of(key) == stage and start is not None and end is not None
        ]
        if windows:
            figures[stage] = {
                "seconds": sum(end - start for start, end in windows),
                "peak_mb": max(measurement.peak_between(s, e) for s, e in windows),
            }
    figures["total"] = {"seconds": measurement.seconds, "peak_mb": measurement.peak_tree_mb}
    return figures


def medians(repetitions: Sequence[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per stage and figure, the median over the repetitions that have the stage."""
    result: dict[str, dict[str, float]] = {}
    for stage in (*STAGES, "total"):
        present = [rep[stage] for rep in repetitions if stage in rep]
        if present:
            result[stage] = {
                figure: statistics.median(rep[figure] for rep in present)
                for figure in ("seconds", "peak_mb")
            }
    return result
