"""The report site on a warehouse built from a published export only (no demo data at all).

A run on the US Federal IT Dashboard export or the UK GMPP annual data builds every demo mart
empty and fills the published marts. This module builds such a warehouse by hand, fast (no
pipeline run): every demo mart is created empty from its dbt model's .yml (the contract's data
type where one is declared, else one read from the column's name), and the three published marts
get a few rows written here: a hostile project name, a name with '&', a money cell exempt from
publication, a published figure that disagrees with its own formula. Then the whole site is
rendered and checked the way a reader would look at it.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipelines.report.coverage import Coverage
from pipelines.report.errors import MartsInconsistentError
from pipelines.report.formatting import format_figure_value, format_published_money, short_text
from pipelines.report.published_queries import (
    REASON_FIELDS,
    SUMMARY_TALLY_COLUMNS,
    load_published_checks,
)
from pipelines.report.quality_page import render_quality_html
from pipelines.report.quality_queries import load_quality_run
from pipelines.report.queries import REQUIRED_COLUMNS
from pipelines.report.render import render_portfolio_report

MARTS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "models" / "marts"
GENERATED_AT = datetime(2026, 11, 17, 6, 0, tzinfo=UTC)

HOSTILE = "<script>alert(1)</script> & Co"
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"
AMPERSAND = "Information & Delivery Systems"  # the ingest decoded `&amp;` once
EXEMPT = (
    "Exempt under Section 43 of the Freedom of Information Act 2000 (Commercial Interests) - "
    "Commercial interests."
)
DEMO_PAGES = ("summary", "exceptions", "projects", "finance", "capacity", "schedule")


# --- the scratch warehouse ----------------------------------------------------------------------


def _type_from_name(name: str) -> str:
    """A column's type when its model declares none (only the non-contract demo marts)."""
    if name.endswith("cost_to_date"):
        return "DOUBLE"
    if name == "date_day" or name.endswith(("_date", "_at")):
        return "DATE"
    if name.startswith(("is_", "has_")):
        return "BOOLEAN"
    if ("fiscal_year" in name and not name.endswith("_label")) or name.endswith(
        ("_count", "_days", "_sequence", "_row", "fiscal_period", "calendar_month", "_week")
    ):
        return "INTEGER"
    if name in ("day_of_week", "fiscal_quarter", "calendar_year"):
        return "INTEGER"
    money_or_measure = re.search(
        r"cost|budget|amount|completion|actual|forecast|estimate|pct|percent|score|hours|fte|"
        r"rate|variance|capex|opex|value|_local",
        name,
    )
    text_suffixes = ("_id", "_name", "_currency", "_label", "_version", "_type", "_theme")
    if money_or_measure and name != "capex_opex" and not name.endswith(text_suffixes):
        return "DOUBLE"
    return "VARCHAR"


def demo_mart_columns() -> dict[str, dict[str, str]]:
    """{mart: {column: type}} for every demo mart, from the dbt .yml files (published excluded)."""
    marts: dict[str, dict[str, str]] = {}
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            name = str(model["name"])
            if name.startswith("fct_published_"):
                continue  # built below from the contract this report is written against
            marts[name] = {
                str(c["name"]): str(c.get("data_type") or _type_from_name(str(c["name"])))
                for c in model.get("columns", [])
            }
    # what the report reads must be there even if a .yml forgot to list it
    for table, columns in REQUIRED_COLUMNS.items():
        for column in columns:
            marts.setdefault(table, {}).setdefault(column, _type_from_name(column))
    return marts


PROJECT_TYPES: dict[str, str] = {
    "source_profile": "VARCHAR",
    "publisher": "VARCHAR",
    "project_key": "VARCHAR",
    "project_id": "VARCHAR",
    "project_name": "VARCHAR",
    "portfolio": "VARCHAR",
    "program": "VARCHAR",
    "category": "VARCHAR",
    "description": "VARCHAR",
    "start_date": "DATE",
    "planned_finish": "DATE",
    "forecast_finish": "DATE",
    "currency": "VARCHAR",
    "money_unit": "VARCHAR",
    "cost_basis": "VARCHAR",
    "planned_cost_m": "DOUBLE",
    "forecast_cost_m": "DOUBLE",
    "lifecycle_cost_m": "DOUBLE",
    "benefits_m": "DOUBLE",
    "reported_rating": "VARCHAR",
    "reported_rating_source": "VARCHAR",
    "sro_rating": "VARCHAR",
    **{f"{name}_null_reason": "VARCHAR" for name in REASON_FIELDS},
    "cost_variance_m": "DOUBLE",
    "cost_variance_pct": "DOUBLE",
    "schedule_variance_days": "INTEGER",
    "fy_variance_pct": "DOUBLE",
    "published_cost_variance_m": "DOUBLE",
    "published_cost_variance_pct": "DOUBLE",
    "published_schedule_variance_days": "INTEGER",
    "published_fy_variance_pct": "DOUBLE",
    "extract_date": "DATE",
    "source_file": "VARCHAR",
    "source_row": "BIGINT",
}
CHECK_TYPES: dict[str, str] = {
    "source_profile": "VARCHAR",
    "project_key": "VARCHAR",
    "project_id": "VARCHAR",
    "project_name": "VARCHAR",
    "portfolio": "VARCHAR",
    "figure": "VARCHAR",
    "formula": "VARCHAR",
    "published_value": "DOUBLE",
    "computed_value": "DOUBLE",
    "difference": "DOUBLE",
    "tolerance": "DOUBLE",
    "status": "VARCHAR",
    "reason": "VARCHAR",
    "source_file": "VARCHAR",
    "source_row": "BIGINT",
}
SUMMARY_TYPES: dict[str, str] = {
    "source_profile": "VARCHAR",
    "portfolio": "VARCHAR",
    **dict.fromkeys(("projects", "projects_with_costs", *SUMMARY_TALLY_COLUMNS), "BIGINT"),
    "planned_cost_m": "DOUBLE",
    "forecast_cost_m": "DOUBLE",
    "cost_variance_m": "DOUBLE",
}

