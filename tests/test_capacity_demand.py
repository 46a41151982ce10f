"""Capacity and demand on the demo run: the new resource plan export, end to end.

The shared `demo_run` fixture runs the whole pipeline once (the resource plan files included).
Every row of the three capacity marts is recomputed here from the landing files with the csv
module and exact decimals, independently of DuckDB and dbt, following the rules the marts'
docs state (HR: the latest extract holding a person; timesheets: an entry in several files
counts once, from the latest; no contracted hours on the company's public holidays, the dbt
seed; demand: each month's plan of record, the latest extract dated before the month began, or
the first extract for earlier months), and compared with the marts.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.ingest.loader import load_source
from pipelines.ingest.sources import PROJECTS, RESOURCE_PLAN
from pipelines.quality import validate_source
from tests.pipeline_runs import RunPaths

PUBLIC_HOLIDAYS_SEED = Path(__file__).parents[1] / "dbt_project" / "seeds" / "public_holidays.csv"
STANDARD_WEEKLY_HOURS = Decimal(40)  # dbt var standard_weekly_hours, left at its default by the run
COMPLIANCE_THRESHOLD = Decimal("0.9")  # dbt var timesheet_compliance_threshold, default
ZERO = Decimal(0)

Row = dict[str, str]


def _read(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


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


def _plan_month(row: Row) -> date:
    return date.fromisoformat(f"{row['Month']}-01")


def _query(paths: RunPaths, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _ratio(numerator: Decimal, denominator: Decimal) -> float | None:
    return float(numerator) / float(denominator) if denominator > 0 else None


@dataclass(frozen=True)
class _Period:
    team: str
    role: str
    fte: Decimal
    start: date
    end: date


@dataclass
class _Day:
    """One person's day: contracted hours from HR, booked hours from the timesheets."""

    period: _Period | None
    contracted: Decimal = ZERO
    public_holiday: Decimal = ZERO
    leave_recorded: Decimal = ZERO
    logged: Decimal = ZERO
    project: Decimal = ZERO
    non_project: Decimal = ZERO

    @property
    def leave(self) -> Decimal:  # leave deducted: at most the day's contracted hours
        return min(self.leave_recorded, self.contracted)

    @property
    def capacity(self) -> Decimal:
        return self.contracted - self.leave


@dataclass
class _Sums:
    contracted: Decimal = ZERO
    public_holiday: Decimal = ZERO
    leave: Decimal = ZERO
    capacity: Decimal = ZERO
    capacity_to_date: Decimal = ZERO
    logged: Decimal = ZERO
    project: Decimal = ZERO
    non_project: Decimal = ZERO
    contracted_people: set[str] = field(default_factory=set)
    contracted_days: int = 0
    last_employed: tuple[date, _Period] | None = None


