"""`make run-export` on each real file: ingest → gate → dbt → report, exactly as published.

One run per profile through the CLI's `run_export` (what `make run-export` calls), on the files in
../shared/data/real linked into a temporary landing folder. The counts are the ones the closing
note and docs/profiles.md report; a change in any of them is a change in what users are told.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import run_export
from pipelines.settings import Settings
from tests.published_raw_fixture import GMPP_CSV, ITDASHBOARD_CSV

FILES = {"us_itdashboard": ITDASHBOARD_CSV, "uk_gmpp": GMPP_CSV}
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
    assert run_export(settings, profile, FILES[profile]) == 0
    return root / "portfolio.duckdb"


@pytest.fixture(scope="module")
def itdashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("us_itdashboard")
    yield _run("us_itdashboard", root), root / "reports"


@pytest.fixture(scope="module")
def gmpp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("uk_gmpp")
    yield _run("uk_gmpp", root), root / "reports"


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _checks(warehouse: Path) -> dict[tuple[str, str], int]:
    rows = _query(
        warehouse,
        "select figure, status, count(*) from marts.fct_published_figure_checks group by all",
    )
    return {(figure, status): count for figure, status, count in rows}


def _decisions(warehouse: Path) -> dict[str, str]:
    return dict(_query(warehouse, "select source, decision from audit.gate_decisions"))


def test_the_it_dashboard_file_reproduces_the_publishers_figures(itdashboard) -> None:
    warehouse, _ = itdashboard
    assert _query(
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
    assert _query(
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
    assert _query(
        warehouse,
        "select rows_read, rows_loaded, rows_quarantined from raw.load_manifest "
        "where source = 'gmpp_projects'",
    ) == [(235, 235, 0)]
    assert _checks(warehouse) == {
        ("financial year variance (%)", "agrees"): 163,
        ("financial year variance (%)", "disagrees"): 35,
        ("financial year variance (%)", "not checkable"): 37,
    }
    exempt = _query(
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


def test_the_export_is_linked_never_copied_or_edited(itdashboard) -> None:
    _, reports = itdashboard
    link = reports.parent / "landing" / "itdashboard" / FILES["us_itdashboard"].name
    assert link.is_symlink() and Path(os.readlink(link)) == FILES["us_itdashboard"]
