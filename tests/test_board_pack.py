"""The board pack PDF: report pages printed by headless Chromium, in order, one PDF.

Printed for real (Debian's chromium, installed by `make chromium` before pytest: CI runs these, it
does not skip them) and read back with pypdf, so the assertions are about what the board gets:
page count, order, A4 paper, the portfolio's title text and an outline entry per report page.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipelines.report.board_pack import (
    MISSING_CHROMIUM,
    BoardPackError,
    write_board_pack,
    write_staged_board_pack,
)
from tests.browser import BrowserError, ensure_chromium
from tests.pipeline_runs import RunOutcome, RunPaths

# A browser (headless Chromium), so not in the unit tier.
pytestmark = pytest.mark.integration

A4_POINTS = (595.0, 842.0)
# Pages the board pack is made of, as far as today's site has them (the rest appear later).
BOARD_PAGES = ("summary.html", "index.html", "exceptions.html", "finance.html", "quality.html")


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        return ensure_chromium()
    except BrowserError as exc:
        pytest.fail(f"headless Chromium is required for the board pack tests: {exc}")


def _page(title: str, body: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{title}</title><style>@page {{ size: A4; margin: 15mm }}</style></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


def _pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _is_a4(reader: PdfReader) -> bool:
    return all(
        abs(float(p.mediabox.width) - A4_POINTS[0]) < 2
        and abs(float(p.mediabox.height) - A4_POINTS[1]) < 2
        for p in reader.pages
    )


@pytest.mark.slow
def test_board_pack_of_the_published_report(
    demo_run: tuple[RunPaths, RunOutcome], chromium: str, tmp_path: Path
) -> None:
    paths, _ = demo_run
    pages = [Path(name) for name in BOARD_PAGES if (paths.reports / name).is_file()]
    exceptions = sorted((paths.reports / "projects").glob("*.html"))[:2]
    pages += [p.relative_to(paths.reports) for p in exceptions]
    out = tmp_path / "board-pack.pdf"

    assert write_board_pack(paths.reports, pages, out, chromium=chromium) == out

    reader = PdfReader(out)
    print(f"board pack: {out}, {len(pages)} report page(s), {len(reader.pages)} PDF page(s)")
    assert len(reader.pages) >= len(pages)
    text = _pdf_text(reader)
    assert "Executive summary" in text
    assert "Data quality" in text
    assert [item.title for item in reader.outline] == [  # type: ignore[union-attr]
        _title(paths.reports / page) for page in pages
    ]
    assert _is_a4(reader), [p.mediabox for p in reader.pages]


def test_the_executive_summary_prints_on_one_a4_page(
    demo_run: tuple[RunPaths, RunOutcome], chromium: str, tmp_path: Path
) -> None:
    paths, _ = demo_run
    out = tmp_path / "summary.pdf"
    assert write_board_pack(paths.reports, [Path("summary.html")], out, chromium=chromium) == out
    reader = PdfReader(out)
    assert len(reader.pages) == 1 and _is_a4(reader)
    text = _pdf_text(reader)
    for section in ("Headline", "Needs attention", "Budget vs actual", "trend", "Investment mix"):
        assert section in text


def test_the_staged_site_prints_the_pages_its_manifest_names_for_the_board(
    demo_run: tuple[RunPaths, RunOutcome], chromium: str, tmp_path: Path
) -> None:
    paths, _ = demo_run
    site = tmp_path / "site"
    shutil.copytree(paths.reports, site)
    manifest = json.loads((site / "report-manifest.json").read_text(encoding="utf-8"))
    pages = manifest["board_pack_pages"]
    assert pages[:2] == ["summary.html", "exceptions.html"]
    assert any(page.startswith("projects/") for page in pages)  # the exception one-pagers

    pack = write_staged_board_pack(site)

    assert pack == site / "board-pack.pdf"
    reader = PdfReader(pack)
    assert len(reader.pages) >= len(pages)
    assert [item.title for item in reader.outline] == [  # type: ignore[union-attr]
        _title(site / page) for page in pages
    ]


def _title(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    return " ".join(title.replace("&amp;", "&").split())


def test_pages_are_printed_in_the_order_given_each_from_a_new_pdf_page(
    chromium: str, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    (site / "projects").mkdir(parents=True)
    (site / "summary.html").write_text(_page("Summary"), encoding="utf-8")
    long_body = "".join(f"<p>Exception line {n}</p>" for n in range(120))  # spans two A4 pages
    (site / "exceptions.html").write_text(_page("Exceptions", long_body), encoding="utf-8")
    (site / "projects" / "PRJ-1.html").write_text(_page("Project one"), encoding="utf-8")
    pages = [Path("summary.html"), Path("exceptions.html"), site / "projects" / "PRJ-1.html"]
    out = tmp_path / "out" / "board-pack.pdf"

    assert write_board_pack(site, pages, out, chromium=chromium) == out

    reader = PdfReader(out)
    texts = [page.extract_text() or "" for page in reader.pages]
    assert len(texts) >= 4
    assert "Summary" in texts[0]
    assert "Exceptions" in texts[1]
    assert "Project one" in texts[-1]
    assert [item.title for item in reader.outline] == [  # type: ignore[union-attr]
        "Summary",
        "Exceptions",
        "Project one",
    ]
    assert _is_a4(reader)
    assert sorted(p.name for p in out.parent.iterdir()) == ["board-pack.pdf"]  # no temp left


def test_without_chromium_it_returns_none_with_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "index.html").write_text(_page("Summary"), encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "board-pack.pdf"
    with caplog.at_level(logging.INFO, logger="pipelines.report.board_pack"):
        assert write_board_pack(tmp_path, [Path("index.html")], out) is None
        assert (
            write_board_pack(tmp_path, [Path("index.html")], out, chromium="/no/chromium") is None
        )
    assert [r.getMessage() for r in caplog.records] == [MISSING_CHROMIUM, MISSING_CHROMIUM]
    assert not out.exists()


def test_refuses_a_page_outside_the_site_or_missing(chromium: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "elsewhere.html").write_text(_page("Elsewhere"), encoding="utf-8")
    out = tmp_path / "board-pack.pdf"
    with pytest.raises(BoardPackError, match="not inside the report folder"):
        write_board_pack(site, [Path("../elsewhere.html")], out, chromium=chromium)
    with pytest.raises(BoardPackError, match="does not exist"):
        write_board_pack(site, [Path("finance.html")], out, chromium=chromium)
    with pytest.raises(BoardPackError, match="no pages"):
        write_board_pack(site, [], out, chromium=chromium)
    assert not out.exists()


def test_a_browser_that_fails_to_print_is_an_error_not_a_gap(tmp_path: Path) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    (tmp_path / "index.html").write_text(_page("Summary"), encoding="utf-8")
    out = tmp_path / "board-pack.pdf"
    with pytest.raises(BoardPackError, match=r"exit 3\): cannot open display"):
        write_board_pack(tmp_path, [Path("index.html")], out, chromium=str(broken))
    assert not out.exists()
