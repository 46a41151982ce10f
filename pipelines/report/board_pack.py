"""The board pack: chosen report pages as one PDF, printed by ONE headless Chromium process.

Why Chromium and not an HTML-to-PDF library: the board must get exactly what the portfolio manager
sees, laid out by the report's own print stylesheet (A4, no navigation, table headers repeated),
and only a real browser engine honours that CSS faithfully.

How: the pages become sections of one HTML document (pack_sections.py: links between them become
links inside the PDF, nothing links to the folder it was printed from), behind a cover, a
contents page and a "decisions required" page (board_pack.html.j2). One browser process prints
it over the DevTools protocol (chromium_print.py) with the page number in every page's footer.
The contents page states where each section starts: the first print measures it (Chromium
writes a named destination for every section the contents page links), and when a number was
wrong the same browser prints the document again with the measured numbers.

Chromium is optional at run time: without it `write_board_pack` logs one line and returns None, so
`make run` on a fresh machine still publishes the HTML reports. A browser that is present but fails
to print is an error (BoardPackError): a board pack silently missing pages is worse than none.
The browser runs with a fresh profile and the flags that keep it off the network; the pages' CSP
forbids remote loads anyway.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from jinja2 import Environment
from markupsafe import Markup
from pypdf import PdfReader

from pipelines.report.chromium_print import (
    CHROMIUM_HEADLESS_FLAGS,
    ChromiumPrintError,
    ChromiumSession,
)
from pipelines.report.errors import ReportError
from pipelines.report.pack_decisions import Decisions, load_decisions
from pipelines.report.pack_sections import Section, pack_bodies
from pipelines.report.pdf_outline import add_outline
from pipelines.report.queries import connect_read_only
from pipelines.report.site import PROJECTS_DIRNAME, build_site_environment, project_path
from pipelines.report.templating import STATIC_DIR
from pipelines.site_folder import MANIFEST_NAME, write_atomic

__all__ = ["CHROMIUM_HEADLESS_FLAGS", "BoardPackError", "find_chromium", "write_board_pack"]

logger = logging.getLogger(__name__)

BOARD_PACK_NAME = "board-pack.pdf"
BOARD_PACK_TEMPLATE = "board_pack.html.j2"
PACK_STYLESHEET = "board-pack.css"
PACK_TITLE = "IT portfolio board pack"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MISSING_CHROMIUM = "board pack not produced: chromium not found; apt-get install chromium"
# A contents number is measured by one print; one more print states it. A third attempt covers
# a contents page whose own length changed with its numbers; more means something is wrong.
MAX_PRINTS = 3
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# "... as of 2026-10-31" in a page title: the cover states the date once for the contents
_AS_OF = re.compile(r"(: project one-pager)? as of \d{4}-\d{2}-\d{2}$")


class BoardPackError(ReportError):
    """Chromium is installed but the pack could not be printed, or a page is not in the site."""


@dataclass(frozen=True)
class PackFront:
    """The cover's facts and the decisions page's content; without it the pack is the pages."""

    as_of_date: str
    fiscal_year: str
    generated_at: datetime
    run_id: str | None
    currency: str
    decisions: Decisions | None


@dataclass(frozen=True)
class ContentsEntry:
    title: str
    anchor: str
    is_project: bool


def find_chromium() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def write_board_pack(
    site_dir: Path,
    pages: list[Path],
    out_pdf: Path,
    *,
    chromium: str | None = None,
    front: PackFront | None = None,
) -> Path | None:
    """Print pages (HTML files inside site_dir, in this order) as one PDF at out_pdf.

    With front, the pages are preceded by a cover, the contents and the decisions page. Returns
    out_pdf, or None (after logging MISSING_CHROMIUM) when no Chromium is installed. The PDF has
    one outline entry per section, named after the page's <title>. It is written to a temporary
    file beside out_pdf and renamed into place: a reader never opens half a pack.
    """
    executable = chromium or find_chromium()
    if executable is None or shutil.which(executable) is None:
        logger.warning(MISSING_CHROMIUM)
        return None
    site = Path(site_dir).resolve()
    resolved = [_page_in_site(site, Path(page)) for page in pages]
    if not resolved:
        raise BoardPackError("board pack: no pages to print")
    sections = [
        Section(PurePosixPath(path.relative_to(site).as_posix()), f"pack-{number}")
        for number, path in enumerate(resolved, start=1)
    ]
    started = time.perf_counter()
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    # The document lives in the site, so its images and stylesheet are found where the pages
    # find theirs; it is removed again before the site is published.
    doc_dir = Path(tempfile.mkdtemp(prefix=".board-pack-", dir=site))
    try:
        with tempfile.TemporaryDirectory(prefix="board-pack-chromium-") as profile:
            pdf, starts, pages_printed, prints = _print_document(
                executable, site, doc_dir, sections, front, Path(profile)
            )
        pairs = zip(resolved, sections, strict=True)
        outline = [(_page_title(path), starts[section.anchor]) for path, section in pairs]
        _write_pdf(pdf, out_pdf, outline)
    finally:
        shutil.rmtree(doc_dir, ignore_errors=True)
    logger.info(
        "board pack: %d section(s), %d PDF page(s) printed to %s in %.1fs (%d print(s), one "
        "browser)",
        len(sections),
        pages_printed,
        out_pdf,
        time.perf_counter() - started,
        prints,
    )
    return out_pdf


def _print_document(
    executable: str,
    site: Path,
    doc_dir: Path,
    sections: list[Section],
    front: PackFront | None,
    profile: Path,
) -> tuple[bytes, dict[str, int], int, int]:
    """Print until the contents page states where each section starts; (pdf, starts, its page
    count, prints)."""
    relative_dir = PurePosixPath(doc_dir.relative_to(site).as_posix())
    bodies = pack_bodies(site, sections, relative_dir)
    entries = _contents(sections, site, front)
    env = build_site_environment(front.currency if front else "USD")
    document = doc_dir / "board-pack.html"
    # The pack's own stylesheet beside the document: its sheets break even when the site's
    # static folder is another version's (the pages' styles stay the site's report.css).
    shutil.copyfile(STATIC_DIR / PACK_STYLESHEET, doc_dir / PACK_STYLESHEET)
    numbers: dict[str, int] = {}
    footer = _footer(front)
    try:
        with ChromiumSession(executable, profile) as browser:
            for attempt in range(1, MAX_PRINTS + 1):
                html_text = _render(env, sections, bodies, entries, front, numbers)
                document.write_text(html_text, encoding="utf-8")
                browser.open(document.as_uri())
                # The first print, without the numbers, is only measured: never the pack itself.
                pdf = browser.print_pdf(footer, tagged=bool(numbers))
                measured, page_count = _section_starts(pdf, [e.anchor for e in entries])
                if measured == numbers:
                    return pdf, measured, page_count, attempt
                numbers = measured
    except ChromiumPrintError as exc:
        raise BoardPackError(f"board pack: chromium failed to print: {exc}") from exc
    raise BoardPackError(
        f"board pack: the contents page numbers did not settle after {MAX_PRINTS} prints"
    )


def _contents(sections: list[Section], site: Path, front: PackFront | None) -> list[ContentsEntry]:
    entries = []
    if front is not None:
        entries.append(ContentsEntry("Decisions required", "pack-decisions", False))
    for section in sections:
        is_project = section.page.parts[0] == PROJECTS_DIRNAME and len(section.page.parts) == 2
        title = _AS_OF.sub("", _page_title(site / section.page))
        entries.append(ContentsEntry(title, section.anchor, is_project))
    return entries


def _render(
    env: Environment,
    sections: list[Section],
    bodies: list[str],
    entries: list[ContentsEntry],
    front: PackFront | None,
    numbers: dict[str, int],
) -> str:
    # The bodies are this renderer's own autoescaped pages, rewritten token by token
    # (pack_sections.py); everything else in the template is escaped as usual.
    in_pack = {section.page: section.anchor for section in sections}
    return env.get_template(BOARD_PACK_TEMPLATE).render(
        title=PACK_TITLE,
        front=front,
        decisions=front.decisions if front else None,
        entries=entries,
        numbers=numbers,
        sections=[(s, Markup(body)) for s, body in zip(sections, bodies, strict=True)],
        anchor_of=lambda pid: in_pack.get(PurePosixPath(project_path(pid))),
        root="../",
    )


def _footer(front: PackFront | None) -> str:
    """Chromium's footer template: the pack's name, the cut-off and 'Page n of N'."""
    label = PACK_TITLE + (f" · figures to {front.as_of_date}" if front else "")
    return (
        '<div style="font-size:7pt; font-family:sans-serif; color:#444; width:100%; '
        'margin:0 12mm; display:flex; justify-content:space-between">'
        f"<span>{html.escape(label)}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
        "</div>"
    )


def _section_starts(pdf: bytes, anchors: list[str]) -> tuple[dict[str, int], int]:
    """The 1-based page each anchor starts on, from the named destinations Chromium wrote, and
    the PDF's page count."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        index = reader.get_destination_page_number(dest)
        if index is not None and index >= 0:
            found[name.lstrip("/")] = index + 1
    missing = [anchor for anchor in anchors if anchor not in found]
    if missing:
        raise BoardPackError(f"board pack: no destination for the section(s) {missing} in the PDF")
    return {anchor: found[anchor] for anchor in anchors}, len(reader.pages)