class _Exports:
    """The landing folder's HR, timesheet and plan files, expanded to one `_Day` per person-day."""

    def __init__(self, landing: Path) -> None:
        # HR: each extract repeats a person's whole history; the latest extract holding them wins.
        extracts: dict[str, dict[date, list[Row]]] = defaultdict(dict)
        for path in sorted((landing / "resources").glob("resources_*.csv")):
            extract = _date_in_name(path)
            for row in _read(path):
                extracts[row["Employee ID"]].setdefault(extract, []).append(row)
        self.periods: dict[str, list[_Period]] = {
            employee: [
                _Period(
                    row["Team"],
                    row["Role"],
                    Decimal(row["FTE"]),
                    date.fromisoformat(row["Active From"]),
                    date.fromisoformat(row["Active To"]) if row["Active To"] else date.max,
                )
                for row in by_extract[max(by_extract)]
            ]
            for employee, by_extract in extracts.items()
        }
        # Timesheets: an entry in several files counts once, from the latest extract.
        entries: dict[str, tuple[tuple[date, str], Row]] = {}
        for path in sorted((landing / "timesheets").glob("timesheets_*.csv")):
            rank = (_date_in_name(path), path.name)
            for row in _read(path):
                held = entries.get(row["Entry ID"])
                if held is None or rank >= held[0]:
                    entries[row["Entry ID"]] = (rank, row)
        self.timesheets = [row for _rank, row in entries.values()]
        self.holidays = {
            date.fromisoformat(row["holiday_date"]) for row in _read(PUBLIC_HOLIDAYS_SEED)
        }
        # Demand: each month's lines come from its plan of record.
        plans = {extract: _read(path) for extract, path in _plan_files_by_date(landing).items()}
        plan_months = {_plan_month(row) for lines in plans.values() for row in lines}
        self.plan_of_record: dict[date, tuple[date, str]] = {}
        for month in plan_months:
            before = [extract for extract in plans if extract < month]
            self.plan_of_record[month] = (
                (max(before), "plan of record")
                if before
                else (min(plans), "earliest plan available")
            )
        self.plan = [
            row
            for extract, lines in plans.items()
            for row in lines
            if self.plan_of_record[_plan_month(row)][0] == extract
        ]

        work_dates = [date.fromisoformat(row["Work Date"]) for row in self.timesheets]
        months = {day.replace(day=1) for day in work_dates}
        # the calendar still spans the months of the latest (current) plan
        months |= {_plan_month(row) for row in plans[max(plans)]}
        # Reporting months: first to last month with timesheets or plan demand, in whole weeks.
        self.first_month = min(months)
        self.last_month_end = _month_end(max(months))
        self.window = (_monday(min(work_dates)), _monday(max(work_dates)) + timedelta(days=6))
        start = _monday(self.first_month)
        end = _monday(self.last_month_end) + timedelta(days=6)
        self.calendar = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        self.days = self._expand()

    def period_on(self, employee: str, day: date) -> _Period | None:
        """The rate period covering the day; on an overlap the later-starting one."""
        covering = [p for p in self.periods.get(employee, []) if p.start <= day <= p.end]
        return max(covering, key=lambda p: p.start, default=None)

    def in_window(self, day: date) -> bool:
        return self.window[0] <= day <= self.window[1]

    def in_reporting_months(self, day: date) -> bool:
        return self.first_month <= day <= self.last_month_end

    def _expand(self) -> dict[tuple[str, date], _Day]:
        days: dict[tuple[str, date], _Day] = {}
        for employee in self.periods:
            for day in self.calendar:
                period = self.period_on(employee, day)
                if period is not None and day.weekday() < 5:
                    hours = period.fte * STANDARD_WEEKLY_HOURS / 5
                    days[(employee, day)] = (
                        _Day(period, public_holiday=hours)
                        if day in self.holidays
                        else _Day(period, hours)
                    )
        for row in self.timesheets:
            employee, day = row["Employee ID"], date.fromisoformat(row["Work Date"])
            booked = days.get((employee, day))
            if booked is None:  # a weekend, or a day no rate period covers
                booked = days[(employee, day)] = _Day(self.period_on(employee, day))
            hours = Decimal(row["Hours"])
            booked.logged += hours
            if row["Time Category"] == "Leave":
                booked.leave_recorded += hours
            elif row["Time Category"] == "Project":
                booked.project += hours
            else:
                booked.non_project += hours
        return days


def _add(sums: _Sums, employee: str, day: date, booked: _Day, in_window: bool) -> None:
    sums.contracted += booked.contracted
    sums.public_holiday += booked.public_holiday
    sums.leave += booked.leave
    sums.capacity += booked.capacity
    sums.capacity_to_date += booked.capacity if in_window else ZERO
    sums.logged += booked.logged
    sums.project += booked.project
    sums.non_project += booked.non_project
    if booked.contracted > 0:
        sums.contracted_people.add(employee)
        sums.contracted_days += 1
    if booked.period is not None and (sums.last_employed is None or day > sums.last_employed[0]):
        sums.last_employed = (day, booked.period)


