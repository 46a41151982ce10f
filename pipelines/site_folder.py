"""Swap a rendered report folder into place so readers never see a half-written one.

Neutral ground: the report renders into a folder with it (pipelines/report/render.py) and the
publish step swaps the staged report in with it (pipelines/publish/staged_report.py), so neither
package imports the other's modules for it (the report never imports pipelines.publish).

The report is rendered into a hidden sibling folder (same file system, so rename is cheap and
atomic), then swapped into place with renames. If anything fails before the swap the staging folder
is deleted and the published report is untouched. The swap itself is two renames (old folder aside,
new folder in): between them, for microseconds, the folder is absent, never partial; if the second
rename fails the old folder is put back.

Because the swap deletes the previous folder, it only ever replaces a folder that carries this
renderer's manifest (or an empty one): pointing output_dir at a folder of someone's files is an
error, not a data loss.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any


class OutputDirError(RuntimeError):
    """The output folder cannot safely be replaced, e.g. it holds files this renderer did not write.

    The renderer swaps the whole folder, so it refuses to touch a folder it does not recognise
    rather than delete someone's files. (pipelines.report.errors re-exports it.)
    """


MANIFEST_NAME = "report-manifest.json"
GENERATOR = "pipelines.report"


def write_manifest(folder: Path, fields: dict[str, Any]) -> None:
    """Record what produced the folder; also the marker that lets a later render replace it."""
    manifest = {"generator": GENERATOR, **fields}
    (folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )


def _written_by_us(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == GENERATOR


def check_replaceable(output_dir: Path) -> None:
    """Refuse early (before any work) if publishing would have to delete foreign files."""
    if not output_dir.exists() and not output_dir.is_symlink():
        return
    if output_dir.is_symlink() or not output_dir.is_dir():
        raise OutputDirError(f"report output {output_dir} exists and is not a plain folder")
    if any(output_dir.iterdir()) and not _written_by_us(output_dir):
        raise OutputDirError(
            f"report output {output_dir} holds files this renderer did not write "
            f"(no {MANIFEST_NAME}); refusing to replace it - choose an empty or new folder"
        )


@contextmanager
def staging_folder(output_dir: Path) -> Iterator[Path]:
    """A fresh hidden sibling of output_dir to render into; removed again if rendering fails."""
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=output_dir.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_folder(staging: Path, output_dir: Path) -> None:
    """Swap the fully written staging folder into output_dir, replacing the previous report."""
    check_replaceable(output_dir)
    # mkdtemp creates 0700 folders; a published report must be readable by whoever serves it.
    staging.chmod(0o755)
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    retired = output_dir.parent / f".{output_dir.name}.old-{uuid.uuid4().hex}"
    os.rename(output_dir, retired)
    try:
        os.rename(staging, output_dir)
    except BaseException:
        os.rename(retired, output_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write path (text as UTF-8, or bytes) via a temp file in the same folder, synced to disk,
    and os.replace: readers see the old file or the new, never half of one.

    The file keeps the permissions of the one it replaces (mkstemp creates 0600 files, which a
    web server could not serve).
    """
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
