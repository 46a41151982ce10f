"""One measured pipeline step of the harness, run in its own process so its memory is its own.

    .venv/bin/python -m benchmarks.pipeline_run run LANDING WAREHOUSE REPORTS --out FILE.json
    .venv/bin/python -m benchmarks.pipeline_run report WAREHOUSE REPORTS --out FILE.json

`run`: the weekly job as `portfolio run` does it (in-process executor, dbt as its subprocess) with
the deployment's settings but these folders, no settle window and no board pack unless
PORTFOLIO_BOARD_PACK says so. Writes whether it succeeded and each step's start and end (epoch
seconds) for benchmarks/stages.py to split the run into stages. `report`: the report site
alone, rendered from a published warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path


def run_pipeline(landing: Path, warehouse: Path, reports: Path) -> dict[str, object]:
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.schedules import WEEKLY_JOB_NAME
    from pipelines.settings import Settings

    settings = Settings.from_env().with_changes(
        landing_dir=landing,
        warehouse_path=warehouse,
        reports_dir=reports,
        log_dir=warehouse.parent / "logs",
        landing_settle_seconds=0.0,  # the harness linked the files in whole
        board_pack=os.environ.get("PORTFOLIO_BOARD_PACK", "off"),
    )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    job = build_definitions(settings).resolve_job_def(WEEKLY_JOB_NAME)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        steps = {
            stats.step_key: [stats.start_time, stats.end_time]
            for stats in instance.get_run_step_stats(result.run_id)
        }
    failures = [e.message or "" for e in result.all_events if e.is_failure]
    return {"success": result.success, "steps": steps, "failures": failures[:3]}


def render_report(warehouse: Path, reports: Path) -> dict[str, object]:
    from pipelines.report.render import render_portfolio_report

    started = time.time()  # after the import: a pipeline run has imported it long before
    render_portfolio_report(
        warehouse, reports, run_id="bench-report", generated_at=datetime.now(UTC)
    )
    return {"success": True, "steps": {"portfolio_report": [started, time.time()]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("run", "report"))
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    outcome = run_pipeline(*args.paths) if args.what == "run" else render_report(*args.paths)
    args.out.write_text(json.dumps(outcome))


if __name__ == "__main__":
    main()
