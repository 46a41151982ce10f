"""The board pack PDF: the report pages as one document, printed by ONE headless Chromium.

Printed for real (Debian's chromium, installed by `make chromium` before pytest: CI runs these, it
does not skip them) and read back with pypdf, so the assertions are about what the board gets:
a cover, a contents page whose numbers are where the sections start, page numbers on every page,
the decisions page, one-pagers of one page each, and links that lead to pages of the PDF only.
The pack of the session's published run is printed once per module, from a copy of its site.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

from pipelines.report.board_pack import (
    MISSING_CHROMIUM,
    PACK_TITLE,
    BoardPackError,
    write_board_pack,
    write_staged_board_pack,
)
from tests.browser import BrowserError, ensure_chromium
from tests.pipeline_runs import RunOutcome, RunPaths
from tests.published_site import published_run

# A browser (headless Chromium), so not in the unit tier.
pytestmark = pytest.mark.integration

A4_POINTS = (595.0, 842.0)
_CONTENTS_LINE = re.compile(r"^(?P<title>.*\S) (?P<page>\d+)$")


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        return ensure_chromium()
    except BrowserError as exc:
        pytest.fail(f"headless Chromium is required for the board pack tests: {exc}")


@dataclass(frozen=True)
class PrintedPack:
    site: Path
    pdf: Path
    reader: PdfReader
    texts: list[str]
    manifest: dict[str, object]
    browser_starts: int
    seconds: float


@pytest.fixture(scope="module")
def pack(
    demo_run: tuple[RunPaths, RunOutcome], chromium: str, tmp_path_factory: pytest.TempPathFactory
) -> PrintedPack:
    """The session's published site printed as the pipeline prints it, by a Chromium that
    counts its own starts (a wrapper script around the real one)."""
    run = published_run(demo_run)
    root = tmp_path_factory.mktemp("pack")
    site = root / "site"
    shutil.copytree(run.reports, site)
    starts = root / "starts"
    wrapper = root / "chromium"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{starts}"\nexec "{chromium}" "$@"\n')
    wrapper.chmod(0o755)
    started = time.perf_counter()
    pdf = write_staged_board_pack(site, run.warehouse, chromium=str(wrapper))
    seconds = time.perf_counter() - started
    assert pdf == site / "board-pack.pdf"
    reader = PdfReader(pdf)
    texts = [page.extract_text() or "" for page in reader.pages]
    manifest = json.loads((site / "report-manifest.json").read_text(encoding="utf-8"))
    count = len(starts.read_text().splitlines())
    print(f"board pack: {len(reader.pages)} pages in {seconds:.1f}s, {count} browser start(s)")
    return PrintedPack(site, pdf, reader, texts, manifest, count, seconds)


def _contents(pack: PrintedPack) -> dict[str, int]:
    """The contents page's entries: title -> the page number it states."""
    page = next(i for i, text in enumerate(pack.texts) if text.startswith("Contents"))
    entries = {}
    for line in pack.texts[page].splitlines()[1:]:
        match = _CONTENTS_LINE.match(line.strip())
        if match and not line.startswith(PACK_TITLE):
            entries[match["title"]] = int(match["page"])
    return entries


def _plain(text: str) -> str:
    """Text without the punctuation a page heading has and its <title> has not."""
    return " ".join(text.replace(",", " ").split())


def test_the_pack_is_printed_by_one_browser_and_leaves_nothing_behind(pack: PrintedPack) -> None:
    assert pack.browser_starts == 1
    # the pack is the tagged print (a screen reader reads its structure), not the measuring one
    catalog = pack.reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    leftovers = [p.name for p in pack.site.iterdir() if p.name.startswith(".board-pack")]
    assert leftovers == []  # the pack's document was in the site only while printing
    assert all(
        abs(float(p.mediabox.width) - A4_POINTS[0]) < 2
        and abs(float(p.mediabox.height) - A4_POINTS[1]) < 2
        for p in pack.reader.pages
    )


