"""Capacity and demand on the demo run: the new resource plan export, end to end.

The shared `demo_run` fixture runs the whole pipeline once (the resource plan files included).
Figures are recomputed here from the landing files with the csv module, independently of DuckDB and
dbt, and compared with the capacity marts: a team's capacity in one ISO week, its planned demand
and capacity in one month, one person's timesheet compliance, and the raw row count.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.ingest.loader import load_source
from pipelines.ingest.sources import PROJECTS, RESOURCE_PLAN
from pipelines.quality import validate_source
from tests.pipeline_runs import RunPaths

STANDARD_WEEKLY_HOURS = 40.0  # dbt var standard_weekly_hours, left at its default by the run
COMPLIANCE_THRESHOLD = 0.9  # dbt var timesheet_compliance_threshold, default

Row = dict[str, str]


def _read(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _rows(folder: Path, prefix: str) -> list[Row]:
    return [row for path in sorted(folder.glob(f"{prefix}_*.csv")) for row in _read(path)]


def _date_in_name(path: Path) -> date:
    found = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    assert found, path
    return date.fromisoformat(found.group(1))


def _plan_files_by_date(landing: Path) -> dict[date, Path]:
    """One resource plan file per extract date (names carry the date, so there is one each)."""
    files: dict[date, Path] = {}
    for path in sorted((landing / "resource_plan").glob("resource_plan_*.csv")):
        files.setdefault(_date_in_name(path), path)
    return files


def _query(paths: RunPaths, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


class _Exports:
    """The HR rows and the timesheets of the landing folder, indexed for recomputing capacity."""

    def __init__(self, landing: Path) -> None:
        (resources_file,) = sorted((landing / "resources").glob("resources_*.csv"))[-1:]
        self.resources = _read(resources_file)
        self.timesheets = _rows(landing / "timesheets", "timesheets")
        self.leave: dict[tuple[str, date], float] = defaultdict(float)
        for row in self.timesheets:
            if row["Time Category"] == "Leave":
                self.leave[(row["Employee ID"], date.fromisoformat(row["Work Date"]))] += float(
                    row["Hours"]
                )

    def period_on(self, employee: str, day: date) -> Row | None:
        for row in self.resources:
            start = date.fromisoformat(row["Active From"])
            end = date.fromisoformat(row["Active To"]) if row["Active To"] else date.max
            if row["Employee ID"] == employee and start <= day <= end:
                return row
        return None

    def contracted(self, employee: str, day: date) -> float:
        """FTE x standard hours / 5 on a weekday a rate period covers, else 0."""
        period = self.period_on(employee, day)
        if period is None or day.weekday() >= 5:
            return 0.0
        return float(period["FTE"]) * STANDARD_WEEKLY_HOURS / 5

    def team_capacity(self, team: str, days: list[date]) -> float:
        """Contracted hours of the team's people on these days, less leave (capped per day)."""
        employees = sorted({row["Employee ID"] for row in self.resources})
        total = 0.0
        for employee in employees:
            for day in days:
                period = self.period_on(employee, day)
                if period is None or period["Team"] != team:
                    continue
                contracted = self.contracted(employee, day)
                total += contracted - min(self.leave[(employee, day)], contracted)
        return total

    def team_of(self, employee: str, day: date) -> str | None:
        period = self.period_on(employee, day)
        return period["Team"] if period else None


def _week(monday: date) -> list[date]:
    return [monday + timedelta(days=offset) for offset in range(7)]


def _month(first: date) -> list[date]:
    days = []
    day = first
    while day.month == first.month:
        days.append(day)
        day += timedelta(days=1)
    return days


def test_the_demo_run_builds_the_capacity_marts(demo_run) -> None:
    _paths, result = demo_run
    assert result.success
    materialized = {
        event.asset_key.to_user_string() for event in result.get_asset_materialization_events()
    }
    for expected in (
        "raw_resource_plan",
        "validated_resource_plan",
        "staging/stg_ppm__resource_plans",
        "marts/fct_team_capacity_weekly",
        "marts/fct_capacity_demand_monthly",
        "marts/fct_timesheet_compliance_weekly",
    ):
        assert expected in materialized, expected


def test_raw_resource_plan_holds_every_distinct_date_file_once(demo_run) -> None:
    paths, _ = demo_run
    files = _plan_files_by_date(paths.landing)
    assert len(files) > 1, "one resource plan per weekly extract date"
    expected = sum(len(_read(path)) for path in files.values())
    assert expected > 0
    assert _query(paths, "select count(*) from raw.resource_plan")[0][0] == expected
    loaded = _query(
        paths,
        "select count(*) from raw.load_manifest where source = 'resource_plan' "
        "and status = 'loaded'",
    )[0][0]
    assert loaded == len(files)


def test_a_teams_weekly_capacity_recomputed_by_hand_equals_the_mart(demo_run) -> None:
    paths, _ = demo_run
    exports = _Exports(paths.landing)
    # The team and ISO week with the most recorded leave, so the deduction is exercised.
    leave_by_team_week: dict[tuple[str, date], float] = defaultdict(float)
    for (employee, day), hours in exports.leave.items():
        team = exports.team_of(employee, day)
        if team is not None:
            leave_by_team_week[(team, day - timedelta(days=day.weekday()))] += hours
    team, monday = max(leave_by_team_week, key=lambda k: (leave_by_team_week[k], k))
    assert leave_by_team_week[(team, monday)] > 0

    expected = exports.team_capacity(team, _week(monday))
    (row,) = _query(
        paths,
        "select sum(capacity_hours), sum(leave_hours), bool_and(has_timesheets) "
        "from marts.fct_team_capacity_weekly where team = ? and iso_week_start_date = ?",
        [team, monday],
    )
    capacity, leave, has_timesheets = row
    assert float(capacity) == pytest.approx(expected, abs=1e-6)
    assert float(leave) > 0 and has_timesheets


