"""Earned value at the reporting cut-off, recomputed from the landing files, against the marts.

Everything here is plain Python over the raw exports (csv module and openpyxl; no DuckDB, no dbt):
the cut-off is the last month end both the ledger (its latest GL period) and the timesheets (the
Sunday of their latest week) cover; BAC and percent complete from the last projects extract on or
before it; PV from finance's Budget sheet (anchored on the linear baseline at the fiscal-year
start, scaled so the curve ends at BAC, and only while the project is on its first baseline) or
from the linear baseline; AC from timesheet hours x the cost rate valid on the work date plus the
GL lines of the closed months, all converted to USD at the month's average rate. CPI, SPI and
EAC (CPI method) of a project with budget phasing, of one without (when the demo has one) and of
the whole portfolio (ratios of sums, the headline on the active projects) must match the marts to
1e-6 relative, so a wrong formula, date rule or roll-up in the marts fails this test.
"""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

REL = 1e-6


def _csv_rows(folder: Path, prefix: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob(f"{prefix}_*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                row["_file"] = path.stem
                rows.append(row)
    return rows


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _month_fraction(day: date) -> float:
    """How far through its month a day is: day of month / days in the month."""
    return day.day / calendar.monthrange(day.year, day.month)[1]


@dataclass(frozen=True)
class Extract:
    extract_date: date
    status: str
    phase: str
    percent_complete: float
    baseline_start: date
    baseline_finish: date
    bac_local: float
    currency: str

    @property
    def state(self) -> str:
        if self.status == "Cancelled":
            return "cancelled"
        if self.status == "Completed" or self.phase == "Closed":
            return "completed"
        return "open"


@dataclass(frozen=True)
class ProjectEv:
    bac: float
    pv: float
    ev: float
    ac: float
    is_phased: bool
    state: str  # open / completed / cancelled at the cut-off

    @property
    def is_cancelled(self) -> bool:
        return self.state == "cancelled"


class Exports:
    """The landing folder, read once."""

    def __init__(self, landing: Path) -> None:
        self.fx = {
            (row["Period"], row["From Currency"]): float(row["Average Rate"])
            for row in _csv_rows(landing / "fx", "fx_rates")
            if row["To Currency"] == "USD"
        }
        self.extracts: dict[str, list[Extract]] = defaultdict(list)
        for row in _csv_rows(landing / "projects", "projects"):
            self.extracts[row["Project ID"]].append(
                Extract(
                    extract_date=date.fromisoformat(row["_file"].split("_")[1]),
                    status=row["Status"],
                    phase=row["Phase"],
                    percent_complete=float(row["Percent Complete"]),
                    baseline_start=date.fromisoformat(row["Baseline Start"]),
                    baseline_finish=date.fromisoformat(row["Baseline Finish"]),
                    bac_local=float(row["Budget at Completion"]),
                    currency=row["Currency"],
                )
            )
        for history in self.extracts.values():
            history.sort(key=lambda extract: extract.extract_date)
        self.budget, self.budget_first_month = self._read_budget(landing)
        self.resources = _csv_rows(landing / "resources", "resources")
        self.timesheets = _csv_rows(landing / "timesheets", "timesheets")
        self.gl = _csv_rows(landing / "finance", "gl_actuals")
        # the cut-off: the ledger is closed to the end of its latest period, the timesheets run to
        # the Sunday of their latest week; the last month end both cover
        last_period = max(datetime.strptime(r["Period"], "%Y-%m").date() for r in self.gl)
        ledger = _add_months(last_period, 1) - timedelta(1)
        last_day = max(date.fromisoformat(r["Work Date"]) for r in self.timesheets)
        timesheets = last_day + timedelta(6 - last_day.weekday())
        covered = min(ledger, timesheets)
        self.as_of = _month_start(covered + timedelta(1)) - timedelta(1)
        self.reported = {
            project: [e for e in history if e.extract_date <= self.as_of]
            for project, history in self.extracts.items()
            if history[0].extract_date <= self.as_of
        }

    def usd(self, amount: float, month: date, currency: str) -> float:
        return amount * self.fx[(month.strftime("%Y-%m"), currency)]

    def _read_budget(self, landing: Path) -> tuple[dict[str, dict[date, float]], date]:
        """Finance's Budget sheet: project -> month -> amount in USD (capex + opex)."""
        (path,) = (landing / "finance").glob("finance_plan_FY*.xlsx")
        sheet = openpyxl.load_workbook(path, read_only=True)["Budget"]
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        header = [str(cell) if cell is not None else "" for cell in rows[0]]
        months = {
            i: datetime.strptime(name, "%b-%Y").date()
            for i, name in enumerate(header)
            if name[:3].isalpha() and name[3:4] == "-"
        }
        budget: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
        for row in rows[1:]:
            if not row[0] or str(row[0]).strip().lower() == "total":
                continue
            project, currency = str(row[0]), str(row[3])
            for i, month in months.items():
                budget[project][month] += self.usd(float(str(row[i] or 0)), month, currency)
        return budget, min(months.values())

    def rate_on(self, employee: str, day: date) -> tuple[float, str]:
        """The employee's cost rate valid on the day (the most recently started period wins)."""
        valid = [
            row
            for row in self.resources
            if row["Employee ID"] == employee
            and date.fromisoformat(row["Active From"]) <= day
            and (not row["Active To"] or day <= date.fromisoformat(row["Active To"]))
        ]
        best = max(valid, key=lambda row: row["Active From"])
        return float(best["Cost Rate"]), best["Currency"]


def _linear_pv(bac: float, start: date, finish: date, on: date) -> float:
    duration = max((finish - start).days + 1, 1)
    elapsed = min(max((on - start).days + 1, 0), duration)
    return bac * elapsed / duration


def _project_ev(exports: Exports, project: str) -> ProjectEv:
    """PV, EV and AC of one project at the cut-off, by the documented rules."""
    history = exports.reported[project]
    reporting = history[-1]  # the last extract on or before the cut-off
    basis, measured_on = reporting, exports.as_of
    if reporting.state == "cancelled":
        # frozen at the first extract of the current run of Cancelled extracts
        run_start = len(history) - 1
        while run_start > 0 and history[run_start - 1].state == "cancelled":
            run_start -= 1
        basis = history[run_start]
        measured_on = basis.extract_date
    bac = exports.usd(basis.bac_local, _month_start(basis.extract_date), basis.currency)
    percent = 100.0 if basis.state == "completed" else min(max(basis.percent_complete, 0), 100)
    ev = bac * percent / 100

    first = history[0]
    on_first_baseline = (basis.bac_local, basis.baseline_start, basis.baseline_finish) == (
        first.bac_local,
        first.baseline_start,
        first.baseline_finish,
    )
    # finance phased the first baseline: after a re-baseline PV is the linear current baseline
    phasing = exports.budget.get(project) if on_first_baseline else None
    month_now = _month_start(measured_on)
    year_end = _add_months(exports.budget_first_month, 12)
    workbook_months = exports.budget_first_month <= month_now < year_end
    if phasing and workbook_months:
        # linear-baseline PV on the day before the workbook's year, then the workbook's months;
        # the measurement month's amount accrues evenly over its days
        # shaped by the phasing, sized by the baseline: from the linear PV on the day before the
        # workbook's year to the linear PV at its end, in proportion to the phasing so far
        anchor = exports.budget_first_month
        start_pv = _linear_pv(
            bac, basis.baseline_start, basis.baseline_finish, anchor - timedelta(1)
        )
        end_pv = _linear_pv(
            bac, basis.baseline_start, basis.baseline_finish, year_end - timedelta(1)
        )
        so_far = sum(amount for month, amount in phasing.items() if month < month_now)
        so_far += _month_fraction(measured_on) * phasing.get(month_now, 0.0)
        pv = start_pv + so_far * (end_pv - start_pv) / sum(phasing.values())
    else:
        pv = _linear_pv(bac, basis.baseline_start, basis.baseline_finish, measured_on)

    ac = 0.0  # the closed months: labour by month worked, GL by period, none after the cut-off
    for row in exports.timesheets:
        day = date.fromisoformat(row["Work Date"])
        if row["Project ID"] != project or day > exports.as_of:
            continue
        rate, currency = exports.rate_on(row["Employee ID"], day)
        ac += exports.usd(float(row["Hours"]) * rate, _month_start(day), currency)
    for row in exports.gl:
        period = datetime.strptime(row["Period"], "%Y-%m").date()
        if row["Project ID"] != project or period > exports.as_of:
            continue
        ac += exports.usd(float(row["Amount"]), period, row["Currency"])
    return ProjectEv(bac, pv, ev, ac, bool(phasing), reporting.state)


def _mart_row(warehouse: Path, sql: str, params: list[object]) -> dict[str, Any]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(columns, rows[0], strict=True))


@pytest.fixture(scope="module")
def recomputed(demo_run) -> tuple[Path, Exports, dict[str, ProjectEv]]:
    paths, result = demo_run
    assert result.success
    exports = Exports(paths.landing)
    return paths.warehouse, exports, {p: _project_ev(exports, p) for p in exports.reported}


def _projects_to_check(by_project: dict[str, ProjectEv]) -> list[str]:
    """The open phased project with the most cost, and the open unphased one with the most cost
    (or, when every project is phased, the phased one with the second most cost)."""

    def ranked(phased: bool) -> list[str]:
        candidates = [
            p for p, ev in by_project.items() if ev.is_phased == phased and not ev.is_cancelled
        ]
        candidates = [p for p in candidates if by_project[p].ac > 0 and by_project[p].ev > 0]
        return sorted(candidates, key=lambda p: (-by_project[p].ac, p))

    phased, unphased = ranked(True), ranked(False)
    assert phased, "the demo has no phased project with cost and progress"
    return [phased[0], unphased[0] if unphased else phased[1]]


def test_project_cpi_spi_and_eac_match_a_hand_computation(recomputed) -> None:
    warehouse, _exports, by_project = recomputed
    for project in _projects_to_check(by_project):
        expected = by_project[project]
        cpi, spi = expected.ev / expected.ac, expected.ev / expected.pv
        mart = _mart_row(
            warehouse,
            "select pv_method, bac, pv, ev, ac, cpi, spi, eac_cpi "
            "from marts.fct_project_earned_value where project_id = ?",
            [project],
        )
        assert mart["pv_method"] == ("budget_phasing" if expected.is_phased else "linear_baseline")
        assert float(mart["bac"]) == pytest.approx(expected.bac, rel=REL), project
        assert float(mart["pv"]) == pytest.approx(expected.pv, rel=REL), project
        assert float(mart["ev"]) == pytest.approx(expected.ev, rel=REL), project
        assert float(mart["ac"]) == pytest.approx(expected.ac, rel=REL), project
        assert mart["cpi"] == pytest.approx(cpi, rel=REL), project
        assert mart["spi"] == pytest.approx(spi, rel=REL), project
        assert float(mart["eac_cpi"]) == pytest.approx(expected.bac / cpi, rel=REL), project


def test_the_monthly_mart_agrees_with_the_as_of_mart(recomputed) -> None:
    warehouse, exports, by_project = recomputed
    project = _projects_to_check(by_project)[0]
    mart = _mart_row(
        warehouse,
        "select cpi, spi, eac_cpi, status_date from marts.fct_project_earned_value_monthly "
        "where project_id = ? and is_as_of_month",
        [project],
    )
    expected = by_project[project]
    assert mart["status_date"] == exports.as_of
    assert mart["cpi"] == pytest.approx(expected.ev / expected.ac, rel=REL)
    assert mart["spi"] == pytest.approx(expected.ev / expected.pv, rel=REL)


def test_portfolio_cpi_spi_and_eac_are_ratios_of_sums(recomputed) -> None:
    warehouse, _exports, by_project = recomputed
    total_ev = sum(ev.ev for ev in by_project.values())
    total_ac = sum(ev.ac for ev in by_project.values())
    total_pv = sum(ev.pv for ev in by_project.values())
    # the headline set: active projects only (neither completed nor cancelled)
    active = [ev for ev in by_project.values() if ev.state == "open"]
    bac = sum(ev.bac for ev in active)
    active_cpi = sum(ev.ev for ev in active) / sum(ev.ac for ev in active)
    active_spi = sum(ev.ev for ev in active) / sum(ev.pv for ev in active)
    cancelled = [ev for ev in by_project.values() if ev.is_cancelled]

    mart = _mart_row(
        warehouse,
        "select project_count, active_project_count, cpi, spi, active_bac, active_cpi, "
        "active_spi, eac_cpi, vac, released_budget from marts.fct_portfolio_earned_value_monthly "
        "where rollup_level = 'portfolio_total' and is_as_of_month",
        [],
    )
    assert mart["project_count"] == len(by_project)
    assert mart["active_project_count"] == len(active)
    assert mart["cpi"] == pytest.approx(total_ev / total_ac, rel=REL)
    assert mart["spi"] == pytest.approx(total_ev / total_pv, rel=REL)
    assert float(mart["active_bac"]) == pytest.approx(bac, rel=REL)
    assert mart["active_cpi"] == pytest.approx(active_cpi, rel=REL)
    assert mart["active_spi"] == pytest.approx(active_spi, rel=REL)
    assert float(mart["eac_cpi"]) == pytest.approx(bac / active_cpi, rel=REL)
    assert float(mart["vac"]) == pytest.approx(bac - bac / active_cpi, rel=REL)
    released = sum(ev.bac - ev.ac for ev in cancelled)
    assert float(mart["released_budget"]) == pytest.approx(released, rel=REL, abs=0.01)

    # an average of the projects' CPIs is a different number: the test can tell them apart
    average_cpi = sum(ev.ev / ev.ac for ev in by_project.values() if ev.ac > 0) / sum(
        1 for ev in by_project.values() if ev.ac > 0
    )
    assert average_cpi != pytest.approx(total_ev / total_ac, rel=1e-3)