US_FILE = "us_itdashboard_projects_2011.csv"
UK_FILE = "uk_gmpp_annual_report_2022.csv"
US = {
    "source_profile": "us_itdashboard",
    "publisher": "US Office of Management and Budget (IT Dashboard)",
    "currency": "USD",
    "money_unit": "millions",
    "cost_basis": "whole project",
    "reported_rating_null_reason": "the IT Dashboard projects export has no rating",
    "extract_date": date(2011, 12, 31),
    "source_file": US_FILE,
}
UK = {
    "source_profile": "uk_gmpp",
    "publisher": "Infrastructure and Projects Authority",
    "currency": "GBP",
    "money_unit": "millions",
    "cost_basis": "financial year 2021-22",
    "reported_rating_source": "IPA delivery confidence assessment",
    "extract_date": date(2022, 3, 31),
    "source_file": UK_FILE,
}


def _us(pid: str, name: str, portfolio: str, row: int, planned: float, forecast: float,
        published_cv: float, **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        **US, "project_key": f"us_itdashboard:{pid}", "project_id": pid, "project_name": name,
        "portfolio": portfolio, "program": f"{AMPERSAND} investment",
        "start_date": date(2011, 1, 10), "planned_finish": date(2012, 3, 31),
        "forecast_finish": date(2012, 3, 31), "planned_cost_m": planned,
        "forecast_cost_m": forecast, "lifecycle_cost_m": planned,
        "cost_variance_m": round(planned - forecast, 6), "schedule_variance_days": 0,
        "published_cost_variance_m": published_cv, "published_schedule_variance_days": 0,
        "source_row": row, **extra,
    }  # fmt: skip


PROJECTS = [
    _us("656", "Operations", "Department of Agriculture", 2, 15.3, 15.3, 0.0),
    _us("285833", "Encounter Data Development", "Department of Health and Human Services", 3,
        1.2, 1.878, -46.92),
    _us("900", HOSTILE, AMPERSAND, 4, 2.5, 2.0, 0.5, published_schedule_variance_days=-153),
    {
        **UK, "project_key": "uk_gmpp:MOJ_0050", "project_id": "MOJ_0050",
        "project_name": "10,000 Additional Prison Places", "portfolio": "MOJ",
        "category": "Infrastructure and Construction", "start_date": date(2019, 8, 1),
        "planned_finish": date(2026, 3, 31), "planned_cost_m": 2607.0,
        "forecast_cost_m": 2500.0, "lifecycle_cost_m": 3800.0, "reported_rating": "Amber",
        "sro_rating": "Amber", "fy_variance_pct": -4.104, "published_fy_variance_pct": -4.0,
        "source_row": 3,
    },
    {
        **UK, "project_key": "uk_gmpp:MOD_0135", "project_id": "MOD_0135",
        "project_name": "Submarine Dismantling Project", "portfolio": "MOD",
        "category": "Military Capability", "start_date": date(2013, 3, 29),
        "planned_finish": date(2026, 12, 31),
        "planned_cost_m_null_reason": EXEMPT, "forecast_cost_m_null_reason": EXEMPT,
        "lifecycle_cost_m": 278.0, "reported_rating_null_reason": "Exempt under Section 24",
        "sro_rating": "Red", "source_row": 2,
    },
]  # fmt: skip

CHECK_US = {"source_profile": "us_itdashboard", "figure": "cost variance ($M)",
            "formula": "planned cost - projected/actual cost", "tolerance": 0.0015,
            "source_file": US_FILE}  # fmt: skip
