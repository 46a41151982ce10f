"""End to end: a mostly-bad week blocks the run; a few bad rows are quarantined, the rest published.

Both start from a copy of the session's published demo run (conftest.published_copy: each test
has its own warehouse and landing folder) and deliver one new week of timesheets.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipelines.demo.config import DemoConfig
from tests.pipeline_runs import SMALL_DEMO, RunPaths, run_weekly_job

HEADER = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment"


def _a_project_entry(landing: Path) -> list[str]:
    first_file = sorted((landing / "timesheets").glob("timesheets_*.csv"))[0]
    lines = first_file.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines[1:] if ",Project," in line).split(",")


def _new_week(paths: RunPaths, config: DemoConfig, rows: list[list[str]]) -> Path:
    week = paths.landing / "timesheets" / f"timesheets_{config.as_of.isoformat()}.csv"
    week.write_text("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return week


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("bad_value", "rule_words", "share"),
    [
        # A GX rule on the loaded table: 4 + 27 hours that day, so both entries are set aside.
        ("27", 'rule "hours per person per day at most 24"', "2 of 2 rows (100.0 %)"),
        # A value ingestion could not read as a number: only that row.
        ("seven", 'rule "type"', "1 of 2 rows (50.0 %)"),
    ],
)
def test_a_mostly_bad_week_blocks_dbt_and_the_report(
    published_copy: RunPaths,
    bad_value: str,
    rule_words: str,
    share: str,
) -> None:
    paths = published_copy
    entry = _a_project_entry(paths.landing)
    good = ["BAD-1", entry[1], entry[2], entry[3], "Project", "4", "fine"]
    bad = ["BAD-2", entry[1], entry[2], entry[3], "Project", bad_value, "typo"]
    week = _new_week(paths, SMALL_DEMO, [good, bad])
    landing_digest, published_digest = _digest(week), _digest(paths.warehouse)

    result = run_weekly_job(paths)

    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert [c.asset_key.to_user_string() for c in failed] == ["validated_timesheets"]
    message = failed[0].description or ""
    # This run read two rows; quarantining either is above the 5 % threshold, so a block.
    assert f"{share} were quarantined this run" in message
    assert f"timesheets/{week.name} line 3" in message
    assert rule_words in message
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "raw_timesheets" in materialized
    assert not any(key.startswith(("marts/", "staging/")) for key in materialized)
    assert "portfolio_report" not in materialized
    assert _digest(paths.warehouse) == published_digest  # nothing was published
    assert _digest(week) == landing_digest  # the landing file is never touched


def test_a_few_bad_rows_are_quarantined_and_the_rest_is_published(
    published_copy: RunPaths,
) -> None:
    paths = published_copy
    entry = _a_project_entry(paths.landing)
    good = [
        [f"OK-{i}", entry[1], f"{SMALL_DEMO.as_of.isoformat()}", entry[3], "Project", "0.25", ""]
        for i in range(40)
    ]
    bad = ["NEG-1", entry[1], SMALL_DEMO.as_of.isoformat(), entry[3], "Project", "-3", "typo"]
    _new_week(paths, SMALL_DEMO, [*good, bad])

    result = run_weekly_job(paths)

    assert result.success
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute(
            "select decision, rows_read, rows_accepted, rows_quarantined from audit.gate_decisions "
            "where source = 'timesheets' and run_id = ?",
            [result.run_id],
        ).fetchall() == [("quarantined", 41, 40, 1)]
        assert con.execute(
            "select count(*) from marts.fct_timesheet_entries where entry_id like 'OK-%'"
        ).fetchall() == [(40,)]
        assert con.execute(
            "select count(*) from marts.fct_timesheet_entries where entry_id = 'NEG-1'"
        ).fetchall() == [(0,)]
        assert con.execute(
            "select rule from audit.quarantine where raw_record like '%NEG-1%'"
        ).fetchall() == [("hours not negative",)]
    quality_page = (paths.reports / "quality.html").read_text(encoding="utf-8")
    assert "hours not negative" in quality_page
