"""The one page protocol: a page names its marts, its template and its charts, and renders.

Every page of the site is a `SitePage` in its own module of this package (`PAGE`); the site
renderer (pipelines/report/render.py) only decides which pages this warehouse supports, builds
each one's `PageInputs` and writes what `render` returns to `file_name`. The page's declared marts
are what its note for the data engineer names (`engineers_note`, rendered by base.html.j2), so the
note and the code cannot drift apart; tests/test_report_page_protocol.py checks that each declared
mart exists in a published demo warehouse, that a page queries no mart it does not declare while
it renders, and that it links no chart it does not declare.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import jinja2

from pipelines.report.pages._shared import render_page

if TYPE_CHECKING:  # the site's data imports the query modules; a page module needs only the type
    from pipelines.report.archive import ArchiveEntry
    from pipelines.report.site_data import SiteData


@dataclass(frozen=True)
class PageSpec:
    """What a page reads and how it is drawn; `charts` are file patterns from the site root."""

    template: str
    marts: tuple[str, ...]  # marts the page's figures come from (schema `marts`)
    # ... and those it shows from a published export when the warehouse holds one
    published_marts: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()  # other relations it reads: the gate's and the ingest's
    charts: tuple[str, ...] = ()  # e.g. "charts/finance-*.svg"

    def marts_read(self, *, has_published: bool) -> tuple[str, ...]:
        """The marts behind the page on a warehouse with or without a published export."""
        return self.marts + (self.published_marts if has_published else ())

    def engineers_note(
        self, *, has_published: bool, sources: tuple[str, ...] = ()
    ) -> EngineersNote:
        return EngineersNote(self.marts_read(has_published=has_published), self.tables, sources)

    def draws(self, path: str) -> bool:
        """Whether a file the page links (relative to the site root) is one of its charts."""
        return any(fnmatch(path, pattern) for pattern in self.charts)


@dataclass(frozen=True)
class EngineersNote:
    """The folded note for the data engineer: where the page's figures come from."""

    marts: tuple[str, ...]
    tables: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # landing source ids the page shows


@dataclass(frozen=True)
class SiteOutline:
    """What the index lists, known only when every other page is written."""

    pages: tuple[tuple[str, str, str], ...]  # (label, file name, description) of linked pages
    unavailable: tuple[tuple[str, str, str], ...]  # (label, file name, why) of unlinked ones
    archive: tuple[ArchiveEntry, ...]  # this run's entry first
    blocked: tuple[str, ...]  # blocked runs' quality pages, under quality/
    archived: bool = False  # the copy under archive/<entry>/ rather than the root index


@dataclass(frozen=True)
class PageInputs:
    """What a page renders from: one read-only session, the site's environment and staging
    folder (charts go to out_dir/charts), the values every page shares (`common`, site.py) and,
    for the pages that show them, what was read once for the whole site (site_data.py)."""

    con: duckdb.DuckDBPyConnection
    env: jinja2.Environment
    out_dir: Path
    common: dict[str, object]
    site: SiteData | None = None
    outline: SiteOutline | None = None  # the index only

    @property
    def site_data(self) -> SiteData:
        if self.site is None:
            raise ValueError("this page shows the site's data: PageInputs.site is required")
        return self.site

    @property
    def has_published(self) -> bool:
        """Whether the warehouse holds a published export (unknown without the site's data:
        a page rendered alone, in a test, reads none)."""
        return self.site is not None and self.site.coverage.has_published

    def render_template(
        self, spec: PageSpec, *, note_sources: tuple[str, ...] = (), **context: object
    ) -> str:
        """The page's template with the site's common values, its note for the data engineer
        (base.html.j2 draws it; `note_sources`: the landing sources it shows) and its context."""
        note = spec.engineers_note(has_published=self.has_published, sources=note_sources)
        return render_page(self.env, spec.template, self.common, engineers=note, **context)

    @property
    def generated_at(self) -> datetime:
        value = self.common["generated_at"]
        assert isinstance(value, datetime)
        return value


PageRender = Callable[[PageInputs], str]


@dataclass(frozen=True)
class SitePage:
    """A page of the site: its file at the site root, where it is listed, what it reads, and
    the function that renders it. `topic` names the kind of data it needs (coverage.py): a
    warehouse without it still gets the page, unlinked, and the index says why."""

    file_name: str
    label: str
    description: str
    spec: PageSpec
    render: PageRender
    topic: str | None = None
    only_with_published: bool = False  # written only when the warehouse holds a published export
    board_pack: bool = False  # printed in the board pack (when linked)
