"""The published report site, opened in a real browser the way the portfolio manager opens it.

Parsing the HTML proves what the files say; only a browser proves what a reader gets: that every
stylesheet and chart really loads from disk, that the CSP blocks nothing the page needs (and lets
nothing remote in), that no script runs, and that a hostile project name stays text. The site is
the one the session's demo pipeline run published, crawled from index.html, so pages the report
adds later (summary, project one-pagers, finance, capacity, schedule, ...) are checked without
touching this file: a page's type is its file name (top level) or its folder (projects/<id>.html).

One Chromium process serves the whole module (tests/browser.py). Screenshots, one per page type,
go to build/test-screenshots/ (the hostile-name site's to build/test-screenshots/hostile-name/).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import duckdb
import pytest

from pipelines.report.render import render_portfolio_report
from tests.browser import Browser, PageReport
from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
]  # needs the session's full demo pipeline run

REPO_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = REPO_ROOT / "build" / "test-screenshots"
HOSTILE_NAME = '<img src=x onerror=alert(1)> & =HYPERLINK("x")'
# Page types whose template draws charts; any other page's charts are checked when it has some.
# Pages that must show charts (the index is a table of contents; one-pagers draw theirs in JS).
CHART_PAGE_TYPES = {"summary", "projects", "finance", "capacity", "schedule"}
# Sources a CSP may name without allowing a remote origin.
LOCAL_CSP_SOURCES = {"'self'", "'none'", "data:", "blob:", "'unsafe-inline'", "'strict-dynamic'"}
_LOCAL_CSP_SOURCE = re.compile(r"^'(nonce|sha256|sha384|sha512)-[^']+'$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "embed": "src",
    "source": "src",
    "object": "data",
}
RESOURCE_TAGS = {"link", "img", "script", "iframe", "embed", "source", "object", "style"}


# --- the site, as files --------------------------------------------------------------------------


class _PageParser(HTMLParser):
    """Links, element ids, the CSP meta and whether a resource comes before it, from one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.csp: list[str] = []
        self.resource_before_csp: str | None = None
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "table":
            self.tables += 1
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(values.get("content", ""))
        elif tag in RESOURCE_TAGS and not self.csp and self.resource_before_csp is None:
            self.resource_before_csp = self.get_starttag_text()
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and values.get(attribute):
            self.links.append(values[attribute])
        if tag in {"img", "source"} and values.get("srcset"):
            self.links.extend(part.split()[0] for part in values["srcset"].split(",") if part)


@dataclass
class Site:
    """What a crawl from index.html found."""

    root: Path
    pages: dict[PurePosixPath, _PageParser] = field(default_factory=dict)
    files: set[PurePosixPath] = field(default_factory=set)  # every local target, pages included
    broken: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def by_type(self) -> dict[str, list[PurePosixPath]]:
        groups: dict[str, list[PurePosixPath]] = {}
        for page in sorted(self.pages):
            groups.setdefault(page_type(page), []).append(page)
        return groups


def page_type(page: PurePosixPath) -> str:
    """index, quality, summary, finance, ... at the top level; projects/<page> in a folder."""
    return page.stem if len(page.parts) == 1 else f"{page.parts[0]}/<page>"


def crawl(root: Path) -> Site:
    """Follow every local link from index.html; record missing targets and remote links."""
    site = Site(root=root.resolve())
    queue = [PurePosixPath("index.html")]
    fragments: list[tuple[str, PurePosixPath, str]] = []  # (where, target page, fragment id)
    while queue:
        page = queue.pop()
        if page in site.pages:
            continue
        parser = _PageParser()
        parser.feed((site.root / page).read_text(encoding="utf-8"))
        site.pages[page] = parser
        for link in parser.links:
            where = f"{page}: {link}"
            if _SCHEME.match(link) or link.startswith("//"):
                if not link.lower().startswith(("data:", "mailto:")):
                    site.external.append(where)
                continue
            parts = urlsplit(link)
            if not parts.path:
                if parts.fragment:
                    fragments.append((where, page, unquote(parts.fragment)))
                continue
            target_path = (site.root / page.parent / unquote(parts.path)).resolve()
            if not target_path.is_relative_to(site.root):
                site.broken.append(f"{where} (outside the report folder)")
                continue
            if not target_path.is_file():
                site.broken.append(f"{where} (no such file)")
                continue
            target = PurePosixPath(target_path.relative_to(site.root).as_posix())
            site.files.add(target)
            if target.suffix in {".html", ".htm"}:
                queue.append(target)
                if parts.fragment:
                    fragments.append((where, target, unquote(parts.fragment)))
    for where, target, fragment in fragments:
        if fragment not in site.pages[target].ids:
            site.broken.append(f"{where} (no element with id {fragment!r} in {target})")
    return site


