"""One run at a time per warehouse: a second run is refused, never interleaved.

An OS file lock (flock) is held by the process running the job; the OS releases it when that
process ends, even on `kill -9`, so a crashed run never leaves a stale lock behind.
"""

import fcntl
import os
from pathlib import Path
from typing import IO

from pipelines.publish.paths import lock_path


class RunAlreadyInProgress(RuntimeError):
    pass


_held: dict[Path, IO[str]] = {}


def acquire_run_lock(published: Path) -> None:
    """Take the lock for this process (idempotent), or raise naming the process that holds it."""
    path = lock_path(published)
    if path in _held:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise RunAlreadyInProgress(
            f"another pipeline run ({holder}) is writing {published}; this run was refused "
            "so the two cannot interleave. Wait for it to finish and run again."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    _held[path] = handle


def release_run_lock(published: Path) -> None:
    handle = _held.pop(lock_path(published), None)
    if handle is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
