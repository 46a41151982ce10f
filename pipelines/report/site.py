"""The report site's shared contract: page names, navigation, links to projects, `common`.

Every page of the published folder is rendered by one process from one read-only connection,
each by its module in pipelines.report.pages on one protocol (pages/protocol.py)::

    PAGE.render(PageInputs(con, env, out_dir, common, site, outline)) -> str

- `con`: a read-only DuckDB connection to the warehouse being reported (do not close it).
- `env`: the site's jinja2 environment (build_site_environment): autoescape on, StrictUndefined,
  the formatting filters (money, pct, ratio, dmoney, dratio, dcount, days, isodate, month,
  rag_class, rag_symbol, text, pmoney and pfigure for published exports, ...) and the
  templates in reports/templates/.
- `out_dir`: the staging folder the page is written to (as `<name>.html` by the caller); write
  chart SVGs to `out_dir / "charts"` and link them as `{{ root }}charts/<file>.svg`.
- `site`: what more than one page shows, read once (site_data.py); `outline`: the index's list
  of the other pages and the archive.
- returns the page's HTML; the caller writes it and links it from the nav and the index.

`common` (SiteCommon.for_page builds it for each page) holds:

=================  ======================================================================
key                value
=================  ======================================================================
root               "" for top-level pages, "../" for pages one folder down: prefix of
                   every local link (static/, charts/, other pages)
nav                [(label, href)] for every page in the site, hrefs relative to the site
                   root (prefix them with root); only pages that exist this run
current            the page's own file name ("finance.html"), to mark it in the nav
run_id             the Dagster run id (str) or None
generated_at       timezone-aware datetime the site was rendered
as_of_date         the reporting cut-off the cost figures are measured to
currency           the reporting currency code ("USD"); env's money filter uses it
fiscal_year        int, the fiscal year containing as_of_date (named after its start year)
fiscal_year_label  "FY2026"
project_href       function project_id -> href of its one-pager *from this page* (root
                   already applied): <a href="{{ project_href(p.project_id) }}">
project_ids        frozenset of project ids that have a one-pager (link only those)
project_facets     function project_id -> {facet: value} (name, portfolio, program, sponsor,
                   manager, reported and computed RAG, status): the macro project_row_attrs
                   in "_project_link.html.j2" writes them on a project's <tr> so that
                   static/tables.js can find and filter the table (class "filterable")
cutoff             DataCutoff (cutoff_queries.py) or None: the reporting cut-off and how far
                   each source runs; base.html.j2 states it on every page
=================  ======================================================================

Templates extend "base.html.j2", which draws the shared "_nav.html.j2" (with `nav`, `root` and
`current`) and the page's note for the data engineer, and may use the macro
`project_link(project_href, id, name)` from "_project_link.html.j2" so every project name links
to its one-pager.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from jinja2 import Environment

from pipelines.report.cutoff_queries import DataCutoff
from pipelines.report.formatting import (
    format_days,
    format_delta_count,
    format_delta_money,
    format_delta_ratio,
    format_figure_value,
    format_published_money,
    format_ratio,
    rag_symbol,
)
from pipelines.report.templating import build_environment

INDEX_PAGE = "index.html"
SUMMARY_PAGE = "summary.html"
PROJECTS_PAGE = "projects.html"
QUALITY_PAGE = "quality.html"
PROJECTS_DIRNAME = "projects"
CHARTS_DIRNAME = "charts"
STATIC_DIRNAME = "static"

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_-]")
_MAX_NAME = 80


def project_file_name(project_id: str) -> str:
    """A file name for a project id that is safe on every file system and in a URL.

    Ids made of letters, digits, '-' and '_' are kept as they are (PRJ-0001.html). Anything else
    is replaced by '_' and a short hash of the original id is appended, so two ids that differ
    only in unsafe characters ("a/b", "a:b") never share a page, and "../x" cannot leave the folder.
    """
    if _SAFE_ID.fullmatch(project_id) and len(project_id) <= _MAX_NAME:
        return f"{project_id}.html"
    digest = hashlib.sha256(project_id.encode("utf-8")).hexdigest()[:10]
    stem = _UNSAFE_CHARS.sub("_", project_id)[:_MAX_NAME].strip("_") or "project"
    return f"{stem}-{digest}.html"


def project_path(project_id: str) -> str:
    """The one-pager's path relative to the site root."""
    return f"{PROJECTS_DIRNAME}/{project_file_name(project_id)}"


def build_site_environment(currency: str) -> Environment:
    """The shared environment plus the filters the site pages need beyond the quality page's."""
    env = build_environment(currency)
    env.filters.update(
        ratio=format_ratio,
        dmoney=partial(format_delta_money, currency=currency),
        dratio=format_delta_ratio,
        dcount=format_delta_count,
        days=format_days,
        rag_symbol=rag_symbol,
        # published exports keep their own currency and unit: value | pmoney(currency, unit)
        pmoney=format_published_money,
        pfigure=format_figure_value,
    )
    return env


@dataclass(frozen=True)
class SiteCommon:
    """The values every page shares; for_page turns them into one page's `common` dict."""

    run_id: str | None
    generated_at: datetime
    as_of_date: date
    currency: str
    fiscal_year: int
    fiscal_year_label: str
    project_ids: frozenset[str]
    nav: tuple[tuple[str, str], ...] = field(default=())
    cutoff: DataCutoff | None = None
    facets: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def project_facets(self, project_id: str) -> Mapping[str, str]:
        """The project's filterable attributes; none for an id the register does not hold."""
        return self.facets.get(project_id, {})

    def project_href_from(self, root: str) -> Callable[[str], str]:
        """project_id -> href from a page at `root`; ids without a one-pager get no link target."""
        paths = {pid: project_path(pid) for pid in self.project_ids}

        def href(project_id: str) -> str:
            path = paths.get(project_id)
            return f"{root}{path}" if path else ""

        return href

    def for_page(self, current: str, root: str = "") -> dict[str, object]:
        return {
            "root": root,
            "nav": list(self.nav),
            "current": current,
            "run_id": self.run_id,
            "generated_at": self.generated_at,
            "as_of_date": self.as_of_date,
            "currency": self.currency,
            "fiscal_year": self.fiscal_year,
            "fiscal_year_label": self.fiscal_year_label,
            "project_href": self.project_href_from(root),
            "project_ids": self.project_ids,
            "project_facets": self.project_facets,
            "cutoff": self.cutoff,
        }
