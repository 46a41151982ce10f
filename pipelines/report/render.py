"""Render the portfolio summary: marts in, one self-contained static HTML folder out.

The output folder (index.html, quality.html, static/report.css, charts/*.svg, report-manifest.json)
opens from disk or any static web server with no network access and no JavaScript, so it can be
e-mailed, archived with the run, or published on an intranet as is. All reading happens before
anything is written, and the folder is swapped in only once complete (see publish.py), so a failed
run leaves the previous report in place. quality.html is the gate's verdict on the same run
(quality_page.py); the index links it.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from pipelines.report.charts import write_charts
from pipelines.report.publish import (
    check_replaceable,
    publish_folder,
    staging_folder,
    write_manifest,
)
from pipelines.report.quality_page import QUALITY_PAGE_NAME, render_quality_page_for
from pipelines.report.queries import load_portfolio_report_data
from pipelines.report.templating import STATIC_DIR, build_environment

logger = logging.getLogger(__name__)

PORTFOLIO_SUMMARY_TEMPLATE = "portfolio_summary.html.j2"
INDEX_NAME = "index.html"


def render_portfolio_report(
    warehouse_path: Path,
    output_dir: Path,
    *,
    run_id: str | None = None,
    generated_at: datetime | None = None,
) -> Path:
    """Render the portfolio summary from the marts into output_dir and return its index.html.

    Raises a ReportError subclass (MartsUnavailableError, MartsInconsistentError, OutputDirError)
    when the report cannot be produced; the previously published report is then left as it was.
    """
    started = time.perf_counter()
    generated_at = generated_at or datetime.now(UTC)
    check_replaceable(output_dir)  # fail before doing any work, not after
    data = load_portfolio_report_data(warehouse_path)
    env = build_environment(data.context.reporting_currency)
    template = env.get_template(PORTFOLIO_SUMMARY_TEMPLATE)
    # The gate's verdict for this run, read (like the marts) before anything is written.
    quality_html = render_quality_page_for(warehouse_path, run_id, generated_at=generated_at)

    with staging_folder(output_dir) as staging:
        charts = write_charts(data, staging)
        shutil.copytree(STATIC_DIR, staging / "static")
        html = template.render(
            data=data,
            context=data.context,
            totals=data.totals,
            bva=data.budget_vs_actual,
            portfolios=data.portfolios,
            projects=data.projects,
            charts=charts,
            currency=data.context.reporting_currency,
            run_id=run_id,
            generated_at=generated_at,
            quality_href=QUALITY_PAGE_NAME,
        )
        (staging / INDEX_NAME).write_text(html, encoding="utf-8")
        (staging / QUALITY_PAGE_NAME).write_text(quality_html, encoding="utf-8")
        write_manifest(
            staging,
            {
                "report": "portfolio_summary",
                "run_id": run_id,
                "generated_at": generated_at.isoformat(),
                "as_of_date": data.context.as_of_date.isoformat(),
                "reporting_currency": data.context.reporting_currency,
                "fiscal_year": data.context.fiscal_year_label,
                "project_count": data.totals.project_count,
                "charts": sorted(chart.src for chart in charts.values()),
            },
        )
        publish_folder(staging, output_dir)

    logger.info(
        "rendered portfolio summary (%d projects) to %s in %.2fs",
        data.totals.project_count,
        output_dir,
        time.perf_counter() - started,
    )
    return output_dir / INDEX_NAME