# --- what the browser is asked once a page has loaded --------------------------------------------

PROBE_JS = r"""
(() => {
  const text = (el) => (el ? (el.textContent || '').replace(/\s+/g, ' ').trim() : '');
  const byIds = (ids) => (ids || '').split(/\s+/).filter(Boolean)
      .map((id) => text(document.getElementById(id))).join(' ');
  const charts = [];
  for (const el of document.querySelectorAll('img, object, svg')) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'svg' && (el.parentElement.closest('svg, object')
        || el.getAttribute('aria-hidden') === 'true')) continue;
    const box = el.getBoundingClientRect();
    const figure = el.closest('figure');
    const scope = el.closest('section, article') || document.querySelector('main') || document.body;
    const alternatives = [
      el.getAttribute('alt'), el.getAttribute('aria-label'),
      byIds(el.getAttribute('aria-labelledby')),
      tag === 'svg' ? text(el.querySelector(':scope > title')) : '',
      tag === 'object' ? text(el) : '',
      figure ? text(figure.querySelector('figcaption')) : '',
    ].filter((s) => s && s.trim());
    const links = [...(figure || scope).querySelectorAll('a[href]')]
        .map((a) => a.getAttribute('href'));
    const linkedTable = links.some((href) => {
      if (!href.startsWith('#')) return false;
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      return target !== null && (target.matches('table') || target.querySelector('table') !== null);
    });
    charts.push({
      tag, src: el.getAttribute('src') || el.getAttribute('data') || '(inline svg)',
      width: box.width, height: box.height,
      loaded: tag === 'img' ? el.complete && el.naturalWidth > 0 : true,
      altAttribute: tag !== 'img' || el.hasAttribute('alt'),
      alternative: alternatives.join(' | '),
      table: scope.querySelector('table') !== null || linkedTable,
      otherLinks: links.filter((href) => !href.startsWith('#')),
    });
  }
  const main = document.querySelector('main');
  const mainBox = main ? main.getBoundingClientRect() : null;
  return {
    title: document.title,
    // the content, not the controls static/tables.js adds (filters, counts, scroll cues)
    mainText: main ? (() => {
      const copy = main.cloneNode(true);
      copy.querySelectorAll('[data-enhancement]').forEach((el) => el.remove());
      return text(copy).length;
    })() : 0,
    mainHeight: mainBox ? mainBox.height : 0,
    tables: document.querySelectorAll('main table').length,
    tableRows: document.querySelectorAll('main table tr').length,
    stylesheetsApplied: document.styleSheets.length,
    bodyText: document.body.innerText,
    scriptedElements: [...document.querySelectorAll('*')]
        .filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')))
        .map((el) => el.outerHTML.slice(0, 120)),
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    charts,
  };
})()
"""


def visit_all(
    browser: Browser,
    site: Site,
    screenshots: Path,
    only: Callable[[PurePosixPath], bool] = lambda page: True,
) -> dict[PurePosixPath, PageReport]:
    """Open every page (or those `only` keeps) with the checks on; screenshot the first of each
    type."""
    for stale in screenshots.glob("*.png"):  # last run's, so every file left is this run's
        stale.unlink()
    reports: dict[PurePosixPath, PageReport] = {}
    for kind, all_of_kind in site.by_type().items():
        pages = [page for page in all_of_kind if only(page)]
        for number, page in enumerate(pages):
            shot = None
            if number == 0:
                shot = screenshots / (re.sub(r"[^A-Za-z0-9]+", "-", kind).strip("-") + ".png")
            reports[page] = browser.visit(site.root / page, probe=PROBE_JS, screenshot=shot)
            if shot is not None:
                print(f"screenshot of {kind}: {shot}")
    return reports