CHECKS = [
    {**CHECK_US, "project_key": "us_itdashboard:656", "project_id": "656",
     "project_name": "Operations", "portfolio": "Department of Agriculture",
     "published_value": 0.0, "computed_value": 0.0, "difference": 0.0, "status": "agrees",
     "source_row": 2},
    {**CHECK_US, "project_key": "us_itdashboard:285833", "project_id": "285833",
     "project_name": "Encounter Data Development",
     "portfolio": "Department of Health and Human Services", "published_value": -46.92,
     "computed_value": -0.678, "difference": -46.242, "status": "disagrees",
     "reason": "published figure disagrees with its own formula", "source_row": 3},
    {**CHECK_US, "project_key": "us_itdashboard:900", "project_id": "900",
     "project_name": HOSTILE, "portfolio": AMPERSAND, "published_value": 0.5,
     "computed_value": 0.5, "difference": 0.0, "status": "agrees", "source_row": 4},
    {**CHECK_US, "figure": "schedule variance (days)",
     "formula": "planned completion (B2) - projected/actual completion (B2)", "tolerance": 0.0,
     "project_key": "us_itdashboard:900", "project_id": "900", "project_name": HOSTILE,
     "portfolio": AMPERSAND, "published_value": -153.0, "computed_value": 0.0,
     "difference": -153.0, "status": "disagrees",
     "reason": "published figure disagrees with its own formula", "source_row": 4},
    {"source_profile": "uk_gmpp", "figure": "financial year variance (%)",
     "formula": "(forecast - baseline) / baseline * 100", "tolerance": 0.5,
     "project_key": "uk_gmpp:MOD_0135", "project_id": "MOD_0135",
     "project_name": "Submarine Dismantling Project", "portfolio": "MOD",
     "status": "not checkable", "reason": "baseline and forecast are not published",
     "source_file": UK_FILE, "source_row": 2},
]  # fmt: skip


def _summary(profile: str, portfolio: str, **values: Any) -> dict[str, Any]:
    return {"source_profile": profile, "portfolio": portfolio, **values}


SUMMARIES = [
    _summary("us_itdashboard", "(all)", projects=3, projects_with_costs=3, planned_cost_m=19.0,
             forecast_cost_m=19.178, cost_variance_m=-0.178, rating_red=0, rating_amber=0,
             rating_green=0, rating_not_rated=3, projects_late=0, checks_agreeing=2,
             checks_disagreeing=2, checks_not_checkable=0),
    _summary("us_itdashboard", "Department of Agriculture", projects=1, projects_with_costs=1,
             planned_cost_m=15.3, forecast_cost_m=15.3, cost_variance_m=0.0, rating_not_rated=1,
             projects_late=0, checks_agreeing=1, checks_disagreeing=0, checks_not_checkable=0),
    _summary("us_itdashboard", "Department of Health and Human Services", projects=1,
             projects_with_costs=1, planned_cost_m=1.2, forecast_cost_m=1.878,
             cost_variance_m=-0.678, rating_not_rated=1, projects_late=0, checks_agreeing=0,
             checks_disagreeing=1, checks_not_checkable=0),
    _summary("us_itdashboard", AMPERSAND, projects=1, projects_with_costs=1, planned_cost_m=2.5,
             forecast_cost_m=2.0, cost_variance_m=0.5, rating_not_rated=1, projects_late=0,
             checks_agreeing=1, checks_disagreeing=1, checks_not_checkable=0),
    _summary("uk_gmpp", "(all)", projects=2, projects_with_costs=1, planned_cost_m=2607.0,
             forecast_cost_m=2500.0, cost_variance_m=107.0, rating_red=0, rating_amber=1,
             rating_green=0, rating_not_rated=1, projects_late=0, checks_agreeing=0,
             checks_disagreeing=0, checks_not_checkable=1),
    _summary("uk_gmpp", "MOJ", projects=1, projects_with_costs=1, planned_cost_m=2607.0,
             forecast_cost_m=2500.0, cost_variance_m=107.0, rating_red=0, rating_amber=1,
             rating_green=0, rating_not_rated=0, projects_late=0, checks_agreeing=0,
             checks_disagreeing=0, checks_not_checkable=0),
    _summary("uk_gmpp", "MOD", projects=1, projects_with_costs=0, rating_red=0, rating_amber=0,
             rating_green=0, rating_not_rated=1, projects_late=0, checks_agreeing=0,
             checks_disagreeing=0, checks_not_checkable=1),
]  # fmt: skip


