"""Render the report site: marts in, one self-contained static HTML folder out.

The folder (layout below) opens from disk or any static web server with no network access; pages
work without JavaScript (static/tables.js sorts, finds and filters tables; static/report.js draws
the one-pagers' charts from their tables; the board pack's one-pagers have SVG S-curves).
Everything is read first in one read-only session (site_data.py), rendered into a hidden
staging folder, and swapped in whole only when complete (publish.py), so a failed run leaves the
previous report in place.

    index.html               entry page: run, data as of per source, gate, what needs
                             attention, links to every page and every project, archive
    summary.html             executive summary          exceptions.html   every exception
    projects.html            cost overview, every project
    projects/<id>.html       one-pager per project      quality.html      the gate's verdict
    projects/<id>-s-curve.svg  the S-curve of a one-pager the board pack prints (the others
                             are drawn by the browser: s_curve_browser.py)
    finance.html ...         optional pages (optional_pages.py) when their module exists
    published.html           a published export (IT Dashboard, GMPP) when the warehouse holds
                             one (pages/published.py); pages its data cannot fill are written
                             but linked only from the index, with the reason (coverage.py)
    charts/ static/          SVG charts; CSS, JS, the Vega bundle
    quality/blocked-*.html   blocked runs' quality pages (carried over)
    archive/<date>_<run8>/   every good run's pages, this one included (archive.py)
    report-manifest.json
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Template

from pipelines.report import archive
from pipelines.report.charts import ChartImage, write_charts
from pipelines.report.cost_lines import has_cost_lines, write_cost_line_files
from pipelines.report.facets import project_facets
from pipelines.report.optional_pages import available_pages
from pipelines.report.pages import published as published_page
from pipelines.report.project_pages import write_project_pages
from pipelines.report.project_queries import ProjectInfo
from pipelines.report.quality_page import render_quality_html
from pipelines.report.queries import connect_read_only
from pipelines.report.site import (
    INDEX_PAGE,
    PROJECTS_PAGE,
    QUALITY_PAGE,
    SUMMARY_PAGE,
    SiteCommon,
    build_site_environment,
    project_path,
)
from pipelines.report.site_data import SiteData, load_site_data
from pipelines.report.static_assets import write_static
from pipelines.report.summary_charts import write_summary_charts
from pipelines.report.summary_queries import MIX_DIMENSIONS
from pipelines.report.table_exports import export_site_tables
from pipelines.settings import Settings
from pipelines.site_folder import (
    check_replaceable,
    publish_folder,
    staging_folder,
    write_manifest,
)

logger = logging.getLogger(__name__)

INDEX_NAME = INDEX_PAGE
EXCEPTIONS_PAGE = "exceptions.html"
EXCEPTIONS_ON_SUMMARY = 10
QUALITY_TEXT = "the quality gate's decision per source, failed rules, set-aside rows"
CORE_PAGES = (
    ("Executive summary", SUMMARY_PAGE, "headline figures, what needs attention, trends"),
    ("Needs attention", EXCEPTIONS_PAGE, "every project that needs attention, with its reasons"),
    ("Projects", PROJECTS_PAGE, "cost performance of every project and portfolio"),
)


# One-pagers in the board pack: the board reads the worst few, not all exceptions.
BOARD_PACK_PROJECTS = 10


def previous_published(output_dir: Path) -> Path | None:
    """The folder readers see now, whose archive this render carries over.

    The pipeline renders into a staging folder and names the published one (`previous_dir`);
    rendering straight into a published folder (CLI, tests) replaces that folder itself.
    """
    return output_dir if output_dir.is_dir() else None


def render_portfolio_report(
    warehouse_path: Path,
    output_dir: Path,
    *,
    run_id: str | None = None,
    generated_at: datetime | None = None,
    previous_dir: Path | None = None,
    settings: Settings | None = None,
) -> Path:
    """Render the whole site from the marts into output_dir and return its index.html.

    settings give the reporting currency and fiscal calendar of a published-export site
    (default: the documented defaults).

    previous_dir is the currently published folder whose archive this render carries on (default:
    previous_published(output_dir)). Raises a ReportError subclass (MartsUnavailableError,
    MartsInconsistentError, OutputDirError) when the report cannot be produced; the previously
    published report is then left as it was.
    """
    started = time.perf_counter()
    generated_at = generated_at or datetime.now(UTC)
    check_replaceable(output_dir)  # fail before doing any work, not after
    previous = previous_dir if previous_dir is not None else previous_published(output_dir)
    con = connect_read_only(warehouse_path)
    try:
        data = load_site_data(con, run_id, settings or Settings())
        loaded = time.perf_counter()
        with staging_folder(output_dir) as staging:
            _render_site(
                con,
                data,
                staging,
                previous,
                run_id=run_id,
                generated_at=generated_at,
                archive_keep_runs=(settings or Settings()).archive_keep_runs,
            )
            con.close()
            publish_folder(staging, output_dir)
    finally:
        con.close()
    logger.info(
        "rendered the report site (%d projects) to %s in %.2fs (reading %.2fs)",
        len(data.infos),
        output_dir,
        time.perf_counter() - started,
        loaded - started,
    )
    return output_dir / INDEX_NAME


class _Phases:
    """Seconds per rendering phase, logged at the end (benchmarks/report_render.py prints them)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def done(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = now - self.last
        self.last = now

    def log(self) -> None:
        logger.info(
            "render phases: %s", ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items())
        )


