"""Table downloads: every table's CSV, the rows past a long table's cut, and the XLSX workbook.

The unit tests feed table_exports a page as the templates write it; the integration tests read the
session's published demo site and compare the downloads with the marts of its warehouse.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipelines.report.table_exports import export_site_tables
from tests.pipeline_runs import RunPaths
from tests.published_site import marts

PAGE = """<!DOCTYPE html><html><body><main>
<div class="table-scroll" role="region" aria-labelledby="t-caption" tabindex="0">
<table class="figures" id="t">
<caption id="t-caption">Projects, worst first</caption>
<thead><tr><th scope="col">Project</th><th scope="col">RAG</th><th scope="col">AC</th></tr></thead>
<tbody>
<tr data-id="P1"><th scope="row"><a href="p1.html">=HYPERLINK("x")</a></th>
<td><span aria-hidden="true">▲</span> Red</td><td class="num" data-v="1234.5">$1,235</td></tr>
<tr data-id="P2"><th scope="row">Second</th><td>—</td><td class="num" data-v="">—</td></tr>
<tr data-id="P3" data-beyond-cut><th scope="row">Third</th>
<td><ul><li>late</li><li>over</li></ul></td><td class="num" data-v="-5">-$5</td></tr>
<tr><td colspan="3">A note, not a row</td></tr>
</tbody>
</table>
</div>
<table><caption id="plain-caption">No wrapper</caption>
<thead><tr><th>Month</th><th>Hours</th></tr></thead>
<tbody><tr><td>Apr 2026</td><td>-3 days</td></tr></tbody></table>
</main></body></html>
"""


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_every_row_goes_to_the_csv_and_the_rows_past_the_cut_leave_the_page(
    tmp_path: Path,
) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    tables = export_site_tables(tmp_path, ["page.html"])
    assert [t.csv_path for t in tables] == ["data/page-t.csv", "data/page-plain.csv"]
    rows = read_csv(tmp_path / "data/page-t.csv")
    assert rows == [
        ["Project", "RAG", "AC"],
        ['\'=HYPERLINK("x")', "Red", "1234.5"],  # text, never a formula; no decorative symbol
        ["Second", "", ""],  # no value is an empty cell, not a dash
        ["Third", "late; over", "-5.0"],
    ]
    assert read_csv(tmp_path / "data/page-plain.csv")[1] == ["Apr 2026", "-3 days"]
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "Third" not in page and 'data-id="P2"' in page  # cut from the page, kept in the CSV
    assert re.search(
        r'</table>\n</div>\n<p class="table-download"><a href="data/page-t.csv" download>'
        r"Download this table as CSV</a>, all 3 rows \(2 shown\)\.</p>",
        page,
    )
    assert '<a href="data/page-plain.csv" download>' in page.split("No wrapper")[1]


def test_the_workbook_has_a_contents_sheet_and_one_sheet_per_table(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    export_site_tables(tmp_path, ["page.html"])
    book = load_workbook(tmp_path / "data" / "portfolio-report.xlsx")
    assert book.sheetnames == ["Contents", "page t", "page plain"]
    contents = [list(r) for r in book["Contents"].iter_rows(values_only=True)]
    assert contents[1] == ["page t", "page.html", "Projects, worst first", 3, "data/page-t.csv"]
    sheet = [list(r) for r in book["page t"].iter_rows(values_only=True)]
    assert sheet[1] == ['=HYPERLINK("x")', "Red", 1234.5]  # a string cell: Excel shows the text
    assert book["page t"]["A2"].data_type == "s"
    assert sheet[3][2] == -5  # numbers stay numbers


# --- the published demo site -----------------------------------------------------------------


@pytest.mark.integration
def test_the_projects_csv_holds_every_project_with_the_marts_figures(run: RunPaths) -> None:
    rows = read_csv(run.reports / "data" / "projects-projects-table.csv")
    header, body = rows[0], rows[1:]
    expected = {
        str(pid): (float(bac), float(ac)) if bac is not None and ac is not None else None
        for pid, bac, ac in marts(
            run,
            "select project_id, budget_at_completion, actual_cost_to_date "
            "from marts.fct_project_cost_performance",
        )
    }
    got = {
        r[header.index("ID")]: (float(r[header.index("BAC")]), float(r[header.index("AC to date")]))
        for r in body
    }
    assert got.keys() == expected.keys()
    for pid, figures in got.items():
        assert figures == pytest.approx(expected[pid], abs=1e-6), pid
    page = (run.reports / "projects.html").read_text(encoding="utf-8")
    assert f"all {len(body):,} rows" in page and 'href="data/projects-projects-table.csv"' in page


@pytest.mark.integration
def test_every_table_of_the_main_pages_has_its_csv_and_a_sheet(run: RunPaths) -> None:
    book = load_workbook(run.reports / "data" / "portfolio-report.xlsx", read_only=True)
    listed = [r[4] for r in book["Contents"].iter_rows(min_row=2, values_only=True)]
    for page in sorted(run.reports.glob("*.html")):
        if page.name == "index.html":
            continue
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'<p class="table-download"><a href="([^"]+)"', html)
        assert len(links) == html.count("<table"), page.name
        for link in links:
            assert (run.reports / link).is_file() and link in listed, (page.name, link)
    assert len(book.sheetnames) == len(listed) + 1


@pytest.mark.integration
def test_a_projects_actual_cost_lines_add_up_to_the_actual_cost_its_page_shows(
    run: RunPaths,
) -> None:
    checked = 0
    for page in sorted((run.reports / "projects").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        shown = re.search(r'<span id="actual-cost" data-v="([^"]*)">', html)
        link = re.search(r'<a id="actual-cost-lines" href="([^"]+)"', html)
        assert shown and link, page.name
        rows = read_csv(page.parent / link.group(1))
        assert rows[0][:6] == [
            "project_id", "cost_type", "date", "export_file", "line_number",
            "person_or_ledger_account",
        ]  # fmt: skip
        total = sum((Decimal(r[-1]) for r in rows[1:]), Decimal(0))
        assert float(total) == pytest.approx(float(shown.group(1) or 0), abs=0.005), page.name
        for r in rows[1:]:  # every line names its export file and line, which exist
            assert r[0] == page.stem and r[3] and int(r[4]) >= 2 and r[5].strip(), r
        checked += len(rows) - 1
    lines = marts(run, "select count(*) from marts.fct_project_actual_cost_lines")[0][0]
    assert checked == lines and checked > 0
