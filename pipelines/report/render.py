"""Render the report site: marts in, one self-contained static HTML folder out.

The folder (layout below) opens from disk or any static web server with no network access; pages
work without JavaScript (static/tables.js sorts, finds and filters tables; static/report.js draws
the one-pagers' charts from their tables; the board pack's one-pagers have SVG S-curves).
Everything is read in one read-only session (what several pages show first, site_data.py; each
page's own figures by the page), rendered into a hidden staging folder, and swapped in whole only
when complete (publish.py), so a failed run leaves the previous report in place.

    index.html               entry page: run, data as of per source, gate, what needs
                             attention, links to every page and every project, archive
    summary.html             executive summary          exceptions.html   every exception
    projects.html            cost overview, every project
    projects/<id>.html       one-pager per project      quality.html      the gate's verdict
    projects/<id>-s-curve.svg  the S-curve of a one-pager the board pack prints (the others
                             are drawn by the browser: s_curve_browser.py)
    finance.html ...         the topic pages: every page is a module of pages/ (the protocol:
                             pages/protocol.py); a page whose data this warehouse lacks is
                             written but linked only from the index, with the reason
    published.html           a published export (IT Dashboard, GMPP) when the warehouse holds
                             one (pages/published.py)
    charts/ static/          SVG charts; CSS, JS, the Vega bundle
    quality/blocked-*.html   blocked runs' quality pages (carried over)
    archive/<date>_<run8>/   every good run's pages, this one included (archive.py)
    report-manifest.json
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.report import archive
from pipelines.report.cost_lines import has_cost_lines
from pipelines.report.downloads_worker import Downloads, downloads_written
from pipelines.report.errors import MartsUnavailableError
from pipelines.report.facets import project_facets
from pipelines.report.pages import index_page, site_pages
from pipelines.report.pages.protocol import PageInputs, SiteOutline, SitePage
from pipelines.report.project_pages import write_project_pages
from pipelines.report.queries import connect_read_only
from pipelines.report.site import INDEX_PAGE, SiteCommon, build_site_environment, project_path
from pipelines.report.site_data import SiteData, load_site_data
from pipelines.report.static_assets import write_static
from pipelines.settings import Settings
from pipelines.site_folder import (
    check_replaceable,
    publish_folder,
    staging_folder,
    write_manifest,
)

logger = logging.getLogger(__name__)

INDEX_NAME = INDEX_PAGE


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
            try:
                _render_site(
                    con,
                    warehouse_path,
                    data,
                    staging,
                    previous,
                    run_id=run_id,
                    generated_at=generated_at,
                    archive_keep_runs=(settings or Settings()).archive_keep_runs,
                )
            except duckdb.Error as exc:  # a page reading its own figures
                raise MartsUnavailableError(f"reading the marts failed: {exc}") from exc
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


def site_common(
    data: SiteData,
    run_id: str | None,
    generated_at: datetime,
    nav: tuple[tuple[str, str], ...],
) -> SiteCommon:
    """What every page of this render shares (site.py: SiteCommon.for_page per page)."""
    ctx = data.context
    return SiteCommon(
        run_id=run_id,
        generated_at=generated_at,
        as_of_date=ctx.as_of_date,
        currency=ctx.reporting_currency,
        fiscal_year=ctx.fiscal_year,
        fiscal_year_label=ctx.fiscal_year_label,
        project_ids=frozenset(info.project_id for info in data.infos),
        nav=nav,
        cutoff=data.cutoff,
        facets=project_facets(data.infos),
    )


def _render_site(
    con: duckdb.DuckDBPyConnection,
    warehouse_path: Path,
    data: SiteData,
    staging: Path,
    previous: Path | None,
    *,
    run_id: str | None,
    generated_at: datetime,
    archive_keep_runs: int,
) -> None:
    ctx = data.context
    coverage = data.coverage
    phases = _Phases()
    env = build_site_environment(ctx.reporting_currency)
    vega_bundle = write_static(staging, previous)
    phases.done("static files")
    pages = [p for p in site_pages() if coverage.has_published or not p.only_with_published]
    # Every page is written; a page whose data this warehouse does not hold (a published export
    # without PPM, timesheets, ...) is left out of the navigation and listed on the index with
    # the reason instead. Without a published export every page is linked, as always.
    unavailable = [(p.label, p.file_name, gap) for p in pages if (gap := coverage.gap(p.topic))]
    hidden = {file_name for _, file_name, _ in unavailable}
    linked = [p for p in pages if p.file_name not in hidden]
    index = index_page()
    nav = [(p.label, p.file_name) for p in (index, *linked)]
    nav.append(("Archive", f"{INDEX_PAGE}#archive"))
    site = site_common(data, run_id, generated_at, tuple(nav))

    def render(page: SitePage, outline: SiteOutline | None = None) -> str:
        common = site.for_page(page.file_name)
        return page.render(PageInputs(con, env, staging, common, data, outline))

    def write(name: str, html: str) -> None:
        (staging / name).write_text(html, encoding="utf-8")

    for page in pages:
        write(page.file_name, render(page))
        phases.done(page.file_name)
    ppm_note = coverage.note("ppm")
    reasons = {e.info.project_id: e.reasons for e in data.exceptions}
    cost_lines = ppm_note is None and has_cost_lines(con)
    # The downloads: every table of these pages as CSV beside them and one workbook (the index,
    # written last, lists the run and the archive: no report data), and each project's actual-
    # cost lines. A large site's are written by a second process while this one writes the
    # one-pagers, which link no table (downloads_worker.py).
    downloads = Downloads(
        warehouse=warehouse_path,
        site=staging,
        pages=sorted(p.name for p in staging.glob("*.html")),
        project_ids=site.project_ids,
        currency=ctx.reporting_currency,
        cost_lines=cost_lines,
    )
    with downloads_written(downloads, con) as written:
        if not written.background:
            phases.done("downloads")
        # The board pack prints these one-pagers, so their S-curves are SVG files (no script
        # runs in a print); every other one-pager's browser draws its own.
        pack_projects = [e.info.project_id for e in data.exceptions[:BOARD_PACK_PROJECTS]]
        write_project_pages(
            env, data.pages, reasons, staging, site.for_page("", "../"), vega_bundle,
            cutoff=ctx.as_of_date, printed=frozenset(pack_projects), cost_lines=cost_lines,
        )  # fmt: skip
        phases.done("one-pagers")
    if written.background:
        phases.done("downloads in the second process, past the one-pagers")

    entry = archive.entry_name(generated_at, run_id)
    project_count = len(data.infos) if ppm_note is None else coverage.published_project_count
    manifest: dict[str, object] = {
        "report": "portfolio_summary",
        "run_id": run_id,
        "generated_at": generated_at.isoformat(),
        "as_of_date": ctx.as_of_date.isoformat(),
        "reporting_currency": ctx.reporting_currency,
        "fiscal_year": ctx.fiscal_year_label,
        "project_count": len(data.infos),
        "exception_count": len(data.exceptions),
        "pages": [INDEX_PAGE, *(page.file_name for page in pages)],
        "archive_entry": f"{archive.ARCHIVE_DIRNAME}/{entry}",
        # What the board pack prints, in order: the summary, all exceptions, finance, and
        # the one-pagers of the projects that need attention most (pipelines/report/assets.py).
        # A page with nothing to show for this warehouse's data is left out (the summary has no
        # topic: it says what the data supports and carries the published exports' headline).
        "board_pack_pages": [
            *(page.file_name for page in linked if page.board_pack),
            *(project_path(project_id) for project_id in pack_projects),
        ],
        "downloads": written.csv_paths,
        "charts": sorted(
            str(path.relative_to(staging))
            for path in (staging / "charts").glob("*.svg")
            if any(page.spec.draws(str(path.relative_to(staging))) for page in pages)
        ),
    }
    if coverage.has_published:
        manifest["published_profiles"] = [p.source_profile for p in coverage.profiles]
        manifest["published_project_count"] = coverage.published_project_count
    write_manifest(staging, manifest)
    # This run adds one entry: carry the newest archive_keep_runs - 1 (the archive is bounded).
    archive.carry_previous(previous, staging, replace_entry=entry, keep=archive_keep_runs - 1)
    this_run = archive.ArchiveEntry(
        entry, run_id, generated_at, ctx.as_of_date.isoformat(), project_count
    )
    outline = SiteOutline(
        pages=tuple((p.label, p.file_name, p.description) for p in linked),
        unavailable=tuple(unavailable),
        archive=(this_run, *archive.list_entries(staging)),
        blocked=tuple(archive.blocked_pages(staging)),
    )
    write(INDEX_PAGE, render(index, outline))
    archive.add_entry(staging, entry, render(index, replace(outline, archived=True)))
    phases.done("index and archive")
    phases.log()
