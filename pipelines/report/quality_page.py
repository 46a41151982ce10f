"""The data-quality page: what the quality gate decided for one run, and why.

It answers the questions a reader has when figures look off or a run was blocked: which sources
passed, warned, were quarantined or blocked; how every row read was accounted for (accepted or set
aside); which rules failed, with what action; which landing files were not loaded; and which rows
were set aside, with file, line and reason; and, for a published export, which of its published
figures disagree with the publisher's own formula. Every published report carries it as
quality.html, and a blocked run gets one of its own (pipelines.report.blocked_notice).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.operate.freshness import FRESHNESS_TABLE
from pipelines.report.errors import ReportError
from pipelines.report.formatting import format_figure_value
from pipelines.report.pages.protocol import PageSpec
from pipelines.report.published_queries import CHECK_COUNTS_TABLE, CHECKS_TABLE, PublishedChecks
from pipelines.report.quality_queries import (
    QUARANTINE_LISTING_CAP,
    REQUIRED_COLUMNS,
    QualityRunData,
    load_quality_run,
)
from pipelines.report.queries import connect_read_only
from pipelines.report.templating import build_environment

QUALITY_PAGE_NAME = "quality.html"
PUBLISHED_WAREHOUSE = "the published warehouse ($PORTFOLIO_WAREHOUSE)"
# The site's page (pipelines/report/pages/quality.py) and a blocked run's are this one page. It
# reads the gate's and the ingest's tables, no mart, so that a blocked run (no dbt) has it too;
# the published figure checks only when the warehouse holds a published export.
SPEC = PageSpec(
    template="data_quality.html.j2",
    marts=(),
    published_marts=(CHECKS_TABLE, CHECK_COUNTS_TABLE),
    tables=(*REQUIRED_COLUMNS, FRESHNESS_TABLE),
)


def render_quality_html(
    data: QualityRunData,
    *,
    root: str = "",
    generated_at: datetime | None = None,
    warehouse_label: str = PUBLISHED_WAREHOUSE,
    quarantine_cap: int = QUARANTINE_LISTING_CAP,
    published_checks: PublishedChecks | None = None,
) -> str:
    """The page for already loaded data (the blocked notice also needs the data for its banner).

    published_checks (pipelines.report.published_queries.load_published_checks) adds the
    section on published figures that disagree with their own formula; None leaves it out.
    """
    template = build_environment().get_template(SPEC.template)
    return template.render(
        engineers=SPEC.engineers_note(
            has_published=published_checks is not None, sources=data.sources
        ),
        run_id=data.run_id,
        quality=data,
        root=root,
        generated_at=generated_at or datetime.now(UTC),
        warehouse_label=warehouse_label,
        quarantine_cap=quarantine_cap,
        published_checks=published_checks,
        pfigure=format_figure_value,
    )


def load_quality_data(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None,
    *,
    quarantine_cap: int = QUARANTINE_LISTING_CAP,
) -> QualityRunData:
    """load_quality_run, with a SQL failure reported as a ReportError naming the audit tables."""
    try:
        return load_quality_run(con, run_id, quarantine_cap=quarantine_cap)
    except duckdb.Error as exc:
        raise ReportError(f"reading the quality gate's audit tables failed: {exc}") from exc


def render_quality_page(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None,
    *,
    root: str = "",
    generated_at: datetime | None = None,
    warehouse_label: str = PUBLISHED_WAREHOUSE,
    quarantine_cap: int = QUARANTINE_LISTING_CAP,
) -> str:
    """The page for run_id (the latest run the gate decided when None) as HTML text.

    root is the path from where the page will be written to the report folder ("../" for a page
    in a subfolder); warehouse_label says where the analyst's query for all quarantined rows runs.
    """
    return render_quality_html(
        load_quality_data(con, run_id, quarantine_cap=quarantine_cap),
        root=root,
        generated_at=generated_at,
        warehouse_label=warehouse_label,
        quarantine_cap=quarantine_cap,
    )


def render_quality_page_for(
    warehouse_path: Path,
    run_id: str | None,
    *,
    root: str = "",
    generated_at: datetime | None = None,
    warehouse_label: str = PUBLISHED_WAREHOUSE,
) -> str:
    """render_quality_page on a warehouse file, opened read-only and closed again."""
    con = connect_read_only(warehouse_path)
    try:
        return render_quality_page(
            con,
            run_id,
            root=root,
            generated_at=generated_at,
            warehouse_label=warehouse_label,
        )
    finally:
        con.close()
