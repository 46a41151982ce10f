"""One page protocol (pipelines/report/pages/protocol.py): every page names its marts, its
template and its charts, and what it names is true of the published demo run: each mart and
table exists, the page's note for the data engineer names exactly them, a page queries no mart it
does not name, and it links no chart it does not name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.report.coverage import TOPICS
from pipelines.report.pages import index_page, one_pager, site_pages
from pipelines.report.pages.protocol import PageInputs, PageSpec, SiteOutline, SitePage
from pipelines.report.published_queries import CHECKS_TABLE, OVERVIEW_MARTS
from pipelines.report.render import site_common
from pipelines.report.site import build_site_environment
from pipelines.report.site_data import load_site_data
from pipelines.settings import Settings
from tests.pipeline_runs import RunPaths

pytestmark = [pytest.mark.integration]

TEMPLATES = Path(__file__).resolve().parent.parent / "reports" / "templates"
SITE_PAGES = (*site_pages(), index_page())
SPECS: dict[str, PageSpec] = {
    **{page.file_name: page.spec for page in SITE_PAGES},
    "projects/<id>.html": one_pager.SPEC,
}
NOTE = re.compile(r'<details class="for-engineers">(.*?)</details>', re.S)
CODES = re.compile(r"<code>([^<]*)</code>")
# What any page reads to say whether the warehouse holds its kind of data at all (coverage.py):
# the topics' marts, and the published exports' headline that stands in for a missing topic.
COVERAGE_READS = {m for tables, _, _ in TOPICS.values() for m in tables} | {
    *OVERVIEW_MARTS,
    CHECKS_TABLE,
}


def _note_list(html: str, label: str) -> list[str]:
    """The names the page's note for the data engineer lists after `label` ("Warehouse marts",
    "Tables"), in order; none when the note has no such list."""
    note = NOTE.search(html)
    assert note, "the page has no note for the data engineer"
    found = re.search(rf"{label}[^:]*: ((?:<code>[^<]*</code>(?:, )?)+)", note.group(1))
    return CODES.findall(found.group(1)) if found else []


def _relations(warehouse: Path) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
    finally:
        con.close()
    return {str(name) for (name,) in rows}


def test_every_page_declares_a_template_of_the_base_layout_and_what_it_reads() -> None:
    assert len({page.file_name for page in SITE_PAGES}) == len(SITE_PAGES)
    for name, spec in SPECS.items():
        template = (TEMPLATES / spec.template).read_text(encoding="utf-8")
        assert '{% extends "base.html.j2" %}' in template, name
        assert spec.marts or spec.published_marts or spec.tables, name
        assert len(set(spec.marts_read(has_published=True))) == len(
            spec.marts_read(has_published=True)
        ), name


def test_every_declared_mart_and_table_is_in_the_published_demo_warehouse(run: RunPaths) -> None:
    present = _relations(run.warehouse)
    for name, spec in SPECS.items():
        missing = [f"marts.{m}" for m in spec.marts_read(has_published=True)]
        missing += list(spec.tables)
        assert not [r for r in missing if r not in present], name


def test_each_note_for_the_engineer_names_exactly_the_declared_marts(run: RunPaths) -> None:
    """The demo holds no published export: each page names its own marts, none of those."""
    written = [(p.file_name, SPECS[p.file_name]) for p in SITE_PAGES if not p.only_with_published]
    one_pagers = sorted((run.reports / "projects").glob("*.html"))[:3]
    written += [(f"projects/{p.name}", one_pager.SPEC) for p in one_pagers]
    assert one_pagers
    for file_name, spec in written:
        html = (run.reports / file_name).read_text(encoding="utf-8")
        assert _note_list(html, "Warehouse marts") == list(spec.marts), file_name
        assert _note_list(html, "Tables") == list(spec.tables), file_name


def test_a_page_links_only_the_charts_it_declares_and_every_chart_is_declared(
    run: RunPaths,
) -> None:
    drawn = re.compile(r'(?:src|href)="(?:\.\./)?((?:charts|projects)/[^"?#]+\.svg)"')
    pages = [(p.file_name, p.spec) for p in SITE_PAGES if not p.only_with_published]
    pages.append(
        (f"projects/{sorted((run.reports / 'projects').glob('*.html'))[0].name}", one_pager.SPEC)
    )
    for file_name, spec in pages:
        linked = set(drawn.findall((run.reports / file_name).read_text(encoding="utf-8")))
        assert all(spec.draws(path) for path in linked), (file_name, linked)
        assert all((run.reports / path).is_file() for path in linked), file_name
    written = [*(run.reports / "charts").glob("*.svg"), *(run.reports / "projects").glob("*.svg")]
    paths = [str(path.relative_to(run.reports)) for path in written]
    assert paths and not [p for p in paths if not any(s.draws(p) for s in SPECS.values())]


class _Recording:
    """A connection that keeps the SQL it is given: the marts a page really reads."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.sql: list[str] = []

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self.sql.append(query)
        return self._con.execute(query, *args, **kwargs)

    def sql_read(self) -> set[str]:
        return {m for q in self.sql for m in re.findall(r"\bmarts\.(\w+)", q)}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@pytest.fixture(scope="module")
def recording(run: RunPaths) -> Iterator[_Recording]:
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        yield _Recording(con)
    finally:
        con.close()


@pytest.mark.parametrize("page", SITE_PAGES, ids=lambda p: p.file_name)
def test_a_page_queries_only_the_marts_it_declares(
    page: SitePage, recording: _Recording, tmp_path: Path
) -> None:
    con: Any = recording
    data = load_site_data(con, None, Settings())
    site = site_common(data, "run-protocol", datetime(2026, 12, 5, tzinfo=UTC), ())
    outline = SiteOutline(pages=(), unavailable=(), archive=(), blocked=())
    env = build_site_environment(data.context.reporting_currency)
    recording.sql.clear()
    inputs = PageInputs(con, env, tmp_path, site.for_page(page.file_name), data, outline)
    assert page.render(inputs)
    read = recording.sql_read()
    undeclared = read - set(page.spec.marts_read(has_published=True)) - COVERAGE_READS
    assert not undeclared, f"{page.file_name} reads marts it does not declare: {undeclared}"
