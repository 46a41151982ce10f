"""Charts a manager can read and follow: bars that open the filtered list, whole labels, one tick
per month, the alarm colour for over-allocation.

The SVGs are the session's published demo run's, read as text (Vega writes every label as a
<text> element and every fill as an attribute); the link is followed in headless Chromium, and
the rows it leaves are checked against the run's marts.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipelines.report.pages.chart_helpers import OVER_COLOUR
from tests.browser import Browser
from tests.pipeline_runs import RunPaths
from tests.published_site import marts

pytestmark = [pytest.mark.integration]

MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Charts whose x axis is months (a fiscal month reads "P1 (Apr 2026)"): every label a month.
MONTH_AXES = ("summary_plan_by_month", "summary_cpi_spi_trend", "budget_vs_actual",
              "finance-monthly", "capacity-monthly")  # fmt: skip

# The first linked bar of a page's inline chart: its href, the page's own resolution of it, and
# whether a click at the bar's centre lands on the link (nothing drawn over it).
FIRST_BAR_LINK = """(function () {
  var link = document.querySelector('figure.chart .chart-links a');
  if (!link) { return null; }
  var mark = link.querySelector('path') || link;
  var box = mark.getBoundingClientRect();
  mark.scrollIntoView({block: 'center'});
  box = mark.getBoundingClientRect();
  var hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  var href = link.getAttribute('xlink:href') || link.getAttribute('href');
  return {href: href, url: new URL(href, document.baseURI).href,
          clickable: !!hit && link.contains(hit)};
})()"""

VISIBLE_IDS = """Array.from(document.querySelectorAll('#projects-table tbody tr[data-id]'))
  .filter(function (r) { return !r.hidden; })
  .map(function (r) { return r.getAttribute('data-id'); })"""


def svg_texts(run: RunPaths, name: str) -> list[str]:
    svg = (run.reports / "charts" / f"{name}.svg").read_text(encoding="utf-8")
    return [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize("page", ["finance.html", "schedule.html", "projects.html"])
def test_a_portfolio_bar_opens_the_list_filtered_to_that_portfolio(
    browser: Browser, run: RunPaths, page: str
) -> None:
    chart = browser.visit(run.reports / page, probe=FIRST_BAR_LINK)
    assert not chart.problems(), chart.problems()  # the inlined SVG breaks no CSP rule
    link = chart.dom
    assert link, f"{page}: no chart bar links anywhere"
    assert link["clickable"], f"{page}: the bar's centre is not its link"
    assert link["href"].startswith("projects.html?portfolio="), link  # relative: works offline
    target = urlsplit(link["url"])
    assert target.scheme == "file" and Path(target.path) == (run.reports / "projects.html")
    (portfolio,) = parse_qs(target.query)["portfolio"]
    expected = sorted(
        str(pid)
        for (pid,) in marts(
            run,
            "select project_id from marts.fct_project_cost_performance "
            f"where portfolio = '{portfolio.replace(chr(39), chr(39) * 2)}'",
        )
    )
    assert expected, f"the bar names a portfolio the marts do not hold: {portfolio}"
    followed = browser.visit(run.reports / "projects.html", query=target.query, probe=VISIBLE_IDS)
    assert not followed.problems(), followed.problems()
    assert sorted(followed.dom) == expected  # type: ignore[arg-type]


def test_every_bar_of_a_portfolio_chart_links_to_its_own_portfolio(run: RunPaths) -> None:
    portfolios = {
        str(p) for (p,) in marts(run, "select distinct portfolio from marts.dim_projects")
    }
    svg = (run.reports / "charts" / "finance-portfolios.svg").read_text(encoding="utf-8")
    linked = {
        parse_qs(urlsplit(unescape(href)).query)["portfolio"][0]
        for href in re.findall(r'<a xlink:href="([^"]+)"', svg)
    }
    assert linked == portfolios
    assert "vega.github.io" not in svg and "http" not in svg.split("xmlns", 1)[0]


@pytest.mark.parametrize("name", MONTH_AXES)
def test_a_month_axis_has_one_tick_per_month_in_order(run: RunPaths, name: str) -> None:
    months = [
        (int(m.group(2)), MONTHS.index(m.group(1)))
        for text in svg_texts(run, name)
        if (m := re.fullmatch(rf"(?:P\d+ \()?{MONTH}\)?", text))
    ]
    assert months, f"{name}: no month labels"
    assert len(set(months)) == len(months), f"{name}: a month labelled twice: {months}"
    assert months == sorted(months), f"{name}: months out of order: {months}"


def test_fiscal_months_on_a_chart_say_their_calendar_month(run: RunPaths) -> None:
    labels = [t for t in svg_texts(run, "finance-monthly") if t.startswith("P")]
    assert labels and all(re.fullmatch(rf"P\d+ \({MONTH}\)", t) for t in labels), labels


def test_long_category_labels_appear_whole(run: RunPaths) -> None:
    themes = {
        str(t) for (t,) in marts(run, "select distinct strategic_theme from marts.dim_projects")
    }
    assert "Regulatory Compliance" in themes  # the demo's longest theme, once cut to "egulatory…"
    assert themes <= set(svg_texts(run, "summary_mix_strategic_theme"))
    portfolios = {
        str(p) for (p,) in marts(run, "select distinct portfolio from marts.dim_projects")
    }
    for name in ("finance-portfolios", "schedule-portfolios", "portfolio_variance"):
        assert portfolios <= set(svg_texts(run, name)), name


def test_over_allocation_is_drawn_in_the_alarm_colour(run: RunPaths) -> None:
    svg = (run.reports / "charts" / "capacity-allocation.svg").read_text(encoding="utf-8")
    # Vega draws the layer of cells, then the layer of their labels, in the same order: the n-th
    # label is the n-th cell's.
    cell_layer = svg.split("layer_0_marks", 1)[1].split("layer_1_marks", 1)[0]
    label_layer = svg.split("layer_1_marks", 1)[1].split("</g>", 1)[0]
    cells = re.findall(r'<path[^>]*? fill="([^"]+)"', cell_layer)
    labels = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", label_layer)]
    assert len(cells) == len(labels) > 0
    over = [fill for fill, label in zip(cells, labels, strict=True) if label.startswith("▲")]
    (count,) = marts(
        run, "select count(*) from marts.fct_capacity_demand_monthly where is_over_allocated"
    )[0]
    assert len(over) == count > 0
    assert set(over) == {OVER_COLOUR}, set(over)
    within = {fill for fill, label in zip(cells, labels, strict=True) if not label.startswith("▲")}
    assert OVER_COLOUR not in within
