"""Finance's workbook for the current fiscal year: the annual budget and each quarterly re-forecast.

The budget phases each known project's approved budget evenly (by days) over its baseline months.
A re-forecast keeps the closed months as actuals (labour and non-labour) and spreads what the
project manager still expects to spend over the months to the forecast finish. Finance sends one
workbook, re-saved each quarter, so every sheet carries the same "Prepared" date: the day of the
latest re-forecast (the ingest takes the file's extract date from it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from pipelines.demo.dates import (
    Window,
    days_overlap,
    month_end,
    month_header,
    month_start,
    to_business_day,
    week_of,
)
from pipelines.demo.projects import Project
from pipelines.demo.status import state_at
from pipelines.demo.writer import WrittenFile, save_workbook

FIXED_COLUMNS: tuple[str, ...] = ("Project ID", "Project Name", "Capex/Opex", "Currency")


@dataclass(frozen=True)
class PlanVersion:
    sheet: str
    title: str
    prepared: date
    quarter: int  # 0 for the budget


def plan_versions(window: Window) -> list[PlanVersion]:
    months = window.fiscal_months
    fy = window.fiscal_year
    budget_day = to_business_day(month_start(months[0]) - timedelta(days=20))
    versions = [PlanVersion("Budget", f"FY{fy} Annual Budget", budget_day, 0)]
    for quarter in range(1, window.completed_quarters + 1):
        quarter_end = month_end(months[3 * quarter - 1])
        prepared = min(to_business_day(quarter_end + timedelta(days=12)), window.as_of)
        versions.append(
            PlanVersion(f"Forecast Q{quarter}", f"FY{fy} Forecast Q{quarter}", prepared, quarter)
        )
    return versions


def _spread(amount: float, first: date, last: date, months: list[int]) -> list[float]:
    """`amount` spread over [first, last] by days, returned for the given months only."""
    total_days = (last - first).days + 1
    if total_days <= 0 or amount <= 0:
        return [0.0] * len(months)
    return [amount * days_overlap(first, last, month) / total_days for month in months]


def _budget_lines(project: Project, version: PlanVersion, months: list[int]) -> list[list[float]]:
    state = state_at(project, week_of(version.prepared))
    if state.status == "Cancelled":
        return []
    capex = _spread(state.capex_budget, project.baseline_start, state.baseline_finish, months)
    opex = _spread(
        state.bac - state.capex_budget, project.baseline_start, state.baseline_finish, months
    )
    return [capex, opex]


def _forecast_lines(project: Project, version: PlanVersion, months: list[int]) -> list[list[float]]:
    state = state_at(project, week_of(version.prepared))
    closed_through = months[3 * version.quarter - 1]
    capex: list[float] = []
    opex: list[float] = []
    for month in months:
        if month > closed_through:
            capex.append(0.0)
            opex.append(0.0)
            continue
        labour = project.labour_by_month.get(month, 0.0)
        non_labour_capex, non_labour_opex = project.non_labour_monthly.get(month, (0.0, 0.0))
        capex.append(non_labour_capex + labour * project.capex_share)
        opex.append(non_labour_opex + labour * (1 - project.capex_share))
    if state.status not in ("Completed", "Cancelled"):
        spent = sum(v for m, v in project.labour_by_month.items() if m <= closed_through) + sum(
            c + o for m, (c, o) in project.non_labour_monthly.items() if m <= closed_through
        )
        remaining = max(0.0, state.fac - spent)
        first = max(month_start(closed_through + 1), state.forecast_start)
        last = max(state.forecast_finish, first)
        future = _spread(remaining, first, last, months)
        for i, amount in enumerate(future):
            capex[i] += amount * project.capex_share
            opex[i] += amount * (1 - project.capex_share)
    return [capex, opex]


def _sheet_rows(
    projects: list[Project], version: PlanVersion, months: list[int]
) -> Iterator[list[object]]:
    fiscal_first, fiscal_last = month_start(months[0]), month_end(months[-1])
    for project in projects:
        if project.created > version.prepared:
            # Not in the PPM tool yet. Finance still plans most of the demand due to start this
            # year (its pipeline) at the planned budget; the rest is unbudgeted in-year demand.
            planned_in_year = fiscal_first <= project.baseline_start <= fiscal_last
            if not planned_in_year or project.noise_seed % 4 == 0:
                continue
        if version.quarter == 0:
            lines = _budget_lines(project, version, months)
        else:
            lines = _forecast_lines(project, version, months)
        for label, values in zip(("CAPEX", "OPEX"), lines, strict=False):
            amounts = [round(value) for value in values]
            if not any(amounts):
                continue
            yield [
                project.project_id,
                project.name,
                label,
                project.currency,
                *[amount if amount else None for amount in amounts],  # finance leaves 0 blank
                sum(amounts),
            ]


def write_finance_plan(landing_dir: Path, projects: list[Project], window: Window) -> WrittenFile:
    months = window.fiscal_months
    versions = plan_versions(window)
    stamp = versions[-1].prepared
    header = [*FIXED_COLUMNS, *(month_header(month) for month in months), "FY Total"]
    workbook = Workbook(write_only=True)
    data_rows = 0
    for version in versions:
        sheet = workbook.create_sheet(version.sheet)
        sheet.append([version.title])
        sheet.append([f"Prepared {stamp.isoformat()}"])
        sheet.append([])
        sheet.append(header)
        totals = [0] * (len(months) + 1)
        for row in _sheet_rows(projects, version, months):
            sheet.append(row)
            data_rows += 1
            for i, value in enumerate(row[len(FIXED_COLUMNS) :]):
                totals[i] += value if isinstance(value, int) else 0
        sheet.append(["Total", None, None, None, *totals])
    relative = f"finance/finance_plan_FY{window.fiscal_year}.xlsx"
    save_workbook(workbook, landing_dir / relative, stamp)
    return WrittenFile("finance_plan", relative, data_rows)
