"""Time each stage of one pipeline run on generated demo data of a chosen size.

Usage: .venv/bin/python benchmarks/pipeline_stages.py [--scale demo|large|enterprise] [--keep DIR]

Reports figures (seconds per stage, rows per second for ingest, peak memory); it asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import dagster as dg

from pipelines.demo import generate_demo_exports
from pipelines.demo.config import DemoConfig, apply_preset
from pipelines.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="demo", help="demo-generator preset")
    parser.add_argument("--keep", type=Path, help="folder to keep the data in (default: temp)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="portfolio-bench-"))
    landing, warehouse, reports = root / "landing", root / "warehouse.duckdb", root / "reports"
    # The deployment's other settings (PORTFOLIO_*), with this benchmark's own folders.
    settings = Settings.from_env().with_changes(
        landing_dir=landing, warehouse_path=warehouse, reports_dir=reports
    )

    started = time.monotonic()
    config = DemoConfig(fiscal_year_start_month=settings.fiscal_year_start_month)
    summary = generate_demo_exports(landing, apply_preset(config, args.scale), force=True)
    print(f"demo exports ({args.scale}): {time.monotonic() - started:.1f} s — {summary}")

    from pipelines.definitions import build_definitions
    from pipelines.schedules import WEEKLY_JOB_NAME

    job = build_definitions(settings).resolve_job_def(WEEKLY_JOB_NAME)
    instance = dg.DagsterInstance.ephemeral()
    started = time.monotonic()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    total = time.monotonic() - started
    print(f"pipeline run: {'ok' if result.success else 'FAILED'} in {total:.1f} s")
    durations = {
        stats.step_key: (stats.end_time or 0) - (stats.start_time or 0)
        for stats in instance.get_run_step_stats(result.run_id)
    }
    for step, seconds in sorted(durations.items(), key=lambda item: -item[1]):
        print(f"  {step:40s} {seconds:8.1f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mb:,.0f} MB")
    if args.keep is None:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
