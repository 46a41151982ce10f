"""Write-audit-publish for the warehouse file.

Analysts read the **published** file. A run never writes it: it copies it to a build file, ingests,
gates and builds the marts there, and only when everything passed does it checkpoint the build file
and rename it over the published one — one atomic step. A reader with the old file open keeps
reading the old, consistent data; a new reader sees the new file whole. A failed or killed run
leaves the published file untouched; its build file is discarded when the run fails, or at the
latest when the next run starts.
"""

import os
import shutil
from pathlib import Path

from pipelines.publish.paths import build_path, wal_path


def discard_build(published: Path) -> bool:
    """Delete the build file and its WAL if they still exist; True if there was a build file.

    Only the `.building` name is touched: a build the quality gate kept aside for inspection under
    another name (e.g. `<warehouse>.blocked`) is left alone.
    """
    build = build_path(published)
    existed = build.exists()
    for stale in (build, wal_path(build)):
        stale.unlink(missing_ok=True)
    return existed


def start_build(published: Path) -> Path:
    """A fresh build file: a copy of the published warehouse (raw history included), or empty."""
    build = build_path(published)
    discard_build(published)
    build.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        shutil.copyfile(published, build)
    return build


def publish_build(published: Path) -> None:
    """Atomically replace the published file with the checkpointed build file (one rename).

    The caller checkpoints and closes the build first, so the file renamed is complete on its own.
    """
    build = build_path(published)
    if not build.exists():
        raise FileNotFoundError(f"no build file {build} to publish: did this run start a build?")
    os.replace(build, published)
    fsync_dir(published.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in folder durable, so a power cut cannot bring back the old entry."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
