"""Words a portfolio manager reads instead of the pipeline's identifiers.

Source ids (`gl_actuals`) are the landing folder's and the warehouse's names: the data engineer's
note keeps them, the page text says what the source is. Fiscal periods are always tied to their
calendar month ("P1 (Apr 2026)"), so a page that counts in periods and one that counts in months
can be read side by side.
"""

from __future__ import annotations

import re
from datetime import date

from pipelines.report.formatting import NO_VALUE, format_month

# source id (pipelines/ingest/sources.py, source_profiles/*.yml) -> what a manager calls it
SOURCE_LABELS = {
    "projects": "Project status extract",
    "milestones": "Milestones",
    "resources": "People and teams",
    "resource_plan": "Resource plan",
    "timesheets": "Timesheets",
    "gl_actuals": "General ledger actuals",
    "finance_plan": "Finance plan",
    "fx_rates": "Exchange rates",
    "harvest_time_entries": "Harvest time entries",
    "clockify_time_entries": "Clockify time entries",
    "gmpp_projects": "UK GMPP annual data",
    "itdashboard_projects": "US IT Dashboard export",
}


def source_label(source: str | None) -> str:
    """'gl_actuals' -> 'General ledger actuals'; an unknown id reads as words: 'New feed'."""
    if not source:
        return NO_VALUE
    known = SOURCE_LABELS.get(source)
    if known:
        return known
    words = source.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# Ids that are no English word (gl_actuals, resource_plan), standing alone: not inside a file
# path or a table name (raw.gl_actuals, gl_actuals/gl_actuals_2026-10.csv) the text quotes.
_SOURCE_ID = re.compile(
    r"(?<![\w./-])("
    + "|".join(re.escape(s) for s in sorted(SOURCE_LABELS, key=len, reverse=True) if "_" in s)
    + r")(?![\w/-]|\.\w)"
)


def source_text(message: str | None, source: str | None = None) -> str | None:
    """A pipeline message for a manager beside its source's name: 'gl_actuals: fresh, newest
    extract ...' -> 'fresh, newest extract ...' (the page names the source in words before it),
    and every other source id in it in words."""
    if message is None:
        return None
    if source and message.startswith(f"{source}: "):
        message = message[len(source) + 2 :]
    return _SOURCE_ID.sub(lambda m: source_label(m.group(1)), message)


def fiscal_period_label(period: int | None, month_start: date | None) -> str:
    """'P1 (Apr 2026)': the fiscal period with the calendar month it is."""
    if period is None:
        return NO_VALUE
    if month_start is None:
        return f"P{period}"
    return f"P{period} ({format_month(month_start)})"


def fiscal_range_label(
    first: tuple[int, date | None] | None, last: tuple[int, date | None] | None
) -> str:
    """'P1-P7 (Apr-Oct 2026)' (en dashes), 'P1 (Apr 2026)' for one period; years when both."""
    if first is None or last is None:
        return "no months"
    (p1, m1), (p2, m2) = first, last
    if p1 == p2:
        return fiscal_period_label(p1, m1)
    if m1 is None or m2 is None:
        return f"P{p1}\u2013P{p2}"
    start, end = format_month(m1), format_month(m2)
    if m1.year == m2.year:
        start = start.split()[0]
    return f"P{p1}\u2013P{p2} ({start}\u2013{end})"
