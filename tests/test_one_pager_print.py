"""The project one-pager is one page: printed by headless Chromium, read back with pypdf.

The project printed is the session demo's most crowded one: the most reasons, milestones and
history rows, and the longest name (what pushes a one-pager onto a second sheet). Its S-curve is
checked as the board reads it: a Vega drawing over the whole plan, one month per tick, amounts in
the reporting currency, the BAC, EAC and PM forecast lines labelled.
"""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from pipelines.report.board_pack import CHROMIUM_HEADLESS_FLAGS
from pipelines.report.project_pages import s_curve_file_name
from pipelines.report.project_queries import (
    load_project_infos,
    load_project_pages,
    load_rebaselines,
)
from pipelines.report.s_curve import s_curve_svgs
from pipelines.report.site import PROJECTS_DIRNAME
from tests.browser import BrowserError, ensure_chromium
from tests.pipeline_runs import RunOutcome, RunPaths
from tests.published_site import marts, published_run

pytestmark = pytest.mark.integration


def _crowding(page: Path) -> tuple[int, int]:
    """(table rows + list items, name length): how much a one-pager has to fit."""
    html = page.read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    return html.count("<tr") + html.count("<li"), len(title.group(1)) if title else 0


@pytest.fixture(scope="module")
def crowded(demo_run: tuple[RunPaths, RunOutcome]) -> Path:
    run = published_run(demo_run)
    pages = [p for p in (run.reports / "projects").glob("*.html")]
    return max(pages, key=_crowding)


def test_the_most_crowded_one_pager_prints_on_one_a4_page(crowded: Path, tmp_path: Path) -> None:
    try:
        chromium = ensure_chromium()
    except BrowserError as exc:
        pytest.fail(f"headless Chromium is required: {exc}")
    out = tmp_path / "one-pager.pdf"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_HEADLESS_FLAGS,
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={out}",
            crowded.as_uri(),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=True,
    )
    reader = PdfReader(out)
    text = reader.pages[0].extract_text() or ""
    print(f"{crowded.name}: {_crowding(crowded)} -> {len(reader.pages)} page(s)")
    assert len(reader.pages) == 1, f"{crowded.name} prints on {len(reader.pages)} pages"
    assert abs(float(reader.pages[0].mediabox.height) - 842) < 2  # A4
    for section in ("Health", "Attributes", "Earned value S-curve", "Milestones", "Cost"):
        assert section in text
    assert "PV (planned)" in text and "BAC $" in text  # the S-curve is on the sheet


def test_the_s_curve_spans_the_plan_with_monthly_ticks_and_the_currency(
    demo_run: tuple[RunPaths, RunOutcome], crowded: Path
) -> None:
    run = published_run(demo_run)
    html = crowded.read_text(encoding="utf-8")
    image = re.search(r'<img src="([^"]+-s-curve\.svg)" alt="([^"]*)"', html)
    assert image, "the one-pager shows its S-curve as an image"
    svg = (crowded.parent / image.group(1)).read_text(encoding="utf-8")
    assert 'class="marks"' in svg  # drawn by Vega (vl-convert), not by hand
    labels = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    months = [label for label in labels if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label)]
    assert months and len(months) == len(set(months)), months  # never "May, May, Jun"
    money = [label for label in labels if re.fullmatch(r"\$[\d.]+[kMG]?", label)]
    assert len(money) >= 3 and "Cumulative (USD)" in labels  # the y axis carries the currency
    project_id = crowded.stem
    [(first, last, bac, eac, fac, plan_months)] = marts(
        run,
        "select min(c.month_start_date), max(c.month_start_date), e.bac, e.eac_cpi, e.fac, "
        "count(*) from marts.fct_project_earned_value_curve as c "
        "join marts.fct_project_earned_value as e using (project_id) "
        f"where project_id = '{project_id}' group by e.bac, e.eac_cpi, e.fac",
    )
    alt = unescape(image.group(2))
    assert f"from {first:%b %Y} to {last:%b %Y}" in alt  # type: ignore[str-format]
    for label, amount in (("BAC", bac), ("EAC (BAC / CPI)", eac), ("PM forecast", fac)):
        if amount is not None:
            assert f"{label} ${float(amount):,.0f}" in labels  # type: ignore[arg-type]
    ticks = re.findall(r'class="mark-rule role-axis-tick"[\s\S]*?</g>', svg)
    assert plan_months in [t.count("<line") for t in ticks]  # the x axis: a tick a month


def test_a_process_pool_renders_the_same_s_curves_as_the_published_ones(
    demo_run: tuple[RunPaths, RunOutcome],
) -> None:
    """At scale the S-curves are rendered by one process per core (s_curve.s_curve_svgs); each
    must be byte for byte the SVG the one-at-a-time path published for the demo."""
    run = published_run(demo_run)
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        infos = load_project_infos(con)
        [(cutoff,)] = con.execute(
            "select distinct as_of_date from marts.fct_project_cost_performance"
        ).fetchall()
        pages = [
            p for p in load_project_pages(con, infos, load_rebaselines(con), cutoff) if p.curve
        ][:6]
    assert len(pages) == 6
    pooled = s_curve_svgs(pages, "USD", cutoff, workers=2)
    for page, svg in zip(pages, pooled, strict=True):
        published = run.reports / PROJECTS_DIRNAME / s_curve_file_name(page.info.project_id)
        assert svg == published.read_text(encoding="utf-8"), page.info.project_id
