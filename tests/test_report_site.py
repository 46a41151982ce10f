"""The report site as the portfolio manager uses it: index, summary, exceptions, one-pagers,
archive. The marts are the hand-built ones of test_report_render.build_marts; figures are
asserted as the formatted text a reader sees.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest

from pipelines.report.archive import entry_name
from pipelines.report.render import render_portfolio_report
from pipelines.report.site import project_file_name
from tests.test_report_render import MALICIOUS_NAME, PROJECTS, build_marts, table_rows

FIRST_RUN = "1a2b3c4d-0000-4000-8000-000000000001"
SECOND_RUN = "5e6f7a8b-0000-4000-8000-000000000002"
FIRST_AT = datetime(2025, 10, 16, 7, 30, tzinfo=UTC)
SECOND_AT = datetime(2025, 10, 23, 7, 30, tzinfo=UTC)
FIRST_ENTRY = "2025-10-16_1a2b3c4d"
SECOND_ENTRY = "2025-10-23_5e6f7a8b"
PROJECT_IDS = [p[0] for p in PROJECTS]
NAMES = {p[0]: p[1] for p in PROJECTS}


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def local_refs(html: str) -> list[str]:
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    # a query string (projects.html?portfolio=X, a filtered list) names the same file
    return [re.split(r"[#?]", unescape(r))[0] for r in refs if not r.startswith("#")]


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "archive" not in p.relative_to(site).parts)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("site_wh") / "portfolio.duckdb"
    build_marts(path)
    return path


@pytest.fixture(scope="module")
def site(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two good runs a week apart into the same published folder."""
    out = tmp_path_factory.mktemp("site") / "reports"
    render_portfolio_report(warehouse, out, run_id=FIRST_RUN, generated_at=FIRST_AT)
    render_portfolio_report(warehouse, out, run_id=SECOND_RUN, generated_at=SECOND_AT)
    return out


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_index_lists_every_page_and_the_archive_newest_first(site: Path) -> None:
    index = read(site, "index.html")
    links = local_refs(section(index, "pages"))
    expected = ["summary.html", "exceptions.html", "projects.html", "quality.html"]
    optional = ["finance.html", "capacity.html", "schedule.html", "prioritization.html"]
    assert set(expected) <= set(links)
    for page in optional:  # linked exactly when the other engineers' module produced it
        assert (page in links) == (site / page).is_file(), page
    for ref in local_refs(index):
        assert (site / ref).is_file(), ref
    rows = table_rows(index, "archive")[1:]
    assert [row[0] for row in rows] == [f"{SECOND_ENTRY} (latest)", FIRST_ENTRY]
    assert rows[1][1:] == ["2025-10-16 07:30 UTC", "2025-10-15", "4"]
    assert SECOND_RUN not in text(section(index, "run"))  # the run id is the data engineer's:
    assert f"Pipeline run <code>{SECOND_RUN}</code>" in index  # in their folded note
    directory = section(index, "all-projects")
    for pid in PROJECT_IDS:  # the index reaches every one-pager in one click
        assert f'href="projects/{pid}.html">' in directory


def test_index_shows_data_as_of_and_gate_status(site: Path) -> None:
    index = text(section(read(site, "index.html"), "run"))
    assert "Quality gate" in index and "Data quality" in index
    assert "the marts are as of 2025-10-15" in index  # this warehouse has no load manifest


def test_summary_tiles_show_values_and_changes_from_the_marts(site: Path) -> None:
    headline = text(section(read(site, "summary.html"), "headline"))
    assert "Budget at completion (BAC), active projects $1,934,567 +$34,567 since Sep 2025" in (
        headline
    )
    assert "Actual cost to date (AC), active projects $1,229,784 +$129,784 since Sep 2025" in (
        headline
    )
    assert "Estimate at completion (EAC = BAC / CPI) $2,102,791 +$102,791 since Sep 2025" in (
        headline
    )
    assert "Variance at completion (VAC = BAC - EAC) -$168,223 -$68,223 since Sep 2025 (worse)" in (
        headline
    )
    assert "CPI (EV / AC) 0.92 -0.03 since Sep 2025 (worse)" in headline
    assert "SPI (EV / PV) 0.98 +0.01 since Sep 2025" in headline
    assert "covers the same 3 active projects" in headline
    assert "re-baselines have added $20,000 to their BAC" in headline
    assert "Cancelled: 0 project(s)" in headline and "released budget $0" in headline
    assert "Projects by computed health 4 ▲ Red 2 ◆ Amber 1 ● Green 0 ○ not rated 1" in headline
    assert "1 reported Green but computed Red" in headline


