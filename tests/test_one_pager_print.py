"""The project one-pager is one page: printed by headless Chromium, read back with pypdf.

The projects printed are the session demo's most crowded ones: the most reasons, milestones and
history rows, and the longest name (what pushes a one-pager onto a second sheet), one whose
S-curve is an SVG file (the board pack prints it) and one whose S-curve the browser draws (a
reader printing the page from the site). The S-curve is checked as the board reads it: a Vega
drawing over the whole plan, one month per tick, amounts in the reporting currency, the BAC, EAC
and PM forecast lines labelled.
"""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipelines.report.board_pack import CHROMIUM_HEADLESS_FLAGS
from tests.browser import BrowserError, ensure_chromium
from tests.pipeline_runs import RunOutcome, RunPaths
from tests.published_site import marts, published_run

pytestmark = pytest.mark.integration


def _crowding(page: Path) -> tuple[int, int]:
    """(table rows + list items, name length): how much a one-pager has to fit."""
    html = page.read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    return html.count("<tr") + html.count("<li"), len(title.group(1)) if title else 0


def _most_crowded(demo_run: tuple[RunPaths, RunOutcome], s_curve: str) -> Path:
    """The most crowded one-pager whose S-curve has the form s_curve (an attribute it has)."""
    run = published_run(demo_run)
    pages = [
        p for p in (run.reports / "projects").glob("*.html") if s_curve in p.read_text("utf-8")
    ]
    assert pages, f"no one-pager has {s_curve}"
    return max(pages, key=_crowding)


# The S-curve as an SVG file (the board pack's one-pagers) and drawn by the browser (the others).
SVG_FILE = 's-curve.svg" alt='
BROWSER = "data-s-curve="


@pytest.fixture(scope="module")
def crowded(demo_run: tuple[RunPaths, RunOutcome]) -> Path:
    return _most_crowded(demo_run, SVG_FILE)


@pytest.mark.parametrize("s_curve", [SVG_FILE, BROWSER])
def test_the_most_crowded_one_pager_prints_on_one_a4_page(
    demo_run: tuple[RunPaths, RunOutcome], s_curve: str, tmp_path: Path
) -> None:
    crowded = _most_crowded(demo_run, s_curve)
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
            # a reader prints what the page's scripts drew: let them finish before printing
            "--virtual-time-budget=10000",
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