def _write_pdf(pdf: bytes, out_pdf: Path, outline: list[tuple[str, int]]) -> None:
    """The printed PDF with an outline entry per section, written atomically."""
    info = {"/Title": PACK_TITLE, "/Creator": "pipelines.report.board_pack"}
    write_atomic(out_pdf, add_outline(pdf, outline, info))


def _page_in_site(site: Path, page: Path) -> Path:
    """The page as an absolute path, refusing anything outside the site or missing."""
    path = (page if page.is_absolute() else site / page).resolve()
    if not path.is_relative_to(site):
        raise BoardPackError(f"board pack: {page} is not inside the report folder {site}")
    if not path.is_file():
        raise BoardPackError(f"board pack: page {page} does not exist in {site}")
    return path


def _page_title(page: Path) -> str:
    match = _TITLE.search(page.read_text(encoding="utf-8", errors="replace")[:20000])
    title = html.unescape(match.group(1)).strip() if match else ""
    return " ".join(title.split()) or page.stem


def write_staged_board_pack(
    site_dir: Path, warehouse: Path | None = None, *, chromium: str | None = None
) -> Path | None:
    """Print the pages the rendered site's manifest lists as `board_pack_pages` into one PDF,
    behind the cover, contents and decisions page (read from the warehouse the site was
    rendered from, when given)."""
    manifest = json.loads((site_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    pages = [Path(page) for page in manifest.get("board_pack_pages", [])]
    if not pages:
        return None
    currency = str(manifest.get("reporting_currency") or "USD")
    decisions = None
    if warehouse is not None:
        con = connect_read_only(warehouse)
        try:
            decisions = load_decisions(con, currency, {page.as_posix() for page in pages})
        finally:
            con.close()
    front = PackFront(
        as_of_date=str(manifest.get("as_of_date") or ""),
        fiscal_year=str(manifest.get("fiscal_year") or ""),
        generated_at=datetime.fromisoformat(str(manifest["generated_at"])),
        run_id=manifest.get("run_id"),
        currency=currency,
        decisions=decisions,
    )
    return write_board_pack(
        site_dir, pages, site_dir / BOARD_PACK_NAME, chromium=chromium, front=front
    )