def test_the_pack_has_a_cover_contents_decisions_and_page_numbers(pack: PrintedPack) -> None:
    cover = pack.texts[0]
    assert PACK_TITLE in cover
    assert f"Fiscal year {pack.manifest['fiscal_year']}" in cover
    assert str(pack.manifest["as_of_date"]) in cover  # the cut-off
    generated = str(pack.manifest["generated_at"])[:10]
    assert re.search(rf"Generated {generated} \d\d:\d\d UTC", cover)
    assert pack.texts[1].startswith("Contents")
    total = len(pack.texts)
    for number, text in enumerate(pack.texts, start=1):
        assert f"Page {number} of {total}" in text, f"no page number on page {number}"
    decisions = pack.texts[_contents(pack)["Decisions required"] - 1]
    assert decisions.startswith("Decisions required")
    assert "Projects that need a decision" in decisions
    assert "Funding decisions for next year" in decisions


def test_the_contents_page_numbers_are_where_the_sections_start(pack: PrintedPack) -> None:
    entries = _contents(pack)
    pages = pack.manifest["board_pack_pages"]
    assert isinstance(pages, list)
    assert len(entries) == len(pages) + 1  # the decisions page and every printed page
    for title, number in entries.items():
        start = pack.texts[number - 1]
        before = pack.texts[number - 2]
        project = re.search(r"\((PRJ-\d+)\)$", title)
        heading = f"{title[: project.start()].strip()} {project[1]}" if project else title
        opening = _plain(heading)[:30]  # the section's heading opens its first page
        assert _plain(start).startswith(opening), (title, number, start[:80])
        assert not _plain(before).startswith(opening), (title, "starts earlier")


def test_each_one_pager_is_one_page_and_the_decisions_name_their_pages(pack: PrintedPack) -> None:
    entries = _contents(pack)
    projects = sorted(n for title, n in entries.items() if re.search(r"\(PRJ-\d+\)$", title))
    assert projects, "the pack has one-pagers"
    ends = [*projects[1:], None]
    for start, following in zip(projects, ends, strict=True):
        next_start = following or min(
            [n for n in entries.values() if n > start] + [len(pack.texts) + 1]
        )
        assert next_start - start == 1, f"the one-pager on page {start} takes {next_start - start}"
    decisions = pack.texts[entries["Decisions required"] - 1]
    for title, number in entries.items():
        project = re.search(r"\((PRJ-\d+)\)$", title)
        if project:  # each listed project with the page of its one-pager, at the row's end
            row = decisions.split(project[1], 1)[1].split("PRJ-", 1)[0]
            assert re.search(rf"\s{number}(\n|$)", row), (title, number, row)


def test_each_one_pager_in_the_pack_shows_its_s_curve(pack: PrintedPack) -> None:
    """No script runs in a print: the pack's one-pagers carry the S-curve as an SVG file (the
    site's other one-pagers have their browser draw it)."""
    shown = 0
    for title, number in _contents(pack).items():
        project = re.search(r"\((PRJ-\d+)\)$", title)
        page = pack.site / "projects" / f"{project[1]}.html" if project else None
        if page is None or 'class="chart s-curve' not in page.read_text(encoding="utf-8"):
            continue  # not a one-pager, or a project without earned value yet
        assert "PV (planned)" in pack.texts[number - 1], title  # the chart's legend
        shown += 1
    assert shown, "no one-pager in the pack has an S-curve"


