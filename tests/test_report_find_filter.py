"""Find, filter and sort the project tables in headless Chromium, as the portfolio manager does.

The site is the session's published demo run; what a filter should leave is read from the marts
of its warehouse (read-only), so a filter that hides the wrong rows, or a sort that orders by the
shown text instead of the number, fails here. The probes act through the page's own script
(static/tables.js): they set a control and fire the event a reader's typing or choice fires.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser import Browser
from tests.pipeline_runs import RunPaths
from tests.published_site import marts

pytestmark = [pytest.mark.integration]

# The project ids of a table's visible rows, in the order shown.
VISIBLE_IDS = """
Array.from(document.querySelectorAll('#{table} tbody tr[data-id]'))
  .filter(function (r) {{ return !r.hidden; }})
  .map(function (r) {{ return r.getAttribute('data-id'); }})
"""


def probe(table: str, action: str = "") -> str:
    """Run action (statements) on the loaded page, then report the table's visible ids."""
    return f"""(function () {{
      {action}
      var status = document.querySelector('.filter-count');
      return {{ids: {VISIBLE_IDS.format(table=table)},
               status: status ? status.textContent : null,
               form: document.querySelectorAll('form.table-filter').length}};
    }})()"""


def choose(control: str, value: str) -> str:
    """Statements that set a filter control as a reader does and fire its event."""
    event = "input" if control.endswith("-q") else "change"
    return (
        f"var c = document.getElementById({json.dumps(control)}); c.value = {json.dumps(value)};"
        f" c.dispatchEvent(new Event({json.dumps(event)}));"
    )


def test_a_link_with_a_portfolio_opens_the_projects_list_filtered_to_it(
    browser: Browser, run: RunPaths
) -> None:
    counts = marts(
        run,
        "select portfolio, list(project_id order by project_id) from "
        "marts.fct_project_cost_performance group by portfolio order by count(*) desc",
    )
    portfolio, expected = str(counts[0][0]), sorted(counts[0][1])  # type: ignore[arg-type]
    total = sum(len(ids) for _, ids in counts)  # type: ignore[arg-type]
    assert 0 < len(expected) < total, "the demo needs a portfolio that is not the whole register"
    page = browser.visit(
        run.reports / "projects.html",
        query=f"portfolio={quote(portfolio)}",
        probe=probe("projects-table"),
    )
    assert not page.problems(), page.problems()
    assert sorted(page.dom["ids"]) == expected
    assert page.dom["status"] == f"Showing {len(expected)} of {total} projects"


def test_search_by_id_or_name_and_filter_by_computed_rag(browser: Browser, run: RunPaths) -> None:
    (project_id, name), *_ = marts(
        run, "select project_id, project_name from marts.dim_projects order by project_id desc"
    )
    by_id = browser.visit(
        run.reports / "projects.html",
        probe=probe("projects-table", choose("projects-table-filter-q", project_id.lower())),
    )
    assert by_id.dom["ids"] == [project_id]
    word = str(name).split()[-1]
    named = {
        str(pid)
        for (pid,) in marts(
            run,
            "select project_id from marts.fct_project_cost_performance "
            f"where project_name ilike '%{word}%' or project_id ilike '%{word}%'",
        )
    }
    by_name = browser.visit(
        run.reports / "projects.html",
        probe=probe("projects-table", choose("projects-table-filter-q", word)),
    )
    assert set(by_name.dom["ids"]) == named
    (rag, count), *_ = marts(
        run,
        "select computed_rag, count(*) from marts.fct_project_health "
        "where computed_rag is not null group by 1 order by 2, 1",
    )
    red = browser.visit(
        run.reports / "projects.html",
        probe=probe("projects-table", choose("projects-table-filter-computed", str(rag))),
    )
    health = {
        str(pid)
        for (pid,) in marts(
            run, f"select project_id from marts.fct_project_health where computed_rag = '{rag}'"
        )
    }
    assert set(red.dom["ids"]) == health and len(health) == count


def test_every_facet_of_the_issue_has_a_filter(browser: Browser, run: RunPaths) -> None:
    labels = browser.visit(
        run.reports / "projects.html",
        probe="Array.from(document.querySelectorAll('#projects-table-filter-q, "
        "form.table-filter select')).map(function (c) { return c.name; })",
    )
    # The probe returns a list: the browser helper keeps it as the dom value.
    assert set(labels.dom) >= {  # type: ignore[arg-type]
        "q", "portfolio", "program", "sponsor", "manager", "reported", "computed", "status",
    }  # fmt: skip


