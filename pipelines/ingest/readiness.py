"""When a landing file is complete enough to read: the loader and the landing sensor both ask here.

Three signals, from the weakest to the strongest, all configurable:
- a temporary name (`.part`, `.crdownload`, ...): a copy in progress, always waited for;
- the settle window (`PORTFOLIO_LANDING_SETTLE_SECONDS`, default 30 s): the file has not been
  modified for that long, so a writer that pauses less than that is not read half-way;
- a marker file (`PORTFOLIO_LANDING_READY_MARKER`, e.g. `.ready`): the sender writes
  `gl_actuals_2026-08.csv.ready` after the export is whole, and the export is read only then.
  It is the one signal that does not guess, for senders that can write it.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.settings import env_name

PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart", "~")


def not_ready_reason(
    path: Path, mtime: float, now: float, *, settle_seconds: float, ready_marker: str
) -> str | None:
    """Why `path` (last modified at `mtime`) must wait, or None when it may be read."""
    if path.name.endswith(PARTIAL_SUFFIXES):
        return "it has a temporary name (still being copied or written)"
    if ready_marker and not marker_of(path, ready_marker).exists():
        return (
            f"its marker file {marker_of(path, ready_marker).name} is not there yet "
            f"({env_name('landing_ready_marker')})"
        )
    age = now - mtime
    if age < settle_seconds:
        return (
            f"it was modified {age:.0f}s ago, within the {settle_seconds:g}s settle window "
            f"({env_name('landing_settle_seconds')})"
        )
    return None


def marker_of(path: Path, ready_marker: str) -> Path:
    return path.with_name(path.name + ready_marker)


def is_marker(path: Path, ready_marker: str) -> bool:
    """A marker file beside the export it marks: part of that export's delivery, not a file."""
    if not ready_marker or not path.name.endswith(ready_marker):
        return False
    return path.with_name(path.name[: -len(ready_marker)]).is_file()
