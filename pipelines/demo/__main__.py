"""`python -m pipelines.demo --out DIR`: write the demo exports and print what was written."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from pipelines.demo.config import PRESETS, DemoConfig, apply_preset
from pipelines.demo.generate import LandingNotEmptyError, generate_demo_exports
from pipelines.demo.writer import WrittenFile
from pipelines.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.demo",
        description="Write seeded, reproducible demo PMO exports (docs/exports.md) into a folder.",
    )
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write into")
    presets = ", ".join(
        f"{name} ({p.projects} projects, {p.employees} people, {p.weeks} weeks: {p.description})"
        for name, p in PRESETS.items()
    )
    parser.add_argument(
        "--scale",
        choices=sorted(PRESETS),
        help=f"size preset; explicit flags override it. {presets}",
    )
    parser.add_argument("--projects", type=int, help="number of projects (default 150)")
    parser.add_argument("--employees", type=int, help="number of people (default 400)")
    parser.add_argument("--weeks", type=int, help="weeks of history (default 26)")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, help="as-of date, a Monday (default 2026-11-16)"
    )
    parser.add_argument("--seed", type=int, help="random seed (default fixed)")
    parser.add_argument(
        "--fiscal-year-start-month",
        type=int,
        help="first fiscal month, 1-12 (default: $PORTFOLIO_FISCAL_YEAR_START_MONTH, else 4)",
    )
    parser.add_argument(
        "--no-gl-history",
        action="store_true",
        help="do not publish GL months before the timesheet window (projects' earlier cost)",
    )
    parser.add_argument(
        "--force", action="store_true", help="write even if the folder already holds files"
    )
    parser.add_argument("--quiet", action="store_true", help="only print the final summary")
    return parser


def _config(args: argparse.Namespace) -> DemoConfig:
    # The fiscal calendar of the pipeline these exports are for (PORTFOLIO_FISCAL_YEAR_START_MONTH).
    config = DemoConfig(fiscal_year_start_month=Settings.from_env().fiscal_year_start_month)
    if args.scale:
        config = apply_preset(config, args.scale)
    overrides = {
        "projects": args.projects,
        "employees": args.employees,
        "weeks": args.weeks,
        "as_of": args.as_of,
        "seed": args.seed,
        "fiscal_year_start_month": args.fiscal_year_start_month,
    }
    config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    if args.no_gl_history:
        config = replace(config, gl_history=False)
    return config


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = _config(args)
    started = time.perf_counter()

    def show(file: WrittenFile) -> None:
        if not args.quiet and file.source == "timesheets":
            print(f"  {file.path}: {file.rows:,} rows ({time.perf_counter() - started:.0f}s)")

    try:
        summary = generate_demo_exports(args.out, config, force=args.force, progress=show)
    except (LandingNotEmptyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(
        f"Wrote demo exports to {args.out} in {elapsed:.1f}s "
        f"(as of {config.as_of}, seed {config.seed}, {config.projects} projects, "
        f"{config.employees} people, {config.weeks} weeks, fiscal year starts in month "
        f"{config.fiscal_year_start_month})"
    )
    files = summary.files_by_source
    for source, rows in summary.rows_by_source.items():
        print(f"  {source:<13} {files[source]:>4} file(s) {rows:>12,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
