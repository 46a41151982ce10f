"""The benchmark harness of issue 16: the pipeline per stage against the floor and the peer.

    .venv/bin/python -m benchmarks.harness --scale 1m [--repeat 3] [--skip-pipeline]

For one scale (benchmarks/datasets.py: tiny, 1m, 10m, 30m; cached): `--repeat` times each of
a full run on the base files, an incremental run (the published full run plus the week after)
and the report rendered alone, each in its own process, measured per stage (wall seconds, peak
memory of the process tree); then the floor (floor.sql) and the peer (peer.py) on the same base
files, each checked against the full run's marts. The first incremental run's dbt tables and marts
are also checked against a full rebuild of its warehouse (benchmarks/rebuild_check.py). Prints
the figures and writes them to `<cache>/results/<scale>.json`, which benchmarks/report.py turns
into docs/benchmarks.md's tables. Exits 1 when a run fails, the incremental marts differ from the
rebuild's, or the floor or the peer disagrees with the marts.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from pathlib import Path

from benchmarks.compare import differences, mart_figures
from benchmarks.datasets import Dataset, cache_root, landing_for_run, prepare
from benchmarks.figures import read_figures
from benchmarks.measure import Measurement, run_measured
from benchmarks.rebuild_check import check_against_full_rebuild
from benchmarks.stages import by_stage, medians


def _python(module: str, *args: object) -> list[str]:
    return [sys.executable, "-m", f"benchmarks.{module}", *map(str, args)]


def _pipeline(
    what: str, paths: list[Path], folder: Path
) -> tuple[dict[str, dict[str, float]], Measurement]:
    out = folder / f"{what}.json"
    measurement = run_measured(
        _python("pipeline_run", what, *paths, "--out", out), folder / f"{what}.log"
    )
    outcome = json.loads(out.read_text()) if out.exists() else {"success": False, "steps": {}}
    if measurement.returncode != 0 or not outcome["success"]:
        raise SystemExit(f"the {what} in {folder} failed: see {folder / f'{what}.log'}")
    return by_stage(outcome["steps"], measurement), measurement


def _copy_published(source: Path, target: Path) -> None:
    shutil.copytree(source / "warehouse", target / "warehouse")
    shutil.copytree(source / "reports", target / "reports")


def measure_pipeline(
    dataset: Dataset, work: Path, repeat: int, full_only: bool
) -> tuple[dict[str, list[dict]], list[str] | None]:  # type: ignore[type-arg]
    """The runs' figures per kind, and the marts the first incremental run got wrong (None: no
    incremental run)."""
    runs: dict[str, list[dict]] = {"full": [], "incremental": [], "report": []}  # type: ignore[type-arg]
    differing: list[str] | None = None
    published = work / "published-full"
    for number in range(1, repeat + 1):
        full = work / f"full-{number}"
        landing = landing_for_run(dataset, full / "landing", with_increment=False)
        warehouse = full / "warehouse" / "portfolio.duckdb"
        figures, _ = _pipeline("run", [landing, warehouse, full / "reports"], full)
        runs["full"].append(figures)
        print(f"  full run {number}: {_line(figures)}", flush=True)
        if number == 1:
            _copy_published(full, published)
        shutil.rmtree(full)
        if full_only:
            continue

        # The week after runs where the full run did, on the warehouse it published, as a
        # scheduled weekly run does.
        later = full
        _copy_published(published, later)
        landing = landing_for_run(dataset, later / "landing", with_increment=True)
        warehouse = later / "warehouse" / "portfolio.duckdb"
        figures, _ = _pipeline("run", [landing, warehouse, later / "reports"], later)
        runs["incremental"].append(figures)
        print(f"  incremental run {number}: {_line(figures)}", flush=True)
        if number == 1:
            differing = check_against_full_rebuild(warehouse, later / "rebuild")
            state = f"DIFFER: {', '.join(differing)}" if differing else "all equal"
            print(f"  incremental models vs a full rebuild: {state}", flush=True)

        figures, _ = _pipeline("report", [warehouse, later / "report-alone"], later)
        runs["report"].append(figures)
        print(f"  report alone {number}: {_line(figures)}", flush=True)
        shutil.rmtree(later)
    return runs, differing


def measure_reference(
    name: str,
    dataset: Dataset,
    work: Path,
    marts: dict | None,  # type: ignore[type-arg]
) -> dict:  # type: ignore[type-arg]
    out = work / name
    measurement = run_measured(_python(name, dataset.base, "--out", out), work / f"{name}.log")
    if measurement.returncode != 0:
        raise SystemExit(f"the {name} failed: see {work / f'{name}.log'}")
    problems = differences(marts, read_figures(out), name) if marts is not None else None
    result = {
        "seconds": measurement.seconds,
        "peak_mb": measurement.peak_tree_mb,
        "agrees_with_marts": None if problems is None else not problems,
        "differences": problems or [],
    }
    state = "not checked" if problems is None else ("= marts" if not problems else "DIFFERS")
    print(f"  {name}: {measurement.seconds:.1f} s, {measurement.peak_tree_mb:,.0f} MB, {state}")
    for line in problems or []:
        print(f"    {line}")
    return result


def _line(figures: dict[str, dict[str, float]]) -> str:
    return ", ".join(
        f"{stage} {f['seconds']:.1f} s/{f['peak_mb']:,.0f} MB" for stage, f in figures.items()
    )


def _machine() -> str:
    cpus = len(__import__("os").sched_getaffinity(0))
    memory = Path("/proc/meminfo").read_text().split()[1]
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{cpus} cores ({model}), {int(memory) / 1024**2:.0f} GB, {platform.platform()}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="tiny", choices=("tiny", "1m", "10m", "30m"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip-pipeline",
        action="store_true",
        help="only the floor and the peer (their check needs a previous run's marts: not checked)",
    )
    parser.add_argument(
        "--full-only", action="store_true", help="no incremental run and no report alone"
    )
    args = parser.parse_args()
    started = time.monotonic()
    print(f"dataset {args.scale}:", flush=True)
    dataset = prepare(args.scale)
    print(f"  {dataset.timesheet_rows:,} timesheet rows in {dataset.base}", flush=True)
    work = cache_root() / "runs" / args.scale
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    results: dict[str, object] = {
        "scale": args.scale,
        "timesheet_rows": dataset.timesheet_rows,
        "repeat": args.repeat,
        "machine": _machine(),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    marts = None
    if not args.skip_pipeline:
        # the floor and the peer are checked against a full run's marts on the same files
        runs, differing = measure_pipeline(dataset, work, args.repeat, args.full_only)
        results["runs"] = runs
        results["incremental_marts_differing"] = differing
        results["medians"] = {kind: medians(reps) for kind, reps in runs.items() if reps}
        check = work / "published-full" / "warehouse" / "portfolio.duckdb"
        marts = mart_figures(check)
    results["floor"] = measure_reference("floor", dataset, work, marts)
    results["peer"] = measure_reference("peer", dataset, work, marts)
    out = cache_root() / "results" / f"{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"results: {out} ({time.monotonic() - started:.0f} s in all)")
    shutil.rmtree(work)
    disagree = any(results[name]["agrees_with_marts"] is False for name in ("floor", "peer"))  # type: ignore[index]
    return 1 if disagree or results.get("incremental_marts_differing") else 0


if __name__ == "__main__":
    sys.exit(main())
