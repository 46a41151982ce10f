"""Backfill: a corrected past period re-sent under its own file name replaces its facts exactly.

Finance re-opens a closed ledger period and re-sends it; the time tracker re-exports a past week.
The next run must take that period only from the corrected copy (a dropped line gone, a changed
amount changed, nothing counted twice), leave every other period as it was, and say so.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from pipelines.weekly_run import run_pipeline
from tests.pipeline_runs import RunPaths, query_rows, settings_for

pytestmark = pytest.mark.integration


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _non_labour_by_month(warehouse: Path) -> dict[tuple[str, str], float]:
    rows = query_rows(
        warehouse,
        "select project_id, strftime(month_start_date, '%Y-%m'), non_labour_cost "
        "from marts.fct_project_costs",
    )
    return {(project, month): float(cost or 0) for project, month, cost in rows}


def _resend_ledger_period(landing: Path) -> tuple[str, dict[str, float]]:
    """Re-send the earliest ledger period: one USD line dropped, another raised by 1,000.00.

    Returns the period and the expected change of non-labour cost per project (USD = reporting
    currency, rate 1).
    """
    path = sorted((landing / "finance").glob("gl_actuals_*.csv"))[0]
    header, rows = _read(path)
    usd = [i for i, row in enumerate(rows) if row["Currency"] == "USD"]
    assert len(usd) >= 2, "the demo ledger period needs two USD lines for this test"
    dropped, raised = rows[usd[0]], rows[usd[1]]
    delta: dict[str, float] = defaultdict(float)
    delta[dropped["Project ID"]] -= float(dropped["Amount"])
    delta[raised["Project ID"]] += 1000.0
    raised["Amount"] = f"{float(raised['Amount']) + 1000.0:.2f}"
    _write(path, header, [row for i, row in enumerate(rows) if i != usd[0]])
    return rows[0]["Period"], dict(delta)


def _resend_timesheet_week(landing: Path) -> tuple[str, dict[str, str], str]:
    """Re-send the earliest week: one project entry dropped, another's hours changed to 1.25.

    Returns the file name, the corrected file's entries (id -> hours) and the dropped id.
    """
    path = sorted((landing / "timesheets").glob("timesheets_*.csv"))[0]
    header, rows = _read(path)
    project_rows = [i for i, row in enumerate(rows) if row["Project ID"]]
    dropped_at, changed_at = project_rows[0], project_rows[1]
    dropped_id = rows[dropped_at]["Entry ID"]
    rows[changed_at]["Hours"] = "1.25"
    kept = [row for i, row in enumerate(rows) if i != dropped_at]
    _write(path, header, kept)
    return f"timesheets/{path.name}", {r["Entry ID"]: r["Hours"] for r in kept}, dropped_id


def test_a_resent_past_period_replaces_its_facts_and_nothing_else(
    published_copy: RunPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = published_copy
    before_costs = _non_labour_by_month(paths.warehouse)
    before_entries = set(query_rows(paths.warehouse, "select * from marts.fct_timesheet_entries"))
    period, ledger_delta = _resend_ledger_period(paths.landing)
    week_file, corrected_entries, dropped_id = _resend_timesheet_week(paths.landing)
    capsys.readouterr()

    assert run_pipeline(settings_for(paths), demo_if_empty=False) == 0

    # The ledger period: exactly the corrected file's lines; every other month unchanged.
    after_costs = _non_labour_by_month(paths.warehouse)
    assert after_costs.keys() == before_costs.keys()
    for (project, month), cost in after_costs.items():
        expected = before_costs[(project, month)]
        if month == period:
            expected += ledger_delta.get(project, 0.0)
        assert cost == pytest.approx(expected, abs=0.005), (project, month)

    # The week: the entries of the corrected copy, the dropped one gone, the others untouched.
    week_rows = query_rows(
        paths.warehouse,
        "select entry_id, hours from marts.fct_timesheet_entries "
        f"where source_file = '{week_file}'",
    )
    assert {entry: f"{hours:.2f}" for entry, hours in week_rows} == corrected_entries
    assert not query_rows(
        paths.warehouse,
        f"select 1 from marts.fct_timesheet_entries where entry_id = '{dropped_id}'",
    )
    after_entries = set(query_rows(paths.warehouse, "select * from marts.fct_timesheet_entries"))
    other_files = {row for row in before_entries if week_file not in row}
    assert other_files <= after_entries
    assert len(after_entries) == len(before_entries) - 1

    # It is said: the manifest's reason and the run's output name the copy replaced.
    resent = query_rows(
        paths.warehouse,
        "select source_file, reason from raw.load_manifest "
        "where status = 'loaded' and reason like 're-sent: replaces the copy loaded %'",
    )
    assert {name for name, _ in resent} == {f"finance/gl_actuals_{period}.csv", week_file}
    out = capsys.readouterr().out
    assert f"NOTE finance/gl_actuals_{period}.csv re-sent: replaces the copy loaded" in out
    assert f"NOTE {week_file} re-sent: replaces the copy loaded" in out
