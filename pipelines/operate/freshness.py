"""Is each source's newest extract recent enough? Stale data is published silently otherwise.

A weekly export that stopped arriving still passes every quality rule (last week's rows are
valid); only its age gives it away. Each source has an expected cadence; an extract older than
its allowance (weekly 8 days, monthly 35, Settings) is stale: a failed (warning) asset check, a
line on the quality page and in `portfolio status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.ingest.warehouse_tables import MANIFEST_TABLE

FRESHNESS_TABLE = "audit.source_freshness"
# The native exports' cadence; the finance plan (one per fiscal year) and the public exports of
# the source profiles (published yearly) have none that a missed week would break.
WEEKLY_SOURCES = ("projects", "milestones", "resources", "resource_plan", "timesheets")
MONTHLY_SOURCES = ("gl_actuals", "fx_rates")


@dataclass(frozen=True)
class Freshness:
    source: str
    newest_extract: date | None
    max_age_days: int | None  # None: no expected cadence
    age_days: int | None
    required: bool

    @property
    def status(self) -> str:
        if self.newest_extract is None:
            return "no extract" if self.required else "not supplied"
        if self.max_age_days is None:
            return "no cadence"
        assert self.age_days is not None
        return "stale" if self.age_days > self.max_age_days else "fresh"

    @property
    def passed(self) -> bool:
        return self.status not in ("stale", "no extract")

    def message(self) -> str:
        if self.newest_extract is None:
            if self.required:
                return f"{self.source}: no extract has ever been loaded"
            return f"{self.source}: not supplied (optional)"
        if self.max_age_days is None:
            return f"{self.source}: newest extract {self.newest_extract} (no expected cadence)"
        verdict = "STALE" if self.status == "stale" else "fresh"
        if self.age_days is not None and self.age_days < 0:  # a rate table published ahead
            return f"{self.source}: {verdict}, newest extract {self.newest_extract} (after today)"
        return (
            f"{self.source}: {verdict}, newest extract {self.newest_extract} is "
            f"{self.age_days} day(s) old (allowed {self.max_age_days})"
        )


def source_cadences(weekly_days: int, monthly_days: int) -> dict[str, int]:
    """The allowed age in days of each source's newest extract (sources not named: unchecked)."""
    return {
        **{name: weekly_days for name in WEEKLY_SOURCES},
        **{name: monthly_days for name in MONTHLY_SOURCES},
    }


def newest_extracts(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """The newest extract date of every loaded file, per source, from raw.load_manifest."""
    rows = con.execute(
        f"select source, max(extract_date) from {MANIFEST_TABLE} "
        "where status = 'loaded' and extract_date is not null group by source"
    ).fetchall()
    return {source: newest for source, newest in rows}


def assess_freshness(
    sources: Iterable[tuple[str, bool]],
    newest: dict[str, date],
    cadences: dict[str, int],
    today: date,
) -> list[Freshness]:
    """One verdict per (source, required) pair, measured on `today`."""
    verdicts = []
    for source, required in sources:
        extract = newest.get(source)
        verdicts.append(
            Freshness(
                source=source,
                newest_extract=extract,
                max_age_days=cadences.get(source),
                age_days=(today - extract).days if extract is not None else None,
                required=required,
            )
        )
    return verdicts


def record_freshness(
    con: duckdb.DuckDBPyConnection, verdicts: list[Freshness], run_id: str
) -> None:
    """Kept with the run (like audit.gate_decisions) so the quality page can show it."""
    con.execute("create schema if not exists audit")
    con.execute(
        f"""create table if not exists {FRESHNESS_TABLE} (
            run_id varchar, source varchar, newest_extract date, age_days integer,
            max_age_days integer, status varchar, message varchar)"""
    )
    con.execute(f"delete from {FRESHNESS_TABLE} where run_id = ?", [run_id])
    con.executemany(
        f"insert into {FRESHNESS_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
        [
            [run_id, v.source, v.newest_extract, v.age_days, v.max_age_days, v.status, v.message()]
            for v in verdicts
        ],
    )