def test_sorting_by_a_money_column_orders_by_the_amount(browser: Browser, run: RunPaths) -> None:
    bac = dict(
        marts(
            run, "select project_id, budget_at_completion from marts.fct_project_cost_performance"
        )
    )
    click_bac = (
        "var th = Array.from(document.querySelectorAll('#projects-table thead th'))"
        ".find(function (h) { return h.textContent.trim() === 'BAC'; }); th.click();"
    )
    ascending = browser.visit(
        run.reports / "projects.html", probe=probe("projects-table", click_bac)
    )
    shown = [bac[pid] for pid in ascending.dom["ids"]]
    assert shown == sorted(shown)  # by amount: "$90,000" after "$1,200,000" would fail this
    descending = browser.visit(
        run.reports / "projects.html", probe=probe("projects-table", click_bac + click_bac)
    )
    assert [bac[pid] for pid in descending.dom["ids"]] == sorted(shown, reverse=True)


def test_the_other_project_tables_filter_too(browser: Browser, run: RunPaths) -> None:
    exceptions = browser.visit(run.reports / "exceptions.html", probe=probe("exceptions-table"))
    shown = exceptions.dom["ids"]
    assert shown and exceptions.dom["form"] == 1
    portfolio = marts(
        run, f"select portfolio from marts.dim_projects where project_id = '{shown[0]}'"
    )[0][0]
    filtered = browser.visit(
        run.reports / "exceptions.html",
        query=f"portfolio={quote(str(portfolio))}",
        probe=probe("exceptions-table"),
    )
    in_portfolio = {
        str(pid)
        for (pid,) in marts(
            run, f"select project_id from marts.dim_projects where portfolio = '{portfolio}'"
        )
    }
    assert filtered.dom["ids"] and set(filtered.dom["ids"]) == set(shown) & in_portfolio


def test_without_javascript_every_row_shows_and_no_filter_is_drawn(
    browser: Browser, run: RunPaths
) -> None:
    (total,) = marts(run, "select count(*) from marts.fct_project_cost_performance")[0]
    page = browser.visit(
        run.reports / "projects.html",
        javascript=False,
        query="portfolio=nothing-matches",
        probe=probe("projects-table"),
    )
    assert len(page.dom["ids"]) == total and page.dom["form"] == 0


def test_portfolio_and_program_rows_link_to_the_filtered_list(run: RunPaths) -> None:
    portfolios = {
        str(p) for (p,) in marts(run, "select distinct portfolio from marts.dim_projects")
    }
    programs = {str(p) for (p,) in marts(run, "select distinct program from marts.dim_projects")}
    projects = (run.reports / "projects.html").read_text(encoding="utf-8")
    finance = (run.reports / "finance.html").read_text(encoding="utf-8")
    for portfolio in portfolios:
        link = f'href="projects.html?portfolio={quote(portfolio)}#projects"'
        assert link in projects and link in finance, portfolio
    assert any(f'href="projects.html?program={quote(p)}#projects"' in finance for p in programs)


def test_a_filtered_list_link_survives_a_name_with_url_characters(tmp_path: Path) -> None:
    from pipelines.report.site import build_site_environment

    env = build_site_environment("USD")
    template = env.from_string(
        '{% from "_table_rows.html.j2" import filtered_list_link %}'
        '{{ filtered_list_link("", "portfolio", name) }}'
    )
    html = template.render(name='R&D / "Labs" #1?')
    assert 'href="projects.html?portfolio=R%26D%20/%20%22Labs%22%20%231%3F#projects"' in html


# --- a phone's width ---------------------------------------------------------------------------

PHONE = 390
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "test-screenshots" / "390px"
# Every visible cell of the table must lie inside the screen: nothing hidden off its right edge.
CELLS_OFF_SCREEN = """(function () {{
  var off = [];
  document.querySelectorAll('#{table} tbody tr:not([hidden]) > *').forEach(function (c) {{
    var box = c.getBoundingClientRect();
    if (box.width > 0 && (box.left < 0 || box.right > {width} + 1)) {{
      off.push(c.textContent.trim().slice(0, 40));
    }}
  }});
  return {{off: off, cells: document.querySelectorAll('#{table} tbody td').length,
           pageWidth: document.documentElement.scrollWidth}};
}})()"""


@pytest.mark.parametrize(
    ("page", "table"), [("summary.html", "exceptions-table"), ("projects.html", "projects-table")]
)
def test_the_summary_and_the_projects_list_read_on_a_phone(
    browser: Browser, run: RunPaths, page: str, table: str
) -> None:
    report = browser.visit(
        run.reports / page,
        width=PHONE,
        probe=CELLS_OFF_SCREEN.format(table=table, width=PHONE),
        screenshot=SCREENSHOTS / page.replace(".html", ".png"),
    )
    assert not report.problems(), report.problems()
    assert report.dom["cells"] > 0
    assert report.dom["off"] == [], f"cells beyond the {PHONE} px screen: {report.dom['off']}"
    assert report.dom["pageWidth"] <= PHONE  # the page itself never scrolls sideways


