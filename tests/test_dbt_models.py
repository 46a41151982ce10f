"""Build the dbt project on the hand-written raw fixture; check marts against hand-computed values.

Every expected number is derived in the docstring of tests/fixtures/raw_fixture.py. `dbt build` runs
through dbt's Python API against a DuckDB file under tmp_path, with its own target and log folders,
so the tests never touch the project's warehouse or dbt_project/target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.settings import Settings

try:
    from tests.dbt_builds import failed_nodes, run_dbt_build
    from tests.fixtures.raw_fixture import create_raw_fixture, delete_fx_rate
except ModuleNotFoundError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from dbt_builds import failed_nodes, run_dbt_build  # type: ignore[no-redef]
    from fixtures.raw_fixture import create_raw_fixture, delete_fx_rate  # type: ignore[no-redef]

# The fixture's settings: USD, fiscal year from April (Settings' defaults), pinned for every build.
SETTINGS = Settings(reporting_currency="USD", fiscal_year_start_month=4)


def query(warehouse: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse)) as con:
        cursor = con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# The whole project built once (~35 s), the session's dbt unit tests with it.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work_dir = tmp_path_factory.mktemp("dbt_build")
    warehouse = create_raw_fixture(work_dir / "warehouse.duckdb")
    # The session's one run of the dbt unit tests (hand-computed values on fixed inputs).
    result = run_dbt_build(warehouse, work_dir, settings=SETTINGS, unit_tests=True)
    assert result.exception is None, result.exception
    assert result.success, f"dbt build failed: {sorted(failed_nodes(result))}"
    yield warehouse


def test_build_writes_layers_to_their_own_schemas(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse,
        "select table_schema, count(*) as n from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'marts') group by table_schema",
    )
    counts = {row["table_schema"]: row["n"] for row in rows}
    # Every model file becomes one relation in the schema named after its layer folder.
    models = Path(__file__).resolve().parent.parent / "dbt_project" / "models"
    expected = {layer: len(list((models / layer).rglob("*.sql"))) for layer in counts}
    assert set(counts) == {"staging", "intermediate", "marts"}
    assert counts == expected


def test_project_cost_performance_matches_hand_computed_values(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse,
        "select * from marts.fct_project_cost_performance order by project_id",
    )
    by_id = {row["project_id"]: row for row in rows}
    assert list(by_id) == ["PRJ-0001", "PRJ-0002", "PRJ-0003", "PRJ-0004"]

    alpha = by_id["PRJ-0001"]
    assert alpha["project_name"] == "Alpha"  # from the latest extract, not "Alpha (old name)"
    assert alpha["budget_at_completion"] == pytest.approx(100_000)
    # labour 800 (100 USD/h) + 900 (new 120 USD/h rate) + 600 (80 EUR/h x 1.25); GL 1000 - 100
    assert alpha["labour_cost_to_date"] == pytest.approx(2_300)
    assert alpha["non_labour_cost_to_date"] == pytest.approx(900)
    assert alpha["actual_cost_to_date"] == pytest.approx(3_200)
    assert alpha["forecast_variance"] == pytest.approx(-10_000)
    assert alpha["forecast_variance_pct"] == pytest.approx(-10)
    assert alpha["budget_burn_pct"] == pytest.approx(3.2)
    assert alpha["current_fy_budget"] == pytest.approx(15_000)
    assert alpha["current_fy_actual"] == pytest.approx(1_400)
    assert alpha["as_of_date"] == dt.date(2026, 4, 30)  # the cut-off: ledger closed to April
    assert alpha["current_fiscal_year"] == 2026
    assert alpha["reporting_currency"] == "USD"

    beta = by_id["PRJ-0002"]  # EUR project: BAC 40000 x 1.25 (April, the latest extract's month)
    assert beta["budget_at_completion"] == pytest.approx(50_000)
    # 4 h x 80 EUR x 1.5 (March) + 200 EUR x 1.5; the May entry is after the cut-off (since close)
    assert beta["actual_cost_to_date"] == pytest.approx(780)
    assert beta["current_fy_budget"] == pytest.approx(5_000)

    gamma = by_id["PRJ-0003"]  # BAC 0: percentages undefined
    assert gamma["actual_cost_to_date"] == pytest.approx(875)
    assert gamma["forecast_at_completion"] == pytest.approx(3_500)
    assert gamma["forecast_variance_pct"] is None
    assert gamma["budget_burn_pct"] is None

    delta = by_id["PRJ-0004"]  # dropped from the latest extract, kept with its own last extract
    assert delta["is_in_latest_extract"] is False
    assert delta["actual_cost_to_date"] == 0


def test_portfolio_ratios_are_ratios_of_sums(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse, "select * from marts.fct_portfolio_cost_performance order by portfolio"
    )
    by_portfolio = {row["portfolio"]: row for row in rows}
    digital = by_portfolio["Digital"]
    assert digital["project_count"] == 2
    assert digital["budget_at_completion"] == pytest.approx(150_000)
    assert digital["actual_cost_to_date"] == pytest.approx(3_980)
    assert digital["budget_burn_pct"] == pytest.approx(3_980 / 150_000 * 100)
    assert digital["forecast_variance_pct"] == pytest.approx(-5_000 / 150_000 * 100)
    infrastructure = by_portfolio["Infrastructure"]
    assert infrastructure["budget_at_completion"] == pytest.approx(5_000)
    assert infrastructure["forecast_at_completion"] == pytest.approx(8_500)
    assert infrastructure["forecast_variance_pct"] == pytest.approx(-70)
    assert infrastructure["budget_burn_pct"] == pytest.approx(17.5)


def test_labour_is_costed_at_the_rate_valid_on_the_work_date(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse,
        "select entry_id, cost_rate_local, labour_cost, fiscal_year, fiscal_period "
        "from marts.fct_timesheet_entries where entry_id in ('TS-0001', 'TS-0002', 'TS-0003') "
        "order by entry_id",
    )
    assert [(r["entry_id"], r["cost_rate_local"], r["labour_cost"]) for r in rows] == [
        ("TS-0001", 100.0, pytest.approx(800)),
        ("TS-0002", 120.0, pytest.approx(900)),
        ("TS-0003", 80.0, pytest.approx(480)),
    ]
    assert [(r["fiscal_year"], r["fiscal_period"]) for r in rows] == [
        (2025, 12),
        (2026, 1),
        (2025, 12),
    ]


def test_project_costs_by_month(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse,
        "select month_start_date, labour_cost, non_labour_capex_cost, non_labour_opex_cost, "
        "total_cost from marts.fct_project_costs where project_id = 'PRJ-0001' "
        "order by month_start_date",
    )
    assert [tuple(r.values()) for r in rows] == [
        (dt.date(2026, 3, 1), 800.0, 1000.0, 0.0, 1800.0),
        (dt.date(2026, 4, 1), 1500.0, 0.0, -100.0, 1400.0),
    ]


def test_fiscal_calendar_with_april_start(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse,
        "select date_day, fiscal_year, fiscal_quarter, fiscal_period, fiscal_year_label "
        "from marts.dim_dates where date_day in (date '2026-03-31', date '2026-04-01') "
        "order by date_day",
    )
    assert [tuple(r.values()) for r in rows] == [
        (dt.date(2026, 3, 31), 2025, 4, 12, "FY2025"),
        (dt.date(2026, 4, 1), 2026, 1, 1, "FY2026"),
    ]
    bounds = query(
        built_warehouse, "select min(date_day) as lo, max(date_day) as hi from marts.dim_dates"
    )
    assert bounds == [{"lo": dt.date(2025, 4, 1), "hi": dt.date(2028, 3, 31)}]


def test_latest_forecast_flag(built_warehouse: Path) -> None:
    rows = query(
        built_warehouse,
        "select plan_version, is_latest_forecast, amount from marts.fct_budgets "
        "where project_id = 'PRJ-0002'",
    )
    assert sorted(tuple(r.values()) for r in rows) == [
        ("Budget", False, pytest.approx(5_000)),
        ("Forecast Q1", True, pytest.approx(3_750)),
    ]


def test_missing_fx_rate_fails_the_build(tmp_path: Path) -> None:
    warehouse = create_raw_fixture(tmp_path / "warehouse.duckdb")
    # EUR in March 2026 is needed by a timesheet entry and a GL line
    assert delete_fx_rate(warehouse, "2026-03", "EUR") == 1

    # Only what the missing rate reaches (the whole project is built once, above).
    select = ["+fct_timesheet_entries", "+assert_fx_rate_exists_for_every_conversion"]
    result = run_dbt_build(warehouse, tmp_path, select, settings=SETTINGS)

    assert not result.success
    failed = failed_nodes(result)
    assert "assert_fx_rate_exists_for_every_conversion" in failed
    # the model's required-columns test fails and names the column left null
    nulls = [
        r
        for r in result.result or []
        if r.node.name.startswith("not_null_columns_fct_timesheet_entries")
    ]
    assert [str(r.status) for r in nulls] == ["fail"]
    null_columns = {row["column_name"] for row in query(warehouse, nulls[0].node.compiled_code)}
    assert "labour_cost" in null_columns
    # the amount is left null, never converted at an assumed 1.0
    rows = query(
        warehouse,
        "select labour_cost_local, labour_cost from intermediate.int_timesheet_entries_costed "
        "where entry_id = 'TS-0003'",
    )
    assert rows == [{"labour_cost_local": 320.0, "labour_cost": None}]
