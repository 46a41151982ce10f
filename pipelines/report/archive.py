"""Keep every good run's pages under archive/<YYYY-MM-DD>_<run8>/, across whole-folder swaps.

The published folder is replaced whole by each good run (publish.py), so the archive would be
lost with it unless each render carries it over: the previous folder's archive/ (and the
blocked runs' quality/blocked-*.html pages) are hard-linked into the new staging folder, and this
run's own pages are hard-linked in as one more entry. Hard links make it cheap (no re-rendering,
no copying; a fall-back copy only where the file system refuses links) and keep the old files
byte-identical: nothing ever writes into an existing file (the blocked-run notice replaces
index.html by rename, which leaves every other link to the old inode alone).

An entry is a complete copy of that run's site (index, summary, one-pagers, charts, static), so
its relative links work unchanged; only its index is rendered separately (archive_index=True),
to link the other entries and the latest run instead of a nested archive.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.site_folder import GENERATOR, MANIFEST_NAME

ARCHIVE_DIRNAME = "archive"
BLOCKED_DIRNAME = "quality"
BLOCKED_GLOB = "blocked-*.html"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_ENTRY = re.compile(r"\d{4}-\d{2}-\d{2}_[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ArchiveEntry:
    name: str  # 2026-11-16_3f1c9a2b
    run_id: str | None
    generated_at: datetime | None
    as_of_date: str | None
    project_count: int | None


def entry_name(generated_at: datetime, run_id: str | None) -> str:
    """<UTC date of the run>_<first 8 characters of the run id, file-name safe>."""
    moment = generated_at.astimezone(UTC)
    run8 = _UNSAFE.sub("_", run_id[:8]) if run_id else f"{moment:%H%M%S}"
    return f"{moment:%Y-%m-%d}_{run8 or 'run'}"


def link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path, *, skip_top: frozenset[str] = frozenset()) -> int:
    """Hard-link every file under source to the same place under target; return the count."""
    count = 0
    for folder, dirnames, filenames in os.walk(source):
        here = Path(folder)
        if here == source:
            dirnames[:] = [d for d in dirnames if d not in skip_top]
            filenames = [f for f in filenames if f not in skip_top]
        rel = here.relative_to(source)
        for name in filenames:
            link_or_copy(here / name, target / rel / name)
            count += 1
    return count


def is_our_folder(folder: Path | None) -> bool:
    if folder is None or not folder.is_dir() or folder.is_symlink():
        return False
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == GENERATOR


def carry_previous(
    previous: Path | None, staging: Path, *, replace_entry: str, keep: int | None = None
) -> None:
    """Hard-link the previous folder's archive and blocked-run pages into staging.

    An entry named replace_entry (this run rendered again) is not carried: this run adds it anew.
    keep: carry only the newest `keep` entries (None: all). Older ones are left out of the new
    folder, so they go when it is published, never from the folder readers see now.
    """
    if not is_our_folder(previous):
        return
    assert previous is not None
    carried = [e.name for e in list_entries(previous) if e.name != replace_entry]
    for name in carried[: len(carried) if keep is None else max(keep, 0)]:
        link_tree(previous / ARCHIVE_DIRNAME / name, staging / ARCHIVE_DIRNAME / name)
    blocked = previous / BLOCKED_DIRNAME
    if blocked.is_dir():
        for page in sorted(blocked.glob(BLOCKED_GLOB)):
            link_or_copy(page, staging / BLOCKED_DIRNAME / page.name)


def add_entry(staging: Path, name: str, archived_index_html: str) -> Path:
    """This run's pages as archive/<name>/: links to the root files plus its own index."""
    entry = staging / ARCHIVE_DIRNAME / name
    link_tree(staging, entry, skip_top=frozenset({ARCHIVE_DIRNAME, BLOCKED_DIRNAME, "index.html"}))
    (entry / "index.html").write_text(archived_index_html, encoding="utf-8")
    return entry


def list_entries(staging: Path) -> list[ArchiveEntry]:
    """The entries already in staging's archive, newest first (by run time, then name)."""
    folder = staging / ARCHIVE_DIRNAME
    entries: list[ArchiveEntry] = []
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.is_dir() and _ENTRY.fullmatch(entry.name):
                entries.append(_read_entry(entry))
    entries.sort(
        key=lambda e: (e.generated_at or datetime.min.replace(tzinfo=UTC), e.name), reverse=True
    )
    return entries


def blocked_pages(staging: Path) -> list[str]:
    """The blocked runs' quality pages carried over, newest first (their names sort by time)."""
    folder = staging / BLOCKED_DIRNAME
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.glob(BLOCKED_GLOB)), reverse=True)


def _read_entry(entry: Path) -> ArchiveEntry:
    try:
        manifest = json.loads((entry / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if not isinstance(manifest, dict):
        manifest = {}
    generated: datetime | None
    try:
        generated = datetime.fromisoformat(str(manifest.get("generated_at")))
    except ValueError:
        generated = None
    count = manifest.get("project_count")
    return ArchiveEntry(
        name=entry.name,
        run_id=str(manifest["run_id"]) if manifest.get("run_id") else None,
        generated_at=generated,
        as_of_date=str(manifest["as_of_date"]) if manifest.get("as_of_date") else None,
        project_count=count if isinstance(count, int) else None,
    )