def test_a_teams_monthly_demand_and_capacity_recomputed_by_hand_equal_the_mart(demo_run) -> None:
    paths, _ = demo_run
    exports = _Exports(paths.landing)
    files = _plan_files_by_date(paths.landing)
    latest = files[max(files)]
    demand: dict[tuple[str, str], float] = defaultdict(float)
    for row in _read(latest):
        demand[(row["Team"], row["Month"])] += float(row["Planned Hours"])
    # The team-month with the largest planned demand in the latest plan.
    team, period = max(demand, key=lambda k: (demand[k], k))
    first = date.fromisoformat(f"{period}-01")
    capacity = exports.team_capacity(team, _month(first))

    (mart,) = _query(
        paths,
        "select planned_demand_hours, capacity_hours, is_over_allocated, over_allocation_hours, "
        "plan_extract_date from marts.fct_capacity_demand_monthly "
        "where team = ? and month_start_date = ?",
        [team, first],
    )
    planned, capacity_mart, is_over, over_hours, plan_extract_date = mart
    assert float(planned) == pytest.approx(demand[(team, period)], abs=1e-6)
    assert float(capacity_mart) == pytest.approx(capacity, abs=1e-6)
    assert is_over == (demand[(team, period)] > capacity)
    assert float(over_hours) == pytest.approx(max(0.0, demand[(team, period)] - capacity), abs=1e-6)
    assert plan_extract_date == max(files)


def test_the_demo_shows_over_allocated_and_available_team_months(demo_run) -> None:
    paths, _ = demo_run
    over, total = _query(
        paths,
        "select count(*) filter (where is_over_allocated), count(*) "
        "from marts.fct_capacity_demand_monthly",
    )[0]
    assert 0 < over < total


def test_weekly_and_monthly_capacity_add_up_to_the_same_hours(demo_run) -> None:
    """Apportioning weeks to months by working days loses no hour: the monthly total is the weekly
    total less the days the first and last ISO weeks reach outside the reporting months."""
    paths, _ = demo_run
    weekly, monthly, outside = _query(
        paths,
        "select (select sum(capacity_hours) from marts.fct_team_capacity_weekly), "
        "(select sum(capacity_hours) from marts.fct_capacity_demand_monthly), "
        "(select coalesce(sum(capacity_hours), 0) from intermediate.int_employee_days_expanded "
        "where not is_in_reporting_months)",
    )[0]
    assert weekly == monthly + outside
    assert monthly > 0


def test_a_persons_timesheet_compliance_recomputed_by_hand_equals_the_mart(demo_run) -> None:
    paths, _ = demo_run
    exports = _Exports(paths.landing)
    logged: dict[tuple[str, date], float] = defaultdict(float)
    for row in exports.timesheets:
        day = date.fromisoformat(row["Work Date"])
        logged[(row["Employee ID"], day - timedelta(days=day.weekday()))] += float(row["Hours"])
    # The employee-week with the most hours logged in the latest timesheet week.
    last_monday = max(monday for _employee, monday in logged)
    employee = max(
        (e for e, monday in logged if monday == last_monday),
        key=lambda e: (logged[(e, last_monday)], e),
    )
    expected = sum(exports.contracted(employee, day) for day in _week(last_monday))

    (mart,) = _query(
        paths,
        "select expected_hours, logged_hours, missing_hours, is_compliant "
        "from marts.fct_timesheet_compliance_weekly "
        "where employee_id = ? and iso_week_start_date = ?",
        [employee, last_monday],
    )
    expected_mart, logged_mart, missing, is_compliant = mart
    assert float(expected_mart) == pytest.approx(expected, abs=1e-6)
    assert float(logged_mart) == pytest.approx(logged[(employee, last_monday)], abs=1e-6)
    assert float(missing) == pytest.approx(
        max(0.0, expected - logged[(employee, last_monday)]), abs=1e-6
    )
    assert is_compliant == (logged[(employee, last_monday)] >= expected * COMPLIANCE_THRESHOLD)


def test_the_quality_gate_rejects_bad_resource_plan_lines(demo_run, tmp_path: Path) -> None:
    paths, _ = demo_run
    with duckdb.connect(str(tmp_path / "gate.duckdb")) as con:
        for spec in (PROJECTS, RESOURCE_PLAN):
            load_source(con, spec, paths.landing)
        good = validate_source(con, "resource_plan")
        assert good.success, good.message()
        latest = "(select max(extract_date) from raw.resource_plan)"
        # A team-level line (no role) repeated in its file, and four broken lines.
        con.execute(
            "insert into raw.resource_plan select * from raw.resource_plan "
            f"where role is null and extract_date = {latest} limit 1"
        )
        for line, change in (
            (2, "planned_hours = 744.5"),
            (3, "month = '2026-13'"),
            (4, "project_id = 'PRJ-9999'"),
            (5, "team = null"),
        ):
            con.execute(
                f"update raw.resource_plan set {change} "
                f"where source_row = {line} and extract_date = {latest}"
            )
        bad = validate_source(con, "resource_plan")
    assert not bad.success
    assert {failure.rule for failure in bad.failures} == {
        "(project_id, team, role, month) unique within a load",
        "planned_hours within 0..744",
        "month is YYYY-MM",
        "project_id is a known project",
        "team not null",
    }