def test_every_exception_has_its_reasons(site: Path) -> None:
    rows = table_rows(read(site, "exceptions.html"), "exceptions")[1:]
    by_project = {row[0]: row for row in rows}
    assert [row[0] for row in rows] == [
        "Zero Budget Discovery PRJ-0003",  # reported green but computed red comes first
        "Data Platform PRJ-0001",
        f"{MALICIOUS_NAME} PRJ-0002",
    ]
    assert by_project["Zero Budget Discovery PRJ-0003"][2:5] == ["● Green", "▲ Red", "$0"]
    assert by_project["Zero Budget Discovery PRJ-0003"][5] == (
        "reported Green but computed Red days since status update 40 > 28 (red)"
    )
    assert by_project["Data Platform PRJ-0001"][5] == (
        "CPI 0.85 < 0.90 (red) finish slip 45 days > 30 days (red)"
    )
    # Amber, but re-baselined: what the re-baseline moved stays in the board's view
    assert by_project[f"{MALICIOUS_NAME} PRJ-0002"][5] == (
        "re-baselined once, +$20,000 budget, +60 days; "
        "forecast finish 60 days past the first baseline"
    )
    summary = read(site, "summary.html")
    assert table_rows(summary, "exceptions")[1:] == rows  # fewer than the summary's limit
    assert "Needs attention: 3 project(s)" in text(summary)


def test_every_project_has_a_one_pager_and_every_project_link_resolves(site: Path) -> None:
    for pid in PROJECT_IDS:
        page = read(site, f"projects/{project_file_name(pid)}")
        assert f'<span class="id">{pid}</span>' in page
    linked: set[str] = set()
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        for href, name in re.findall(r'<a class="project-link" href="([^"]+)">([^<]*)</a>', html):
            target = (page.parent / href).resolve()
            assert target.is_file(), (page, href)
            pid = target.stem
            assert unescape(name) == NAMES[pid]  # the link names the project it leads to
            linked.add(pid)
        for ref in local_refs(html):
            assert (page.parent / ref).is_file(), (page, ref)
    assert linked == set(PROJECT_IDS)
    projects = read(site, "projects.html")
    for pid in PROJECT_IDS:  # the full project list links every project
        assert f'href="projects/{pid}.html"' in projects


def test_project_one_pager_shows_health_ev_milestones_costs_and_history(site: Path) -> None:
    page = read(site, "projects/PRJ-0001.html")
    health = text(section(page, "health"))
    assert "Reported by the project manager ▲ Red Computed from the measures ▲ Red" in health
    assert "CPI 0.85 < 0.90" in health and "finish slip 45 days > 30 days" in health
    assert "Against the first baseline (finish" in health and "never re-baselined" in health
    assert "SPI(t) 0.93" in health  # the time-based index is on the page, rated
    assert "cost variance -$92,593 and schedule variance -$75,309" in health
    ev_rows = table_rows(page, "earned-value")
    assert ["Oct 2025", "$600,000", "$524,691", "$617,284"] in ev_rows  # the cut-off's month
    assert ev_rows[-1] == ["Dec 2025", "$700,000", "\u2014", "\u2014"]  # the plan goes on
    milestones = table_rows(page, "milestones")[1:]
    assert milestones[1] == [
        "Go-live", "2025-12-01", "2026-01-15", "\u2014", "45 days", "2025-11-01", "75 days", "open",
    ]  # fmt: skip
    assert "labour $370,370, non-labour $246,913" in text(section(page, "costs"))
    history = table_rows(page, "history")[1:]
    assert [row[0] for row in history] == ["2025-10-15", "2025-10-08"]
    assert history[1][3] == "◆ Amber"
    rebaselined = read(site, "projects/PRJ-0002.html")
    assert "Re-baselined 2025-10-15: baseline finish 2026-01-30 → 2026-03-31" in text(rebaselined)
    assert "re-baselined once, +$20,000 budget, +60 days" in text(section(rebaselined, "health"))
    assert "Kick-off &lt;b&gt;now&lt;/b&gt;" in rebaselined


def test_malicious_project_name_shows_literally_everywhere(site: Path) -> None:
    seen_in = []
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html, page
        assert "<b>now" not in html, page
        if "&lt;img src=x onerror=alert(1)&gt;" in html:
            seen_in.append(page.relative_to(site).as_posix())
    pages = ("index.html", "projects.html", "exceptions.html", "summary.html")
    for expected in (*pages, "projects/PRJ-0002.html"):
        assert expected in seen_in
    one_pager = read(site, "projects/PRJ-0002.html")
    title = re.search(r"<h1>(.*?) <span", one_pager)
    assert title and unescape(title.group(1)) == MALICIOUS_NAME