def test_every_link_in_the_pack_leads_to_a_page_of_the_pack(pack: PrintedPack) -> None:
    reader = pack.reader
    named = {name.lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    page_ids = {page.indirect_reference.idnum for page in reader.pages if page.indirect_reference}
    internal, problems = 0, []
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            target = annotation.get("/Dest")
            if isinstance(action, DictionaryObject):
                if action.get("/S") == "/URI":
                    problems.append(f"page {number}: link out of the pack to {action['/URI']}")
                    continue
                if action.get("/S") != "/GoTo":
                    problems.append(f"page {number}: link action {action.get('/S')}")
                    continue
                target = action.get("/D")
            if isinstance(target, (NameObject, TextStringObject, str)):
                dest = named.get(str(target).lstrip("/"))
                if dest is None or reader.get_destination_page_number(dest) is None:
                    problems.append(f"page {number}: no destination {target}")
                    continue
            elif isinstance(target, ArrayObject) and target:
                page_ref = target[0]
                if not (isinstance(page_ref, IndirectObject) and page_ref.idnum in page_ids):
                    problems.append(f"page {number}: destination {target} is not a page")
                    continue
            else:
                problems.append(f"page {number}: link without a target {annotation}")
                continue
            internal += 1
    assert problems == []
    assert internal >= len(_contents(pack))  # at least the contents page's own links
    raw = pack.pdf.read_bytes()
    # No build path at all: no absolute file URL, no folder name. (The printed bytes are kept
    # as Chromium wrote them, so this reads its strings unescaped; a chart's bar description
    # names its list as a relative "file://projects.html?...", which names no folder.)
    assert b"file:///" not in raw and str(pack.site).encode() not in raw


def test_the_executive_summary_prints_on_one_a4_page(
    demo_run: tuple[RunPaths, RunOutcome], chromium: str, tmp_path: Path
) -> None:
    run = published_run(demo_run)
    site = tmp_path / "site"
    shutil.copytree(run.reports, site)
    out = tmp_path / "summary.pdf"
    assert write_board_pack(site, [Path("summary.html")], out, chromium=chromium) == out
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text() or ""
    for section in ("Headline", "Needs attention", "Budget vs actual", "trend", "Investment mix"):
        assert section in text


def _page(title: str, body: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{title}</title><style>@page {{ size: A4; margin: 15mm }}</style></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


def test_pages_are_printed_in_the_order_given_each_from_a_new_pdf_page(
    chromium: str, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    (site / "projects").mkdir(parents=True)
    (site / "summary.html").write_text(
        _page("Summary", '<a href="projects/PRJ-1.html">one</a> <a href="elsewhere.html">x</a>'),
        encoding="utf-8",
    )
    long_body = "".join(f"<p>Exception line {n}</p>" for n in range(120))  # spans two A4 pages
    (site / "exceptions.html").write_text(_page("Exceptions", long_body), encoding="utf-8")
    (site / "projects" / "PRJ-1.html").write_text(
        _page("Project one", '<a href="../summary.html">back</a>'), encoding="utf-8"
    )
    pages = [Path("summary.html"), Path("exceptions.html"), site / "projects" / "PRJ-1.html"]
    out = tmp_path / "out" / "board-pack.pdf"

    assert write_board_pack(site, pages, out, chromium=chromium) == out

    reader = PdfReader(out)
    texts = [page.extract_text() or "" for page in reader.pages]
    assert len(texts) >= 4
    assert "Summary" in texts[0]
    assert "Exceptions" in texts[1]
    assert "Project one" in texts[-1]
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("Summary", 0),
        ("Exceptions", 1),
        ("Project one", len(texts) - 1),
    ]
    # the link to a page of the pack leads to its page; the link to elsewhere.html is gone
    links = [a.get_object() for a in reader.pages[0].get("/Annots") or []]
    assert len(links) == 1 and "/A" not in links[0]
    assert sorted(p.name for p in out.parent.iterdir()) == ["board-pack.pdf"]  # no temp left
    assert sorted(p.name for p in site.iterdir()) == ["exceptions.html", "projects", "summary.html"]


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
    with pytest.raises(BoardPackError, match=r"chromium failed to print.*cannot open display"):
        write_board_pack(tmp_path, [Path("index.html")], out, chromium=str(broken))
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".board-pack")] == []
