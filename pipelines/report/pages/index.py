"""The entry page (index.html): the run, data as of per source, the gate's verdict, links to
every page and every project, and the archive of earlier runs.

Written last, when the site's other pages, its archive and the blocked runs' pages are known
(`PageInputs.outline`), and twice: at the root and as this run's archived copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.ingest.summary_views import NEWEST_EXTRACTS_VIEW
from pipelines.report import archive
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.report.project_queries import PROJECT_FACT_MARTS, ProjectInfo
from pipelines.report.published_queries import OVERVIEW_MARTS
from pipelines.report.quality_queries import DECISIONS_TABLE, QualityRunData
from pipelines.report.queries import _fetch
from pipelines.report.site import INDEX_PAGE
from pipelines.report.summary_queries import load_health_counts
from pipelines.sql_helpers import missing_columns

SPEC = PageSpec(
    template="index.html.j2",
    marts=(
        *PROJECT_FACT_MARTS,  # the project count, the exceptions and the directory
        "fct_reporting_cutoff",  # the data cut-off and each source's coverage
        "dim_dates",  # the fiscal year
    ),
    published_marts=OVERVIEW_MARTS,
    tables=(NEWEST_EXTRACTS_VIEW, DECISIONS_TABLE),
)


@dataclass(frozen=True)
class SourceAsOf:
    """One export source: its newest loaded extract and the gate's decision this run."""

    source: str
    as_of: date | None
    decision: str | None


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


def directory(infos: tuple[ProjectInfo, ...]) -> list[tuple[str | None, list[ProjectInfo]]]:
    """Every project by portfolio, names in alphabetical order: the index links them all."""
    groups: dict[str | None, list[ProjectInfo]] = {}
    for info in sorted(infos, key=lambda i: ((i.project_name or "").lower(), i.project_id)):
        groups.setdefault(info.portfolio, []).append(info)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))


def render(inputs: PageInputs) -> str:
    site, outline = inputs.site_data, inputs.outline
    if outline is None:
        raise ValueError("the index lists the site's pages: PageInputs.outline is required")
    coverage = site.coverage
    sources = load_sources(inputs.con, site.quality)
    # The archived copy links its siblings under archive/ and the latest run at ../../; only
    # the root index has the run-status region a blocked run rewrites, and the blocked runs.
    return inputs.render_template(
        SPEC,
        note_sources=tuple(s.source for s in sources),
        health=load_health_counts(inputs.con),
        sources=sources,
        gate_verdict=site.quality.verdict,
        project_count=len(site.infos),
        exception_count=len(site.exceptions),
        pages=[
            {"label": label, "href": href, "description": text}
            for label, href, text in outline.pages
        ],
        unavailable_pages=[
            {"label": label, "href": href, "note": why} for label, href, why in outline.unavailable
        ],
        archive=outline.archive,
        directory=directory(site.infos),
        ppm_note=coverage.note("ppm"),
        published=coverage.profiles,
        source_name=coverage.source,
        archive_index=outline.archived,
        archive_prefix="../" if outline.archived else f"{archive.ARCHIVE_DIRNAME}/",
        blocked=[] if outline.archived else list(outline.blocked),
        blocked_prefix=f"{archive.BLOCKED_DIRNAME}/",
    )


PAGE = SitePage(
    file_name=INDEX_PAGE,
    label="Overview",
    description="the run, data as of per source, links to every page and project, the archive",
    spec=SPEC,
    render=render,
)
