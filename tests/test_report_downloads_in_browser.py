"""A reader takes the finance and exceptions tables to Excel: the download link Chromium shows under
each table leads to a CSV whose rows are the marts' rows.

The site is the session's published demo run. The link is read from the rendered page in the
browser (what the reader clicks), resolved to its file, and every CSV row is compared with the mart
the page reads (tests/test_report_table_exports.py does the projects table the same way on disk).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.browser import Browser
from tests.pipeline_runs import RunPaths
from tests.published_site import marts

pytestmark = [pytest.mark.integration]

# The table's download link as the browser resolved it (an absolute file: URL).
DOWNLOAD_HREF = """(function () {{
  var table = document.getElementById({table!r});
  var region = table.closest('.table-scroll') || table;
  var node = region.nextElementSibling;
  while (node && !(node.matches && node.matches('p.table-download'))) {{
    node = node.nextElementSibling;
  }}
  return {{href: node ? node.querySelector('a').href : null}};
}})()"""


def _downloaded(browser: Browser, page: Path, table: str) -> list[dict[str, str]]:
    report = browser.visit(page, probe=DOWNLOAD_HREF.format(table=table))
    href = report.dom["href"]
    assert href, f"no download link under #{table} on {page.name}"
    path = Path(unquote(urlparse(href).path))
    assert path.is_file() and path.suffix == ".csv", href
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_finance_portfolio_table_downloads_the_marts_rows(
    browser: Browser, run: RunPaths
) -> None:
    rows = _downloaded(browser, run.reports / "finance.html", "fin-portfolios-table")
    expected = {
        str(name): (int(count), float(budget), float(actual))
        for name, count, budget, actual in marts(
            run,
            "select dimension_value, project_count, budget_ytd, actual_ytd "
            "from marts.fct_financial_performance_by_dimension where dimension = 'portfolio'",
        )
    }
    got = {
        r["Portfolio"]: (int(r["Projects"]), float(r["Budget YTD"]), float(r["Actual YTD"]))
        for r in rows
    }
    assert got.keys() == expected.keys() and len(rows) == len(expected)
    for portfolio, (count, budget, actual) in got.items():
        assert count == expected[portfolio][0], portfolio
        assert (budget, actual) == pytest.approx(expected[portfolio][1:], abs=1e-6), portfolio


def test_the_exceptions_table_downloads_each_projects_mart_figures(
    browser: Browser, run: RunPaths
) -> None:
    rows = _downloaded(browser, run.reports / "exceptions.html", "exceptions-table")
    health = {
        str(pid): (str(portfolio), str(reported), str(computed))
        for pid, portfolio, reported, computed in marts(
            run,
            "select project_id, portfolio, reported_rag, computed_rag "
            "from marts.fct_project_health",
        )
    }
    bac = dict(
        marts(
            run,
            "select project_id, budget_at_completion from marts.fct_project_cost_performance",
        )
    )
    assert rows
    page = (run.reports / "exceptions.html").read_text(encoding="utf-8")
    assert len(rows) == len(re.findall(r'<tr data-id="', page.split('id="exceptions-table"')[1]))
    for row in rows:
        project_id = re.findall(r"PRJ-\d+", row["Project"])[-1]
        assert (row["Portfolio"], row["Reported"], row["Computed"]) == health[project_id]
        assert float(row["BAC"]) == pytest.approx(float(bac[project_id]), abs=1e-6), project_id
