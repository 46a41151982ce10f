"""The finance, capacity and schedule pages, checked against the marts they are built from.

The marts come from a real demo run (the session fixture `demo_run`), so the pages are tested on
the warehouse the pipeline actually publishes. Each page is rendered once per module into a temp
folder with a `common` built here (the site renderer's contract), and the figures a reader looks
at first are compared, as formatted text, with the marts: if the page and an analyst's query
disagree, a test fails. Copies of the warehouse with hostile names and with emptied or missing
marts check escaping and the explanatory notes.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.report.formatting import format_count, format_money, format_month, format_pct
from pipelines.report.pages import capacity, finance, schedule
from pipelines.report.pages._shared import ROW_CAP, format_hours
from pipelines.report.pages.protocol import PageInputs, PageRender
from pipelines.report.site import PROJECTS_PAGE
from pipelines.report.templating import build_environment
from pipelines.report.wording import fiscal_period_label
from tests.pipeline_runs import RunOutcome, RunPaths

MALICIOUS = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;"
# The one script every page loads (sort, find and filter its tables): any other is a failure.
OWN_SCRIPT = re.compile(r'<script src="(?:\.\./)*static/tables\.js" defer></script>')
GENERATED_AT = datetime(2026, 11, 17, 6, 0, tzinfo=UTC)
NAV = [
    ("Summary", "index.html"),
    ("Financial performance", "finance.html"),
    ("Resource capacity", "capacity.html"),
    ("Schedule", "schedule.html"),
]
RENDERERS: dict[str, PageRender] = {
    "finance": finance.render,
    "capacity": capacity.render,
    "schedule": schedule.render,
}


# --- reading the page the way a reader does ---------------------------------------------------


class _PageReader(HTMLParser):
    """Rows of cell text per table id, and every <img> and <a> with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[dict[str, str | None]] = []
        self.links: list[tuple[dict[str, str | None], str]] = []
        self.ids: set[str] = set()
        self._table = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "table":
            self._table = a.get("id") or ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images.append(a)
        elif tag == "div" and "chart-links" in (a.get("class") or "").split():
            # a chart whose bars are links is inlined (an <img> follows no link); same file
            self.images.append({"src": a.get("data-src"), "alt": a.get("aria-label")})
        elif tag == "a":
            self._link = (a, [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables.setdefault(self._table, []).append(self._row)
            self._row = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], "".join(self._link[1]).strip()))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link[1].append(data)


def read(html: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(html)
    return reader


def section_text(html: str, section_id: str) -> str:
    body = html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).replace("&amp;", "&").split())


def body_rows(reader: _PageReader, table_id: str) -> list[list[str]]:
    """The table's rows without its header row (the first)."""
    return reader.tables[table_id][1:]


# --- fixtures ---------------------------------------------------------------------------------


def make_common(con: duckdb.DuckDBPyConnection, current: str) -> dict[str, object]:
    """What the site renderer passes: as-of date, fiscal year and currency read from the marts."""
    as_of, currency = con.execute(
        "select as_of_date, reporting_currency from marts.fct_project_cost_performance limit 1"
    ).fetchall()[0]
    fiscal_year, label = con.execute(
        "select fiscal_year, fiscal_year_label from marts.dim_dates where date_day = ?", [as_of]
    ).fetchall()[0]
    project_ids = frozenset(
        r[0] for r in con.execute("select project_id from marts.dim_projects").fetchall()
    )
    return {
        "root": "",
        "nav": NAV,
        "current": current,
        "run_id": "run-pages",
        "generated_at": GENERATED_AT,
        "as_of_date": as_of,
        "currency": currency,
        "fiscal_year": fiscal_year,
        "fiscal_year_label": label,
        "project_href": lambda pid: f"projects/{pid}.html" if pid in project_ids else "",
        "project_ids": project_ids,
    }


