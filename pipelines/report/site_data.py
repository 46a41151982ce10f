"""Read what more than one page shows, once per render, before any page is written.

The context every page states (as-of date, currency, fiscal year, data cut-off), which kinds of
data the warehouse holds, the quality gate's record, every project's facts and the exceptions
among them, and the one-pagers' data. A page's own figures are read by the page
(pipelines/report/pages/). A fixed, small number of set-based queries regardless of the number of
projects: the one-pagers' data is grouped in Python (project_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.report.coverage import Coverage, load_coverage
from pipelines.report.cutoff_queries import DataCutoff, load_data_cutoff
from pipelines.report.errors import MartsUnavailableError
from pipelines.report.exceptions import ProjectException, find_exceptions
from pipelines.report.project_queries import (
    ProjectInfo,
    ProjectPage,
    load_project_infos,
    load_project_pages,
    load_rebaselines,
)
from pipelines.report.quality_page import load_quality_data
from pipelines.report.quality_queries import QualityRunData
from pipelines.report.queries import ReportContext, _fetch, check_mart_contract, load_context
from pipelines.settings import Settings


@dataclass(frozen=True)
class SiteData:
    context: ReportContext
    quality: QualityRunData
    cutoff: DataCutoff | None
    infos: tuple[ProjectInfo, ...]
    pages: list[ProjectPage]
    exceptions: tuple[ProjectException, ...]
    coverage: Coverage


def published_context(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, settings: Settings
) -> ReportContext | None:
    """The site's context when the marts hold only a published export (no PPM extract).

    As of the newest published extract; fiscal year from marts.dim_dates when it covers that
    day, else from the fiscal-year start in the settings (the date dimension is built from the demo
    sources' dates, so it is empty then); the reporting currency from the settings (the
    published amounts keep their own currency, shown with each amount).
    """
    if not coverage.has_published:
        return None
    as_of = max((p.extract_date for p in coverage.profiles if p.extract_date), default=None)
    if as_of is None:
        return None
    fiscal = _fetch(
        con,
        "select fiscal_year, fiscal_year_label from marts.dim_dates where date_day = ?",
        [as_of],
    )
    if fiscal:
        fiscal_year, label = int(fiscal[0][0]), str(fiscal[0][1])
    else:
        start = settings.fiscal_year_start_month
        fiscal_year = as_of.year if as_of.month >= start else as_of.year - 1
        label = f"FY{fiscal_year}"
    return ReportContext(as_of, settings.reporting_currency, fiscal_year, label)


def load_site_data(
    con: duckdb.DuckDBPyConnection, run_id: str | None, settings: Settings
) -> SiteData:
    try:
        check_mart_contract(con)  # one message naming every missing mart, before anything else
        coverage = load_coverage(con)
        context = load_context(con, published_context(con, coverage, settings))
        infos = load_project_infos(con)
        rebaselines = load_rebaselines(con)
        return SiteData(
            context=context,
            quality=load_quality_data(con, run_id),
            cutoff=load_data_cutoff(con),
            infos=infos,
            pages=load_project_pages(con, infos, rebaselines, context.as_of_date),
            exceptions=find_exceptions(infos, context.reporting_currency),
            coverage=coverage,
        )
    except duckdb.Error as exc:
        raise MartsUnavailableError(f"reading the marts failed: {exc}") from exc
