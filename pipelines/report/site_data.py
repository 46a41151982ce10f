"""Read everything the site shows in one read-only session, before anything is written.

A fixed, small number of set-based queries (one or two per mart) regardless of the number of
projects: the one-pagers' data is grouped in Python (project_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.ingest.summary_views import NEWEST_EXTRACTS_VIEW
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
from pipelines.report.published_queries import (
    PublishedChecks,
    load_published_checks,
)
from pipelines.report.quality_page import load_quality_data
from pipelines.report.quality_queries import QualityRunData
from pipelines.report.queries import (
    PortfolioReportData,
    ReportContext,
    _fetch,
    check_mart_contract,
    load_portfolio_data,
)
from pipelines.report.summary_queries import (
    ClosedProjects,
    HealthCounts,
    MixRow,
    MonthPlan,
    Tile,
    TrendPoint,
    load_closed_projects,
    load_health_counts,
    load_mix,
    load_month_plan,
    load_tiles,
    load_trend,
)
from pipelines.settings import Settings
from pipelines.sql_helpers import missing_columns


@dataclass(frozen=True)
class SourceAsOf:
    """One export source: its newest loaded extract and the gate's decision this run."""

    source: str
    as_of: date | None
    decision: str | None


@dataclass(frozen=True)
class SiteData:
    portfolio: PortfolioReportData
    quality: QualityRunData
    sources: tuple[SourceAsOf, ...]
    tiles: tuple[Tile, ...]
    health: HealthCounts
    closed: ClosedProjects | None
    cutoff: DataCutoff | None
    months: tuple[MonthPlan, ...]
    mix: tuple[MixRow, ...]
    trend: tuple[TrendPoint, ...]
    infos: tuple[ProjectInfo, ...]
    pages: list[ProjectPage]
    exceptions: tuple[ProjectException, ...]
    coverage: Coverage
    published_checks: PublishedChecks | None


def load_sources(con: duckdb.DuckDBPyConnection, quality: QualityRunData) -> tuple[SourceAsOf, ...]:
    """Newest loaded extract per source (the ingest's view of its load manifest), beside the
    gate's decision; a warehouse the ingest never wrote has no extracts to show."""
    as_of: dict[str, date | None] = {}
    if not missing_columns(con, {NEWEST_EXTRACTS_VIEW: ("source", "newest_extract_date")}):
        for source, newest in _fetch(
            con, f"select source, newest_extract_date from {NEWEST_EXTRACTS_VIEW}"
        ):
            as_of[str(source)] = newest if isinstance(newest, date) else None
    decisions = {d.source: d.decision for d in quality.decisions}
    names = sorted(set(as_of) | set(decisions))
    return tuple(SourceAsOf(n, as_of.get(n), decisions.get(n)) for n in names)


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
        portfolio = load_portfolio_data(con, published_context(con, coverage, settings))
        quality = load_quality_data(con, run_id)
        infos = load_project_infos(con)
        rebaselines = load_rebaselines(con)
        return SiteData(
            portfolio=portfolio,
            quality=quality,
            sources=load_sources(con, quality),
            tiles=load_tiles(con),
            health=load_health_counts(con),
            months=load_month_plan(con),
            mix=load_mix(con),
            trend=load_trend(con),
            infos=infos,
            pages=load_project_pages(con, infos, rebaselines, portfolio.context.as_of_date),
            exceptions=find_exceptions(infos, portfolio.context.reporting_currency),
            closed=load_closed_projects(con),
            cutoff=load_data_cutoff(con),
            coverage=coverage,
            published_checks=load_published_checks(con) if coverage.has_published else None,
        )
    except duckdb.Error as exc:
        raise MartsUnavailableError(f"reading the marts failed: {exc}") from exc
