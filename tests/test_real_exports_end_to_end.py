"""`make run-export` on each real file: ingest → gate → dbt → report, exactly as published.

One run per profile through the CLI's `run_export` (what `make run-export` calls), on the files in
../shared/data/real linked into a temporary landing folder. The counts are the ones the closing
note and docs/profiles.md report; a change in any of them is a change in what users are told.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from pipelines.settings import Settings
from pipelines.weekly_run import run_export
from tests.pipeline_runs import query_rows
from tests.published_raw_fixture import GMPP_CSV, ITDASHBOARD_CSV

FILES = {"us_itdashboard": ITDASHBOARD_CSV, "uk_gmpp": GMPP_CSV}
FIXTURES = {"us_itdashboard": "itdashboard", "uk_gmpp": "gmpp"}
pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,  # one whole pipeline run per profile
    pytest.mark.skipif(
        not all(p.exists() for p in FILES.values()), reason="the real exports are not here"
    ),
]


def _run(profile: str, root: Path) -> Path:
    """Run one profile with every path under `root`; returns the warehouse."""
    settings = Settings(
        landing_dir=root / "landing",
        warehouse_path=root / "portfolio.duckdb",
        reports_dir=root / "reports",
        log_dir=root / "logs",
        board_pack="off",
    )
    console = io.StringIO()
    with contextlib.redirect_stdout(console), contextlib.redirect_stderr(console):
        code = run_export(settings, profile, FILES[profile])
    (root / "console.txt").write_text(console.getvalue())
    assert code == 0, console.getvalue()
    return root / "portfolio.duckdb"


@pytest.fixture(scope="module")
def itdashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("us_itdashboard")
    yield _run("us_itdashboard", root), root / "reports"


@pytest.fixture(scope="module")
def gmpp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("uk_gmpp")
    yield _run("uk_gmpp", root), root / "reports"


def _checks(warehouse: Path) -> dict[tuple[str, str], int]:
    rows = query_rows(
        warehouse,
        "select figure, status, count(*) from marts.fct_published_figure_checks group by all",
    )
    return {(figure, status): count for figure, status, count in rows}


def _decisions(warehouse: Path) -> dict[str, str]:
    return dict(query_rows(warehouse, "select source, decision from audit.gate_decisions"))


def test_the_it_dashboard_file_reproduces_the_publishers_figures(itdashboard) -> None:
    warehouse, _ = itdashboard
    assert query_rows(
        warehouse,
        "select rows_read, rows_loaded, rows_quarantined from raw.load_manifest "
        "where source = 'itdashboard_projects'",
    ) == [(2472, 2468, 4)]
    assert _checks(warehouse) == {
        ("cost variance ($M)", "agrees"): 2444,
        ("cost variance ($M)", "disagrees"): 7,
        ("cost variance ($M)", "not checkable"): 17,
        ("cost variance (%)", "agrees"): 2451,
        ("cost variance (%)", "not checkable"): 17,
        ("schedule variance (days)", "agrees"): 1195,
        ("schedule variance (days)", "disagrees"): 352,
        ("schedule variance (days)", "not checkable"): 921,
    }
    # The published figure stays as published beside ours; neither overwrites the other.
    assert query_rows(
        warehouse,
        "select published_value, round(computed_value, 6) from marts.fct_published_figure_checks "
        "where project_id = '2045' and figure = 'cost variance ($M)'",
    ) == [(-46.92, -0.678)]


def test_only_the_profiles_source_is_required_the_rest_are_not_supplied(itdashboard) -> None:
    warehouse, _ = itdashboard
    decisions = _decisions(warehouse)
    assert decisions.pop("itdashboard_projects") == "quarantined"  # the four repeated lines
    assert set(decisions.values()) == {"not supplied"}
    assert "projects" in decisions and "timesheets" in decisions


def test_the_gmpp_file_reproduces_the_published_variance(gmpp) -> None:
    warehouse, _ = gmpp
    assert query_rows(
        warehouse,
        "select rows_read, rows_loaded, rows_quarantined from raw.load_manifest "
        "where source = 'gmpp_projects'",
    ) == [(235, 235, 0)]
    assert _checks(warehouse) == {
        ("financial year variance (%)", "agrees"): 163,
        ("financial year variance (%)", "disagrees"): 35,
        ("financial year variance (%)", "not checkable"): 37,
    }
    exempt = query_rows(
        warehouse,
        "select planned_cost_m, planned_cost_m_null_reason from marts.fct_published_projects "
        "where planned_cost_m_null_reason like 'Exempt under Section 43%'",
    )
    assert len(exempt) == 15 and all(amount is None for amount, _ in exempt)


def test_each_run_publishes_a_report_site_that_says_what_the_export_lacks(
    itdashboard, gmpp
) -> None:
    for _, reports in (itdashboard, gmpp):
        pages = {p.name: p.read_text(encoding="utf-8") for p in reports.glob("*.html")}
        assert {"index.html", "published.html", "quality.html", "capacity.html"} <= set(pages)
        for name, html in pages.items():
            assert "&amp;amp;" not in html and "NaN" not in html, name
        assert "disagree with their own formula" in pages["quality.html"]
        assert "not available" in pages["capacity.html"]
    itd_quality = (itdashboard[1] / "quality.html").read_text(encoding="utf-8")
    # A disagreement shows both values: published -46.92, ours -0.678.
    assert "Encounter Data Development" in itd_quality and "-46.92" in itd_quality
    itd_published = (itdashboard[1] / "published.html").read_text(encoding="utf-8")
    # Published `&amp;` decoded once on ingest, escaped once by the template.
    assert "Information &amp; Delivery Systems" in itd_published
    gmpp_published = (gmpp[1] / "published.html").read_text(encoding="utf-8")
    assert "Exempt under Section 43" in gmpp_published


def test_the_console_counts_the_tests_not_run_instead_of_a_line_each(itdashboard) -> None:
    """The demo's data tests on tables this export does not feed are left out of the build; the
    operator reads one line saying how many, not ~300 Dagster warnings (they are in the run log)."""
    _, reports = itdashboard
    console = (reports.parent / "console.txt").read_text()
    assert "Blocking asset check" not in console
    counted = re.search(r"dbt: (\d+) data tests not run: every source they read is empty", console)
    assert counted and int(counted.group(1)) > 100, console[-2000:]
    log = next((reports.parent / "logs").glob("run-*.log")).read_text()
    assert log.count("Blocking asset check") == int(counted.group(1))


def test_the_export_is_linked_never_copied_or_edited(itdashboard) -> None:
    _, reports = itdashboard
    link = reports.parent / "landing" / "itdashboard" / FILES["us_itdashboard"].name
    assert link.is_symlink() and Path(os.readlink(link)) == FILES["us_itdashboard"]


# --- no page contradicts another (the consistency suite's half on the real exports) ----------


def _cells(html: str, table_id: str, column: int) -> list[str]:
    """Cell text of one column of a table, by the table's id."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c[column])).split()) for c in cells if c]