def _approx(value: float | None) -> object:
    return None if value is None else pytest.approx(value, rel=1e-12)


def test_the_demo_run_builds_the_capacity_marts(demo_run) -> None:
    _paths, result = demo_run
    assert result.success
    materialized = result.materialized
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


def test_every_weekly_capacity_row_recomputed_by_hand_equals_the_mart(demo_run) -> None:
    paths, _ = demo_run
    exports = _Exports(paths.landing)
    weeks: dict[tuple[str | None, str | None, date], _Sums] = defaultdict(_Sums)
    for (employee, day), booked in exports.days.items():
        team = booked.period.team if booked.period else None
        role = booked.period.role if booked.period else None
        _add(weeks[(team, role, _monday(day))], employee, day, booked, exports.in_window(day))
    expected = {
        key: (
            len(sums.contracted_people),
            sums.contracted,
            sums.public_holiday,
            sums.leave,
            sums.capacity,
            exports.in_window(key[2]),
        )
        for key, sums in weeks.items()
    }
    mart = {
        (row[0], row[1], row[2]): row[3:]
        for row in _query(
            paths,
            "select team, role, iso_week_start_date, active_employee_count, contracted_hours, "
            "public_holiday_hours, leave_hours, capacity_hours, has_timesheets "
            "from marts.fct_team_capacity_weekly",
        )
    }
    assert mart == expected
    # the demo's public holidays take hours off capacity
    assert sum(sums.public_holiday for sums in weeks.values()) > 0
    # the demo exercises the leave deduction, and its cap on a part-timer's rounded leave day
    assert sum(sums.leave for sums in weeks.values()) > 0
    assert any(day.leave_recorded > day.leave > 0 for day in exports.days.values())


def test_every_monthly_capacity_and_demand_row_recomputed_by_hand_equals_the_mart(
    demo_run,
) -> None:
    paths, _ = demo_run
    exports = _Exports(paths.landing)
    months: dict[tuple[str | None, date], _Sums] = defaultdict(_Sums)
    for (employee, day), booked in exports.days.items():
        if exports.in_reporting_months(day):
            team = booked.period.team if booked.period else None
            _add(months[(team, day.replace(day=1))], employee, day, booked, exports.in_window(day))
    demand: dict[tuple[str | None, date], Decimal] = defaultdict(Decimal)
    for line in exports.plan:
        if exports.in_reporting_months(_plan_month(line)):
            demand[(line["Team"], _plan_month(line))] += Decimal(line["Planned Hours"])
    expected = {}
    for key in months.keys() | demand.keys():
        sums, planned = months[key], demand[key]
        actual = sums.project + sums.non_project  # leave is deducted from capacity, not an actual
        expected[key] = (
            sums.contracted,
            sums.leave,
            sums.capacity,
            sums.capacity_to_date,
            planned,
            actual,
            sums.project,
            sums.non_project,
            _approx(_ratio(actual, sums.capacity_to_date)),
            _approx(_ratio(sums.project, actual)),
            _approx(_ratio(planned, sums.capacity)),
            planned > sums.capacity,
            max(ZERO, planned - sums.capacity),
            exports.window[0] <= key[1] and exports.window[1] >= _month_end(key[1]),
            *exports.plan_of_record.get(key[1], (None, "no plan")),
        )
    mart = {
        (row[0], row[1]): row[2:]
        for row in _query(
            paths,
            "select team, month_start_date, contracted_hours, leave_hours, capacity_hours, "
            "capacity_hours_to_date, planned_demand_hours, actual_hours, actual_project_hours, "
            "actual_non_project_hours, utilisation, project_share, planned_allocation, "
            "is_over_allocated, over_allocation_hours, has_complete_timesheets, "
            "plan_extract_date, plan_basis from marts.fct_capacity_demand_monthly",
        )
    }
    assert mart.keys() == expected.keys()
    for key, row in mart.items():
        assert row == expected[key], key
    # the demo has future months (no actuals: null utilisation) and months with actuals
    assert any(row[8] is None for row in mart.values())
    assert any(row[8] is not None for row in mart.values())


