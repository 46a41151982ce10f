"""Screenshots of each page type of a published site, at a desktop and a phone width.

For reviewing the report as a reader sees it (`make screenshots`), not part of a run: one headless
Chromium per shot (`--screenshot`), the first screen of the page at 1440 x 900 and 390 x 844 px.
The one-pager shot is of the first project page in the site's projects folder.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from pipelines.report.board_pack import find_chromium
from pipelines.report.chromium_print import CHROMIUM_HEADLESS_FLAGS

WIDTHS = {"1440": (1440, 900), "390": (390, 844)}
PAGE_TYPES = (
    "index",
    "summary",
    "projects",
    "exceptions",
    "finance",
    "schedule",
    "capacity",
    "prioritization",
    "quality",
    "published",
)


def page_files(site: Path) -> dict[str, Path]:
    """Page type -> its file in `site`; types the site does not have are left out."""
    pages = {name: site / f"{name}.html" for name in PAGE_TYPES if (site / f"{name}.html").exists()}
    one_pagers = sorted((site / "projects").glob("*.html"))
    if one_pagers:
        pages["one-pager"] = one_pagers[0]
    return pages


def take(site: Path, out: Path, chromium: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory() as profile:
        for name, page in page_files(site).items():
            for label, (width, height) in WIDTHS.items():
                shot = out / f"{name}-{label}.png"
                subprocess.run(
                    [
                        chromium,
                        *CHROMIUM_HEADLESS_FLAGS,
                        f"--user-data-dir={profile}",
                        "--hide-scrollbars",
                        f"--window-size={width},{height}",
                        f"--screenshot={shot}",
                        page.resolve().as_uri(),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
                shots.append(shot)
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a published site folder (index.html inside)")
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        sys.stderr.write("no Chromium found (make chromium installs it)\n")
        return 1
    if not (args.site / "index.html").exists():
        sys.stderr.write(f"{args.site} has no index.html: run `make run` first\n")
        return 1
    for shot in take(args.site, args.out, chromium):
        sys.stdout.write(f"{shot}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