def test_archive_keeps_an_earlier_run_byte_identical(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    render_portfolio_report(warehouse, out, run_id=FIRST_RUN, generated_at=FIRST_AT)
    first = out / "archive" / FIRST_ENTRY

    def hashes(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*")
            if p.is_file()
        }

    before = hashes(first)
    assert {"index.html", "summary.html", "projects/PRJ-0001.html", "quality.html"} <= set(before)
    assert (first / "summary.html").read_bytes() == (out / "summary.html").read_bytes()
    (out / "quality").mkdir()
    blocked = out / "quality" / "blocked-20251020T060000Z-deadbeef.html"
    blocked.write_text("<!doctype html><title>blocked</title>", encoding="utf-8")

    render_portfolio_report(warehouse, out, run_id=SECOND_RUN, generated_at=SECOND_AT)

    assert hashes(out / "archive" / FIRST_ENTRY) == before
    assert (out / "archive" / SECOND_ENTRY / "summary.html").is_file()
    assert blocked.read_text(encoding="utf-8") == "<!doctype html><title>blocked</title>"
    assert "quality/blocked-20251020T060000Z-deadbeef.html" in local_refs(read(out, "index.html"))
    # Hard links, not copies: the archived summary is the root summary's file.
    assert (
        os.stat(out / "summary.html").st_ino
        == os.stat(out / "archive" / SECOND_ENTRY / "summary.html").st_ino
    )
    archived_index = (out / "archive" / SECOND_ENTRY / "index.html").read_text(encoding="utf-8")
    assert "run-status:begin" not in archived_index  # the blocked notice edits the root only
    for ref in local_refs(archived_index):
        assert (out / "archive" / SECOND_ENTRY / ref).resolve().is_file(), ref


def test_pipeline_staging_folder_carries_the_published_archive(
    warehouse: Path, tmp_path: Path
) -> None:
    """The asset renders into a staging folder and names the published one, whose archive the
    new site carries over."""
    published = tmp_path / "reports"
    render_portfolio_report(warehouse, published, run_id=FIRST_RUN, generated_at=FIRST_AT)
    staged = tmp_path / "reports.staging"
    render_portfolio_report(
        warehouse, staged, run_id=SECOND_RUN, generated_at=SECOND_AT, previous_dir=published
    )
    assert sorted(p.name for p in (staged / "archive").iterdir()) == [FIRST_ENTRY, SECOND_ENTRY]


def test_charts_have_text_alternatives_and_data_tables(site: Path) -> None:
    summary = read(site, "summary.html")
    images = dict(re.findall(r'<img src="([^"]+)" alt="([^"]*)"', summary))
    assert set(images) == {
        "charts/summary_plan_by_month.svg",
        "charts/summary_cpi_spi_trend.svg",
        "charts/summary_mix_category.svg",
        "charts/summary_mix_capex_opex.svg",
        "charts/summary_mix_strategic_theme.svg",
    }
    for src, alt in images.items():
        assert 'class="marks"' in read(site, src)  # drawn by Vega, not by hand
        assert alt.endswith("The table below lists every month.") or "table below" in alt
    assert "CPI from 0.95 to 0.92" in unescape(images["charts/summary_cpi_spi_trend.svg"])
    trend = table_rows(summary, "trend")[1:]
    assert trend == [["Sep 2025", "0.95", "0.97"], ["Oct 2025", "0.92", "0.98"]]
    plan = table_rows(summary, "plan-by-month")[1:]
    assert plan[0] == ["P1 (Apr 2025)", "$110,000", "$120,000", "$100,000"]
    assert plan[-1] == ["P12 (Mar 2026)", "$110,000", "$120,000", "\u2014"]
    one_pager = read(site, "projects/PRJ-0001.html")
    curve = re.search(r'<img src="(PRJ-0001-s-curve\.svg)" alt="([^"]*)"', one_pager)
    assert curve, "the one-pager shows its S-curve as an SVG image"
    assert 'class="marks"' in read(site, f"projects/{curve.group(1)}")  # drawn by Vega
    alt = unescape(curve.group(2))
    assert "from Aug 2025 to Dec 2025" in alt  # the whole plan, past the cut-off
    assert "PV $600,000, EV $524,691, AC $617,284" in alt
    assert "BAC $700,000; EAC (BAC / CPI) $823,529; PM forecast $720,000" in alt
    ev_rows = table_rows(one_pager, "earned-value")[1:]
    assert ev_rows[-1] == ["Dec 2025", "$700,000", "\u2014", "\u2014"]  # plan only


def test_pages_are_offline_with_csp_and_only_local_scripts(site: Path) -> None:
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html, page
        assert not re.search(r"https?://", html), page
        scripts = re.findall(r"<script([^>]*)>", html)
        for attrs in scripts:
            assert re.search(r'src="[^"]+\.js"', attrs), (page, attrs)  # never inline
        if scripts:
            assert "script-src 'self'" in html, page
    js = [p for p in (site / "static").iterdir() if p.suffix == ".js"]
    assert {p.name for p in js} >= {"report.js"} and any(p.name.startswith("vega") for p in js)
    assert not re.search(r"https?://", read(site, "static/report.js"))


@pytest.mark.parametrize(
    ("project_id", "expected"),
    [
        ("PRJ-0001", "PRJ-0001.html"),
        ("../etc/passwd", "etc_passwd-"),
        ("a/b", "a_b-"),
        ("a:b", "a_b-"),
    ],
)
def test_project_ids_become_safe_file_names(project_id: str, expected: str) -> None:
    name = project_file_name(project_id)
    assert name.startswith(expected)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", name)
    assert project_file_name("a/b") != project_file_name("a:b")


def test_archive_entry_names() -> None:
    assert entry_name(FIRST_AT, FIRST_RUN) == FIRST_ENTRY
    assert entry_name(FIRST_AT, "../x<y>") == "2025-10-16____x_y_"  # cannot leave archive/
    assert entry_name(FIRST_AT, None) == "2025-10-16_073000"
