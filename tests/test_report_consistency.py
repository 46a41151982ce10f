"""No page contradicts another: the invariants between the published pages and the warehouse.

Read from the session's published demo run, the way a board member would cross-check a pack:

- every page states the same cut-off, the one in marts.fct_reporting_cutoff;
- each headline tile equals its stated formula on the one set of projects the tiles cover (the
  active ones): EAC = BAC / CPI, VAC = BAC - EAC, CPI = EV / AC, SPI = EV / PV;
- cancelled projects' unspent budget is released budget, never part of VAC;
- a count equals the rows behind its link: "needs attention" on the summary and the overview =
  the rows of the exceptions page; the health tile's Red = the computed-Red rows there = the
  health mart; the overview's project count = the rows of the projects page;
- both sides of a year-to-date comparison cover the same closed periods, and each YTD key figure
  equals the sum of its month rows and the finance tables' totals;
- no trend or month table shows actual cost after the cut-off.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import duckdb
import pytest

from pipelines.report.headline_metadata import headline_metadata
from tests.pipeline_runs import RunOutcome, RunPaths
from tests.test_report_render import row_starting, table_rows

EM_DASH = "\u2014"


def page_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def money(cell: str) -> int:
    """'$1,234' / '-$5' -> whole units."""
    match = re.fullmatch(r"(-?)\$([\d,]+)", cell.strip())
    assert match, f"not a money figure: {cell!r}"
    return int(match.group(2).replace(",", "")) * (-1 if match.group(1) else 1)


def tile(html: str, key: str) -> str:
    block = html.split(f'id="tile-{key}"', 1)[1].split("</div>", 1)[0]
    return page_text(block)


@pytest.fixture(scope="module")
def published(demo_run: tuple[RunPaths, RunOutcome]) -> RunPaths:
    paths, outcome = demo_run
    assert outcome.success, outcome.failure
    return paths


@pytest.fixture(scope="module")
def pages(published: RunPaths) -> dict[str, str]:
    names = ("index", "summary", "exceptions", "finance", "projects", "capacity", "schedule")
    return {n: (published.reports / f"{n}.html").read_text(encoding="utf-8") for n in names}


@pytest.fixture(scope="module")
def marts(published: RunPaths) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(published.warehouse), read_only=True)
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row


def test_every_page_states_the_one_cutoff(
    pages: dict[str, str], published: RunPaths, marts: duckdb.DuckDBPyConnection
) -> None:
    cutoff, ledger, timesheets = one(
        marts, "select cutoff_date, ledger_closed_through, timesheets_through "
        "from marts.fct_reporting_cutoff",
    )  # fmt: skip
    assert cutoff == ledger  # the demo's ledger closes before its timesheets end
    assert timesheets > cutoff
    one_pager = next((published.reports / "projects").glob("*.html")).read_text("utf-8")
    for name, html in [*pages.items(), ("a one-pager", one_pager)]:
        line = page_text(html.split('id="data-cutoff"', 1)[1].split("</p>", 1)[0])
        assert f"run to the close of {cutoff.isoformat()}" in line, name
        assert f"ledger closed to {ledger.isoformat()}" in line, name
        assert f"timesheets to {timesheets.isoformat()}" in line, name


def test_headline_tiles_cover_one_set_and_equal_their_formulas(
    pages: dict[str, str], marts: duckdb.DuckDBPyConnection
) -> None:
    row = one(
        marts,
        """
        select active_project_count, active_bac, active_ev, active_ac, active_pv, active_cpi,
            active_spi, eac_cpi, vac, released_budget, cancelled_bac, cancelled_ac
        from marts.fct_portfolio_earned_value_monthly
        where rollup_level = 'portfolio_total' and is_as_of_month
        """,
    )
    count, bac, ev, ac, pv, cpi, spi, eac, vac, released, x_bac, x_ac = row
    # the set: the projects the EV mart calls open at the cut-off
    open_projects = one(
        marts,
        "select count(*), sum(bac), sum(ac) from marts.fct_project_earned_value "
        "where lifecycle_state = 'open'",
    )
    assert (count, bac, ac) == open_projects
    # each tile's formula holds on that set
    assert cpi == pytest.approx(float(ev) / float(ac))
    assert spi == pytest.approx(float(ev) / float(pv))
    assert float(eac) == pytest.approx(float(bac) / cpi, abs=0.01)
    assert float(vac) == pytest.approx(float(bac) - float(eac), abs=0.01)
    # released budget is apart: not in BAC, EAC or VAC
    assert float(released) == pytest.approx(float(x_bac) - float(x_ac), abs=0.01)
    summary = pages["summary"]
    shown = {key: tile(summary, key) for key in ("bac", "ac", "eac", "vac", "cpi", "spi")}

    def value(key: str) -> str:
        """The tile's figure: the first money or ratio after its label."""
        found = re.search(r"(-?\$[\d,]+|\d+\.\d\d)(?= )", shown[key].split(")", 1)[1])
        assert found, shown[key]
        return found.group(1)

    assert money(value("bac")) == round(float(bac))
    assert money(value("ac")) == round(float(ac))
    assert money(value("eac")) == round(float(eac))
    assert money(value("vac")) == round(float(vac))
    assert value("cpi") == f"{cpi:.2f}" and value("spi") == f"{spi:.2f}"
    assert f"covers the same {count} active projects" in page_text(summary)
    assert money(page_text(summary).split("released budget ")[1].split(" ")[0]) == round(
        float(released)
    )


