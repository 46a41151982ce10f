"""Time rendering the whole report site from a built warehouse.

Usage: .venv/bin/python benchmarks/report_render.py --warehouse PATH [--runs 2] [--keep DIR]

Build the warehouse first, e.g. for 5,000 projects:
    .venv/bin/python -m pipelines.demo --out L --projects 5000 --employees 2000 --weeks 12
    PORTFOLIO_LANDING_DIR=L PORTFOLIO_WAREHOUSE=W/portfolio.duckdb PORTFOLIO_REPORTS_DIR=R \\
        DAGSTER_HOME=D .venv/bin/python -m pipelines.cli run
The first render of a process also starts vl-convert and builds the Vega bundle (~5 s); later
renders into the same folder hard-link the bundle and the archive from the published folder, as
weekly runs do. Prints seconds per render and per phase, files and bytes; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(("render phases", "rendered the report site")):
            self.lines.append(message)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="folder to render into (default: temp)")
    args = parser.parse_args()

    started = time.perf_counter()
    from pipelines.report.render import render_portfolio_report

    print(f"import of the renderer: {time.perf_counter() - started:.1f} s")
    collect = _Collect()
    logger = logging.getLogger("pipelines.report.render")
    logger.setLevel(logging.INFO)
    logger.addHandler(collect)
    out = (args.keep or Path(tempfile.mkdtemp(prefix="report-bench-"))) / "reports"
    first = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    for run in range(args.runs):
        collect.lines.clear()
        started = time.perf_counter()
        render_portfolio_report(
            args.warehouse,
            out,
            run_id=f"bench{run:03d}-0000",
            generated_at=first + timedelta(weeks=run),
        )
        seconds = time.perf_counter() - started
        files = [p for p in out.rglob("*") if p.is_file()]
        root_files = [p for p in files if "archive" not in p.relative_to(out).parts]
        size = sum(p.stat().st_size for p in root_files)
        pages = sum(1 for p in root_files if p.suffix == ".html")
        print(
            f"render {run + 1}: {seconds:.1f} s — {pages:,} pages, {len(root_files):,} files, "
            f"{size / 1e6:,.1f} MB (plus {len(files) - len(root_files):,} hard links in archive/)"
        )
        for line in collect.lines:
            print(f"  {line}")


if __name__ == "__main__":
    main()