def render_all(warehouse: Path, out_dir: Path) -> dict[str, str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        currency = str(make_common(con, "")["currency"])
        env = build_environment(currency)
        html = {}
        for slug, render in RENDERERS.items():
            html[slug] = render(PageInputs(con, env, out_dir, make_common(con, f"{slug}.html")))
            (out_dir / f"{slug}.html").write_text(html[slug], encoding="utf-8")
        return html
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(demo_run: tuple[RunPaths, RunOutcome]) -> Path:
    paths, result = demo_run
    assert result.success
    return paths.warehouse


@pytest.fixture(scope="module")
def marts(warehouse: Path) -> Any:
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def site(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    render_all(warehouse, out)
    return out


@pytest.fixture(scope="module")
def html(site: Path) -> dict[str, str]:
    return {slug: (site / f"{slug}.html").read_text(encoding="utf-8") for slug in RENDERERS}


def copy_warehouse(warehouse: Path, target: Path, statements: list[str]) -> Path:
    """A private copy of the published warehouse with `statements` applied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(warehouse, target)
    con = duckdb.connect(str(target))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()
    return target


def money(value: object) -> str:
    return format_money(None if value is None else float(value), "USD")  # type: ignore[arg-type]


# --- finance ----------------------------------------------------------------------------------


def test_finance_key_figures_equal_the_marts_total_row(marts: Any, html: dict[str, str]) -> None:
    total = marts.execute(
        """
        select budget_ytd, actual_ytd, forecast_ytd, variance_ytd, budget_fy, forecast_fy
        from marts.fct_financial_performance_by_dimension where dimension = 'total'
        """
    ).fetchall()[0]
    text = section_text(html["finance"], "fin-key-figures")
    labels = (
        "Budget year to date",
        "Actual year to date",
        "Forecast year to date",
        "Variance year to date",
        "Budget full year",
        "Forecast full year",
    )
    for label, value in zip(labels, total, strict=True):
        assert f"{label} {money(value)}" in text, label
    assert float(total[1]) > 0  # the demo has spend: the check above is not 0 == 0


def test_finance_portfolio_table_equals_the_mart(marts: Any, html: dict[str, str]) -> None:
    expected = {
        name: [format_count(count), money(b), money(a), money(v), money(bfy), money(ffy)]
        for name, count, b, a, v, bfy, ffy in marts.execute(
            """
            select dimension_value, project_count, budget_ytd, actual_ytd, variance_ytd,
                budget_fy, forecast_fy
            from marts.fct_financial_performance_by_dimension where dimension = 'portfolio'
            """
        ).fetchall()
    }
    rows = body_rows(read(html["finance"]), "fin-portfolios-table")
    shown = {r[0]: [r[1], r[2], r[3], r[4], r[6], r[7]] for r in rows if r[0] != "All projects"}
    assert shown == expected
    total_row = next(r for r in rows if r[0] == "All projects")
    (actual_ytd,) = marts.execute(
        "select actual_ytd from marts.fct_financial_performance_by_dimension "
        "where dimension = 'total'"
    ).fetchall()[0]
    assert total_row[3] == money(actual_ytd)


def test_finance_months_follow_the_fiscal_calendar_and_add_up(
    marts: Any, html: dict[str, str]
) -> None:
    months = marts.execute(
        """
        select month_start_date, fiscal_period, sum(budget), bool_or(is_ytd)
        from marts.fct_project_financials_monthly group by all order by fiscal_period
        """
    ).fetchall()
    rows = body_rows(read(html["finance"]), "fin-months-table")
    assert [r[0] for r in rows] == [f"P{p} ({format_month(m)})" for m, p, _b, _y in months]
    assert [r[1] for r in rows] == [money(b) for _m, _p, b, _y in months]
    last_ytd = [r for r, (_m, _p, _b, ytd) in zip(rows, months, strict=True) if ytd][-1]
    (actual_ytd,) = marts.execute(
        "select actual_ytd from marts.fct_financial_performance_by_dimension "
        "where dimension = 'total'"
    ).fetchall()[0]
    assert last_ytd[6] == money(actual_ytd)  # cumulative actual at the as-of period = YTD
    future = [r for r, (_m, _p, _b, ytd) in zip(rows, months, strict=True) if not ytd]
    assert all(r[3] == "\u2014" for r in future)  # no actual yet is a dash, never $0


def test_finance_capex_opex_program_and_category_tables(marts: Any, html: dict[str, str]) -> None:
    reader = read(html["finance"])
    for table_id, dimension in (
        ("fin-capex-opex-table", "capex_opex"),
        ("fin-programs-table", "program"),
        ("fin-categories-table", "category"),
    ):
        expected = dict(
            marts.execute(
                "select dimension_value, budget_fy from "
                "marts.fct_financial_performance_by_dimension where dimension = ?",
                [dimension],
            ).fetchall()
        )
        shown = {r[0]: r[6] for r in body_rows(reader, table_id) if r[0] != "All projects"}
        assert len(shown) == min(len(expected), ROW_CAP)
        assert all(shown[name] == money(expected[name]) for name in shown), dimension


def test_finance_overspends_and_unbudgeted_spend_equal_the_marts(
    marts: Any, html: dict[str, str]
) -> None:
    overspent = [
        r[0]
        for r in marts.execute(
            "select project_id from marts.fct_financial_performance where variance_ytd < 0 "
            "order by variance_ytd, project_id"
        ).fetchall()
    ]
    text = section_text(html["finance"], "fin-overspends")
    assert f"{format_count(len(overspent))} project(s) have spent more than their budget" in text
    if overspent:
        rows = body_rows(read(html["finance"]), "fin-overspends-table")
        assert [r[0] for r in rows] == overspent[:ROW_CAP]
    count, amount = marts.execute(
        "select count(*), sum(amount) from marts.fct_finance_findings "
        "where finding_type = 'unbudgeted_spend'"
    ).fetchall()[0]
    findings = section_text(html["finance"], "fin-findings")
    heading = f"Unbudgeted spend: {format_count(count)} finding(s)"
    assert heading + (f", {money(amount)}" if count else "") in findings


# --- capacity ---------------------------------------------------------------------------------


def test_capacity_lists_exactly_the_over_allocated_team_months(
    marts: Any, html: dict[str, str]
) -> None:
    expected = marts.execute(
        "select team, month_start_date, over_allocation_hours "
        "from marts.fct_capacity_demand_monthly where is_over_allocated "
        "order by over_allocation_hours desc, month_start_date, team"
    ).fetchall()
    assert expected, "the demo plans some teams above capacity"
    text = section_text(html["capacity"], "cap-over")
    assert f"{format_count(len(expected))} team-month(s) where the resource plan asks" in text
    rows = body_rows(read(html["capacity"]), "cap-over-table")
    assert [(r[0], r[1], r[4]) for r in rows] == [
        (team, format_month(month), format_hours(float(hours)))
        for team, month, hours in expected[:ROW_CAP]
    ]
    assert all(r[6] == "\u25b2 over-allocated" for r in rows)  # a symbol and a word


def test_capacity_months_and_utilisation_equal_the_mart(marts: Any, html: dict[str, str]) -> None:
    months = marts.execute(
        """
        select month_start_date, fiscal_period, sum(capacity_hours), sum(planned_demand_hours),
            count(*) filter (where is_over_allocated)
        from marts.fct_capacity_demand_monthly group by all order by month_start_date
        """
    ).fetchall()
    rows = body_rows(read(html["capacity"]), "cap-months-table")
    # a month is its fiscal period with the month, "P6 (Sep 2026)", as on every page
    assert [(r[0], r[1], r[2], r[7]) for r in rows] == [
        (fiscal_period_label(p, m), format_hours(float(c)), format_hours(float(d)), format_count(n))
        for m, p, c, d, n in months
    ]
    actual, to_date = marts.execute(
        "select sum(actual_hours), sum(capacity_hours_to_date) "
        "from marts.fct_capacity_demand_monthly"
    ).fetchall()[0]
    text = section_text(html["capacity"], "cap-key-figures")
    assert f"Utilisation to date {format_pct(float(actual) / float(to_date) * 100)}" in text


def test_capacity_timesheet_compliance_equals_the_mart(marts: Any, html: dict[str, str]) -> None:
    expected, compliant = marts.execute(
        "select count(*) filter (where expected_hours > 0), "
        "count(*) filter (where expected_hours > 0 and is_compliant) "
        "from marts.fct_timesheet_compliance_weekly"
    ).fetchall()[0]
    text = section_text(html["capacity"], "cap-key-figures")
    assert (
        f"Timesheet compliance {format_pct(compliant / expected * 100)} "
        f"of {format_count(expected)} person-weeks complete"
    ) in text
    weeks = marts.execute(
        "select count(distinct iso_week_start_date) from marts.fct_timesheet_compliance_weekly"
    ).fetchall()[0][0]
    assert len(body_rows(read(html["capacity"]), "cap-weeks-table")) == min(weeks, 53)


def test_capacity_names_each_months_plan_and_counts_the_weeks_with_gaps(
    marts: Any, html: dict[str, str]
) -> None:
    plans = marts.execute(
        "select month_start_date, max(plan_extract_date), max(plan_basis) "
        "from marts.fct_capacity_demand_monthly group by all order by month_start_date"
    ).fetchall()
    rows = body_rows(read(html["capacity"]), "cap-months-table")
    assert [r[8] for r in rows] == [
        f"{extract.isoformat()} ({basis})" if extract else basis for _month, extract, basis in plans
    ]
    gaps, weeks = marts.execute(
        "select count(distinct iso_week_start_date) filter (where expected_hours > 0 "
        "and not is_compliant), count(distinct iso_week_start_date) "
        "from marts.fct_timesheet_compliance_weekly"
    ).fetchall()[0]
    assert gaps > 0, "the demo has weeks with incomplete timesheets"
    text = section_text(html["capacity"], "cap-compliance")
    assert (
        f"{format_count(gaps)} of {format_count(min(weeks, 53))} week(s) shown have incomplete"
    ) in text


# --- schedule ---------------------------------------------------------------------------------


def test_schedule_overdue_and_upcoming_counts_equal_fct_milestones(
    marts: Any, html: dict[str, str]
) -> None:
    overdue, d30, d60, d90, slipped = marts.execute(
        """
        select count(*) filter (where is_overdue), count(*) filter (where is_due_within_30_days),
            count(*) filter (where is_due_within_60_days),
            count(*) filter (where is_due_within_90_days),
            count(*) filter (where is_open and schedule_variance_days < 0)
        from marts.fct_milestones
        """
    ).fetchall()[0]
    text = section_text(html["schedule"], "sch-key-figures")
    c = format_count
    assert f"Overdue {c(overdue)} " in text
    assert f"Due within 30 / 60 / 90 days {c(d30)} / {c(d60)} / {c(d90)} " in text
    assert f"Slipped against baseline {c(slipped)} " in text
    assert overdue > 0 and d90 > 0  # the demo has both, so the lists below are exercised
    reader = read(html["schedule"])
    overdue_ids = {
        r[0]
        for r in marts.execute(
            "select milestone_id from marts.fct_milestones where is_overdue"
        ).fetchall()
    }
    listed = {re.findall(r"\(([^()]+)\)$", r[3])[0] for r in body_rows(reader, "sch-overdue-table")}
    assert len(listed) == min(len(overdue_ids), ROW_CAP) and listed <= overdue_ids
    upcoming = body_rows(reader, "sch-upcoming-table")
    assert len(upcoming) == min(d90, ROW_CAP)
    assert [r[5] for r in upcoming] == sorted(r[5] for r in upcoming)  # soonest first


def test_schedule_portfolio_table_equals_the_summary_mart(marts: Any, html: dict[str, str]) -> None:
    expected = {
        p: [format_count(n) for n in (o, od, a, b, c)]
        for p, o, od, a, b, c in marts.execute(
            "select portfolio, open_count, overdue_count, due_within_30_days_count, "
            "due_within_60_days_count, due_within_90_days_count "
            "from marts.fct_portfolio_milestone_summary"
        ).fetchall()
    }
    rows = body_rows(read(html["schedule"]), "sch-portfolios-table")
    shown = {r[0]: [r[3], r[4], r[6], r[7], r[8]] for r in rows if r[0] != "All portfolios"}
    assert shown == expected


# --- craft: charts, links, navigation, escaping, offline --------------------------------------


@pytest.mark.parametrize("slug", list(RENDERERS))
def test_every_chart_is_a_vl_convert_svg_with_alt_text_and_a_data_table(
    site: Path, html: dict[str, str], slug: str
) -> None:
    reader = read(html[slug])
    assert reader.images, f"{slug} has charts on the demo data"
    for img in reader.images:
        src = str(img["src"])
        assert re.fullmatch(rf"charts/{slug}-[a-z_]+\.svg", src)
        svg = (site / src).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<svg") and 'class="marks"' in svg
        assert "<script" not in svg.lower()
        assert len(str(img["alt"])) > 60
    # each figure's caption points at the table holding its numbers, and that table exists
    targets = re.findall(r'<figcaption>.*?<a href="#([^"]+)">table below</a>', html[slug])
    assert len(targets) == len(reader.images)
    for target in targets:
        assert target in reader.ids and len(reader.tables[target]) > 1


@pytest.mark.parametrize("slug", list(RENDERERS))
def test_nav_marks_the_current_page(html: dict[str, str], slug: str) -> None:
    nav = html[slug].split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav) == [f"{slug}.html"]
    assert [href for href in re.findall(r'href="([^"]+)"', nav)] == [h for _l, h in NAV]


def test_project_names_link_to_their_one_pagers(html: dict[str, str]) -> None:
    project_links = [
        (a, text)
        for page in ("finance", "schedule")
        for a, text in read(html[page]).links
        if "project-link" in str(a.get("class"))
    ]
    assert project_links
    for attrs, text in project_links:
        assert re.fullmatch(r"projects/PRJ-\d+\.html", str(attrs["href"]))
        assert text and text != "\u2014"


@pytest.mark.parametrize("slug", list(RENDERERS))
def test_page_is_self_contained_and_needs_no_javascript(
    site: Path, html: dict[str, str], slug: str
) -> None:
    page = html[slug]
    assert "Content-Security-Policy" in page
    assert OWN_SCRIPT.search(page)
    page = OWN_SCRIPT.sub("", page)
    assert "<script" not in page.lower() and " style=" not in page and "<style" not in page
    assert not re.search(r"https?://", page)
    for ref in re.findall(r'(?:src|href)="([^"#][^"]*)"', page):
        assert not ref.startswith(("/", "//")) and ":" not in ref, ref
        # projects.html?portfolio=X: the site's projects list (always written), filtered
        path = re.split(r"[#?]", ref)[0]
        core = {*dict(NAV).values(), PROJECTS_PAGE}
        if not path.startswith(("projects/", "static/")) and path not in core:
            assert (site / path).is_file(), ref


def test_hostile_names_are_escaped_on_every_page_and_chart(warehouse: Path, tmp_path: Path) -> None:
    tables = ("dim_projects", "fct_financial_performance", "fct_finance_findings")
    statements = [
        f"update marts.{t} set project_name = '{MALICIOUS}' || ' ' || project_id" for t in tables
    ] + [
        f"update marts.fct_financial_performance_by_dimension set dimension_value = "
        f"'{MALICIOUS}' || dimension_value where dimension in ('portfolio', 'program')",
        f"update marts.fct_capacity_demand_monthly set team = '{MALICIOUS}' || team",
        f"update marts.fct_capacity_demand_by_team set team = '{MALICIOUS}' || team",
        f"update marts.fct_portfolio_milestone_summary set portfolio = '{MALICIOUS}' || portfolio",
    ]
    hostile = copy_warehouse(warehouse, tmp_path / "hostile.duckdb", statements)
    out = tmp_path / "site"
    pages_html = render_all(hostile, out)
    for slug, page in pages_html.items():
        assert ESCAPED in page, slug
        assert "<script" not in OWN_SCRIPT.sub("", page).lower(), slug
        assert "<img src=x" not in page, slug
        # a reader sees the name as text, exactly as typed
        cells = [c for rows in read(page).tables.values() for row in rows for c in row]
        assert any(c.startswith(MALICIOUS) for c in cells), slug
    for svg in (out / "charts").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "<img" not in text, svg.name


def test_empty_marts_give_an_explanatory_note_not_zeros(warehouse: Path, tmp_path: Path) -> None:
    # each emptied mart with the report marts dbt derives from it (empty in turn)
    emptied = (
        "fct_financial_performance_by_dimension",
        "fct_project_financials_monthly",
        "fct_portfolio_financials_monthly",
        "fct_capacity_demand_monthly",
        "fct_capacity_demand_portfolio_monthly",
        "fct_capacity_demand_by_team",
        "fct_timesheet_compliance_weekly",
        "fct_timesheet_compliance_portfolio_weekly",
        "fct_timesheet_compliance_by_team",
        "fct_milestones",
    )
    empty = copy_warehouse(
        warehouse,
        tmp_path / "empty.duckdb",
        [f"delete from marts.{t}" for t in emptied]
        + [
            "drop table marts.fct_finance_findings",
            "drop table marts.fct_finance_findings_by_type",
        ],
    )
    out = tmp_path / "site"
    pages_html = render_all(empty, out)
    notes = {slug: " ".join(re.findall(r'class="page-note"[^>]*>(.*?)</p>', p)) for slug, p in
             pages_html.items()}  # fmt: skip
    assert "marts.fct_financial_performance_by_dimension has no rows" in notes["finance"]
    assert "marts.fct_portfolio_financials_monthly has no rows" in notes["finance"]
    assert "marts.fct_finance_findings is not in the warehouse" in notes["finance"]
    assert "marts.fct_capacity_demand_monthly has no rows" in notes["capacity"]
    assert "No timesheets" in notes["capacity"]
    assert "Timesheet compliance cannot be measured" in pages_html["capacity"]
    assert "No milestones" in notes["schedule"]
    assert "Overdue milestones cannot be shown without milestone data" in pages_html["schedule"]
    assert "$0" not in section_text(pages_html["finance"], "fin-key-figures")
    for slug in ("finance", "capacity", "schedule"):
        assert "kpi-value" not in pages_html[slug], slug  # no tiles of zeros
    assert not list(out.glob("charts/*.svg"))  # no chart of nothing


def test_no_timesheets_only_hides_the_time_based_figures(warehouse: Path, tmp_path: Path) -> None:
    """A warehouse with capacity and a plan but no timesheet weeks: demand is still shown."""
    no_time = copy_warehouse(
        warehouse,
        tmp_path / "no_time.duckdb",
        [
            "delete from marts.fct_timesheet_compliance_weekly",
            "delete from marts.fct_timesheet_compliance_portfolio_weekly",
            "delete from marts.fct_timesheet_compliance_by_team",
            "update marts.fct_capacity_demand_monthly set actual_hours = 0, "
            "actual_project_hours = 0, actual_non_project_hours = 0, capacity_hours_to_date = 0",
            *(
                f"update marts.{t} set actual_hours = 0, capacity_hours_to_date = 0"
                for t in ("fct_capacity_demand_portfolio_monthly", "fct_capacity_demand_by_team")
            ),
        ],
    )
    page = render_all(no_time, tmp_path / "site")["capacity"]
    assert "No timesheets cover the reporting months" in page
    text = section_text(page, "cap-key-figures")
    assert "Utilisation to date \u2014" in text and "Timesheet compliance \u2014" in text
    assert "Over-allocated team-months" in text and "Over-allocated team-months \u2014" not in text
