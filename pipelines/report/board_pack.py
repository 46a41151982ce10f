"""The board pack: chosen report pages printed by headless Chromium into one PDF.

Why Chromium and not an HTML-to-PDF library: the board must get exactly what the portfolio manager
sees, laid out by the report's own print stylesheet (A4, no navigation, table headers repeated),
and only a real browser engine honours that CSS faithfully. Each page is printed on its own with
`chromium --print-to-pdf` (no driver, no DevTools session: a plain command line) and the parts are
joined with pypdf, so every page keeps its own relative links, styles and charts exactly as
published; concatenating the HTML instead would have to rewrite links and clashing element ids.

Chromium is optional at run time: without it `write_board_pack` logs one line and returns None, so
`make run` on a fresh machine still publishes the HTML reports. A browser that is present but fails
to print is an error (BoardPackError): a board pack silently missing pages is worse than none.
The browser runs with a fresh profile and the flags that keep it off the network; the pages' CSP
forbids remote loads anyway.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from pipelines.report.errors import ReportError
from pipelines.site_folder import MANIFEST_NAME

logger = logging.getLogger(__name__)

BOARD_PACK_NAME = "board-pack.pdf"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless and offline: without the background-networking flags Chromium tries Google's hosts,
# and this machine's closed network refuses them. The browser tests start it the same way.
CHROMIUM_HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-extensions",
)
CHROMIUM_PRINT_FLAGS = (
    *CHROMIUM_HEADLESS_FLAGS,
    "--no-pdf-header-footer",  # the pages carry their own title, as-of date and footer
    # One-pager charts are drawn by static/report.js from the page's table: let it run first.
    "--virtual-time-budget=5000",
)
PRINT_TIMEOUT_SECONDS = 120
MISSING_CHROMIUM = "board pack not produced: chromium not found; apt-get install chromium"
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class BoardPackError(ReportError):
    """Chromium is installed but a page could not be printed, or a page is not in the site."""


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
) -> Path | None:
    """Print pages (HTML files inside site_dir, in this order) into one PDF at out_pdf.

    Returns out_pdf, or None (after logging MISSING_CHROMIUM) when no Chromium is installed.
    Pages may be given relative to site_dir. The PDF gets one outline entry per page, named after
    the page's <title>, so a board member can jump to a project's one-pager. out_pdf is written
    to a temporary file beside it and renamed into place: a reader never opens half a pack.
    """
    executable = chromium or find_chromium()
    if executable is None or shutil.which(executable) is None:
        logger.warning(MISSING_CHROMIUM)
        return None
    site = Path(site_dir).resolve()
    resolved = [_page_in_site(site, Path(page)) for page in pages]
    if not resolved:
        raise BoardPackError("board pack: no pages to print")

    started = time.perf_counter()
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".board-pack-", dir=out_pdf.parent) as tmp_name:
        tmp = Path(tmp_name)
        writer = PdfWriter()
        for number, page in enumerate(resolved):
            part = tmp / f"page-{number:03d}.pdf"
            _print_page(executable, page, part, profile=tmp / "profile")
            writer.append(PdfReader(part), outline_item=_page_title(page))
        writer.add_metadata({"/Title": "Board pack", "/Creator": "pipelines.report.board_pack"})
        joined = tmp / "board-pack.pdf"
        with joined.open("wb") as handle:
            writer.write(handle)
        joined.chmod(0o644)  # mkstemp-style 0600 would hide the pack from whoever serves the site
        os.replace(joined, out_pdf)
    logger.info(
        "board pack: %d page(s) printed to %s in %.1fs",
        len(resolved),
        out_pdf,
        time.perf_counter() - started,
    )
    return out_pdf


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


def _print_page(executable: str, page: Path, out: Path, *, profile: Path) -> None:
    """One `chromium --print-to-pdf` run; the paper size comes from the page's @page CSS."""
    command = [
        executable,
        *CHROMIUM_PRINT_FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PRINT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BoardPackError(
            f"board pack: chromium did not print {page} within {PRINT_TIMEOUT_SECONDS}s"
        ) from exc
    except OSError as exc:
        raise BoardPackError(f"board pack: could not run {executable}: {exc}") from exc
    if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise BoardPackError(
            f"board pack: chromium failed to print {page} (exit {result.returncode}): "
            + _last_lines(result.stderr)
        )


def _last_lines(stderr: str, count: int = 5) -> str:
    """Chromium's last stderr lines, without the D-Bus noise every headless start prints."""
    lines = [line for line in stderr.splitlines() if line.strip() and "dbus" not in line.lower()]
    return " | ".join(lines[-count:]) or "no error output"


def write_staged_board_pack(site_dir: Path) -> Path | None:
    """Print the pages the rendered site's manifest lists as `board_pack_pages` into one PDF."""
    manifest = json.loads((site_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    pages = [Path(page) for page in manifest.get("board_pack_pages", [])]
    return write_board_pack(site_dir, pages, site_dir / BOARD_PACK_NAME) if pages else None
