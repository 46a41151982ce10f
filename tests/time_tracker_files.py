"""Write time-tracker exports the way Harvest and Clockify write them, for the ingest tests.

Harvest's "Detailed time report" CSV: dates YYYY-MM-DD, decimal hours, Yes/No flags, the currency
as "US Dollar - USD", cells quoted only when they hold a comma, quote or line break (Notes, Roles),
LF line ends, and a UTF-8 BOM when the file went through a spreadsheet. Clockify's "Detailed
report" CSV: a UTF-8 BOM, every cell quoted, CRLF line ends, dates MM/DD/YYYY (the exporting
user's default), 12-hour times (09:00 AM), the duration twice (01:30:00 and 1.50), Tags and Group
comma-separated in one cell, the workspace currency in the money headers.

Each writer takes entries, and optionally the header as another account or version of the tool
writes it: which columns, in which order (`columns`), under which names (`rename`); a cell can be
overridden per entry to write a damaged value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

HARVEST_HEADER = (
    "Date",
    "Client",
    "Project",
    "Project Code",
    "Task",
    "Notes",
    "Hours",
    "Hours Rounded",
    "Billable?",
    "Invoiced?",
    "Approved?",
    "First Name",
    "Last Name",
    "Roles",
    "Employee?",
    "Billable Rate",
    "Billable Amount",
    "Cost Rate",
    "Cost Amount",
    "Currency",
    "External Reference URL",
)
CLOCKIFY_HEADER = (
    "Project",
    "Client",
    "Description",
    "Task",
    "User",
    "Group",
    "Email",
    "Tags",
    "Billable",
    "Start Date",
    "Start Time",
    "End Date",
    "End Time",
    "Duration (h)",
    "Duration (decimal)",
    "Billable Rate (USD)",
    "Billable Amount (USD)",
)


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _harvest_number(value: float) -> str:
    """Harvest writes figures without trailing zeros: 8.0 -> 8, 1.50 -> 1.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class HarvestEntry:
    day: dt.date
    first_name: str
    last_name: str
    hours: float
    project: str = "Customer Portal"
    project_code: str = "PRJ-0001"
    client: str = "Acme Corp"
    task: str = "Development"
    notes: str = ""
    billable: bool = True
    invoiced: bool = False
    approved: bool = True
    roles: str = "Engineering"
    employee: bool = True
    billable_rate: float = 150.0
    cost_rate: float = 80.0
    currency: str = "US Dollar - USD"
    external_reference_url: str = ""
    # Cells written as given instead of formatted from the fields (a damaged value).
    cells: Mapping[str, str] = field(default_factory=dict)

    def row(self) -> dict[str, str]:
        rounded = math.ceil(self.hours * 4 - 1e-9) / 4  # the account rounds up to 15 minutes
        written = {
            "Date": self.day.isoformat(),
            "Client": self.client,
            "Project": self.project,
            "Project Code": self.project_code,
            "Task": self.task,
            "Notes": self.notes,
            "Hours": _harvest_number(self.hours),
            "Hours Rounded": _harvest_number(rounded),
            "Billable?": _yes_no(self.billable),
            "Invoiced?": _yes_no(self.invoiced),
            "Approved?": _yes_no(self.approved),
            "First Name": self.first_name,
            "Last Name": self.last_name,
            "Roles": self.roles,
            "Employee?": _yes_no(self.employee),
            "Billable Rate": f"{self.billable_rate:.2f}" if self.billable else "0.00",
            "Billable Amount": f"{self.billable_rate * self.hours:.2f}"
            if self.billable
            else "0.00",
            "Cost Rate": f"{self.cost_rate:.2f}",
            "Cost Amount": f"{self.cost_rate * self.hours:.2f}",
            "Currency": self.currency,
            "External Reference URL": self.external_reference_url,
        }
        return {**written, **self.cells}


@dataclass(frozen=True)
class ClockifyEntry:
    start: dt.datetime
    minutes: int
    user: str
    email: str
    project: str = "PRJ-0001"
    client: str = "Acme Corp"
    description: str = ""
    task: str = ""
    group: str = "Engineering"
    tags: tuple[str, ...] = ()
    billable: bool = True
    billable_rate: float = 120.0
    cells: Mapping[str, str] = field(default_factory=dict)

    def row(self, currency: str = "USD") -> dict[str, str]:
        end = self.start + dt.timedelta(minutes=self.minutes)
        hours = self.minutes / 60
        written = {
            "Project": self.project,
            "Client": self.client,
            "Description": self.description,
            "Task": self.task,
            "User": self.user,
            "Group": self.group,
            "Email": self.email,
            "Tags": ", ".join(self.tags),
            "Billable": _yes_no(self.billable),
            "Start Date": self.start.strftime("%m/%d/%Y"),
            "Start Time": self.start.strftime("%I:%M %p"),
            "End Date": end.strftime("%m/%d/%Y"),
            "End Time": end.strftime("%I:%M %p"),
            "Duration (h)": f"{self.minutes // 60:02d}:{self.minutes % 60:02d}:00",
            "Duration (decimal)": f"{hours:.2f}",
            f"Billable Rate ({currency})": f"{self.billable_rate:.2f}" if self.billable else "0.00",
            f"Billable Amount ({currency})": (
                f"{self.billable_rate * hours:.2f}" if self.billable else "0.00"
            ),
        }
        return {**written, **self.cells}


def _csv_text(
    header: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    rename: Mapping[str, str],
    *,
    quoting: Literal[0, 1, 2, 3],
    line_end: str,
) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=quoting, lineterminator=line_end)
    writer.writerow([rename.get(name, name) for name in header])
    writer.writerows([[row[name] for name in header] for row in rows])
    return out.getvalue()


def harvest_export_text(
    entries: Sequence[HarvestEntry],
    *,
    columns: Sequence[str] = HARVEST_HEADER,
    rename: Mapping[str, str] | None = None,
) -> str:
    """The CSV text of a Harvest detailed time report (quoting only where needed, LF ends)."""
    rows = [entry.row() for entry in entries]
    return _csv_text(columns, rows, rename or {}, quoting=csv.QUOTE_MINIMAL, line_end="\n")


def clockify_export_text(
    entries: Sequence[ClockifyEntry],
    *,
    currency: str = "USD",
    columns: Sequence[str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> str:
    """The CSV text of a Clockify detailed report (every cell quoted, CRLF ends)."""
    header = columns or [
        name.replace("(USD)", f"({currency})") if "(USD)" in name else name
        for name in CLOCKIFY_HEADER
    ]
    rows = [entry.row(currency) for entry in entries]
    return _csv_text(header, rows, rename or {}, quoting=csv.QUOTE_ALL, line_end="\r\n")


def harvest_file_name(first: dt.date, last: dt.date) -> str:
    """How Harvest names the export: harvest_time_report_from2026-03-02to2026-03-08.csv."""
    return f"harvest_time_report_from{first.isoformat()}to{last.isoformat()}.csv"


def clockify_file_name(first: dt.date, last: dt.date) -> str:
    """How Clockify names it: Clockify_Time_Report_Detailed_03_02_2026-03_08_2026.csv."""
    return (
        f"Clockify_Time_Report_Detailed_{first.strftime('%m_%d_%Y')}-{last.strftime('%m_%d_%Y')}"
        ".csv"
    )


def write_export(folder: Path, name: str, text: str, *, bom: bool) -> Path:
    """Write the text as UTF-8 bytes, exactly (no newline translation), with a BOM if asked."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))
    return path
