"""What happened to one landing file, as recorded in the load manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.ingest.rules import action_of


class FileRejected(Exception):
    """The whole file cannot be loaded (empty, missing columns, binary, truncated...).

    The file stays in the landing folder untouched; the manifest records it with this reason and
    the file-level rule it broke. The rule is looked up at once, so an unconfigured rule fails here.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.action = action_of(rule)


class FileDeferred(Exception):
    """The file is still being written (it changed while we read it, or is too fresh).

    Nothing is recorded for it, so the next run tries again.
    """


@dataclass(frozen=True)
class FileLoadResult:
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    extract_date: date | None
    note: str | None = None
    # A few "line N column C rule R: reason" lines for the log, so a bad row is visible in the run.
    examples: list[str] = field(default_factory=list)
    # Cells that failed their column's type (one row may hold several): never called rows.
    failing_cells: int = 0
    # JSON {column: {"order": ..., "why": ...}}: how each date column's day/month was read.
    date_orders: str | None = None
    # A file read to the end whose every row was set aside is refused as a whole, its rows kept
    # in the quarantine with their reasons: (rule, reason) for the manifest, else None.
    rejection: tuple[str, str] | None = None