def _data_values(html: str, table_id: str, column: int) -> list[float]:
    """The exact values (data-v) of one money column of a table; blanks left out."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    cells = [re.findall(r"<t[hd]([^>]*)>", row) for row in rows]
    found = [re.search(r'data-v="([^"]*)"', c[column]) for c in cells if c]
    return [float(m.group(1)) for m in found if m and m.group(1)]


def _key_figure(html: str, pid: str, label: str) -> str:
    block = html.split(f'id="{pid}-key-figures"', 1)[1].split("</dl>", 1)[0]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", block)).split())
    return text.split(f"{label} ", 1)[1].split(" ", 1)[0]


@pytest.mark.parametrize("profile", sorted(FILES))
def test_published_counts_and_totals_equal_the_rows_behind_them(
    profile: str, request: pytest.FixtureRequest
) -> None:
    warehouse, reports = request.getfixturevalue(FIXTURES[profile])
    pid = f"pub-{profile}"
    page = (reports / "published.html").read_text(encoding="utf-8")
    projects = int(_key_figure(page, pid, "Projects").replace(",", ""))
    # the count equals the rows of its project table and of its portfolio table
    assert len(_cells(page, f"{pid}-projects-table", 0)) == projects
    assert sum(int(c.replace(",", "")) for c in _cells(page, f"{pid}-portfolios-table", 1)) == (
        projects
    )
    # ...and the figure checks' disagreements, on the page and in the mart, the same number
    disagreeing = int(
        _key_figure(page, pid, "Published figures that disagree with their own formula")
    )
    by_portfolio = _cells(page, f"{pid}-portfolios-table", -1)
    assert sum(int(c.replace(",", "")) for c in by_portfolio) == disagreeing
    (in_mart,) = query_rows(
        warehouse,
        "select count(*) from marts.fct_published_figure_checks where status = 'disagrees'",
    )[0]
    assert disagreeing == in_mart
    # a tile equals the sum of its table: planned cost (exact values, not the rounded text)
    (planned,) = query_rows(
        warehouse,
        "select planned_cost_m from marts.fct_published_portfolio_summary where is_profile_total",
    )[0]
    assert sum(_data_values(page, f"{pid}-portfolios-table", 3)) == pytest.approx(
        float(planned), rel=1e-9
    )
    # the summary's headline table states the same count for the export
    summary = (reports / "summary.html").read_text(encoding="utf-8")
    headline = _cells(summary, "published-headline-table", 2)
    assert str(projects) in [c.replace(",", "") for c in headline]
