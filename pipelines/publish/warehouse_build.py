"""Write-audit-publish for the warehouse file.

Analysts read the **published** file. A run never writes it: it copies it to a build file, ingests,
gates and builds the marts there, and only when everything passed does it checkpoint the build file
and rename it over the published one — one atomic step. A reader with the old file open keeps
reading the old, consistent data; a new reader sees the new file whole. A failed or killed run
leaves the published file untouched; the next run throws the stale build away and starts over.
"""

import os
import shutil
from pathlib import Path

import duckdb

# dbt_project/profiles.yml (target `build`) derives the same path: the published path + this suffix.
BUILD_SUFFIX = ".building"


def build_path(published: Path) -> Path:
    return published.with_name(published.name + BUILD_SUFFIX)


def _remove_with_wal(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def start_build(published: Path) -> Path:
    """A fresh build file: a copy of the published warehouse (raw history included), or empty."""
    build = build_path(published)
    _remove_with_wal(build)
    build.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        shutil.copyfile(published, build)
    return build


def publish_build(published: Path) -> None:
    """Checkpoint the audited build file and atomically replace the published one with it."""
    build = build_path(published)
    if not build.exists():
        raise FileNotFoundError(f"no build file {build} to publish: did this run start a build?")
    with duckdb.connect(str(build)) as con:
        con.execute("checkpoint")
    os.replace(build, published)
    _fsync_dir(published.parent)


def _fsync_dir(folder: Path) -> None:
    # Make the rename itself durable, so a power cut cannot bring back the old directory entry.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