def test_the_demo_shows_over_allocated_and_available_team_months(demo_run) -> None:
    paths, _ = demo_run
    over, total = _query(
        paths,
        "select count(*) filter (where is_over_allocated), count(*) "
        "from marts.fct_capacity_demand_monthly",
    )[0]
    assert 0 < over < total


def test_every_month_with_hours_worked_has_planned_demand(demo_run) -> None:
    """The plan of record gives the past months demand too (the latest plan looks only two
    months back), so no month shows tens of thousands of hours worked against no demand."""
    paths, _ = demo_run
    rows = _query(
        paths,
        "select month_start_date, sum(actual_hours), sum(planned_demand_hours), "
        "max(plan_basis) from marts.fct_capacity_demand_monthly group by all",
    )
    worked = [row for row in rows if row[1] > 0]
    assert worked
    assert [row[0] for row in worked if row[2] == 0] == []
    # the first timesheet month began before the first extract, and says so
    assert min(worked)[3] == "earliest plan available"


def test_the_demo_has_teams_over_and_under_capacity_and_incomplete_weeks(demo_run) -> None:
    paths, _ = demo_run
    team_months = _query(
        paths,
        "select team, month_start_date, planned_allocation from marts.fct_capacity_demand_monthly "
        "where planned_allocation is not null",
    )
    over_teams = {team for team, _month, share in team_months if share > 1}
    assert over_teams, "some team is planned above its capacity in some month"
    assert any(0 < share < 1 for _team, _month, share in team_months), "some team has room"
    weeks = _query(
        paths,
        "select iso_week_start_date, avg(case when is_compliant then 1.0 else 0.0 end) "
        "from marts.fct_timesheet_compliance_weekly where expected_hours > 0 group by all",
    )
    shares = [share for _week, share in weeks]
    assert min(shares) < 1 and max(shares) > min(shares)
    teams = _query(
        paths,
        "select team, avg(case when is_compliant then 1.0 else 0.0 end) "
        "from marts.fct_timesheet_compliance_weekly where expected_hours > 0 group by all",
    )
    assert len({round(share, 3) for _team, share in teams}) > 1, "compliance varies by team"


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


def test_every_timesheet_compliance_row_recomputed_by_hand_equals_the_mart(demo_run) -> None:
    paths, _ = demo_run
    exports = _Exports(paths.landing)
    weeks: dict[tuple[str, date], _Sums] = defaultdict(_Sums)
    for (employee, day), booked in exports.days.items():
        if exports.in_window(day):
            _add(weeks[(employee, _monday(day))], employee, day, booked, True)
    expected = {}
    for key, sums in weeks.items():
        period = sums.last_employed[1] if sums.last_employed else None
        expected[key] = (
            period.team if period else None,
            period.role if period else None,
            sums.contracted_days,
            sums.contracted,
            sums.logged,
            max(ZERO, sums.contracted - sums.logged),
            _approx(_ratio(sums.logged, sums.contracted)),
            sums.logged >= sums.contracted * COMPLIANCE_THRESHOLD,
        )
    mart = {
        (row[0], row[1]): row[2:]
        for row in _query(
            paths,
            "select employee_id, iso_week_start_date, team, role, active_weekdays, "
            "expected_hours, logged_hours, missing_hours, logged_ratio, is_compliant "
            "from marts.fct_timesheet_compliance_weekly",
        )
    }
    assert mart.keys() == expected.keys()
    for key, row in mart.items():
        assert row == expected[key], key
    # part weeks of joiners and leavers are in the demo
    assert any(0 < days < 5 for _team, _role, days, *_ in expected.values())


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
