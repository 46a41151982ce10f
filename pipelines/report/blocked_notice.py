"""Tell report readers that the latest run was blocked, without touching the last good report.

A blocked run publishes nothing, so the report folder still shows the last good run. Left alone,
its index would look current; a reader could take week-old figures for this week's. The quality
gate therefore calls publish_blocked_run_notice, which

1. writes the blocked run's data-quality page to quality/blocked-<UTC time>-<run id>.html, and
2. rewrites only the run-status region of index.html (between the STATUS_BEGIN / STATUS_END
   markers the index template renders) with a banner that says the data is as of the last good
   run and links that page.

Every other file of the published report stays byte-identical; both files are written to a temp
file in the same folder and renamed over the target, so a reader never sees half a page. The next
good run replaces the whole folder, so the banner disappears with it. If no good report was ever
published, a minimal index that says so is written instead (with the report manifest, so the first
good run may replace the folder).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.report.errors import OutputDirError, ReportError
from pipelines.report.quality_page import load_quality_data, render_quality_html
from pipelines.report.quality_queries import QualityRunData
from pipelines.report.templating import STATIC_DIR, build_environment
from pipelines.site_folder import GENERATOR, MANIFEST_NAME, write_atomic

STATUS_BEGIN = "<!-- run-status:begin -->"
STATUS_END = "<!-- run-status:end -->"
INDEX_NAME = "index.html"
BLOCKED_DIRNAME = "quality"
BANNER_TEMPLATE = "blocked_banner.html.j2"
NO_GOOD_RUN_TEMPLATE = "no_good_run.html.j2"
GOOD_REPORT = "portfolio_summary"  # the manifest's "report" of a published good run
PLACEHOLDER_REPORT = "no_good_run"
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class LastGoodRun:
    """What the published report is 'as of', from its report-manifest.json."""

    as_of_date: date | None
    generated_at: datetime | None
    run_id: str | None


def publish_blocked_run_notice(
    blocked_warehouse: Path,
    reports_dir: Path,
    run_id: str,
    *,
    now: datetime | None = None,
) -> Path:
    """Publish the blocked run's quality page and the index banner; return the quality page.

    blocked_warehouse is the blocked run's build file, opened read-only (close any write
    connection to it first: DuckDB refuses a second configuration in the same process).
    Raises ReportError if the warehouse cannot be read, OutputDirError if reports_dir holds
    files this renderer did not write.
    """
    now = now or datetime.now(UTC)
    manifest = _published_manifest(reports_dir)
    data = _load(blocked_warehouse, run_id)
    blocked_at = data.decided_at or now
    page_name = f"blocked-{blocked_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{_name_part(run_id)}.html"
    page_html = render_quality_html(
        data,
        root="../",
        generated_at=now,
        warehouse_label=(
            f"the blocked run's build warehouse {blocked_warehouse} (the next run discards it; "
            "the published warehouse does not have these rows)"
        ),
    )
    env = build_environment()
    banner = env.get_template(BANNER_TEMPLATE).render(
        blocked_at=blocked_at,
        run_id=run_id,
        quality_href=f"{BLOCKED_DIRNAME}/{page_name}",
        blocked_sources=data.blocked_sources,
        last_good=_last_good(manifest) if _is_good(manifest) else None,
    )

    if _is_good(manifest):
        index = reports_dir / INDEX_NAME
        try:
            current = index.read_text(encoding="utf-8")
        except OSError as exc:
            raise ReportError(
                f"the published report {reports_dir} has no readable index: {exc}"
            ) from exc
        index_html = replace_status_region(current, banner)
    else:
        _prepare_placeholder_folder(reports_dir, run_id, now)
        placeholder = env.get_template(NO_GOOD_RUN_TEMPLATE).render(generated_at=now)
        index_html = replace_status_region(placeholder, banner)

    page = reports_dir / BLOCKED_DIRNAME / page_name
    page.parent.mkdir(exist_ok=True)
    write_atomic(page, page_html)  # the page first: the banner must never link a missing file
    write_atomic(reports_dir / INDEX_NAME, index_html)
    return page


def replace_status_region(html: str, banner: str) -> str:
    """html with the text between the status markers replaced by banner.

    An index rendered before the markers existed gets the region inserted after <body>, so the
    notice still reaches the reader of an older report.
    """
    begins, ends = html.count(STATUS_BEGIN), html.count(STATUS_END)
    if begins == 0 and ends == 0:
        body = re.search(r"<body[^>]*>\n?", html)
        if body is None:
            raise ReportError("the published index has no <body>; cannot add the run status")
        region = f"{STATUS_BEGIN}\n{banner}{STATUS_END}\n"
        return html[: body.end()] + region + html[body.end() :]
    begin, end = html.find(STATUS_BEGIN), html.find(STATUS_END)
    if begins != 1 or ends != 1 or end < begin:
        raise ReportError("the published index's run-status markers are damaged; not editing it")
    return html[: begin + len(STATUS_BEGIN)] + "\n" + banner + html[end:]


def _load(blocked_warehouse: Path, run_id: str) -> QualityRunData:
    if not blocked_warehouse.is_file():
        raise ReportError(f"blocked run's warehouse {blocked_warehouse} does not exist")
    try:
        con = duckdb.connect(str(blocked_warehouse), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {blocked_warehouse} read-only: {exc}") from exc
    try:
        return load_quality_data(con, run_id)
    finally:
        con.close()


def _name_part(run_id: str) -> str:
    """The first 8 characters of the run id, safe in a file name and a URL."""
    return _UNSAFE_IN_NAME.sub("_", run_id[:8]) or "run"


def _published_manifest(reports_dir: Path) -> dict[str, Any] | None:
    """The folder's report manifest, None if there is no folder (or an empty one) yet."""
    if reports_dir.is_symlink() or (reports_dir.exists() and not reports_dir.is_dir()):
        raise OutputDirError(f"report output {reports_dir} exists and is not a plain folder")
    if not reports_dir.exists() or not any(reports_dir.iterdir()):
        return None
    try:
        manifest = json.loads((reports_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        raise OutputDirError(
            f"report output {reports_dir} holds files this renderer did not write "
            f"(no {MANIFEST_NAME}); not adding the blocked-run notice"
        )
    return manifest


def _is_good(manifest: dict[str, Any] | None) -> bool:
    return manifest is not None and manifest.get("report") == GOOD_REPORT


def _last_good(manifest: dict[str, Any] | None) -> LastGoodRun:
    fields = manifest or {}

    def parse(key: str, parser: Any) -> Any:
        value = fields.get(key)
        try:
            return parser(value) if isinstance(value, str) else None
        except ValueError:
            return None

    run_id = fields.get("run_id")
    return LastGoodRun(
        as_of_date=parse("as_of_date", date.fromisoformat),
        generated_at=parse("generated_at", datetime.fromisoformat),
        run_id=str(run_id) if run_id else None,
    )


def _prepare_placeholder_folder(reports_dir: Path, run_id: str, now: datetime) -> None:
    """Make reports_dir a folder this renderer owns: manifest first, then the stylesheet."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    manifest = {
        "generator": GENERATOR,
        "report": PLACEHOLDER_REPORT,
        "blocked_run_id": run_id,
        "generated_at": now.isoformat(),
    }
    write_atomic(reports_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    shutil.copytree(STATIC_DIR, reports_dir / "static", dirs_exist_ok=True)
