"""The quality gate must fail, loudly and precisely, on every kind of bad input.

Each test builds small raw tables in a temporary DuckDB file (good data for all seven sources),
breaks one thing, and checks that the gate fails with a message naming the rule, the landing file
and the line. The tests for errors inside GX, empty tables and empty suites matter most: a gate
that passes because a check could not run is worse than no gate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from pipelines import settings
from pipelines.ingest.sources import (
    LINEAGE_COLUMNS,
    PROJECTS,
    RESOURCE_PLAN,
    TIMESHEETS,
    all_sources,
)
from pipelines.ingest.warehouse_tables import raw_columns
from pipelines.quality import (
    SOURCES,
    RuleFailure,
    RuleResult,
    ValidationOutcome,
    chunking,
    record_outcomes,
    validate_source,
)
from pipelines.quality.assets import build_gate_assets, validated_asset_key
from pipelines.quality.chunking import column_groups, plan_passes
from pipelines.quality.suites import SuiteError, load_suite
from pipelines.quality.tally import RuleTally, exception_messages
from pipelines.quality.validate import _fold_results

LOADED_AT = datetime(2026, 11, 16, 6, 0)
TS_FILE = "timesheets/timesheets_2026-11-09.csv"
GL_FILE = "finance/gl_actuals_2026-10.csv"


# --------------------------------------------------------------------------- raw fixture


def _create(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[object, ...]],
    source_file: str,
    extract_date: date,
) -> None:
    """Create raw.<table> with the contract's columns plus lineage; row i is line i + 2."""
    all_columns = [*columns, *((c.name, c.sql_type) for c in LINEAGE_COLUMNS)]
    ddl = ", ".join(f"{name} {sql_type}" for name, sql_type in all_columns)
    con.execute(f"CREATE OR REPLACE TABLE raw.{table} ({ddl})")
    marks = ", ".join("?" for _ in all_columns)
    con.executemany(
        f"INSERT INTO raw.{table} VALUES ({marks})",
        [
            [*row, source_file, "sha256-demo", line, extract_date, LOADED_AT]
            for line, row in enumerate(rows, start=2)
        ],
    )


PROJECT_COLUMNS = raw_columns(PROJECTS, lineage=False)
TIMESHEET_COLUMNS = raw_columns(TIMESHEETS, lineage=False)


def _project(n: int, category: str, phase: str, status: str, rag: str) -> tuple[object, ...]:
    return (
        f"PRJ-{n:04d}",
        f"Project {n}",
        "Digital",
        "Core",
        "CFO",
        "A. Manager",
        "Retail",
        category,
        "Efficiency",
        phase,
        status,
        rag,
        42.5,
        date(2026, 1, 5),
        date(2026, 12, 18),
        date(2026, 1, 12),
        None,
        150_000.0,
        100_000.0,
        50_000.0,
        160_000.0,
        "EUR",
        3,
        4,
        None,
        5,
        "Y" if n == 1 else "N",
        "PRJ-0001" if n == 2 else None,
        None,
    )