def test_a_wide_table_says_that_it_scrolls(browser: Browser, run: RunPaths) -> None:
    report = browser.visit(
        run.reports / "finance.html",
        width=PHONE,
        probe="""Array.from(document.querySelectorAll('main .table-scroll')).map(function (box) {
          var cue = box.previousElementSibling;
          return {wide: box.scrollWidth > box.clientWidth + 1,
                  cue: !!cue && cue.classList.contains('scroll-cue')};
        })""",
    )
    boxes = report.dom
    assert any(b["wide"] for b in boxes)  # type: ignore[union-attr, index]
    assert all(b["wide"] == b["cue"] for b in boxes)  # type: ignore[union-attr, index]


# --- the other project tables: the prioritization's ranked list -------------------------------

RANKED_ROWS = """(function () {
  return Array.from(document.querySelectorAll('#prio-ranked-table tbody tr'))
    .filter(function (r) { return !r.hidden; })
    .map(function (r) { return r.getAttribute('data-id') || 'waterline'; });
})()"""


def click_header(table: str, label: str) -> str:
    return (
        f"Array.from(document.querySelectorAll('#{table} thead th'))"
        f".find(function (h) {{ return h.textContent.trim() === {json.dumps(label)}; }}).click();"
    )


def test_the_prioritization_ranked_list_sorts_searches_and_filters(
    browser: Browser, run: RunPaths
) -> None:
    page = run.reports / "prioritization.html"
    start = browser.visit(page, probe=RANKED_ROWS)
    in_rank_order = [r for r in start.dom if r != "waterline"]  # type: ignore[union-attr]
    assert len(in_rank_order) > 2
    by_cost = browser.visit(
        page,
        probe=f"(function () {{ {click_header('prio-ranked-table', 'Cost (horizon)')} "
        f"return {RANKED_ROWS}; }})()",
    )
    assert sorted(by_cost.dom) == sorted(in_rank_order)  # type: ignore[arg-type]
    assert by_cost.dom != in_rank_order and "waterline" not in by_cost.dom  # type: ignore[operator]
    back = browser.visit(
        page,
        probe=f"(function () {{ {click_header('prio-ranked-table', 'Cost (horizon)')} "
        f"{click_header('prio-ranked-table', 'Rank')} return {RANKED_ROWS}; }})()",
    )
    assert back.dom == start.dom  # rank order again, with the waterline where it was
    (portfolio, ids), *_ = marts(
        run,
        "select portfolio, list(project_id order by project_id) from marts.dim_projects "
        f"where project_id in ({', '.join(repr(i) for i in in_rank_order)}) "
        "group by portfolio order by count(*), portfolio",
    )
    filtered = browser.visit(page, query=f"portfolio={quote(str(portfolio))}", probe=RANKED_ROWS)
    assert sorted(r for r in filtered.dom if r != "waterline") == sorted(ids)  # type: ignore[union-attr]
    found = browser.visit(
        page,
        probe=f"(function () {{ {choose('prio-ranked-table-filter-q', in_rank_order[-1])} "
        f"return {RANKED_ROWS}; }})()",
    )
    assert [r for r in found.dom if r != "waterline"] == [in_rank_order[-1]]  # type: ignore[union-attr]


WATERLINE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="tables.js" defer></script></head><body><main>
<table id="t"><thead><tr><th>Rank</th><th>Cost</th></tr></thead><tbody>
<tr data-id="A"><td>1</td><td>30</td></tr><tr data-id="B"><td>2</td><td>10</td></tr>
<tr><td colspan="2">Waterline</td></tr>
<tr data-id="C"><td>3</td><td>20</td></tr></tbody></table></main></body></html>"""
ROWS = """Array.from(document.querySelectorAll('#t tbody tr')).filter(function (r) {
  return !r.hidden; }).map(function (r) { return r.getAttribute('data-id') || '--'; })"""


def test_a_waterline_row_shows_only_in_rank_order(browser: Browser, tmp_path: Path) -> None:
    from pipelines.report.templating import STATIC_DIR

    (tmp_path / "tables.js").write_bytes((STATIC_DIR / "tables.js").read_bytes())
    (tmp_path / "page.html").write_text(WATERLINE_PAGE, encoding="utf-8")
    page = tmp_path / "page.html"
    steps = {
        "": ["A", "B", "--", "C"],
        click_header("t", "Cost"): ["B", "C", "A"],
        click_header("t", "Cost") * 2: ["A", "C", "B"],
        click_header("t", "Cost") + click_header("t", "Rank"): ["A", "B", "--", "C"],
    }
    for action, expected in steps.items():
        shown = browser.visit(page, probe=f"(function () {{ {action} return {ROWS}; }})()")
        assert shown.dom == expected, action