def _render_site(
    con: duckdb.DuckDBPyConnection,
    data: SiteData,
    staging: Path,
    previous: Path | None,
    *,
    run_id: str | None,
    generated_at: datetime,
    archive_keep_runs: int,
) -> None:
    ctx = data.portfolio.context
    currency = ctx.reporting_currency
    coverage = data.coverage
    phases = _Phases()
    env = build_site_environment(currency)
    vega_bundle = write_static(staging, previous)
    phases.done("static files")
    extra, missing = available_pages()
    # Every page is written; a page whose data this warehouse does not hold (a published export
    # without PPM, timesheets, ...) is left out of the navigation and listed on the index with
    # the reason instead. Without a published export every page is linked, as always.
    every_page = [(label, href) for label, href, _ in CORE_PAGES]
    every_page += [(page.label, page.file_name) for page, _ in extra]
    unavailable = [
        (label, href, gap) for label, href in every_page if (gap := coverage.page_gap(href))
    ]
    hidden = {href for _, href, _ in unavailable}
    core = [page for page in CORE_PAGES if page[1] not in hidden]
    linked_extra = [(page, render) for page, render in extra if page.file_name not in hidden]
    nav = [("Overview", INDEX_PAGE)] + [(label, href) for label, href, _ in core]
    if coverage.has_published:
        nav.append((published_page.LABEL, published_page.FILE_NAME))
    nav += [(page.label, page.file_name) for page, _ in linked_extra]
    nav += [("Data quality", QUALITY_PAGE), ("Archive", f"{INDEX_PAGE}#archive")]
    site = SiteCommon(
        run_id=run_id,
        generated_at=generated_at,
        as_of_date=ctx.as_of_date,
        currency=currency,
        fiscal_year=ctx.fiscal_year,
        fiscal_year_label=ctx.fiscal_year_label,
        project_ids=frozenset(info.project_id for info in data.infos),
        nav=tuple(nav),
        cutoff=data.cutoff,
        facets=project_facets(data.infos),
    )

    def write(name: str, html: str) -> None:
        (staging / name).write_text(html, encoding="utf-8")

    for page, render in extra:
        write(page.file_name, render(con, env, staging, site.for_page(page.file_name)))
    if coverage.has_published:
        write(
            published_page.FILE_NAME,
            published_page.render(con, env, staging, site.for_page(published_page.FILE_NAME)),
        )
    phases.done("optional pages")

    ppm_note = coverage.note("ppm")
    overview_charts: dict[str, ChartImage] = {}
    summary_charts: dict[str, ChartImage] = {}
    if ppm_note is None:  # no chart of nothing
        overview_charts = write_charts(data.portfolio, staging)
        summary_charts = write_summary_charts(
            data.months, data.mix, data.trend,
            fiscal_year_label=ctx.fiscal_year_label, currency=currency, out_dir=staging,
        )  # fmt: skip
    phases.done("charts")
    write(SUMMARY_PAGE, env.get_template("summary.html.j2").render(
        **site.for_page(SUMMARY_PAGE), tiles=data.tiles, health=data.health, closed=data.closed,
        exceptions=data.exceptions, shown_exceptions=EXCEPTIONS_ON_SUMMARY, months=data.months,
        mix=data.mix, mix_dimensions=MIX_DIMENSIONS, trend=data.trend, charts=summary_charts,
        ppm_note=ppm_note, published=coverage.profiles,
    ))  # fmt: skip
    write(EXCEPTIONS_PAGE, env.get_template("exceptions.html.j2").render(
        **site.for_page(EXCEPTIONS_PAGE), exceptions=data.exceptions, ppm_note=ppm_note,
        published=coverage.profiles,
    ))  # fmt: skip
    portfolio = data.portfolio
    write(PROJECTS_PAGE, env.get_template("projects.html.j2").render(
        **site.for_page(PROJECTS_PAGE), data=portfolio, context=ctx, totals=portfolio.totals,
        bva=portfolio.budget_vs_actual, portfolios=portfolio.portfolios,
        projects=portfolio.projects, charts=overview_charts, ppm_note=ppm_note,
        published=coverage.profiles,
    ))  # fmt: skip
    write(
        QUALITY_PAGE,
        render_quality_html(
            data.quality, generated_at=generated_at, published_checks=data.published_checks
        ),
    )
    phases.done("summary, exceptions, projects, quality pages")
    # Every table of these pages as CSV beside them and one workbook (the index, written last,
    # lists the run and the archive: no report data). Before the one-pagers: they link no table.
    exported = export_site_tables(staging, sorted(p.name for p in staging.glob("*.html")))
    phases.done("table downloads")
    reasons = {e.info.project_id: e.reasons for e in data.exceptions}
    cost_lines = ppm_note is None and has_cost_lines(con)
    # The board pack prints these one-pagers, so their S-curves are SVG files (no script runs in
    # a print); every other one-pager's browser draws its own.
    pack_projects = [e.info.project_id for e in data.exceptions[:BOARD_PACK_PROJECTS]]
    write_project_pages(
        env, data.pages, reasons, staging, site.for_page("", "../"), vega_bundle,
        cutoff=ctx.as_of_date, printed=frozenset(pack_projects), cost_lines=cost_lines,
    )  # fmt: skip
    phases.done("one-pagers")
    if cost_lines:
        write_cost_line_files(con, staging, site.project_ids, currency)
        phases.done("actual cost lines")

    entry = archive.entry_name(generated_at, run_id)
    project_count = len(data.infos) if ppm_note is None else coverage.published_project_count
    published_pages = [published_page.FILE_NAME] if coverage.has_published else []
    manifest: dict[str, object] = {
        "report": "portfolio_summary",
        "run_id": run_id,
        "generated_at": generated_at.isoformat(),
        "as_of_date": ctx.as_of_date.isoformat(),
        "reporting_currency": currency,
        "fiscal_year": ctx.fiscal_year_label,
        "project_count": len(data.infos),
        "exception_count": len(data.exceptions),
        "pages": [INDEX_PAGE, *(href for _, href, _ in CORE_PAGES), QUALITY_PAGE,
                  *(page.file_name for page, _ in extra), *published_pages],
        "archive_entry": f"{archive.ARCHIVE_DIRNAME}/{entry}",
        # What the board pack prints, in order: the summary, all exceptions, finance, and
        # the one-pagers of the projects that need attention most (pipelines/report/assets.py).
        # A page with nothing to show for this warehouse's data is left out (the summary stays:
        # it says what the data supports and carries the published exports' headline).
        "board_pack_pages": [
            SUMMARY_PAGE,
            *([EXCEPTIONS_PAGE] if EXCEPTIONS_PAGE not in hidden else []),
            *(page.file_name for page, _ in linked_extra if page.file_name == "finance.html"),
            *(project_path(project_id) for project_id in pack_projects),
        ],
        "downloads": [table.csv_path for table in exported],
        "charts": sorted(c.src for c in [*overview_charts.values(),
                                         *summary_charts.values()]),
    }  # fmt: skip
    if coverage.has_published:
        manifest["published_profiles"] = [p.source_profile for p in coverage.profiles]
        manifest["published_project_count"] = coverage.published_project_count
    write_manifest(staging, manifest)
    # This run adds one entry: carry the newest archive_keep_runs - 1 (the archive is bounded).
    archive.carry_previous(previous, staging, replace_entry=entry, keep=archive_keep_runs - 1)
    this_run = archive.ArchiveEntry(
        entry, run_id, generated_at, ctx.as_of_date.isoformat(), project_count
    )
    entries = [this_run, *archive.list_entries(staging)]
    pages = [{"label": label, "href": href, "description": text} for label, href, text in core]
    if coverage.has_published:
        pages.append(
            {
                "label": published_page.LABEL,
                "href": published_page.FILE_NAME,
                "description": published_page.DESCRIPTION,
            }
        )
    pages += [
        {"label": page.label, "href": page.file_name, "description": page.description}
        for page, _ in linked_extra
    ]
    pages.append({"label": "Data quality", "href": QUALITY_PAGE, "description": QUALITY_TEXT})
    index_args = {
        **site.for_page(INDEX_PAGE),
        "data": data, "health": data.health, "sources": data.sources,
        "gate_verdict": data.quality.verdict, "project_count": len(data.infos),
        "exception_count": len(data.exceptions), "pages": pages, "missing_pages": missing,
        "archive": entries, "directory": _directory(data),
        "ppm_note": ppm_note, "published": coverage.profiles, "source_name": coverage.source,
        "unavailable_pages": [
            {"label": label, "href": href, "note": note} for label, href, note in unavailable
        ],
    }  # fmt: skip
    template = env.get_template("index.html.j2")
    blocked = archive.blocked_pages(staging)
    write(INDEX_PAGE, _index(template, index_args, archived=False, blocked=blocked))
    archive.add_entry(staging, entry, _index(template, index_args, archived=True, blocked=[]))
    phases.done("index and archive")
    phases.log()


def _directory(data: SiteData) -> list[tuple[str | None, list[ProjectInfo]]]:
    """Every project by portfolio, names in alphabetical order: the index links them all."""
    groups: dict[str | None, list[ProjectInfo]] = {}
    for info in sorted(data.infos, key=lambda i: ((i.project_name or "").lower(), i.project_id)):
        groups.setdefault(info.portfolio, []).append(info)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))


def _index(
    template: Template, args: dict[str, object], *, archived: bool, blocked: list[str]
) -> str:
    """The root index (archive under archive/) or this run's archived copy (siblings at ../)."""
    return template.render(
        **args,
        archive_index=archived,
        archive_prefix="../" if archived else f"{archive.ARCHIVE_DIRNAME}/",
        blocked=blocked,
        blocked_prefix=f"{archive.BLOCKED_DIRNAME}/",
    )