def test_counts_equal_the_rows_behind_their_links(
    pages: dict[str, str], marts: duckdb.DuckDBPyConnection
) -> None:
    rows = table_rows(pages["exceptions"], "exceptions")[1:]
    red_rows = [row for row in rows if row[3].endswith("Red")]
    red_in_mart = one(
        marts, "select count(*) from marts.fct_project_health where computed_rag = 'Red'"
    )[0]
    assert red_in_mart > 0  # the demo has Red projects, so the comparison below can fail
    assert len(red_rows) == red_in_mart  # every computed-Red project is on the list
    summary = page_text(pages["summary"])
    assert f"Red {red_in_mart}" in page_text(tile(pages["summary"], "health"))
    assert f"Needs attention: {len(rows)} project(s)" in summary
    assert f"{len(rows)} project(s) need attention" in page_text(pages["index"])
    project_rows = table_rows(pages["projects"], "projects")
    listed = [row for row in project_rows if re.search(r"PRJ-\d{4}$", row[0])]
    total = one(marts, "select count(*) from marts.dim_projects")[0]
    assert len(listed) == total
    assert f"Projects {total}" in page_text(pages["index"])


def test_year_to_date_compares_the_same_closed_periods(
    pages: dict[str, str], marts: duckdb.DuckDBPyConnection
) -> None:
    cutoff: date = one(marts, "select cutoff_date from marts.fct_reporting_cutoff")[0]
    finance = pages["finance"]
    # a fiscal period says its month: "P1 (Apr 2026)"
    months = [r for r in table_rows(finance, "fin-months") if FISCAL_PERIOD.fullmatch(r[0])]
    with_actual = [r for r in months if r[3] != EM_DASH]
    # every month with an actual is closed (on or before the cut-off), and no closed month lacks it
    assert [r[0] for r in with_actual] == [r[0] for r in months if month_of(r[0]) <= cutoff]
    ytd_budget = sum(money(r[1]) for r in with_actual)
    ytd_actual = sum(money(r[3]) for r in with_actual)
    text = page_text(finance.split('id="fin-key-figures"', 1)[1].split("</section>", 1)[0])
    assert f"periods P1\u2013P{len(with_actual)} (" in text
    budget = money(text.split("Budget year to date ")[1].split(" ")[0])
    actual = money(text.split("Actual year to date ")[1].split(" ")[0])
    assert abs(budget - ytd_budget) <= len(with_actual)  # the month rows are rounded each
    assert abs(actual - ytd_actual) <= len(with_actual)
    total = row_starting(table_rows(finance, "fin-portfolios"), "All projects")
    assert (money(total[2]), money(total[3])) == (budget, actual)
    # the projects page's own budget-vs-actual table covers the same closed months
    ytd = row_starting(table_rows(pages["projects"], "budget-vs-actual"), "Year to date")
    assert abs(money(ytd[1]) - budget) <= 1 and abs(money(ytd[2]) - actual) <= 1
    for row in table_rows(
        pages["summary"], "plan-by-month"
    ):  # the summary's month table stops its actuals at the same cut-off
        if FISCAL_PERIOD.fullmatch(row[0]) and month_of(row[0]) > cutoff:
            assert row[3] == EM_DASH


