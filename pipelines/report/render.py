"""Render the portfolio summary: marts in, one self-contained static HTML folder out.

The output folder (index.html, static/report.css, charts/*.svg, report-manifest.json) opens from
disk or any static web server with no network access and no JavaScript, so it can be e-mailed,
archived with the run, or published on an intranet as is. All reading happens before anything is
written, and the folder is swapped in only once complete (see publish.py), so a failed run leaves
the previous report in place.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipelines.report.charts import write_charts
from pipelines.report.formatting import (
    NO_VALUE,
    format_count,
    format_date,
    format_datetime,
    format_iso_month,
    format_money,
    format_month,
    format_pct,
    format_text,
    rag_class,
    sign_class,
)
from pipelines.report.publish import (
    check_replaceable,
    publish_folder,
    staging_folder,
    write_manifest,
)
from pipelines.report.queries import load_portfolio_report_data
from pipelines.settings import REPORT_TEMPLATES_DIR

logger = logging.getLogger(__name__)

TEMPLATES_DIR = REPORT_TEMPLATES_DIR / "templates"
STATIC_DIR = REPORT_TEMPLATES_DIR / "static"
PORTFOLIO_SUMMARY_TEMPLATE = "portfolio_summary.html.j2"
INDEX_NAME = "index.html"


def build_environment(reporting_currency: str) -> Environment:
    """A jinja2 environment that escapes everything and fails loudly on a missing variable.

    Autoescaping is on for every template (project names come from a PPM export anyone can type
    into), and StrictUndefined turns a typo in a template into an error at render time instead of a
    silently blank cell in a report people make decisions on. The money filter is bound to the
    reporting currency so templates cannot mix currencies.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=partial(format_money, currency=reporting_currency),
        pct=format_pct,
        count=format_count,
        isodate=format_date,
        isodatetime=format_datetime,
        month=format_month,
        isomonth=format_iso_month,
        text=format_text,
        rag_class=rag_class,
        sign_class=sign_class,
    )
    env.globals["NO_VALUE"] = NO_VALUE
    return env


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
        )
        (staging / INDEX_NAME).write_text(html, encoding="utf-8")
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
