"""A new week of timesheets dropped into a copy of a run's landing folder, as the PPM tool writes
it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

HEADER = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment"


def a_project_entry(landing: Path) -> list[str]:
    """The first project-time entry of the first timesheet file, split into its fields."""
    first_file = sorted((landing / "timesheets").glob("timesheets_*.csv"))[0]
    lines = first_file.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines[1:] if ",Project," in line).split(",")


def new_week(landing: Path, as_of: date, rows: list[list[str]]) -> Path:
    """Write `timesheets_<as_of>.csv` with `rows` under HEADER; returns the file."""
    week = landing / "timesheets" / f"timesheets_{as_of.isoformat()}.csv"
    week.write_text("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return week
