"""The whole path on demo data: landing files → raw → gate → dbt marts → HTML report.

Figures are recomputed here from the landing files with the csv module, independently of DuckDB and
dbt, and compared with what the marts say.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.operate.freshness_checks import FRESHNESS_CHECK_NAME
from pipelines.weekly_run import run_pipeline
from tests.pipeline_runs import SMALL_DEMO, RunPaths, mart_snapshot, settings_for


def _csv_rows(folder: Path, prefix: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob(f"{prefix}_*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _query(paths: RunPaths, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_demo_run_materializes_every_asset(demo_run) -> None:
    _paths, result = demo_run
    assert result.success
    for expected in (
        "raw_timesheets",
        "validated_timesheets",
        "marts/fct_project_cost_performance",
        "portfolio_report",
    ):
        assert expected in result.materialized
    # The freshness checks' verdict depends on today (the demo's dates are fixed): they are
    # tested in tests/test_freshness.py; here, that they ran on the raw sources.
    gate_and_dbt = [c for c in result.checks if c[1] != FRESHNESS_CHECK_NAME]
    assert gate_and_dbt and all(passed for _, _, passed in gate_and_dbt)
    fresh = {asset for asset, name, _ in result.checks if name == FRESHNESS_CHECK_NAME}
    assert {"raw_projects", "raw_timesheets", "raw_gl_actuals"} <= fresh


@pytest.mark.parametrize(
    ("folder", "prefix", "table"),
    [
        ("projects", "projects", "projects"),
        ("milestones", "milestones", "milestones"),
        ("resources", "resources", "resources"),
        ("timesheets", "timesheets", "timesheets"),
        ("finance", "gl_actuals", "gl_actuals"),
        ("fx", "fx_rates", "fx_rates"),
    ],
)
def test_raw_row_counts_match_the_exports(demo_run, folder: str, prefix: str, table: str) -> None:
    paths, _ = demo_run
    expected = len(_csv_rows(paths.landing / folder, prefix))
    assert expected > 0
    assert _query(paths, f"select count(*) from raw.{table}")[0][0] == expected


def test_finance_plan_is_unpivoted_to_one_row_per_month_cell(demo_run) -> None:
    paths, _ = demo_run
    (workbook_path,) = (paths.landing / "finance").glob("finance_plan_FY*.xlsx")
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    expected = 0
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        months = sum(
            1
            for cell in rows[0]
            if isinstance(cell, str) and cell[:3].isalpha() and cell[3:4] == "-"
        )
        data = [r for r in rows[1:] if r[0] and str(r[0]).strip().lower() != "total"]
        expected += len(data) * months
    assert _query(paths, "select count(*) from raw.finance_plan")[0][0] == expected


def _rate_to_usd(fx: list[dict[str, str]]) -> dict[tuple[str, str], float]:
    return {
        (r["Period"], r["From Currency"]): float(r["Average Rate"])
        for r in fx
        if r["To Currency"] == "USD"
    }


def _cost_rate_on(resources: list[dict[str, str]], employee: str, day: date) -> tuple[float, str]:
    for row in resources:
        if row["Employee ID"] != employee:
            continue
        start = date.fromisoformat(row["Active From"])
        end = date.fromisoformat(row["Active To"]) if row["Active To"] else date.max
        if start <= day <= end:
            return float(row["Cost Rate"]), row["Currency"]
    raise AssertionError(f"no cost rate for {employee} on {day}")


def test_a_projects_actual_cost_recomputed_by_hand_equals_the_mart(demo_run) -> None:
    paths, _ = demo_run
    timesheets = _csv_rows(paths.landing / "timesheets", "timesheets")
    resources = _csv_rows(paths.landing / "resources", "resources")
    gl = _csv_rows(paths.landing / "finance", "gl_actuals")
    fx = _rate_to_usd(_csv_rows(paths.landing / "fx", "fx_rates"))

    # The project with the most timesheet entries, so labour and non-labour both count.
    entries_per_project: dict[str, int] = defaultdict(int)
    for row in timesheets:
        if row["Project ID"]:
            entries_per_project[row["Project ID"]] += 1
    project = max(entries_per_project, key=lambda p: (entries_per_project[p], p))
    # cost to date runs to the last month both the ledger and the timesheets have closed: the
    # demo's ledger (monthly files) closes before its weekly timesheets end
    last_period = max(row["Period"] for row in gl)
    last_week = max(date.fromisoformat(row["Work Date"]) for row in timesheets)
    assert last_week.strftime("%Y-%m") > last_period  # labour runs past the close

    labour = 0.0
    for row in timesheets:
        if row["Project ID"] != project or row["Work Date"][:7] > last_period:
            continue
        day = date.fromisoformat(row["Work Date"])
        rate, currency = _cost_rate_on(resources, row["Employee ID"], day)
        labour += float(row["Hours"]) * rate * fx[(day.strftime("%Y-%m"), currency)]
    non_labour = sum(
        float(row["Amount"]) * fx[(row["Period"], row["Currency"])]
        for row in gl
        if row["Project ID"] == project
    )
    assert labour > 0

    (mart,) = _query(
        paths,
        "select labour_cost_to_date, non_labour_cost_to_date, actual_cost_to_date "
        "from marts.fct_project_cost_performance where project_id = ?",
        [project],
    )
    labour_mart, non_labour_mart, total_mart = (float(value) for value in mart)
    assert labour_mart == pytest.approx(labour, abs=0.01)
    assert non_labour_mart == pytest.approx(non_labour, abs=0.01)
    assert total_mart == pytest.approx(labour + non_labour, abs=0.01)


def test_the_report_lists_every_project(demo_run) -> None:
    paths, _ = demo_run
    index = paths.reports / "index.html"
    html = index.read_text(encoding="utf-8")
    names = [row[0] for row in _query(paths, "select project_name from marts.dim_projects")]
    assert len(names) == SMALL_DEMO.projects
    for name in names:
        assert name.replace("&", "&amp;") in html


@pytest.mark.slow
def test_a_second_run_through_the_cli_changes_no_mart_and_prints_a_line_per_step(
    published_copy: RunPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run` again on the same landing folder: same marts, and a short, useful console."""
    paths = published_copy
    before = mart_snapshot(paths.warehouse)
    manifest_before = _query(paths, "select count(*) from raw.load_manifest")[0][0]

    assert run_pipeline(settings_for(paths), demo_if_empty=False) == 0

    assert mart_snapshot(paths.warehouse) == before
    assert _query(paths, "select count(*) from raw.load_manifest")[0][0] == manifest_before
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) <= 40, "\n".join(lines)
    steps = [line.strip() for line in lines]
    assert any(line.startswith("gate timesheets: passed (") for line in steps)
    # one ingest step for every source: a line per source with its own seconds, then the step's
    timesheets = r"ingest timesheets: 0 new file\(s\), 0 rows \([\d.]+ s\)"
    assert any(re.fullmatch(timesheets, s) for s in steps), steps
    ingest = r"ingest: (\d+) sources checked, (\d+) with files \([\d.]+ s\)"
    (checked,) = [m.groups() for s in steps if (m := re.fullmatch(ingest, s))]
    assert int(checked[0]) > int(checked[1]) >= 6, checked
    # nothing new: every model and test is kept as the first run built it, and dbt not started
    kept = r"dbt: 0 tables and views built, 0 tests passed; (\d+) tables and views and (\d+) tests"
    (counts,) = [
        m.groups()
        for s in steps
        if (m := re.fullmatch(kept + r" kept \(inputs unchanged\) \([\d.]+ s\)", s))
    ]
    assert int(counts[0]) > 80 and int(counts[1]) > 200, counts
    assert any(re.fullmatch(r"report: \d+ pages written \([\d.]+ s\)", s) for s in steps)
    # Freshness: one line; stale or not depends on today (the demo's dates are fixed).
    fresh = r"freshness: \d+ source\(s\) within their cadence(, \d+ STALE \(see quality.html\))?"
    assert any(re.fullmatch(fresh + r" \([\d.]+ s\)", s) for s in steps), steps
    assert f"  reports:   {paths.reports / 'index.html'}" in lines
    (log_line,) = [line for line in lines if line.startswith("  run log:")]
    log = Path(log_line.split(":", 1)[1].strip()).read_text(encoding="utf-8")
    # The whole event log went to the file, not the console (dbt had nothing to build).
    assert "STEP_SUCCESS" in log and "dbt is not started" in log