def _problems(reports: dict[PurePosixPath, PageReport]) -> list[str]:
    return [f"{page}: {problem}" for page, r in reports.items() for problem in r.problems()]


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(demo_run: tuple[RunPaths, RunOutcome]) -> Site:
    paths, result = demo_run
    assert result.success, "the demo pipeline run failed; no report to open"
    assert (paths.reports / "index.html").is_file()
    return crawl(paths.reports)


@pytest.fixture(scope="module")
def visits(browser: Browser, site: Site) -> dict[PurePosixPath, PageReport]:
    return visit_all(browser, site, SCREENSHOT_DIR)


@pytest.fixture(scope="module")
def hostile_site(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path_factory: pytest.TempPathFactory
) -> Site:
    """The demo run's warehouse with its worst project renamed to HOSTILE_NAME, re-rendered.

    A second full pipeline run would cost minutes on a small box; the export-to-mart path already
    keeps such a name verbatim (test_bad_inputs), so renaming it in every table of a copy of the
    run's warehouse and rendering the whole site again exercises every page that shows the name.
    """
    paths, result = demo_run
    root = tmp_path_factory.mktemp("hostile_name")
    warehouse = root / "portfolio.duckdb"
    shutil.copyfile(paths.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        worst = con.execute(
            "select project_id from marts.fct_project_cost_performance "
            "order by forecast_variance asc nulls last, project_id limit 1"
        ).fetchone()
        assert worst is not None
        tables = con.execute(
            """
            select c.table_schema, c.table_name
            from information_schema.columns as c
            join information_schema.tables as t using (table_catalog, table_schema, table_name)
            where t.table_type = 'BASE TABLE' and c.table_catalog = current_database()
            group by all
            having count(*) filter (where c.column_name = 'project_name') = 1
                and count(*) filter (where c.column_name = 'project_id') = 1
            """
        ).fetchall()
        assert tables, "no table with project_id and project_name to rename in"
        for schema, table in tables:
            con.execute(
                f'update "{schema}"."{table}" set project_name = ? where project_id = ?',
                [HOSTILE_NAME, worst[0]],
            )
    index = render_portfolio_report(warehouse, root / "reports", run_id=result.run_id)
    return crawl(index.parent)


# --- tests ---------------------------------------------------------------------------------------


def test_every_link_resolves_to_a_local_file(site: Site) -> None:
    print("page types:", {kind: len(pages) for kind, pages in site.by_type().items()})
    problems = [f"missing target: {b}" for b in site.broken]
    problems += [f"leaves the machine: {e}" for e in site.external]
    assert problems == [], "\n".join(problems)
    assert {"index", "quality"} <= set(site.by_type())


def test_every_page_in_the_folder_is_reachable_from_the_index(site: Site) -> None:
    on_disk = {
        PurePosixPath(p.relative_to(site.root).as_posix()) for p in site.root.rglob("*.html")
    }
    orphans = sorted(str(page) for page in on_disk - set(site.pages))
    assert orphans == [], f"pages no link leads to: {orphans}"


def test_every_page_has_a_csp_that_forbids_remote_origins(site: Site) -> None:
    problems: list[str] = []
    for page, parsed in sorted(site.pages.items()):
        if len(parsed.csp) != 1:
            problems.append(f"{page}: {len(parsed.csp)} Content-Security-Policy meta tags, not 1")
            continue
        if parsed.resource_before_csp:
            # A meta CSP only governs what comes after it.
            problems.append(f"{page}: {parsed.resource_before_csp} comes before the CSP meta")
        directives = {
            d.split()[0].lower(): d.split()[1:] for d in parsed.csp[0].split(";") if d.strip()
        }
        if directives.get("default-src") != ["'none'"]:
            problems.append(f"{page}: default-src must be 'none', so anything unlisted is refused")
        for name, sources in directives.items():
            remote = [
                s
                for s in sources
                if s.lower() not in LOCAL_CSP_SOURCES and not _LOCAL_CSP_SOURCE.match(s)
            ]
            if remote:
                problems.append(f"{page}: {name} allows {' '.join(remote)}")
    assert problems == [], "\n".join(problems)


def test_pages_load_in_chromium_without_errors_or_requests_off_the_machine(
    visits: dict[PurePosixPath, PageReport],
) -> None:
    problems = _problems(visits)
    assert problems == [], "\n".join(problems)
    for page, report in visits.items():
        assert report.requests, f"{page}: the browser recorded no request at all"
        assert report.dom["stylesheetsApplied"] >= 1, f"{page}: no stylesheet applied"


def test_one_screenshot_per_page_type(site: Site, visits: dict[PurePosixPath, PageReport]) -> None:
    shots = {page_type(page): r.screenshot for page, r in visits.items() if r.screenshot}
    assert set(shots) == set(site.by_type())
    for kind, shot in shots.items():
        assert shot is not None and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", kind
        assert shot.stat().st_size > 10_000, f"{kind}: {shot} looks blank"


def test_charts_have_a_size_a_text_alternative_and_their_data_table(
    site: Site, visits: dict[PurePosixPath, PageReport]
) -> None:
    problems: list[str] = []
    for page, report in sorted(visits.items()):
        charts = report.dom["charts"]
        if page_type(page) in CHART_PAGE_TYPES and not charts:
            problems.append(f"{page}: no chart")
        for chart in charts:
            name = f"{page}: {chart['tag']} {chart['src']}"
            if not chart["loaded"] or chart["width"] <= 0 or chart["height"] <= 0:
                problems.append(f"{name} is not shown (size {chart['width']}x{chart['height']})")
            if not chart["altAttribute"]:
                problems.append(f"{name} has no alt attribute (a screen reader reads its URL)")
            elif not chart["alternative"]:
                problems.append(f"{name} has no alt, aria-label or figcaption")
            if not chart["table"] and not any(
                _links_to_a_table(site, page, href) for href in chart["otherLinks"]
            ):
                problems.append(f"{name}: no data table in its section and no link to one")
    assert problems == [], "\n".join(problems)


def _links_to_a_table(site: Site, page: PurePosixPath, href: str) -> bool:
    path = urlsplit(href).path
    if not path or _SCHEME.match(href):
        return False
    target = (site.root / page.parent / unquote(path)).resolve()
    if target.suffix == ".csv":
        return target.is_file()
    relative = PurePosixPath(target.relative_to(site.root).as_posix())
    return relative in site.pages and site.pages[relative].tables > 0


def test_pages_work_without_javascript(
    browser: Browser, site: Site, visits: dict[PurePosixPath, PageReport]
) -> None:
    """One page of each type with scripts disabled shows the same content and tables."""
    problems: list[str] = []
    for pages in site.by_type().values():
        page = pages[0]
        with_js = visits[page].dom
        report = browser.visit(site.root / page, javascript=False, probe=PROBE_JS)
        problems += [f"{page} (no JS): {p}" for p in report.problems()]
        without = report.dom
        if without["mainText"] < 50 or without["mainHeight"] <= 0:
            problems.append(f"{page} (no JS): the main content is missing")
        for key in ("tables", "tableRows"):
            if without[key] != with_js[key]:
                problems.append(f"{page} (no JS): {key} {without[key]} != {with_js[key]} with JS")
        if without["mainText"] < 0.9 * with_js["mainText"]:
            problems.append(f"{page} (no JS): less than 90 % of the text shown with JS")
    assert problems == [], "\n".join(problems)


def test_a_hostile_project_name_shows_literally_and_runs_nothing(
    browser: Browser, hostile_site: Site
) -> None:
    assert hostile_site.broken == [], "\n".join(hostile_site.broken)

    # Only a page that carries the name can be harmed by it: every page whose file holds the
    # name's one part no escaping changes ("HYPERLINK"), escaped or not (the ~150 others are
    # visited by test_pages_load_in_chromium_without_errors_or_requests_off_the_machine).
    def carries_the_name(page: PurePosixPath) -> bool:
        return "HYPERLINK" in (hostile_site.root / page).read_text(encoding="utf-8")

    reports = visit_all(browser, hostile_site, SCREENSHOT_DIR / "hostile-name", carries_the_name)
    assert len(reports) > 3
    assert _problems(reports) == []  # includes: no dialog opened, no request for "x"
    for page, report in reports.items():
        assert report.dom["scriptedElements"] == [], f"{page}: event-handler attributes"
        assert report.dom["inlineScripts"] == 0, f"{page}: an inline <script> element"
    showing = [page for page, report in reports.items() if HOSTILE_NAME in report.dom["bodyText"]]
    assert PurePosixPath("index.html") in showing, "the index does not show the name literally"
    print("pages showing the hostile name literally:", [str(p) for p in showing])