FISCAL_PERIOD = re.compile(r"P\d+ \(([A-Z][a-z]{2} \d{4})\)")


def month_of(label: str) -> date:
    """'Oct 2026' or 'P7 (Oct 2026)' -> 2026-10-01."""
    label = label.rstrip(")")
    return date(int(label[-4:]), MONTHS[label[-8:-5]], 1)


MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
)}  # fmt: skip


def test_one_pagers_cost_months_add_up_to_their_cost_to_date(
    published: RunPaths, marts: duckdb.DuckDBPyConnection
) -> None:
    """The one-pager's cost table stops at the cut-off, like its cost to date: it adds up."""
    project_id, ac = one(
        marts,
        "select project_id, actual_cost_to_date from marts.fct_project_cost_performance "
        "order by actual_cost_to_date desc limit 1",
    )
    page = (published.reports / "projects" / f"{project_id}.html").read_text("utf-8")
    months = [r for r in table_rows(page, "costs") if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", r[0])]
    assert months
    assert abs(sum(money(r[-1]) for r in months) - float(ac)) <= len(months)


def test_one_pagers_agree_with_the_exceptions_list(
    pages: dict[str, str], published: RunPaths
) -> None:
    rows = table_rows(pages["exceptions"], "exceptions")[1:]
    for row in rows[:10]:
        project_id = row[0].rsplit(" ", 1)[1]
        one_pager = (published.reports / "projects" / f"{project_id}.html").read_text("utf-8")
        reasons = re.findall(
            r"<li>(.*?)</li>", one_pager.split('id="attention-reasons"', 1)[1].split("</ul>")[0]
        )
        assert " ".join(unescape(r) for r in reasons) == row[5], project_id


def test_the_report_assets_metadata_carries_the_summarys_headline(
    pages: dict[str, str],
    demo_run: tuple[RunPaths, RunOutcome],
    marts: duckdb.DuckDBPyConnection,
) -> None:
    """What the Dagster UI shows on the report asset is what the board reads on the summary."""
    published, outcome = demo_run
    metadata = headline_metadata(published.warehouse)
    # the run's report asset carried these entries (the UI lists them under the asset)
    assert set(metadata) <= set(outcome.report_metadata), outcome.report_metadata
    cutoff = one(marts, "select cutoff_date from marts.fct_reporting_cutoff")[0]
    assert metadata["cutoff_date"] == cutoff.isoformat()
    summary = pages["summary"]
    for key in ("bac", "eac", "vac"):
        shown = re.search(r"(-?\$[\d,]+)", tile(summary, key).split(")", 1)[1])
        assert shown and money(shown.group(1)) == round(metadata[f"headline_{key}"].value)
    cpi = metadata["headline_cpi"].value
    assert f"{cpi:.2f}" in tile(summary, "cpi")
    assert f"Red {metadata['computed_red_projects']}" in page_text(tile(summary, "health"))
    assert f"covers the same {metadata['active_projects']} active projects" in page_text(summary)