def timesheet_rows(count: int) -> list[tuple[object, ...]]:
    """`count` valid entries: every fourth one BAU time without a project, hours 0..7.75.

    Each employee books one entry a day, going back a day every three entries, so no person-day
    exceeds 24 hours however many rows a test asks for.
    """
    rows: list[tuple[object, ...]] = []
    for i in range(count):
        bau = i % 4 == 3
        rows.append(
            (
                f"TS-{i:06d}",
                ["E001", "E002", "E003"][i % 3],
                date(2026, 11, 13) - timedelta(days=i // 3),
                None if bau else f"PRJ-{i % 3 + 1:04d}",
                "BAU" if bau else "Project",
                (i % 32) / 4,
                "",
            )
        )
    return rows


def create_timesheets(con: duckdb.DuckDBPyConnection, rows: list[tuple[object, ...]]) -> None:
    _create(con, "timesheets", TIMESHEET_COLUMNS, rows, TS_FILE, date(2026, 11, 9))


def build_raw(path: Path) -> duckdb.DuckDBPyConnection:
    """Good data for all seven sources, small enough to read in a failure message."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    _create(
        con,
        "projects",
        PROJECT_COLUMNS,
        [
            _project(1, "Run", "Execution", "Active", "Green"),
            _project(2, "Grow", "Planning", "On Hold", "Amber"),
            _project(3, "Transform", "Closed", "Completed", "Red"),
        ],
        "projects/projects_2026-11-09.csv",
        date(2026, 11, 9),
    )
    _create(
        con,
        "milestones",
        [
            ("project_id", "VARCHAR"),
            ("milestone_id", "VARCHAR"),
            ("milestone_name", "VARCHAR"),
            ("baseline_date", "DATE"),
            ("forecast_date", "DATE"),
            ("actual_date", "DATE"),
        ],
        [
            ("PRJ-0001", "PRJ-0001-M01", "Design", date(2026, 3, 1), date(2026, 3, 8), None),
            ("PRJ-0002", "PRJ-0002-M01", "Build", date(2026, 6, 1), date(2026, 6, 1), None),
        ],
        "milestones/milestones_2026-11-09.csv",
        date(2026, 11, 9),
    )
    _create(
        con,
        "resources",
        [
            ("employee_id", "VARCHAR"),
            ("employee_name", "VARCHAR"),
            ("team", "VARCHAR"),
            ("role", "VARCHAR"),
            ("fte", "DOUBLE"),
            ("weekly_capacity_hours", "DOUBLE"),
            ("cost_rate", "DOUBLE"),
            ("currency", "VARCHAR"),
            ("active_from", "DATE"),
            ("active_to", "DATE"),
        ],
        [
            ("E001", "Ada", "Data", "Engineer", 1.0, 40.0, 80.0, "GBP", date(2025, 1, 1), None),
            ("E002", "Bo", "Apps", "Analyst", 0.5, 20.0, 60.0, "EUR", date(2025, 1, 1), None),
            ("E003", "Cy", "Apps", "Lead", 1.0, 40.0, 90.0, "USD", date(2025, 1, 1), None),
            ("E003", "Cy", "Apps", "Lead", 1.0, 40.0, 95.0, "USD", date(2026, 4, 1), None),
        ],
        "resources/resources_2026-11-09.csv",
        date(2026, 11, 9),
    )
    create_timesheets(con, timesheet_rows(20))
    _create(
        con,
        "gl_actuals",
        [
            ("document_no", "VARCHAR"),
            ("line", "INTEGER"),
            ("posting_date", "DATE"),
            ("period", "VARCHAR"),
            ("cost_centre", "VARCHAR"),
            ("project_id", "VARCHAR"),
            ("wbs_element", "VARCHAR"),
            ("account", "VARCHAR"),
            ("account_name", "VARCHAR"),
            ("capex_opex", "VARCHAR"),
            ("amount", "DOUBLE"),
            ("currency", "VARCHAR"),
        ],
        [
            (
                "D-1",
                1,
                date(2026, 10, 3),
                "2026-10",
                "CC1",
                "PRJ-0001",
                "W1",
                "6100",
                "SW",
                "OPEX",
                1200.0,
                "EUR",
            ),
            (
                "D-1",
                2,
                date(2026, 10, 3),
                "2026-10",
                "CC1",
                "PRJ-0002",
                "W2",
                "1500",
                "HW",
                "CAPEX",
                800.0,
                "EUR",
            ),
            (
                "D-2",
                1,
                date(2026, 10, 9),
                "2026-10",
                "CC2",
                "PRJ-0003",
                "W3",
                "6100",
                "SW",
                "OPEX",
                -150.0,
                "GBP",
            ),
        ],
        GL_FILE,
        date(2026, 10, 31),
    )
    _create(
        con,
        "finance_plan",
        [
            ("project_id", "VARCHAR"),
            ("project_name", "VARCHAR"),
            ("capex_opex", "VARCHAR"),
            ("currency", "VARCHAR"),
            ("plan_version", "VARCHAR"),
            ("fiscal_year", "INTEGER"),
            ("period_month", "DATE"),
            ("amount", "DOUBLE"),
            ("source_sheet", "VARCHAR"),
        ],
        [
            (
                "PRJ-0001",
                "Project 1",
                "CAPEX",
                "EUR",
                "Budget",
                2026,
                date(2026, 4, 1),
                1000.0,
                "Budget",
            ),
            (
                "PRJ-0001",
                "Project 1",
                "OPEX",
                "EUR",
                "Budget",
                2026,
                date(2026, 4, 1),
                500.0,
                "Budget",
            ),
            (
                "PRJ-0001",
                "Project 1",
                "CAPEX",
                "EUR",
                "Forecast Q1",
                2026,
                date(2026, 4, 1),
                900.0,
                "Forecast Q1",
            ),
        ],
        "finance/finance_plan_FY2026.xlsx",
        date(2026, 7, 15),
    )
    _create(
        con,
        "fx_rates",
        [
            ("period", "VARCHAR"),
            ("from_currency", "VARCHAR"),
            ("to_currency", "VARCHAR"),
            ("average_rate", "DOUBLE"),
        ],
        [
            (period, currency, "USD", rate)
            for period in (f"{year}-{month:02d}" for year in (2026, 2027) for month in range(1, 13))
            for currency, rate in (("USD", 1.0), ("EUR", 1.08), ("GBP", 1.27))
        ],
        "fx/fx_rates_all.csv",
        date(2026, 10, 31),
    )
    _create(
        con,
        "resource_plan",
        raw_columns(RESOURCE_PLAN, lineage=False),
        [
            ("PRJ-0001", "Platform", "Engineer", "2026-11", 120.0),
            ("PRJ-0002", "Data", None, "2026-11", 40.0),
        ],
        "resource_plan/resource_plan_2026-11-09.csv",
        date(2026, 11, 9),
    )
    return con


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = build_raw(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def failure(outcome: ValidationOutcome, rule: str) -> RuleFailure:
    matches = [f for f in outcome.failures if f.rule == rule]
    assert matches, f"no failure for rule {rule!r}; got:\n{outcome.message()}"
    return matches[0]


def write_suite(directory: Path, source: str, expectations: list[dict[str, object]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{source}.json"
    for expectation in expectations:  # every rule must say what a failure does; block here
        meta = expectation.get("meta")
        if isinstance(meta, dict):
            meta.setdefault("action", "block")
    document = {"name": source, "expectations": expectations, "meta": {}, "notes": None}
    path.write_text(json.dumps(document), encoding="utf-8")
    return directory


# --------------------------------------------------------------------------- good data


@pytest.mark.parametrize("source", SOURCES)
def test_good_data_passes(con: duckdb.DuckDBPyConnection, source: str) -> None:
    outcome = validate_source(con, source)
    assert outcome.success, outcome.message()
    assert outcome.failures == []
    suite = load_suite(settings.EXPECTATIONS_DIR / f"{source}.json")
    assert outcome.evaluated_expectations == len(suite.rules) > 0
    assert all(result.success for result in outcome.results)


def test_the_shared_raw_fixture_passes(tmp_path: Path) -> None:
    fixture = pytest.importorskip("tests.fixtures.raw_fixture")
    path = fixture.create_raw_fixture(tmp_path / "fixture.duckdb")
    with duckdb.connect(str(path)) as shared:
        for source in SOURCES:
            outcome = validate_source(shared, source)
            assert outcome.success, outcome.message()


def test_good_data_passes_when_chunked(con: duckdb.DuckDBPyConnection) -> None:
    create_timesheets(con, timesheet_rows(75))
    outcome = validate_source(con, "timesheets", chunk_rows=25)
    assert outcome.chunks == 3
    assert outcome.success, outcome.message()


def test_chunks_that_cannot_be_split_fail_their_rules_instead_of_passing(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_timesheets(con, timesheet_rows(75))
    monkeypatch.setattr(chunking, "partition_expression", lambda *_: "no_such_column")
    outcome = validate_source(con, "timesheets", chunk_rows=25)
    assert not outcome.success
    suite = load_suite(settings.EXPECTATIONS_DIR / "timesheets.json")
    unsplit = [f for f in outcome.failures if "splitting into chunks" in f.message()]
    assert {f.rule for f in unsplit} == {rule.name for rule in suite.rules}


def test_every_suite_rule_is_named_and_explained() -> None:
    for source in SOURCES:
        suite = load_suite(settings.EXPECTATIONS_DIR / f"{source}.json")
        assert suite.rules, source
        assert 0 < suite.quarantine_threshold_pct <= 100
        for rule in suite.rules:
            assert rule.name and rule.description, (source, rule.expectation_type)
            assert rule.action in {"block", "quarantine", "warn"}
            if rule.is_schema_check or "type_list" in rule.expectation_type:
                assert rule.action == "block", (source, rule.name)
        types = {rule.expectation_type for rule in suite.rules}
        assert "expect_table_columns_to_match_set" in types, source


@pytest.mark.parametrize(
    ("source", "reference"),
    [
        ("timesheets", "raw.projects"),
        ("timesheets", "raw.resources"),
        ("gl_actuals", "raw.projects"),
        ("milestones", "raw.projects"),
        ("finance_plan", "raw.projects"),
        ("resource_plan", "raw.projects"),
    ],
)
def test_referential_rules_read_the_reference_table_in_sql(source: str, reference: str) -> None:
    # A reference set handed to GX as a value set cost seconds per chunk at 20,000 ids; the
    # lookup is a derived column instead, and the rule checks that no row has an unknown id.
    suite = load_suite(settings.EXPECTATIONS_DIR / f"{source}.json")
    lookups = [
        name
        for name, sql in suite.derived_columns.items()
        if name.startswith("unknown_") and f"from {reference} " in sql
    ]
    checked = {
        rule.columns[0]
        for rule in suite.rules
        if rule.expectation_type == "expect_column_values_to_be_null"
    }
    assert lookups and set(lookups) <= checked


def test_each_gate_waits_for_the_gates_of_the_tables_its_suite_reads() -> None:
    # A derived column reads other raw tables (the known projects, the HR names): their gates
    # must run first, or a project quarantined this run would still count as known.
    sources = all_sources()
    gates = {asset.key: asset for asset in build_gate_assets(sources)}
    for spec in sources:
        suite = load_suite(settings.EXPECTATIONS_DIR / f"{spec.name}.json")
        read = {
            table
            for sql in suite.derived_columns.values()
            for table in re.findall(r"\braw\.([a-z_]+)", sql)
        } - {spec.name}
        waits_for = set(gates[validated_asset_key(spec.name)].dependency_keys)
        assert {validated_asset_key(table) for table in read} <= waits_for, spec.name


def test_suite_with_a_run_time_parameter_is_rejected(tmp_path: Path) -> None:
    document = json.loads((settings.EXPECTATIONS_DIR / "timesheets.json").read_text())
    document["expectations"].append(
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "project_id", "value_set": {"$PARAMETER": "known_project_ids"}},
            "meta": {"rule": "old style reference", "action": "quarantine", "description": "x"},
        }
    )
    path = tmp_path / "timesheets.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SuiteError, match="run-time parameter 'known_project_ids'"):
        load_suite(path)


# --------------------------------------------------------------------------- bad data


def test_hours_over_24_fail_with_file_line_and_rule(con: duckdb.DuckDBPyConnection) -> None:
    # Lines 14 and 15 of the file are rows 12 and 13 (the header is line 1).
    con.execute("UPDATE raw.timesheets SET hours = 27 WHERE source_row IN (14, 15)")
    outcome = validate_source(con, "timesheets")
    assert not outcome.success
    hours = failure(outcome, "hours per person per day at most 24")
    assert hours.unexpected_count == 2
    assert hours.sample[0] == {"source_file": TS_FILE, "source_row": 14, "value": 27.0}
    assert hours.message() == (
        'raw.timesheets failed rule "hours per person per day at most 24" '
        "(expect_column_values_to_be_between on person_day_hours): 2 rows, "
        f"e.g. {TS_FILE} line 14 value 27.0; {TS_FILE} line 15 value 27.0"
    )
    assert [f.rule for f in outcome.failures] == ["hours per person per day at most 24"]


def test_duplicate_entry_id_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.timesheets SET entry_id = 'TS-000001' WHERE source_row = 9")
    outcome = validate_source(con, "timesheets")
    dup = failure(outcome, "entry_id unique within a load")
    assert dup.unexpected_count == 2
    assert {row["source_row"] for row in dup.sample} == {3, 9}
    value = f'(entry_id="TS-000001", source_file="{TS_FILE}", source_file_hash="sha256-demo")'
    assert f"{TS_FILE} line 3 value {value}" in dup.message()


def test_same_key_in_a_re_sent_file_passes(con: duckdb.DuckDBPyConnection) -> None:
    # A corrected week re-sent under the same name is a second load of the same entries; the
    # marts keep the latest load, so the gate must not block it.
    con.execute(
        "INSERT INTO raw.timesheets SELECT * REPLACE ('sha256-resent' AS source_file_hash) "
        "FROM raw.timesheets"
    )
    outcome = validate_source(con, "timesheets")
    assert outcome.success, outcome.message()


def test_duplicate_compound_key_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.gl_actuals SET document_no = 'D-1', line = 1 WHERE source_row = 4")
    outcome = validate_source(con, "gl_actuals")
    dup = failure(outcome, "(document_no, line) unique within a load")
    assert dup.column == "(document_no, line, source_file, source_file_hash)"
    assert dup.unexpected_count == 2
    value = f'(document_no="D-1", line=1, source_file="{GL_FILE}", source_file_hash="sha256-demo")'
    assert f"{GL_FILE} line 2 value {value}" in dup.message()
    assert "expect_compound_columns_to_be_unique on (document_no, line, " in dup.message()


@pytest.mark.parametrize(
    ("source", "source_file", "line"),
    [
        ("timesheets", TS_FILE, 3),
        ("gl_actuals", GL_FILE, 3),
        ("milestones", "milestones/milestones_2026-11-09.csv", 3),
        ("finance_plan", "finance/finance_plan_FY2026.xlsx", 3),
    ],
)
def test_unknown_project_id_fails(
    con: duckdb.DuckDBPyConnection, source: str, source_file: str, line: int
) -> None:
    con.execute(f"UPDATE raw.{source} SET project_id = 'PRJ-9999' WHERE source_row = {line}")
    outcome = validate_source(con, source)
    unknown = failure(outcome, "project_id is a known project")
    assert unknown.unexpected_count == 1
    assert unknown.message().endswith(f'1 row, e.g. {source_file} line {line} value "PRJ-9999"')


def test_unknown_employee_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.timesheets SET employee_id = 'E404' WHERE source_row = 5")
    outcome = validate_source(con, "timesheets")
    unknown = failure(outcome, "employee_id is a known employee")
    assert unknown.sample == [{"source_file": TS_FILE, "source_row": 5, "value": "E404"}]


def test_null_key_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.projects SET project_id = NULL WHERE source_row = 3")
    outcome = validate_source(con, "projects")
    null = failure(outcome, "project_id not null")
    assert null.unexpected_count == 1
    assert "projects/projects_2026-11-09.csv line 3 value null" in null.message()


def test_value_outside_domain_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.projects SET reported_rag = 'Purple', risk_score = 7")
    outcome = validate_source(con, "projects")
    assert failure(outcome, "reported_rag in Green/Amber/Red").unexpected_count == 3
    assert failure(outcome, "risk_score within 1..5").unexpected_count == 3


def test_project_time_without_project_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.timesheets SET project_id = NULL WHERE source_row = 2")
    con.execute("UPDATE raw.timesheets SET project_id = 'PRJ-0001' WHERE source_row = 5")
    outcome = validate_source(con, "timesheets")
    assert failure(outcome, "project time names a project").sample[0]["source_row"] == 2
    assert failure(outcome, "only project time names a project").sample[0]["source_row"] == 5


def test_missing_column_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE raw.timesheets DROP COLUMN hours")
    outcome = validate_source(con, "timesheets")
    assert not outcome.success
    columns = failure(outcome, "required columns present")
    assert "missing columns hours" in columns.message()
    between = failure(outcome, "hours not negative")
    assert between.errored
    assert "column hours does not exist in raw.timesheets" in between.message()
    # The other rules still ran and passed.
    passed = {"entry_id unique within a load", "work_date not null"}
    assert not {f.rule for f in outcome.failures} & passed


def test_empty_table_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM raw.timesheets")
    outcome = validate_source(con, "timesheets")
    assert not outcome.success
    empty = failure(outcome, "table not empty")
    assert empty.message() == (
        'raw.timesheets failed rule "table not empty": raw.timesheets has 0 rows: '
        "an empty extract is not valid data"
    )
    assert outcome.failures == [empty]


def test_missing_table_fails(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE raw.fx_rates")
    outcome = validate_source(con, "fx_rates")
    assert not outcome.success
    assert "raw.fx_rates does not exist" in failure(outcome, "table exists").message()


def test_suite_with_zero_expectations_fails(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    directory = write_suite(tmp_path / "expectations", "timesheets", [])
    outcome = validate_source(con, "timesheets", expectations_dir=directory)
    assert not outcome.success
    assert outcome.evaluated_expectations == 0
    assert "defines no expectations" in failure(outcome, "suite has expectations").message()


def test_missing_suite_file_fails(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    outcome = validate_source(con, "timesheets", expectations_dir=tmp_path)
    assert not outcome.success
    assert "does not exist" in failure(outcome, "suite file valid").message()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"name": "timesheets"}),
        json.dumps({"name": "t", "expectations": [{"type": "expect_no_such_thing", "kwargs": {}}]}),
        json.dumps(
            {
                "name": "t",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}}
                ],
            }
        ),
        json.dumps(
            {
                "name": "t",
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "hours"},
                        "meta": {"rule": "hours present"},
                    }
                ],
            }
        ),
        json.dumps(
            {
                "name": "t",
                "expectations": [
                    {
                        "type": "expect_table_columns_to_match_set",
                        "kwargs": {"column_set": ["hours"], "exact_match": False},
                        "meta": {"rule": "columns", "action": "quarantine"},
                    }
                ],
            }
        ),
        json.dumps(
            {
                "name": "t",
                "meta": {"quarantine_threshold_pct": 150},
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "hours"},
                        "meta": {"rule": "hours present", "action": "quarantine"},
                    }
                ],
            }
        ),
    ],
    ids=[
        "bad-json",
        "no-expectations-key",
        "unknown-type",
        "no-rule-name",
        "no-action",
        "schema-check-cannot-quarantine",
        "threshold-out-of-range",
    ],
)
def test_invalid_suite_fails(con: duckdb.DuckDBPyConnection, tmp_path: Path, content: str) -> None:
    (tmp_path / "timesheets.json").write_text(content, encoding="utf-8")
    outcome = validate_source(con, "timesheets", expectations_dir=tmp_path)
    assert not outcome.success
    assert failure(outcome, "suite file valid").errored


def test_expectation_that_raises_inside_gx_fails(con: duckdb.DuckDBPyConnection) -> None:
    # Hours loaded as text: GX's between check raises comparing strings with numbers.
    con.execute("ALTER TABLE raw.timesheets ALTER hours TYPE VARCHAR")
    outcome = validate_source(con, "timesheets")
    assert not outcome.success
    between = failure(outcome, "hours not negative")
    assert between.errored
    assert "raised an error instead of running" in between.message()
    numeric = failure(outcome, "hours is numeric")
    assert "column type is str, expected one of float64" in numeric.message()


def test_gx_result_with_exception_counts_as_failure_even_if_marked_success(
    con: duckdb.DuckDBPyConnection,
) -> None:
    suite = load_suite(settings.EXPECTATIONS_DIR / "timesheets.json")
    rule = next(r for r in suite.rules if r.name == "hours not negative")
    frame = pd.DataFrame({"hours": [1.0]})
    shapes: list[dict[str, object]] = [
        {"raised_exception": True, "exception_message": "boom", "exception_traceback": "tb"},
        {"MetricConfigurationID(x)": {"exception_message": "boom", "exception_traceback": "tb"}},
    ]
    for info in shapes:
        assert exception_messages(info) == ["boom"]
        tally = RuleTally(source="timesheets", rule=rule)
        tally.add_gx_result(SimpleNamespace(success=True, result={}, exception_info=info), frame)
        result = tally.to_result()
        assert not result.success
        assert result.failure is not None and "boom" in result.failure.message()
    # A result without a verdict is not a pass either.
    tally = RuleTally(source="timesheets", rule=rule)
    tally.add_gx_result(SimpleNamespace(success=None, result={}, exception_info={}), frame)
    assert not tally.to_result().success


def test_rule_missing_from_gx_results_fails() -> None:
    suite = load_suite(settings.EXPECTATIONS_DIR / "timesheets.json")
    tallies = {rule.name: RuleTally(source="timesheets", rule=rule) for rule in suite.rules}
    _fold_results(SimpleNamespace(results=[]), pd.DataFrame(), list(tallies), tallies, "chunk 1")
    results = [tally.to_result() for tally in tallies.values()]
    assert results and not any(result.success for result in results)
    assert results[0].failure is not None
    assert "returned no result" in results[0].failure.message()


def test_outcome_cannot_pass_with_failures_or_nothing_evaluated() -> None:
    bad = RuleFailure("timesheets", "r", "t", None, 1)
    with pytest.raises(ValueError):
        ValidationOutcome("timesheets", True, 3, [bad], [])
    with pytest.raises(ValueError):
        ValidationOutcome("timesheets", True, 0, [], [])


def test_gate_that_crashes_reports_failure(tmp_path: Path) -> None:
    closed = duckdb.connect(str(tmp_path / "closed.duckdb"))
    closed.close()
    outcome = validate_source(closed, "timesheets")
    assert not outcome.success
    assert "the quality gate could not run" in failure(outcome, "quality gate ran").message()


def test_chunk_rows_must_be_positive(con: duckdb.DuckDBPyConnection) -> None:
    outcome = validate_source(con, "timesheets", chunk_rows=0)
    assert not outcome.success
    assert "chunk_rows must be at least 1" in outcome.message()


def test_referential_rule_fails_when_reference_table_is_missing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("DROP TABLE raw.projects")
    outcome = validate_source(con, "timesheets")
    unknown = failure(outcome, "project_id is a known project")
    assert unknown.errored
    assert "derived column unknown_project_id could not be computed" in unknown.message()
    assert "projects does not exist" in unknown.message()
    # Only the rules reading the broken column fail: the other derived columns still check.
    con.execute("UPDATE raw.timesheets SET employee_id = 'E404' WHERE source_row = 5")
    outcome = validate_source(con, "timesheets")
    unknown_employee = failure(outcome, "employee_id is a known employee")
    assert not unknown_employee.errored
    assert unknown_employee.sample == [{"source_file": TS_FILE, "source_row": 5, "value": "E404"}]
    broken = failure(outcome, "derived columns computed").message()
    assert "unknown_project_id: " in broken and "person_day_hours" not in broken


# --------------------------------------------------------------------------- chunking


def test_chunking_finds_duplicate_split_across_naive_chunks(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = timesheet_rows(120)
    rows[-1] = (rows[0][0], *rows[-1][1:])  # the last entry repeats the first entry's id
    create_timesheets(con, rows)
    chunk_rows = 40
    # In file order the two copies are 119 rows apart: naive chunks would separate them.
    assert 0 // chunk_rows != (len(rows) - 1) // chunk_rows
    outcome = validate_source(con, "timesheets", chunk_rows=chunk_rows)
    assert outcome.chunks == 3
    dup = failure(outcome, "entry_id unique within a load")
    assert dup.unexpected_count == 2
    assert sorted(row["source_row"] or 0 for row in dup.sample) == [2, len(rows) + 1]
    assert [f.rule for f in outcome.failures] == ["entry_id unique within a load"]


def test_chunked_counts_match_single_chunk(con: duckdb.DuckDBPyConnection) -> None:
    create_timesheets(con, timesheet_rows(500))
    con.execute("UPDATE raw.timesheets SET hours = 30 WHERE source_row % 7 = 0")
    con.execute("UPDATE raw.timesheets SET employee_id = 'E404' WHERE source_row % 11 = 0")
    con.execute("UPDATE raw.timesheets SET entry_id = 'TS-000000' WHERE source_row % 50 = 0")
    whole = validate_source(con, "timesheets")
    chunked = validate_source(con, "timesheets", chunk_rows=170)
    assert whole.chunks == 1 and chunked.chunks == 3
    counts = {f.rule: f.unexpected_count for f in whole.failures}
    assert counts == {f.rule: f.unexpected_count for f in chunked.failures}
    assert counts["hours per person per day at most 24"] == 71
    assert counts["employee_id is a known employee"] == 45
    assert counts["entry_id unique within a load"] == 11


def test_a_derived_column_named_like_a_raw_column_fails_its_rules(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # DuckDB would rename the derived column (hours_1) and the rule would check raw hours.
    document = json.loads((settings.EXPECTATIONS_DIR / "timesheets.json").read_text())
    document["meta"]["derived_columns"]["hours"] = "r.hours - 100"
    (tmp_path / "timesheets.json").write_text(json.dumps(document))
    outcome = validate_source(con, "timesheets", expectations_dir=tmp_path)
    failed = {f.rule: f for f in outcome.failures}
    assert (
        "its name is a column of raw.timesheets" in failed.pop("derived columns computed").message()
    )
    # Only the rules on that column fail, and as not run; every other rule still checked.
    assert "hours not negative" in failed
    assert all(f.errored and f.column == "hours" for f in failed.values())


def test_rule_that_cannot_be_chunked_fails_instead_of_guessing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    mean = {
        "type": "expect_column_mean_to_be_between",
        "kwargs": {"column": "hours", "min_value": 0, "max_value": 24},
        "meta": {"rule": "mean hours plausible"},
    }
    directory = write_suite(tmp_path, "timesheets", [mean])
    assert validate_source(con, "timesheets", expectations_dir=directory).success
    chunked = validate_source(con, "timesheets", chunk_rows=5, expectations_dir=directory)
    assert not chunked.success
    assert "cannot be evaluated exactly over 4 chunks" in chunked.message()


def test_every_rule_rides_in_the_pass_of_the_only_key() -> None:
    # References to other tables are derived columns, so they need no pass (and no copy of the
    # table) of their own: one pass, partitioned by the key.
    suite = load_suite(settings.EXPECTATIONS_DIR / "timesheets.json")
    (only,) = plan_passes(suite.rules, 4, [])
    assert only.partition == ("entry_id", "source_file", "source_file_hash")
    assert len(only.rules) == len(suite.rules)


def test_unrelated_keys_get_their_own_pass_and_a_wider_key_shares_one() -> None:
    suite = load_suite(settings.EXPECTATIONS_DIR / "timesheets.json")
    key = next(r for r in suite.rules if r.unique_key)
    per_person = replace(key, name="one row per person", columns=("employee_id",))
    per_person_day = replace(key, name="one per person-day", columns=("employee_id", "work_date"))
    passes = plan_passes([*suite.rules, per_person_day, per_person], 4, [])
    assert [p.partition for p in passes] == [("employee_id",), key.columns]
    assert passes[0].rules[:2] == [per_person, per_person_day]
    assert sum(len(p.rules) for p in passes) == len(suite.rules) + 2


def test_each_rule_is_handed_only_the_columns_it_reads() -> None:
    suite = load_suite(settings.EXPECTATIONS_DIR / "timesheets.json")
    table = ["entry_id", "employee_id", "work_date", "project_id", "time_category", "hours"]
    table += ["comment", "source_file", "source_file_hash", "source_row", "extract_date"]
    table += ["loaded_at", "person_day_hours", "latest_allowed_work_date"]
    table += ["has_fx_rate", "work_date_plausible", "_gate_rowid"]
    (first, *_) = plan_passes(suite.rules, 4, table)
    groups = dict(column_groups(first, table))
    assert sum(len(rules) for rules in groups.values()) == len(first.rules)
    # The schema check sees every column.
    assert [r.name for r in groups[None]] == ["required columns present"]
    by_rule = {r.name: columns for columns, rules in groups.items() for r in rules}
    # A row condition's column goes with the rule; nothing else does.
    assert by_rule["project time names a project"] == ("project_id", "time_category")
    assert by_rule["hours not negative"] == ("hours",)
    assert by_rule["work_date not after the file's week"] == (
        "work_date",
        "latest_allowed_work_date",
    )


# --------------------------------------------------------------------------- audit & output


def test_record_outcomes_writes_one_row_per_rule(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.timesheets SET hours = 27 WHERE source_row = 14")
    outcomes = [validate_source(con, "timesheets"), validate_source(con, "fx_rates")]
    written = record_outcomes(con, outcomes, run_id="run-1")
    assert written == sum(len(o.results) for o in outcomes)
    rows = con.execute(
        "SELECT source, success, unexpected_count, sample_json, message "
        "FROM audit.quality_results WHERE run_id = 'run-1' AND NOT success"
    ).fetchall()
    assert len(rows) == 1
    source, _, count, sample_json, message = rows[0]
    assert (source, count) == ("timesheets", 1)
    assert json.loads(sample_json) == [{"source_file": TS_FILE, "source_row": 14, "value": 27.0}]
    assert 'failed rule "hours per person per day at most 24"' in message
    record_outcomes(con, outcomes[:1], run_id="run-2")  # appends to the existing table
    runs = con.execute("SELECT count(DISTINCT run_id) FROM audit.quality_results").fetchone()
    assert runs == (2,)


def test_gate_failures_are_audited(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM raw.fx_rates")
    record_outcomes(con, [validate_source(con, "fx_rates")], run_id="run-empty")
    rules = con.execute(
        "SELECT rule FROM audit.quality_results WHERE NOT success AND run_id = 'run-empty'"
    ).fetchall()
    assert rules == [("table not empty",)]


def test_no_progress_bars_in_output(
    con: duckdb.DuckDBPyConnection, capfd: pytest.CaptureFixture[str]
) -> None:
    validate_source(con, "timesheets")
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out


def test_results_are_plain_data(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.milestones SET milestone_id = 'PRJ-0001-M01'")
    outcome = validate_source(con, "milestones")
    dup = failure(outcome, "(milestone_id, extract_date) unique within a load")
    assert dup.sample[0]["value"] == {
        "milestone_id": "PRJ-0001-M01",
        "extract_date": "2026-11-09",
        "source_file": "milestones/milestones_2026-11-09.csv",
        "source_file_hash": "sha256-demo",
    }
    assert isinstance(outcome.results[0], RuleResult)
    json.dumps([f.sample for f in outcome.failures])
