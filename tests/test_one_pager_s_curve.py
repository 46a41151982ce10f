"""The one-pagers' S-curves: an SVG file where the board pack prints the page, drawn by the
reader's browser everywhere else.

Opened in headless Chromium from the session's published demo site: the browser draws the chart
from the site's local Vega bundle and spec file, with no request off the machine and no console
error under the page's CSP (which has no 'unsafe-eval': Vega runs its expression interpreter),
and it shows what vl-convert's SVG of the same project shows, label for label. Without
JavaScript the caption and the month table carry the figures.
"""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import duckdb
import pytest

from pipelines.report.project_queries import (
    ProjectPage,
    load_project_infos,
    load_project_pages,
    load_rebaselines,
)
from pipelines.report.s_curve import s_curve_svg
from pipelines.report.site import project_file_name
from tests.browser import Browser
from tests.pipeline_runs import RunPaths

pytestmark = pytest.mark.integration

BROWSER_FIGURE = "data-s-curve="
SVG_IMAGE = re.compile(r'<img src="[^"]+-s-curve\.svg"')
PROBE = r"""
(() => {
  const figure = document.querySelector('figure.s-curve');
  const target = figure && figure.querySelector('.vl-target');
  const svg = target && target.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  return {
    drawn: svg !== null,
    width: box ? box.width : 0,
    height: box ? box.height : 0,
    name: target ? target.getAttribute('aria-label') : '',
    texts: svg ? [...svg.querySelectorAll('text')].map((t) => t.textContent) : [],
    caption: figure ? figure.querySelector('figcaption').textContent : '',
    rows: document.querySelectorAll('#ev-table tbody tr').length,
    costChart: [...document.querySelectorAll('figure[data-chart]')].map((f) => {
      const drawn = f.querySelector('.vl-target');
      return { alt: f.getAttribute('data-alt'), name: drawn && drawn.getAttribute('aria-label') };
    }),
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
  };
})()
"""


def _manifest(run: RunPaths) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        (run.reports / "report-manifest.json").read_text(encoding="utf-8")
    )
    return loaded


@pytest.fixture(scope="module")
def project_pages(run: RunPaths) -> dict[str, ProjectPage]:
    """Every project's one-pager data, by the one-pager's file name."""
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        [(cutoff,)] = con.execute(
            "select distinct as_of_date from marts.fct_project_cost_performance"
        ).fetchall()
        pages = load_project_pages(con, load_project_infos(con), load_rebaselines(con), cutoff)
    return {project_file_name(page.info.project_id): page for page in pages}


@pytest.fixture(scope="module")
def cutoff(run: RunPaths) -> date:
    return date.fromisoformat(str(_manifest(run)["as_of_date"]))


@pytest.fixture(scope="module")
def drawn_by_browser(run: RunPaths) -> list[Path]:
    pages = sorted(
        page
        for page in (run.reports / "projects").glob("*.html")
        if BROWSER_FIGURE in page.read_text(encoding="utf-8")
    )
    assert pages, "no one-pager has its S-curve drawn by the browser"
    return pages


def test_the_board_pack_one_pagers_have_an_svg_file_and_the_others_a_browser_chart(
    run: RunPaths, project_pages: dict[str, ProjectPage]
) -> None:
    pages = _manifest(run)["board_pack_pages"]
    assert isinstance(pages, list)
    packed = {Path(page).name for page in pages if page.startswith("projects/")}
    forms = {"svg": 0, "browser": 0}
    for name, page in project_pages.items():
        html = (run.reports / "projects" / name).read_text(encoding="utf-8")
        if not page.curve:
            assert BROWSER_FIGURE not in html and not SVG_IMAGE.search(html), name
            continue
        printed = name in packed
        assert bool(SVG_IMAGE.search(html)) == printed, name
        assert (BROWSER_FIGURE in html) == (not printed), name
        forms["svg" if printed else "browser"] += 1
    assert forms["svg"] and forms["browser"], forms
    svg_files = {p.name for p in (run.reports / "projects").glob("*-s-curve.svg")}
    with_curve = {name for name, page in project_pages.items() if page.curve}
    assert svg_files == {name.replace(".html", "-s-curve.svg") for name in packed & with_curve}


def test_the_browser_draws_what_vl_convert_draws_from_local_files_only(
    browser: Browser,
    run: RunPaths,
    drawn_by_browser: list[Path],
    project_pages: dict[str, ProjectPage],
    cutoff: date,
) -> None:
    currency = str(_manifest(run)["reporting_currency"])
    for path in drawn_by_browser[:3]:
        report = browser.visit(path, probe=PROBE)
        assert report.problems() == [], path.name  # console errors, CSP refusals, remote loads
        assert "unsafe-eval" not in report.dom["csp"]
        loaded = [url.rsplit("/", 1)[-1] for url in report.requests]
        assert any(name.startswith("vega-bundle-") for name in loaded), loaded
        assert any(name.startswith("s-curve-spec-") for name in loaded), loaded
        dom = report.dom
        assert dom["drawn"] and dom["width"] > 300 and dom["height"] > 100, dom
        svg = s_curve_svg(project_pages[path.name], currency, cutoff)
        expected = [unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
        # the browser keeps an empty text element for a month the long axis does not label
        assert [text for text in dom["texts"] if text] == expected, path.name
        assert dom["name"] and dom["name"] in dom["caption"]  # the chart's text alternative
        for chart in dom["costChart"]:  # drawn by the same script, named the same way
            assert chart["name"] in (None, chart["alt"]), chart


def test_without_javascript_the_caption_and_table_carry_the_curve(
    browser: Browser, drawn_by_browser: list[Path], project_pages: dict[str, ProjectPage]
) -> None:
    path = drawn_by_browser[0]
    report = browser.visit(path, javascript=False, probe=PROBE)
    assert report.problems() == []
    dom = report.dom
    assert not dom["drawn"]
    page = project_pages[path.name]
    assert dom["rows"] == len(page.curve)  # every month's PV, EV and AC
    assert re.search(r"PV \$[\d,]+, EV \$[\d,]+, AC \$[\d,]+", dom["caption"]), dom["caption"]
    assert "BAC $" in dom["caption"]
