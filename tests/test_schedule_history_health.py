"""Schedule, history and health marts recomputed from the raw export files with the csv module.

Each figure is derived here from the landing folder's project and milestone extracts, independently
of DuckDB and dbt, and compared with what the marts say (issue 3: milestones, project history,
re-baselines, computed health, period-over-period deltas).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb

from tests.pipeline_runs import RunPaths

# The fields whose change counts as a status update (fct_project_status_history.is_status_update).
STATUS_FIELDS = ("Percent Complete", "Reported RAG", "Status", "Forecast Finish")
OPEN_STATUSES = {"Active", "On Hold"}


def _extracts(folder: Path, prefix: str) -> dict[date, list[dict[str, str]]]:
    """Rows per extract date; when one date has several files, the last file name wins."""
    by_date: dict[date, list[dict[str, str]]] = {}
    for path in sorted(folder.glob(f"{prefix}_*.csv")):
        extract_date = date.fromisoformat(path.stem.removeprefix(f"{prefix}_"))
        with path.open(newline="", encoding="utf-8-sig") as handle:
            by_date[extract_date] = list(csv.DictReader(handle))
    return by_date


def _query(paths: RunPaths, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def test_status_history_has_one_row_per_project_and_extract_date(demo_run) -> None:
    paths, result = demo_run
    assert result.success, result.failures
    extracts = _extracts(paths.landing / "projects", "projects")
    expected = sum(len(rows) for rows in extracts.values())
    assert expected > 0
    assert _query(paths, "select count(*) from marts.fct_project_status_history")[0][0] == expected
    trend_dates = [
        row[0]
        for row in _query(
            paths, "select extract_date from marts.fct_portfolio_kpi_trend order by 1"
        )
    ]
    assert trend_dates == sorted(extracts)


def test_a_milestones_schedule_variance_recomputed_by_hand(demo_run) -> None:
    paths, _ = demo_run
    extracts = _extracts(paths.landing / "milestones", "milestones")
    latest_rows = extracts[max(extracts)]
    # the latest milestone furthest behind its baseline: SV = baseline - (actual or forecast)
    variances = {
        row["Milestone ID"]: _days(row["Actual Date"] or row["Forecast Date"], row["Baseline Date"])
        for row in latest_rows
    }
    milestone = min(variances, key=lambda m: (variances[m], m))
    assert variances[milestone] < 0, "the demo should have at least one late milestone"
    (mart,) = _query(
        paths,
        "select schedule_variance_days from marts.fct_milestones where milestone_id = ?",
        [milestone],
    )
    assert mart[0] == variances[milestone]
    every_milestone = {row["Milestone ID"] for rows in extracts.values() for row in rows}
    assert _query(paths, "select count(*) from marts.fct_milestones")[0][0] == len(every_milestone)


def test_overdue_milestones_recomputed_by_hand(demo_run) -> None:
    paths, _ = demo_run
    projects = _extracts(paths.landing / "projects", "projects")
    milestones = _extracts(paths.landing / "milestones", "milestones")
    as_of = max(projects)
    status = {row["Project ID"]: row["Status"] for rows in projects.values() for row in rows}
    # dict order: later extracts overwrite earlier ones, so `status` is each project's latest
    overdue = 0
    for row in milestones[max(milestones)]:
        due = row["Forecast Date"] or row["Baseline Date"]
        is_open = not row["Actual Date"] and status.get(row["Project ID"]) not in {
            "Completed",
            "Cancelled",
        }
        overdue += is_open and date.fromisoformat(due) < as_of
    mart = _query(paths, "select count(*) from marts.fct_milestones where is_overdue")[0][0]
    assert mart == overdue
    summed = _query(paths, "select sum(overdue_count) from marts.fct_portfolio_milestone_summary")
    assert summed[0][0] == overdue


def test_rebaselines_and_finish_slip_recomputed_by_hand(demo_run) -> None:
    paths, _ = demo_run
    extracts = _extracts(paths.landing / "projects", "projects")
    previous: dict[str, dict[str, str]] = {}
    expected_events: set[tuple[str, date]] = set()
    for extract_date in sorted(extracts):
        for row in extracts[extract_date]:
            before = previous.get(row["Project ID"])
            if before and (
                before["Baseline Finish"] != row["Baseline Finish"]
                or float(before["Budget at Completion"]) != float(row["Budget at Completion"])
            ):
                expected_events.add((row["Project ID"], extract_date))
            previous[row["Project ID"]] = row
    events = set(
        _query(paths, "select project_id, rebaseline_date from marts.fct_project_rebaselines")
    )
    assert events == expected_events

    latest = max(extracts)
    slips = {
        row["Project ID"]: _days(row["Baseline Finish"], row["Forecast Finish"])
        for row in extracts[latest]
    }
    mart = dict(
        _query(
            paths,
            "select project_id, finish_slip_days from marts.fct_project_status_history "
            "where extract_date = ?",
            [latest],
        )
    )
    assert mart == slips
    open_slipped = sum(
        1
        for row in extracts[latest]
        if row["Status"] in OPEN_STATUSES and slips[row["Project ID"]] > 30
    )
    (trend,) = _query(
        paths,
        "select open_slipped_over_30_days_count from marts.fct_portfolio_kpi_trend "
        "where extract_date = ?",
        [latest],
    )
    assert trend[0] == open_slipped


def test_days_since_status_update_recomputed_by_hand(demo_run) -> None:
    paths, _ = demo_run
    extracts = _extracts(paths.landing / "projects", "projects")
    as_of = max(extracts)
    previous: dict[str, dict[str, str]] = {}
    last_update: dict[str, date] = {}
    for extract_date in sorted(extracts):
        for row in extracts[extract_date]:
            before = previous.get(row["Project ID"])
            if before is None or any(
                (float(before[f]) != float(row[f]))
                if f == "Percent Complete"
                else before[f] != row[f]
                for f in STATUS_FIELDS
            ):
                last_update[row["Project ID"]] = extract_date
            previous[row["Project ID"]] = row
    expected = {project: (as_of - day).days for project, day in last_update.items()}
    mart = dict(
        _query(paths, "select project_id, days_since_status_update from marts.fct_project_health")
    )
    assert mart == expected


def test_health_flags_agree_with_the_ratings(demo_run) -> None:
    paths, _ = demo_run
    rows = _query(
        paths,
        "select status, reported_rag, computed_rag, is_reported_green_computed_red, "
        "is_health_assessed, health_reasons from marts.fct_project_health",
    )
    assert rows
    counts: dict[str, int] = defaultdict(int)
    for status, reported, computed, watermelon, assessed, reasons in rows:
        counts[str(computed)] += 1
        assert watermelon == (reported == "Green" and computed == "Red")
        assert assessed == (status in OPEN_STATUSES)
        if not assessed:
            assert computed is None and reasons.startswith("not assessed")
        elif computed in {"Amber", "Red"}:
            assert f"({computed.lower()})" in reasons
        else:
            assert reasons is None
    assert counts["None"] < len(rows), "at least one project should be assessed"
