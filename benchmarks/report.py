"""Turn the harness's results (`<cache>/results/<scale>.json`) into docs/benchmarks.md's tables.

    .venv/bin/python -m benchmarks.report [SCALE ...]   # default: every scale with results

Prints Markdown: per scale the stages of the full run, the incremental run and the report alone
(median seconds and peak MB of the process tree), the floor and the peer, the ratios of issue 16,
and across scales the growth from one to the next.
"""

from __future__ import annotations

import argparse
import itertools
import json
from typing import Any

from benchmarks.datasets import SCALES, cache_root
from benchmarks.stages import STAGES

_KINDS = ("full", "incremental", "report")


def _cell(figures: dict[str, Any], stage: str) -> str:
    figure = figures.get(stage)
    return "—" if figure is None else f"{figure['seconds']:,.1f} s / {figure['peak_mb']:,.0f} MB"


def scale_table(results: dict[str, Any]) -> list[str]:
    medians = results.get("medians", {})
    reps = {kind: len(results.get("runs", {}).get(kind, [])) for kind in _KINDS}
    lines = [
        f"### {results['scale']}: {results['timesheet_rows']:,} timesheet rows",
        "",
        f"{results['machine']}; {results['when']}; median of "
        + ", ".join(f"{reps[k]} {k}" for k in _KINDS if reps[k])
        + " repetition(s)",
        "",
        "| stage | full run | incremental run | report alone |",
        "| --- | --- | --- | --- |",
    ]
    for stage in (*STAGES, "total"):
        cells = [_cell(medians.get(kind, {}), stage) for kind in _KINDS]
        if any(cell != "—" for cell in cells):
            lines.append(f"| {stage} | {' | '.join(cells)} |")
    for name in ("floor", "peer"):
        ref = results[name]
        check = {True: "equal to the marts", False: "DIFFERS", None: "not checked"}
        lines.append(
            f"| **{name}** | {ref['seconds']:,.1f} s / {ref['peak_mb']:,.0f} MB | "
            f"{check[ref['agrees_with_marts']]} | |"
        )
    lines += ["", *_ratios(results), ""]
    return lines


# The floor loads the files and computes the marts' figures; it has no counterpart for these
# stages, so their time is a lower bound of the pipeline's, however fast ingest and dbt become.
BEYOND_THE_FLOOR = ("gate", "prioritization", "report")
# Of those, what a run whose inputs moved (the incremental week) does in full again.
REDONE_EACH_WEEK = ("prioritization", "report")


def _seconds(figures: dict[str, Any], stages: tuple[str, ...]) -> float:
    return sum(figures.get(stage, {}).get("seconds", 0.0) for stage in stages)


def _ratios(results: dict[str, Any]) -> list[str]:
    medians = results.get("medians", {})
    full = medians.get("full")
    if not full:
        return []
    floor, peer = results["floor"]["seconds"], results["peer"]["seconds"]
    core = _seconds(full, ("ingest", "gate", "dbt"))
    beyond = _seconds(full, BEYOND_THE_FLOOR)
    lines = [
        f"- pipeline / floor: **{full['total']['seconds'] / floor:.1f}x** "
        f"(whole run, process start included)",
        f"- (ingest + gate + dbt) / floor: **{core / floor:.1f}x**",
        f"- the stages the floor has no counterpart for ({', '.join(BEYOND_THE_FLOOR)}): "
        f"{beyond:,.1f} s, **{beyond / floor:.1f}x** the floor, the least pipeline / floor can "
        f"be with ingest and dbt free; the gate alone {_seconds(full, ('gate',)) / floor:.1f}x",
        f"- peer / pipeline: **{peer / full['total']['seconds']:.2f}x**; peer / floor "
        f"{peer / floor:.1f}x",
        f"- peak memory: pipeline {full['total']['peak_mb']:,.0f} MB, floor "
        f"{results['floor']['peak_mb']:,.0f} MB, peer {results['peer']['peak_mb']:,.0f} MB",
    ]
    if medians.get("incremental"):
        share = medians["incremental"]["total"]["seconds"] / full["total"]["seconds"]
        differing = results.get("incremental_marts_differing")
        check = (
            ""
            if differing is None
            else "; tables and marts equal to a full rebuild's"
            if not differing
            else f"; DIFFERING from a full rebuild: {', '.join(differing)}"
        )
        lines.append(f"- incremental / full: **{share:.0%}**{check}")
        redone = _seconds(medians["incremental"], REDONE_EACH_WEEK)
        lines.append(
            f"- the week's {' and '.join(REDONE_EACH_WEEK)} alone: "
            f"{redone / full['total']['seconds']:.0%} of the full run"
        )
    return lines


def _total(results: dict[str, Any]) -> float | None:
    full = results.get("medians", {}).get("full")
    return full["total"]["seconds"] if full else None


def _core(results: dict[str, Any]) -> float | None:
    full = results.get("medians", {}).get("full")
    return _seconds(full, ("ingest", "gate", "dbt")) if full else None


def _floor(results: dict[str, Any]) -> float:
    return float(results["floor"]["seconds"])


def _peer(results: dict[str, Any]) -> float:
    return float(results["peer"]["seconds"])


def growth_table(all_results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| from -> to | rows | pipeline (full) | ingest+gate+dbt | floor | peer |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for small, large in itertools.pairwise(all_results):
        cells = []
        for figure in (_total, _core, _floor, _peer):
            a, b = figure(small), figure(large)
            cells.append("—" if a is None or b is None else f"{b / a:.1f}x")
        rows = large["timesheet_rows"] / small["timesheet_rows"]
        lines.append(
            f"| {small['scale']} -> {large['scale']} | {rows:.1f}x | {' | '.join(cells)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scales", nargs="*", default=list(SCALES))
    args = parser.parse_args()
    folder = cache_root() / "results"
    found = [
        json.loads((folder / f"{s}.json").read_text())
        for s in args.scales
        if (folder / f"{s}.json").exists()
    ]
    for results in found:
        print("\n".join(scale_table(results)))
    if len(found) > 1:
        print("\n".join(growth_table(found)))


if __name__ == "__main__":
    main()
