"""Freshness per source: an extract older than its cadence fails the check, a recent one passes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.ingest.sources import all_sources
from pipelines.operate.freshness import (
    FRESHNESS_TABLE,
    assess_freshness,
    newest_extracts,
    source_cadences,
)
from pipelines.operate.freshness_checks import FRESHNESS_CHECK_NAME, build_freshness_checks
from pipelines.settings import Settings
from tests.manifest_rows import record_loaded_file

TODAY = date(2026, 12, 5)
CADENCES = source_cadences(weekly_days=8, monthly_days=35)


def _manifest(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, date]]) -> None:
    for source, extract in rows:
        record_loaded_file(con, source, f"{source}/{source}_{extract}.csv", 100, extract)


def test_a_stale_source_fails_and_a_fresh_one_passes() -> None:
    with duckdb.connect() as con:
        _manifest(
            con,
            [
                ("projects", date(2026, 11, 16)),  # 19 days: weekly allows 8
                ("projects", date(2026, 11, 2)),
                ("gl_actuals", date(2026, 11, 30)),  # 5 days: monthly allows 35
            ],
        )
        newest = newest_extracts(con)
    verdicts = {
        v.source: v
        for v in assess_freshness(
            [("projects", True), ("gl_actuals", True), ("timesheets", True)],
            newest,
            CADENCES,
            TODAY,
        )
    }
    assert not verdicts["projects"].passed
    assert verdicts["projects"].age_days == 19
    assert "STALE" in verdicts["projects"].message()
    assert verdicts["gl_actuals"].passed
    assert verdicts["gl_actuals"].status == "fresh"
    # A required source that never delivered is a failure too, not silently fresh.
    assert verdicts["timesheets"].status == "no extract"
    assert not verdicts["timesheets"].passed


@pytest.mark.parametrize(("age", "passed"), [(8, True), (9, False)])
def test_the_allowance_is_inclusive(age: int, passed: bool) -> None:
    extract = date.fromordinal(TODAY.toordinal() - age)
    [verdict] = assess_freshness([("timesheets", True)], {"timesheets": extract}, CADENCES, TODAY)
    assert verdict.passed is passed


def test_the_asset_check_reports_and_records_staleness(tmp_path: Path) -> None:
    from dagster_duckdb import DuckDBResource

    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        _manifest(con, [("projects", date(2000, 1, 3)), ("gl_actuals", date.today())])
    sources = tuple(s for s in all_sources() if s.name in ("projects", "gl_actuals"))
    checks = build_freshness_checks(sources)
    result = dg.materialize(
        [checks, *(dg.AssetSpec(f"raw_{s.name}") for s in sources)],
        resources={
            "duckdb": DuckDBResource(database=str(warehouse)),
            "settings": dg.ResourceDefinition.hardcoded_resource(Settings()),
        },
        selection=dg.AssetSelection.checks(checks),
    )
    outcome = {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    assert outcome == {"raw_projects": False, "raw_gl_actuals": True}
    assert all(e.check_name == FRESHNESS_CHECK_NAME for e in result.get_asset_check_evaluations())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(f"select source, status from {FRESHNESS_TABLE} order by 1").fetchall()
    assert rows == [("gl_actuals", "fresh"), ("projects", "stale")]
