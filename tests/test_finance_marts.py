"""The finance marts against the raw export files, recomputed without DuckDB or dbt.

A portfolio's current-fiscal-year budget is rebuilt from the finance workbook's `Budget` sheet
(openpyxl), the projects extracts and treasury's FX file (csv module), then compared with
`marts.fct_financial_performance_by_dimension`; the roll-up's `total` row must equal the sum of its
portfolio rows.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.settings import Settings
from tests.pipeline_runs import RunPaths

_MONEY_TOLERANCE = 0.01


def _csv_rows(folder: Path, prefix: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob(f"{prefix}_*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _query(paths: RunPaths, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _latest_portfolios(projects_dir: Path) -> tuple[dict[str, str], date]:
    """Each project's portfolio in the newest extract it appears in, and the newest extract date
    (the marts' as-of date)."""
    portfolios: dict[str, str] = {}
    newest = date.min
    for path in sorted(projects_dir.glob("projects_*.csv")):  # YYYY-MM-DD names sort by date
        newest = max(newest, date.fromisoformat(path.stem.removeprefix("projects_")))
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                portfolios[row["Project ID"]] = row["Portfolio"]
    return portfolios, newest


def _fiscal_year(day: date, start_month: int) -> int:
    return day.year - (1 if day.month < start_month else 0)


def _rates(fx_dir: Path, reporting_currency: str) -> dict[tuple[str, str], float]:
    return {
        (row["Period"], row["From Currency"]): float(row["Average Rate"])
        for row in _csv_rows(fx_dir, "fx_rates")
        if row["To Currency"] == reporting_currency
    }


def _budget_by_project(
    workbook_path: Path, rates: dict[tuple[str, str], float]
) -> dict[str, float]:
    """The `Budget` sheet converted to the reporting currency at each month's average rate:
    header on row 4, data from row 5, a final `Total` row, empty cells = 0."""
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    rows = list(workbook["Budget"].iter_rows(min_row=4, values_only=True))
    header = [str(cell) if cell is not None else "" for cell in rows[0]]
    month_columns = {
        index: datetime.strptime(name, "%b-%Y").strftime("%Y-%m")
        for index, name in enumerate(header)
        if name[:3].isalpha() and name[3:4] == "-"
    }
    project_col, currency_col = header.index("Project ID"), header.index("Currency")
    budgets: dict[str, float] = defaultdict(float)
    for row in rows[1:]:
        project = row[project_col]
        if not project or str(project).strip().lower() == "total":
            continue
        currency = str(row[currency_col])
        for index, period in month_columns.items():
            value = row[index]
            if isinstance(value, int | float):
                budgets[str(project)] += value * rates[(period, currency)]
            else:
                assert value is None, f"unexpected cell {value!r} for {project} {period}"
    return dict(budgets)


def test_a_portfolios_budget_recomputed_from_the_workbook_equals_the_mart(demo_run) -> None:
    paths, _ = demo_run
    settings = Settings()  # the settings tests/pipeline_runs.py runs with
    portfolios, as_of = _latest_portfolios(paths.landing / "projects")
    fiscal_year = _fiscal_year(as_of, settings.fiscal_year_start_month)
    workbook_path = paths.landing / "finance" / f"finance_plan_FY{fiscal_year}.xlsx"
    budgets = _budget_by_project(
        workbook_path, _rates(paths.landing / "fx", settings.reporting_currency)
    )

    by_portfolio: dict[str, float] = defaultdict(float)
    for project, amount in budgets.items():
        by_portfolio[portfolios[project]] += amount
    # The portfolio with the largest budget, so the comparison is about a real amount.
    portfolio = max(by_portfolio, key=lambda name: (by_portfolio[name], name))
    assert by_portfolio[portfolio] > 0

    ((mart_fiscal_year, mart_budget),) = _query(
        paths,
        "select fiscal_year, budget_fy from marts.fct_financial_performance_by_dimension "
        "where dimension = 'portfolio' and dimension_value = ?",
        [portfolio],
    )
    assert mart_fiscal_year == fiscal_year
    assert float(mart_budget) == pytest.approx(by_portfolio[portfolio], abs=_MONEY_TOLERANCE)

    # Every budgeted project is in the project master, so the total is the workbook's total.
    ((total_budget,),) = _query(
        paths,
        "select budget_fy from marts.fct_financial_performance_by_dimension "
        "where dimension = 'total'",
    )
    assert float(total_budget) == pytest.approx(sum(budgets.values()), abs=_MONEY_TOLERANCE)


_ROLLED_UP_COLUMNS = (
    "project_count",
    "budget_fy",
    "forecast_fy",
    "budget_ytd",
    "forecast_ytd",
    "actual_ytd",
    "budget_at_completion",
    "actual_cost_to_date",
)


def test_the_total_row_equals_the_sum_of_the_portfolio_rows(demo_run) -> None:
    paths, _ = demo_run
    columns = ", ".join(_ROLLED_UP_COLUMNS)
    table = "marts.fct_financial_performance_by_dimension"
    portfolio_rows = _query(paths, f"select {columns} from {table} where dimension = 'portfolio'")
    (total_row,) = _query(paths, f"select {columns} from {table} where dimension = 'total'")
    assert len(portfolio_rows) > 1

    for position, column in enumerate(_ROLLED_UP_COLUMNS):
        summed = sum((Decimal(row[position]) for row in portfolio_rows), Decimal(0))
        assert total_row[position] is not None, column
        # Exact: the money columns are decimals, so the sum of the parts is the total.
        assert Decimal(total_row[position]) == summed, column

    ((project_count,),) = _query(paths, "select count(*) from marts.dim_projects")
    assert total_row[0] == project_count
