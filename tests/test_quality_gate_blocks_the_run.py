"""End to end: a mostly-bad week blocks the run.

A week with a few bad rows (quarantined, the rest published) is tested in
tests/test_write_audit_publish.py, on the run an analyst reads during.

Both start from a copy of the session's published demo run (conftest.published_copy: each test
has its own warehouse and landing folder) and deliver one new week of timesheets.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipelines.operate.freshness_checks import FRESHNESS_CHECK_NAME
from tests.pipeline_runs import SMALL_DEMO, RunPaths, run_weekly_job
from tests.timesheet_weeks import a_project_entry, new_week


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
    entry = a_project_entry(paths.landing)
    good = ["BAD-1", entry[1], entry[2], entry[3], "Project", "4", "fine"]
    bad = ["BAD-2", entry[1], entry[2], entry[3], "Project", bad_value, "typo"]
    week = new_week(paths.landing, SMALL_DEMO.as_of, [good, bad])
    landing_digest, published_digest = _digest(week), _digest(paths.warehouse)

    result = run_weekly_job(paths)

    assert not result.success
    # (The freshness warnings depend on today, not on this file: tests/test_freshness.py.)
    failed = [
        c
        for c in result.get_asset_check_evaluations()
        if not c.passed and c.check_name != FRESHNESS_CHECK_NAME
    ]
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
