"""What happened to one landing file, as recorded in the load manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class FileRejected(Exception):
    """The whole file cannot be loaded (wrong name, missing columns, empty...).

    The file stays in the landing folder untouched; the manifest records it with this reason.
    """


@dataclass(frozen=True)
class FileLoadResult:
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    extract_date: date | None
    note: str | None = None