def _create(con: duckdb.DuckDBPyConnection, table: str, types: dict[str, str]) -> None:
    body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in types.items())
    con.execute(f"create table marts.{table} ({body})")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        names = ", ".join(f'"{n}"' for n in row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into marts.{table} ({names}) values ({marks})", list(row.values()))


def derive_published_report_marts(con: duckdb.DuckDBPyConnection, earlier: bool = False) -> None:
    """The report marts dbt derives from the published marts (models/marts/published/), here
    from the rows written above: the counts the published page shows."""
    earlier_counts = (
        "select source_profile, count(*) as n "
        "from marts.fct_published_earlier_extract_projects group by source_profile"
        if earlier
        else "select null as source_profile, 0 as n"
    )
    optional = [
        "program", "category", "start_date", "planned_finish", "forecast_finish",
        "planned_cost_m", "forecast_cost_m", "lifecycle_cost_m", "benefits_m", "reported_rating",
        "sro_rating", "cost_variance_m", "schedule_variance_days", "fy_variance_pct",
        "published_cost_variance_m", "published_schedule_variance_days",
        "published_fy_variance_pct",
    ]  # fmt: skip
    for statement in (
        f"""
        create or replace table marts.fct_published_profiles as
        select p.source_profile, min(publisher) as publisher, min(money_unit) as money_unit,
            max(extract_date) as extract_date, count(*) as project_count,
            coalesce(any_value(e.n), 0) as earlier_extract_project_count
        from marts.fct_published_projects as p
        left join ({earlier_counts}) as e on e.source_profile = p.source_profile
        group by p.source_profile
        """,
        """
        create or replace table marts.fct_published_figure_check_counts as
        select source_profile, figure, min(formula) as formula,
            count(*) filter (where status = 'agrees') as agreeing_count,
            count(*) filter (where status = 'disagrees') as disagreeing_count,
            count(*) filter (where status is null or status not in ('agrees', 'disagrees'))
                as not_checkable_count
        from marts.fct_published_figure_checks group by source_profile, figure
        """,
        """
        create or replace table marts.fct_published_rating_counts as
        select source_profile, 'reported' as rating_kind, reported_rating as rating,
            count(*) as project_count
        from marts.fct_published_projects group by all
        union all
        select source_profile, 'sro', sro_rating, count(*)
        from marts.fct_published_projects group by all
        """,
        "create or replace table marts.fct_published_profile_columns as "
        + " union all ".join(
            f"select source_profile, '{c}' as column_name, count({c}) as projects_with_value, "
            f"count(*) - count({c}) as projects_without_value "
            "from marts.fct_published_projects group by source_profile"
            for c in optional
        ),
    ):
        con.execute(statement)


def build_warehouse(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        for table, types in demo_mart_columns().items():
            _create(con, table, types)
        _create(con, "fct_published_projects", PROJECT_TYPES)
        _create(con, "fct_published_figure_checks", CHECK_TYPES)
        _create(con, "fct_published_portfolio_summary", SUMMARY_TYPES)
        _insert(con, "fct_published_projects", PROJECTS)
        _insert(con, "fct_published_figure_checks", CHECKS)
        _insert(con, "fct_published_portfolio_summary", SUMMARIES)
        derive_published_report_marts(con)
    finally:
        con.close()
    return path


def copy_with(warehouse: Path, target: Path, statements: list[str]) -> Path:
    shutil.copy(warehouse, target)
    con = duckdb.connect(str(target))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()
    return target


# --- reading pages the way a reader does --------------------------------------------------------


class _Page(HTMLParser):
    """Visible text per element id (sections, rows) and every link and image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.images: list[dict[str, str | None]] = []
        self.rows: dict[str, str] = {}  # row id -> its text
        self.table_rows: dict[str, list[str]] = {}  # table id -> text of each body row
        self._row_id: str | None = None
        self._row_text: list[str] | None = None
        self._table: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag == "img":
            self.images.append(a)
        elif tag == "div" and "chart-links" in (a.get("class") or "").split():
            # a chart whose bars are links is inlined (an <img> follows no link); same file
            self.images.append({"src": a.get("data-src"), "alt": a.get("aria-label")})
        elif tag == "table":
            self._table = a.get("id")
        elif tag == "tr":
            self._row_id, self._row_text = a.get("id"), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row_text is not None:
            text = " ".join("".join(self._row_text).split())
            if self._row_id:
                self.rows[self._row_id] = text
            if self._table:
                self.table_rows.setdefault(self._table, []).append(text)
            self._row_text = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._row_text is not None:
            self._row_text.append(" " + data)


def read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded once, whitespace collapsed."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([:;,.)])", r"\1", text)  # "<a>Finance</a>: ..." reads "Finance: ..."


def section(html: str, section_id: str) -> str:
    body = html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    return text_of("<x " + body)


def nav_hrefs(html: str) -> list[str]:
    block = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', block)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("published") / "portfolio.duckdb")


@pytest.fixture(scope="module")
def site(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published_site") / "reports"
    render_portfolio_report(warehouse, out, run_id="run-published", generated_at=GENERATED_AT)
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in site.glob("*.html")}


# --- the whole site without demo data -----------------------------------------------------------


def test_every_page_renders_without_demo_data(site: Path, pages: dict[str, str]) -> None:
    for name in ("index", "quality", "published", *DEMO_PAGES):
        assert name in pages, name
    for name, html in pages.items():
        assert "Traceback" not in html and "Undefined" not in html, name
        assert not re.search(r"\bNaN\b|\bnan\b|\binf\b", text_of(html)), name
    manifest = json.loads((site / "report-manifest.json").read_text(encoding="utf-8"))
    assert "published.html" in manifest["pages"]
    assert manifest["published_profiles"] == ["us_itdashboard", "uk_gmpp"]
    assert manifest["board_pack_pages"] == ["summary.html"]  # nothing else has data to print
    # no chart of nothing: only the published page's charts
    charts = sorted(p.name for p in (site / "charts").glob("*.svg"))
    assert charts == ["published-uk_gmpp-portfolios.svg", "published-us_itdashboard-portfolios.svg"]


def test_published_pages_speak_to_a_manager_and_filter_by_the_exports_facets(
    site: Path, pages: dict[str, str]
) -> None:
    from tests.test_report_words import RUN_ID, WAREHOUSE_NAME, manager_text

    for name in ("published", "quality", "index", "summary"):
        text = manager_text(site / f"{name}.html")
        assert not WAREHOUSE_NAME.findall(text), (name, WAREHOUSE_NAME.findall(text))
        assert "run-published" not in text and not RUN_ID.search(text), name
    assert "run-published" in pages["published"]  # kept, in the note for the data engineer
    # The projects table finds and filters by what the export has: name or id, portfolio,
    # investment and reported rating (static/tables.js reads these attributes).
    table = pages["published"].split('id="pub-us_itdashboard-projects-table"', 1)
    assert "filterable" in table[0].rsplit("<table", 1)[1]
    row = re.search(r'<tr id="pub-us_itdashboard-285833[^"]*"[^>]*>', table[1])
    assert row, "the disagreeing project's row"
    assert 'data-id="285833" data-name="Encounter Data Development"' in row.group(0)
    assert 'data-portfolio="Department of Health and Human Services"' in row.group(0)
    # and each portfolio's bar opens that table filtered to it (the chart is inlined to link)
    assert (
        '<a xlink:href="published.html?portfolio=Department%20of%20Health%20and%20Human%20Services'
        '#pub-us_itdashboard-projects"' in pages["published"]
    )


def test_every_local_link_resolves_and_every_page_is_reachable(site: Path) -> None:
    parsed = {
        path.resolve(): read(path.read_text(encoding="utf-8"))
        for path in site.rglob("*.html")
        if "archive" not in path.relative_to(site).parts
    }
    problems, reached = [], {(site / "index.html").resolve()}
    for path, page in parsed.items():
        for href in [*page.links, *(str(i["src"]) for i in page.images)]:
            target, _, fragment = href.partition("#")
            resolved = (path.parent / target).resolve() if target else path
            reached.add(resolved)
            if not resolved.is_file():
                problems.append(f"{path.name}: {href} does not exist")
            elif fragment and resolved in parsed and fragment not in parsed[resolved].ids:
                problems.append(f"{path.name}: {href} has no such anchor")
    assert problems == []
    assert set(parsed) <= reached  # pages without data are still linked (from the index)


def test_demo_pages_say_what_is_missing_instead_of_zeros(pages: dict[str, str]) -> None:
    source = (
        "The published exports (US Federal IT Dashboard projects export; UK Government Major "
        "Projects Portfolio annual data) supply"
    )
    expected = {
        "capacity": "no timesheets, resource plans or team capacity: capacity and utilisation "
        "are not available.",
        "finance": "no budgets, forecasts or general-ledger actuals by month: financial "
        "performance by fiscal month is not available.",
        "schedule": "no milestones: overdue, upcoming and slipped milestones are not available.",
        "summary": "no project status extracts",
        "exceptions": "no project status extracts",
        "projects": "no project status extracts",
    }
    for name, sentence in expected.items():
        assert f"{source} {sentence}" in text_of(pages[name]), name
    for name in DEMO_PAGES:
        visible = text_of(pages[name])
        assert not re.search(r"\$0(?![.\d])", visible), name  # $0 / $0M, not -$0.2M
        assert "0 project(s)" not in visible, name
        assert "kpi-value" not in pages[name], name  # no tiles of zeros
    assert "computed Red" not in text_of(pages["index"])  # no health counts of nothing


def test_index_links_only_the_pages_with_data(pages: dict[str, str]) -> None:
    index = pages["index"]
    assert nav_hrefs(index) == [
        "index.html", "summary.html", "published.html", "quality.html", "index.html#archive",
    ]  # fmt: skip
    unavailable = section(index, "pages")
    for label in ("Needs attention", "Projects", "Finance", "Capacity", "Schedule"):
        assert f"{label}:" in unavailable.split("Not available for this data", 1)[1], label
    assert "3 in the US Federal IT Dashboard projects export" in text_of(index)
    assert "2 in the UK Government Major Projects Portfolio annual data" in text_of(index)
    for name in ("summary", "capacity"):  # the nav is the same on every page
        assert nav_hrefs(pages[name]) == nav_hrefs(index), name


def test_summary_carries_the_published_headline(pages: dict[str, str]) -> None:
    rows = read(pages["summary"]).table_rows["published-headline-table"]
    us = "US Federal IT Dashboard projects export"
    assert rows[1] == f"{us} 2011-12-31 3 $19M $19.2M -$0.2M 2 of 4"
    assert rows[2] == (
        "UK Government Major Projects Portfolio annual data 2022-03-31 2 £2,607m £2,500m £107m "
        "0 of 1"
    )


# --- the published-portfolio page ---------------------------------------------------------------


def test_published_page_summarises_each_profile_by_portfolio(
    site: Path, pages: dict[str, str]
) -> None:
    html = pages["published"]
    page = read(html)
    # largest planned cost first; columns: projects, with costs, planned, forecast, variance,
    # forecast late, [ratings,] figures disagreeing; totals to one decimal
    us = page.table_rows["pub-us_itdashboard-portfolios-table"]
    assert us[1:] == [
        "Department of Agriculture 1 1 $15.3M $15.3M $0M 0 0",
        f"{AMPERSAND} 1 1 $2.5M $2M $0.5M 0 1",
        "Department of Health and Human Services 1 1 $1.2M $1.9M -$0.7M 0 1",
        "All portfolios 3 3 $19M $19.2M -$0.2M 0 2",
    ]
    uk = page.table_rows["pub-uk_gmpp-portfolios-table"]
    # GMPP publishes no forecast finish: lateness is "—" with its reason, never 0
    assert uk[1] == "MOJ 1 1 £2,607m £2,500m £107m — 0 1 0 0 0"
    assert uk[2] == "MOD 1 0 — — — — 0 0 0 1 0"  # nothing published: no value
    assert "Forecast late: —, not published by this source: the export has no forecast finish" in (
        text_of(html)
    )
    assert "Amounts GBP millions (£m)" in text_of(html)
    assert "Amounts USD millions ($ M)" in text_of(html)
    # every chart has a text alternative and a data table, and the SVG is there
    for profile in ("us_itdashboard", "uk_gmpp"):
        image = next(i for i in page.images if f"published-{profile}" in str(i["src"]))
        assert image["alt"] and "Bar chart of planned and forecast cost" in str(image["alt"])
        assert (site / str(image["src"])).is_file()
        assert f'href="#pub-{profile}-portfolios-table"' in html
    # the rating mix where ratings exist: GMPP has one, the IT Dashboard export none
    assert "pub-uk_gmpp-ratings-table" in page.table_rows
    assert "pub-us_itdashboard-ratings-table" not in page.table_rows
    assert "not published for any project (the IT Dashboard projects export has no rating)" in (
        text_of(html)
    )


def test_projects_show_money_with_currency_and_unit(pages: dict[str, str]) -> None:
    page = read(pages["published"])
    operations = next(t for t in page.rows.values() if t.startswith("656 Operations"))
    assert "$15.3M" in operations and "2011-01-10" in operations
    prison = next(t for t in page.rows.values() if t.startswith("MOJ_0050"))
    assert "£2,607m" in prison and "£2,500m" in prison and "£3,800m" in prison
    assert "-4.1% (published -4%)" not in prison  # the publisher's figure agrees: not repeated
    assert "-4.1%" in prison


def test_a_withheld_value_shows_not_published_with_its_reason(pages: dict[str, str]) -> None:
    html = pages["published"]
    row_id = next(r for r, t in read(html).rows.items() if t.startswith("MOD_0135"))
    row_html = html.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)
    money = [c for c in cells if "Exempt under Section 43" in unescape(c)]
    assert len(money) == 2  # planned and forecast cost, each with its reason
    for cell in money:
        visible = text_of(cell)
        assert visible.startswith("not published (Exempt under Section 43 of the")
        assert "£" not in visible and not re.search(r"\b0\b", visible)
        assert "<details" in cell and EXEMPT in unescape(cell)  # the full text, one click away
    assert "not rated (Exempt under Section 24)" in text_of(row_html)
    assert "£278m" in text_of(row_html)  # the value it did publish
    # the variance of a row without costs is not computable, not zero
    assert "£0" not in text_of(row_html)


def test_hostile_and_ampersand_names_are_escaped_exactly_once(
    site: Path, pages: dict[str, str]
) -> None:
    for name in ("published", "quality"):
        html = pages[name]
        assert HOSTILE_ESCAPED in html, name
        assert "<script>alert" not in html, name
        assert HOSTILE in text_of(html), name  # the reader sees the name as typed
    published = pages["published"]
    assert "Information &amp; Delivery Systems" in published
    assert AMPERSAND in text_of(published)
    for name, html in pages.items():
        assert "&amp;amp;" not in html and "&amp;lt;" not in html, name
    assert "<script" not in published.replace('<script src="static/tables.js" defer>', "")
    for svg in (site / "charts").glob("*.svg"):  # vl-convert escapes chart labels once too
        chart = svg.read_text(encoding="utf-8")
        assert "<script" not in chart and "&amp;amp;" not in chart, svg.name
    chart = (site / "charts" / "published-us_itdashboard-portfolios.svg").read_text("utf-8")
    assert "Information &amp; Delivery Systems" in chart


def test_project_rows_flag_a_published_figure_that_disagrees(pages: dict[str, str]) -> None:
    page = read(pages["published"])
    encounter = next(t for t in page.rows.values() if t.startswith("285833"))
    assert "published figure disagrees" in encounter
    assert "-$0.678M (published -$46.92M)" in encounter  # ours beside the publisher's
    operations = next(t for t in page.rows.values() if t.startswith("656"))
    assert "disagrees" not in operations
    hostile = next(t for t in page.rows.values() if t.startswith("900"))
    assert "0 days (published -153 days)" in hostile


# --- the data-quality page ----------------------------------------------------------------------


def test_quality_page_lists_published_figures_that_disagree(pages: dict[str, str]) -> None:
    html = pages["quality"]
    text = section(html, "published-figures")
    assert text.startswith("Published figures that disagree with their own formula")
    page = read(html)
    us_counts = page.table_rows["published-us_itdashboard-counts"]
    assert us_counts[1:] == [
        "cost variance ($M) planned cost - projected/actual cost 2 1 0",
        "schedule variance (days) planned completion (B2) - projected/actual completion (B2) 0 1 0",
    ]
    uk_counts = page.table_rows["published-uk_gmpp-counts"]
    formula = "(forecast - baseline) / baseline * 100"
    assert uk_counts[1] == f"financial year variance (%) {formula} 0 0 1"
    rows = page.table_rows["published-us_itdashboard-rows"]
    assert len(rows) == 3  # the header and the two disagreeing figures, both values each
    assert rows[1] == (
        "Encounter Data Development 285833 Department of Health and Human Services "
        "cost variance ($M) -46.92 -0.678 -46.242 0.0015 planned cost - projected/actual cost "
        f"{US_FILE} 3 published figure disagrees with its own formula"
    )
    assert rows[2].startswith(f"{HOSTILE} 900 {AMPERSAND} schedule variance (days) -153 0 -153 0")
    assert "published-uk_gmpp-rows" not in page.table_rows  # nothing disagrees there
    assert "select * from marts.fct_published_figure_checks" in text
    # the link from the disagreeing row lands on the project's row of the published page
    anchor = next(h for h in page.links if h.startswith("published.html#pub-us_itdashboard-285833"))
    assert f'id="{anchor.split("#", 1)[1]}"' in pages["published"]


def test_quality_page_without_published_export_is_unchanged(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        data = load_quality_run(con, None)
        assert load_published_checks(con) is None
    finally:
        con.close()
    html = render_quality_html(data, generated_at=GENERATED_AT)
    assert "published-figures" not in html and "Published figures" not in html
    assert html == render_quality_html(data, generated_at=GENERATED_AT, published_checks=None)


# --- degradation: missing or drifted published marts, and no data at all --------------------------


def test_missing_published_marts_read_as_empty(warehouse: Path, tmp_path: Path) -> None:
    drifted = copy_with(
        warehouse,
        tmp_path / "drifted.duckdb",
        [
            "drop table marts.fct_published_figure_checks",
            "drop table marts.fct_published_figure_check_counts",
            "drop table marts.fct_published_portfolio_summary",
            "alter table marts.fct_published_projects drop column sro_rating",
        ],
    )
    out = tmp_path / "site"
    render_portfolio_report(drifted, out, generated_at=GENERATED_AT)
    html = (out / "published.html").read_text(encoding="utf-8")
    text = text_of(html)
    assert "marts.fct_published_projects lacks column(s) sro_rating" in text
    assert "no totals by portfolio for this export" in text.lower()
    assert "No published figure of this export is checked" in text
    assert "$15.3M" in text  # the projects still show
    quality = (out / "quality.html").read_text(encoding="utf-8")
    assert "Published figures that disagree" not in quality  # no checks table: no section


def test_findings_show_both_values_and_earlier_extracts_are_named_not_counted(
    warehouse: Path, tmp_path: Path
) -> None:
    """A lifecycle cost 1,000 times the planned cost is a warning with both values; projects
    of an older extract are said to be left out of the latest period."""
    with_findings = copy_with(
        warehouse,
        tmp_path / "findings.duckdb",
        [
            "create table marts.fct_published_data_findings (source_profile varchar, "
            "project_id varchar, project_name varchar, finding_type varchar, evidence varchar, "
            "figure varchar, figure_value double, compared_figure varchar, "
            "compared_value double, ratio double, source_file varchar, source_row bigint)",
            "insert into marts.fct_published_data_findings values ('us_itdashboard', '657', "
            "'Virtualization', 'out_of_proportion', 'The lifecycle cost is 1000 times the "
            "planned cost', 'lifecycle / whole-life cost', 179.0, 'planned cost', 0.179, "
            "1000.0, 'itdashboard/x.csv', 3)",
            "create table marts.fct_published_earlier_extract_projects "
            "(source_profile varchar, project_key varchar)",
            "insert into marts.fct_published_earlier_extract_projects "
            "select 'uk_gmpp', 'uk_gmpp:G' || i from range(29) t(i)",
        ],
    )
    with duckdb.connect(str(with_findings)) as con:
        derive_published_report_marts(con, earlier=True)
    out = tmp_path / "site"
    render_portfolio_report(with_findings, out, generated_at=GENERATED_AT)
    html = (out / "published.html").read_text(encoding="utf-8")
    rows = read(html).table_rows["pub-us_itdashboard-findings-table"]
    assert rows[1:] == [
        "657 Virtualization out of proportion to the same row lifecycle / whole-life cost: "
        "$179M planned cost: $0.179M 1,000\u00d7 "
        "The lifecycle cost is 1000 times the planned cost 3"
    ]
    text = text_of(html)
    assert "No finding beyond the figure checks in this export's latest extract" in text  # GMPP
    assert "Not in these figures 29 project(s) of earlier extracts" in text


# What the prioritisation step writes when it has no candidate (the columns its page reads).
EMPTY_PRIORITIZATION = {
    "fct_prioritization_scores": "scoring_model varchar, project_id varchar, "
    "project_name varchar, portfolio varchar",
    "fct_prioritization_selections": "scenario varchar, method varchar, project_id varchar, "
    "scoring_model varchar, score_rank integer, score double, is_funded boolean, "
    "is_mandatory boolean, decision_reason varchar, cost double, "
    "cumulative_cost_by_fiscal_year map(integer, double)",
    "fct_prioritization_frontier": "point_number integer, budget_factor double, method varchar, "
    "budget double, message varchar, value double, cost double, funded_count integer, "
    "proven_gap double",
    "fct_prioritization_sensitivity": "project_id varchar, method varchar, "
    "scoring_model varchar, perturbation_runs integer, is_funded_baseline boolean, "
    "funded_share double, is_fragile boolean, flipped_by varchar[]",
    "fct_prioritization_scenarios": "scenario varchar, scenario_label varchar, "
    "description varchar, is_baseline boolean, scoring_model varchar, method varchar, "
    "is_feasible boolean, message varchar, budget double, "
    "budget_by_fiscal_year map(integer, double), funded_count integer, value double, "
    "cost double, value_delta_vs_baseline double, cost_delta_vs_baseline double, "
    "funded_in_vs_baseline varchar[], funded_out_vs_baseline varchar[], "
    "value_gain_over_waterline double, proven_gap double, as_of_date date, "
    "reporting_currency varchar",
}


def test_empty_prioritisation_marts_say_not_computed(warehouse: Path, tmp_path: Path) -> None:
    empty = copy_with(
        warehouse,
        tmp_path / "prio.duckdb",
        [f"create table marts.{t} ({cols})" for t, cols in EMPTY_PRIORITIZATION.items()],
    )
    out = tmp_path / "site"
    render_portfolio_report(empty, out, generated_at=GENERATED_AT)
    html = (out / "prioritization.html").read_text(encoding="utf-8")
    assert "Not computed" in html and "no candidate project" in text_of(html)
    assert 'href="#prio-ranked"' not in html  # no links to sections that are not there
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "prioritization.html" not in nav_hrefs(index)
    assert "Prioritization: no scoring criteria" in text_of(index)


def test_no_demo_data_and_no_published_export_is_still_a_clear_error(
    warehouse: Path, tmp_path: Path
) -> None:
    empty = copy_with(
        warehouse,
        tmp_path / "nothing.duckdb",
        [  # the projects, and what dbt derives from them
            f"delete from marts.{t}"
            for t in (
                "fct_published_projects",
                "fct_published_profiles",
                "fct_published_rating_counts",
                "fct_published_profile_columns",
            )
        ],
    )
    with pytest.raises(MartsInconsistentError, match="no projects"):
        render_portfolio_report(empty, tmp_path / "out", generated_at=GENERATED_AT)
    assert not (tmp_path / "out").exists()


def test_a_demo_warehouse_gets_no_published_notes() -> None:
    demo = Coverage(profiles=(), supplied=frozenset({"ppm", "finance"}))
    for topic in ("ppm", "finance", "timesheets", "milestones", "prioritization"):
        assert demo.note(topic) is None, topic  # the pages' own notes apply, as before
    assert demo.gap("timesheets") is None and not demo.has_published


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (15.3, "USD", "$15.3M"),
        (2607, "GBP", "\u00a32,607m"),
        (-0.25, "USD", "-$0.25M"),
        (0.0004, "USD", "$0.0004M"),  # never a bare zero for a non-zero amount
        (0, "GBP", "\u00a30m"),
        (None, "USD", "\u2014"),
        (float("nan"), "GBP", "\u2014"),
        (1234.5678, "EUR", "\u20ac1,234.568M"),
    ],
)
def test_format_published_money(value: float | None, currency: str, expected: str) -> None:
    assert format_published_money(value, currency, "millions") == expected


def test_figure_values_and_short_reasons() -> None:
    assert format_figure_value(-46.92) == "-46.92"
    assert format_figure_value(0.0015, 6) == "0.0015"
    assert format_figure_value(None) == "\u2014"
    assert short_text(EXEMPT) == "Exempt under Section 43 of the Freedom of\u2026"
    assert short_text("Exempt under Section 24") == "Exempt under Section 24"
