"""Which kinds of data this warehouse holds, so each page shows what the data supports.

The demo's sources (PPM extracts, timesheets, the general ledger, budgets, resource plans) feed
every existing page. A real public export (a "source profile", pipelines/report/published_queries
.py) supplies none of them: its run builds every demo mart empty and fills the published marts.
Then a page must not show zeros for what was never supplied, nor crash; it says in plain words
which source supplies what, e.g. "The UK Government Major Projects Portfolio annual data supplies
no timesheets: capacity and utilisation are not available."

A note is given only when a published export is present and the topic's marts are empty: a demo
warehouse that lacks, say, milestones keeps the page's own note (which names the empty mart).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.report.published_queries import ProfileOverview, load_overviews

# topic -> (marts any of which holds the topic's data, what the source does not supply, the
# consequence). Marts listed as schema-less names under `marts`.
TOPICS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "ppm": (
        ("fct_project_cost_performance", "dim_projects"),
        "no project status extracts (budget at completion, actual cost, percent complete)",
        "earned value, computed health, the exceptions list and project one-pagers are not "
        "available",
    ),
    "finance": (
        ("fct_project_financials_monthly", "fct_financial_performance_by_dimension"),
        "no budgets, forecasts or general-ledger actuals by month",
        "financial performance by fiscal month is not available",
    ),
    "timesheets": (
        ("fct_capacity_demand_monthly", "fct_timesheet_compliance_weekly"),
        "no timesheets, resource plans or team capacity",
        "capacity and utilisation are not available",
    ),
    "milestones": (
        ("fct_milestones",),
        "no milestones",
        "overdue, upcoming and slipped milestones are not available",
    ),
    "prioritization": (
        ("fct_prioritization_scores",),
        "no scoring criteria, budgets by fiscal year or team demand",
        "prioritisation is not available",
    ),
}


def _has_rows(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> bool:
    present = {
        str(name)
        for (name,) in con.execute(
            """
            select table_name from information_schema.tables
            where table_catalog = current_database() and table_schema = 'marts'
            """
        ).fetchall()
    }
    for table in tables:
        if (
            table in present
            and con.execute(f"select exists (select 1 from marts.{table})").fetchall()[0][0]
        ):
            return True
    return False


def source_name(profiles: tuple[ProfileOverview, ...]) -> str:
    """'The US Federal IT Dashboard projects export' / 'The published exports (A; B)'."""
    if len(profiles) == 1:
        return f"The {profiles[0].label}"
    return "The published exports (" + "; ".join(p.label for p in profiles) + ")"


@dataclass(frozen=True)
class Coverage:
    profiles: tuple[ProfileOverview, ...]
    supplied: frozenset[str]  # topics whose marts have rows

    @property
    def has_published(self) -> bool:
        return bool(self.profiles)

    @property
    def published_project_count(self) -> int:
        return sum(p.project_count for p in self.profiles)

    def note(self, topic: str) -> str | None:
        """Why the topic is not shown, when a published export stands in for the demo sources."""
        if topic in self.supplied or not self.profiles:
            return None
        _, lacks, consequence = TOPICS[topic]
        supplies = "supplies" if len(self.profiles) == 1 else "supply"
        return f"{source_name(self.profiles)} {supplies} {lacks}: {consequence}."

    def gap(self, topic: str | None) -> str | None:
        """The short form for a list of pages: 'no milestones: overdue, upcoming ... available'
        (a page names the topic it needs: pipelines/report/pages/protocol.py)."""
        if topic is None or self.note(topic) is None:
            return None
        _, lacks, consequence = TOPICS[topic]
        return f"{lacks}: {consequence}"

    @property
    def source(self) -> str:
        return source_name(self.profiles)

    def available(self, topic: str) -> bool:
        return self.note(topic) is None


def load_coverage(con: duckdb.DuckDBPyConnection) -> Coverage:
    supplied = frozenset(
        topic for topic, (tables, _, _) in TOPICS.items() if _has_rows(con, tables)
    )
    return Coverage(load_overviews(con), supplied)


def topic_note(con: duckdb.DuckDBPyConnection, topic: str) -> str | None:
    """Coverage.note for one topic, reading only what that needs (the topic pages call it)."""
    if _has_rows(con, TOPICS[topic][0]):
        return None
    return Coverage(load_overviews(con), frozenset()).note(topic)
