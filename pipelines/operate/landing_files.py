"""Which landing files are complete and not yet in the warehouse: what the landing sensor acts on.

A file is identified here by name and size (the manifest records both); the loader itself still
decides by content hash, so a false "new" only costs a run that loads nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ingest.loader import landing_files
from pipelines.ingest.readiness import not_ready_reason
from pipelines.ingest.spec import SourceSpec
from pipelines.ingest.warehouse_tables import MANIFEST_TABLE


@dataclass(frozen=True, order=True)
class LandingFile:
    name: str  # relative to the landing folder, as raw.load_manifest records it
    size: int
    mtime_ns: int

    def key(self) -> str:
        return f"{self.name}:{self.size}:{self.mtime_ns}"


@dataclass(frozen=True)
class LandingScan:
    complete: list[LandingFile]  # settled and not in the manifest: worth a run
    unsettled: list[LandingFile]  # still being written (or renamed in): wait


def scan_landing(
    landing_dir: Path,
    sources: Iterable[SourceSpec],
    recorded: set[tuple[str, int]],
    *,
    now: float,
    settle_seconds: float,
    ready_marker: str = "",
) -> LandingScan:
    """Sort the landing files that are not in `recorded` (name, size) into complete / unsettled.

    A file is complete when the loader would read it (`pipelines/ingest/readiness.py`): its
    modification time is at least `settle_seconds` old (every write moves the mtime, so an
    unchanged mtime over the window means an unchanged size too) and, when `ready_marker` is set,
    its marker file is there.
    """
    complete: list[LandingFile] = []
    unsettled: list[LandingFile] = []
    seen: set[Path] = set()
    for spec in sources:
        for path in landing_files(spec, landing_dir):
            if path in seen:  # two sources may share a folder (finance/)
                continue
            seen.add(path)
            try:
                stat = path.stat()
            except FileNotFoundError:  # moved away between listing and stat
                continue
            name = path.relative_to(landing_dir).as_posix()
            found = LandingFile(name, stat.st_size, stat.st_mtime_ns)
            if (found.name, found.size) in recorded:
                continue
            waits = not_ready_reason(
                path, stat.st_mtime, now, settle_seconds=settle_seconds, ready_marker=ready_marker
            )
            if waits:
                unsettled.append(found)
            else:
                complete.append(found)
    return LandingScan(sorted(complete), sorted(unsettled))


def recorded_files(warehouse: Path) -> set[tuple[str, int]]:
    """(file, size) of every file the published warehouse's manifest has an outcome for.

    Read-only: the sensor must never hold a write lock a run needs. No warehouse yet: nothing.
    """
    if not warehouse.exists():
        return set()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'load_manifest'"
        ).fetchone()
        if not exists or not exists[0]:
            return set()
        rows = con.execute(f"select source_file, file_size_bytes from {MANIFEST_TABLE}").fetchall()
    return {(name, int(size)) for name, size in rows if size is not None}
