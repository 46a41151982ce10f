"""A bad export stops the run before dbt, says which file and rule, and publishes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipelines.demo import generate_demo_exports
from pipelines.demo.config import DemoConfig
from tests.pipeline_runs import make_paths, run_weekly_job


def _first_entry(landing: Path) -> list[str]:
    first_file = sorted((landing / "timesheets").glob("timesheets_*.csv"))[0]
    lines = first_file.read_text(encoding="utf-8").splitlines()
    project_line = next(line for line in lines[1:] if ",Project," in line)
    return project_line.split(",")


@pytest.mark.parametrize(
    ("bad_value", "rule_words"),
    [
        ("27", "0..24"),  # a GX rule on the loaded table
        ("seven", "declared type"),  # a value ingestion could not read as a number
    ],
)
def test_a_bad_timesheet_blocks_dbt_and_the_report(
    tmp_path: Path, bad_value: str, rule_words: str
) -> None:
    paths = make_paths(tmp_path)
    config = DemoConfig(projects=6, employees=20, weeks=6)
    generate_demo_exports(paths.landing, config)
    entry = _first_entry(paths.landing)
    header = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment"
    good = ["BAD-1", entry[1], entry[2], entry[3], "Project", "4", "fine"]
    bad = ["BAD-2", entry[1], entry[2], entry[3], "Project", bad_value, "typo"]
    bad_file = paths.landing / "timesheets" / f"timesheets_{config.as_of.isoformat()}.csv"
    bad_file.write_text("\n".join([header, ",".join(good), ",".join(bad)]) + "\n")
    digest = hashlib.sha256(bad_file.read_bytes()).hexdigest()

    result = run_weekly_job(paths)

    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert [c.asset_key.to_user_string() for c in failed] == ["validated_timesheets"]
    message = failed[0].description or ""
    assert f"timesheets/{bad_file.name}" in message
    assert "line 3" in message
    assert rule_words in message
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "raw_timesheets" in materialized
    assert not any(key.startswith(("marts/", "staging/")) for key in materialized)
    assert "portfolio_report" not in materialized
    assert not (paths.reports / "index.html").exists()
    assert not paths.warehouse.exists()  # nothing was published
    assert hashlib.sha256(bad_file.read_bytes()).hexdigest() == digest
