"""Harvest and Clockify exports through their profiles, gates and dbt into the timesheets.

The files are written the way each tool writes them (tests/time_tracker_files.py) and loaded by the
real ingest (load_source with the profile's spec) into a temp DuckDB file; the last tests run the
two gates and `dbt build` of the timesheet staging models on such a warehouse and check the
canonical timesheet rows by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.artifacts.schemas.run import RunExecutionResult

from pipelines.ingest.loader import load_source
from pipelines.ingest.sources import RESOURCES, TIMESHEETS, all_sources, source_named
from pipelines.ingest.spec import SourceSpec
from pipelines.ingest.warehouse_tables import ensure_audit_tables, ensure_raw_table
from pipelines.quality import validate_source
from pipelines.quality.quarantine import quarantine_failed_rows
from tests.dbt_builds import run_dbt_build
from tests.time_tracker_files import (
    CLOCKIFY_HEADER,
    HARVEST_HEADER,
    ClockifyEntry,
    HarvestEntry,
    clockify_export_text,
    clockify_file_name,
    harvest_export_text,
    harvest_file_name,
    write_export,
)

HARVEST = source_named("harvest_time_entries")
CLOCKIFY = source_named("clockify_time_entries")
MONDAY, SUNDAY = dt.date(2026, 3, 2), dt.date(2026, 3, 8)
HARVEST_NAME = harvest_file_name(MONDAY, SUNDAY)
CLOCKIFY_NAME = clockify_file_name(MONDAY, SUNDAY)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _manifest(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, Any]:
    rows = _rows(
        con,
        "select status, rows_read, rows_loaded, rows_quarantined, extract_date, reason, rule "
        f"from raw.load_manifest where source = '{source}'",
    )
    assert len(rows) == 1, rows
    return rows[0]


def _assert_every_row_accounted_for(con: duckdb.DuckDBPyConnection, source: str) -> None:
    manifest = _manifest(con, source)
    in_raw = con.execute(f"select count(*) from raw.{source}").fetchone()
    quarantined = con.execute(
        "select count(distinct source_row) from audit.quarantine where source = ?", [source]
    ).fetchone()
    assert in_raw is not None and quarantined is not None
    assert manifest["rows_read"] == manifest["rows_loaded"] + manifest["rows_quarantined"]
    assert (manifest["rows_loaded"], manifest["rows_quarantined"]) == (in_raw[0], quarantined[0])


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' and table_name = ?",
        [table],
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


# --------------------------------------------------------------------------- Harvest


def test_a_harvest_export_loads_as_harvest_writes_it(tmp_path: Path, con) -> None:
    entries = [
        HarvestEntry(
            MONDAY, "Ann", "Smith", 1.5, notes='Sprint review, "demo"\nand the follow-ups'
        ),
        HarvestEntry(dt.date(2026, 3, 3), "Bob", "Jones", 7.75, project_code="", roles="Data, QA"),
        HarvestEntry(dt.date(2026, 3, 6), "Ann", "Smith", 0.2, currency="Euro - EUR"),
    ]
    text = harvest_export_text(entries)
    assert text.startswith(",".join(HARVEST_HEADER) + "\n")
    assert '"Sprint review, ""demo""\nand the follow-ups"' in text  # quoted, quote doubled
    write_export(tmp_path / HARVEST.folder, HARVEST_NAME, text, bom=True)

    summary = load_source(con, HARVEST, tmp_path)

    assert (summary.rows_loaded, summary.rows_quarantined) == (3, 0)
    manifest = _manifest(con, HARVEST.name)
    assert (manifest["status"], manifest["rows_read"]) == ("loaded", 3)
    assert manifest["extract_date"] == dt.date(2026, 3, 6)  # the latest entry dates the file
    assert "BOM" in manifest["reason"]
    rows = _rows(
        con,
        "select source_file, source_row, work_date, first_name, last_name, project, project_code, "
        "notes, hours, hours_rounded, billable, billable_amount, cost_amount, roles, currency "
        "from raw.harvest_time_entries order by source_row",
    )
    assert [r["source_row"] for r in rows] == [2, 4, 5]  # line 3 is the note's second line
    assert {r["source_file"] for r in rows} == {f"timesheets/harvest/{HARVEST_NAME}"}
    ann, bob, ann_eur = rows
    assert ann["work_date"] == MONDAY and isinstance(ann["work_date"], dt.date)
    assert (ann["hours"], ann["hours_rounded"]) == (1.5, 1.5)
    assert ann["notes"] == 'Sprint review, "demo"\nand the follow-ups'
    assert (ann["billable"], ann["billable_amount"], ann["cost_amount"]) == ("Yes", 225.0, 120.0)
    assert (bob["hours"], bob["project_code"], bob["roles"]) == (7.75, None, "Data, QA")
    assert (ann_eur["hours"], ann_eur["hours_rounded"]) == (0.2, 0.25)
    assert ann_eur["currency"] == "Euro - EUR"
    types = _column_types(con, HARVEST.name)
    assert (types["work_date"], types["hours"], types["billable_amount"]) == (
        "DATE",
        "DOUBLE",
        "DOUBLE",
    )
    _assert_every_row_accounted_for(con, HARVEST.name)


# --------------------------------------------------------------------------- Clockify


def test_a_clockify_export_loads_as_clockify_writes_it(tmp_path: Path, con) -> None:
    entries = [
        ClockifyEntry(
            dt.datetime(2026, 3, 4, 9, 0),
            90,
            "Carol White",
            "carol@example.com",
            description="Wireframes, round two\nwith the client",
            tags=("Design", "Frontend"),
            task="Design",
        ),
        ClockifyEntry(
            dt.datetime(2026, 3, 5, 23, 30), 60, "Carol White", "carol@example.com", project=""
        ),
    ]
    text = clockify_export_text(entries)
    assert text.startswith('"' + '","'.join(CLOCKIFY_HEADER) + '"\r\n')  # every cell quoted
    write_export(tmp_path / CLOCKIFY.folder, CLOCKIFY_NAME, text, bom=True)

    summary = load_source(con, CLOCKIFY, tmp_path)

    assert (summary.rows_loaded, summary.rows_quarantined) == (2, 0)
    manifest = _manifest(con, CLOCKIFY.name)
    assert manifest["extract_date"] == dt.date(2026, 3, 5)
    rows = _rows(
        con,
        "select source_row, project, user_name, email, description, tags, billable, start_date, "
        "start_time, end_date, end_time, duration_hms, duration_hours, billable_rate, "
        "billable_amount, cost_rate from raw.clockify_time_entries order by source_row",
    )
    first, overnight = rows
    # 03/04/2026 is 4 March: the profile declares Clockify's default MM/DD/YYYY, never guesses.
    assert first["start_date"] == dt.date(2026, 3, 4) and isinstance(first["start_date"], dt.date)
    assert (first["start_time"], first["end_time"]) == ("09:00 AM", "10:30 AM")
    assert (first["duration_hms"], first["duration_hours"]) == ("01:30:00", 1.5)
    assert (first["billable_rate"], first["billable_amount"], first["cost_rate"]) == (
        120.0,
        180.0,
        None,  # an optional column this workspace does not export
    )
    assert first["description"] == "Wireframes, round two\nwith the client"
    assert (first["tags"], first["billable"], first["project"]) == (
        "Design, Frontend",
        "Yes",
        "PRJ-0001",
    )
    assert overnight["source_row"] == 4  # after the description's two lines
    assert (overnight["start_date"], overnight["end_date"]) == (
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
    )
    assert (overnight["project"], overnight["duration_hours"]) == (None, 1.0)
    types = _column_types(con, CLOCKIFY.name)
    assert (types["start_date"], types["duration_hours"], types["billable_amount"]) == (
        "DATE",
        "DOUBLE",
        "DOUBLE",
    )
    _assert_every_row_accounted_for(con, CLOCKIFY.name)


# --------------------------------------------------------------------------- damaged rows


def _harvest_with_bad_rows(landing: Path) -> str:
    entries = [
        HarvestEntry(MONDAY, "Ann", "Smith", 1.5),
        HarvestEntry(MONDAY, "Bob", "Jones", 1.0, cells={"Hours": "abc"}),
        HarvestEntry(MONDAY, "Bob", "Jones", 2.0, cells={"Date": "03/04/2026"}),
        HarvestEntry(dt.date(2026, 3, 3), "Bob", "Jones", 3.0),
    ]
    write_export(landing / HARVEST.folder, HARVEST_NAME, harvest_export_text(entries), bom=False)
    return f"{HARVEST.folder}/{HARVEST_NAME}"


def _clockify_with_bad_rows(landing: Path) -> str:
    start = dt.datetime(2026, 3, 4, 9, 0)
    entries = [
        ClockifyEntry(start, 90, "Carol White", "carol@example.com"),
        ClockifyEntry(
            start, 60, "Carol White", "carol@example.com", cells={"Duration (decimal)": "abc"}
        ),
        ClockifyEntry(
            start, 30, "Carol White", "carol@example.com", cells={"Start Date": "31/31/2026"}
        ),
        ClockifyEntry(start, 45, "Dan Green", "dan@example.com"),
    ]
    write_export(landing / CLOCKIFY.folder, CLOCKIFY_NAME, clockify_export_text(entries), bom=True)
    return f"{CLOCKIFY.folder}/{CLOCKIFY_NAME}"


@pytest.mark.parametrize(
    ("source", "write", "expected"),
    [
        (
            "harvest_time_entries",
            _harvest_with_bad_rows,
            [
                (3, "Hours", "abc", "type", "'abc' is not a number"),
                # Harvest writes YYYY-MM-DD: 03/04/2026 is not guessed to be 3 April or 4 March.
                (
                    4,
                    "Date",
                    "03/04/2026",
                    "ambiguous date",
                    "nothing in this column of the file decides",
                ),
            ],
        ),
        (
            "clockify_time_entries",
            _clockify_with_bad_rows,
            [
                (3, "Duration (decimal)", "abc", "type", "'abc' is not a number"),
                (4, "Start Date", "31/31/2026", "type", "is not a valid date"),
            ],
        ),
    ],
)
def test_a_bad_row_is_quarantined_naming_file_line_and_rule(
    tmp_path: Path, con, caplog: pytest.LogCaptureFixture, source: str, write, expected
) -> None:
    source_file = write(tmp_path)
    with caplog.at_level(logging.WARNING, logger="pipelines.ingest.loader"):
        summary = load_source(con, source_named(source), tmp_path)

    assert (summary.rows_loaded, summary.rows_quarantined) == (2, 2)
    rejects = con.execute(
        "select source_file, source_row, column_name, raw_value, rule, action, reason "
        "from audit.quarantine order by source_row"
    ).fetchall()
    assert [r[:6] for r in rejects] == [
        (source_file, line, column, value, rule, "quarantine")
        for line, column, value, rule, _ in expected
    ]
    for reject, (*_, reason) in zip(rejects, expected, strict=True):
        assert reason in reject[6]
    log = caplog.text
    assert source_file in log
    for line, column, _, rule, _ in expected:
        assert f'line {line} column {column} rule "{rule}"' in log
    _assert_every_row_accounted_for(con, source)


# --------------------------------------------------------------------------- header drift


def _assert_loads_every_row(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    spec: SourceSpec,
    name: str,
    text: str,
    *,
    bom: bool,
    columns: str,
    expected: list[tuple[Any, ...]],
) -> str:
    """Write one export and load it: every row loads, `columns` of its raw table read `expected`
    in file order. Returns the load manifest's reason (how the header was matched)."""
    write_export(landing / spec.folder, name, text, bom=bom)
    summary = load_source(con, spec, landing)
    outcome = (summary.rows_loaded, summary.rows_quarantined, summary.files_rejected)
    assert outcome == (len(expected), 0, {})
    rows = con.execute(f"select {columns} from raw.{spec.name} order by source_row").fetchall()
    assert rows == expected
    reason: str = _manifest(con, spec.name)["reason"]
    return reason


def test_a_harvest_header_reordered_and_reworded_still_loads(tmp_path: Path, con) -> None:
    # Another account: no approvals, no integrations; columns moved; headers worded differently.
    columns = [h for h in HARVEST_HEADER if h not in {"Approved?", "External Reference URL"}]
    columns = columns[::-1]
    rename = {"Date": "Spent Date", "Hours": "Hours (decimal)", "Project Code": "project code"}
    entries = [
        HarvestEntry(MONDAY, "Ann", "Smith", 1.5),
        HarvestEntry(dt.date(2026, 3, 3), "Bob", "Jones", 2.25),
    ]
    text = harvest_export_text(entries, columns=columns, rename=rename)

    reason = _assert_loads_every_row(
        con,
        tmp_path,
        HARVEST,
        HARVEST_NAME,
        text,
        bom=False,
        columns="work_date, first_name, project_code, hours, hours_rounded, approved",
        expected=[
            (MONDAY, "Ann", "PRJ-0001", 1.5, 1.5, None),
            (dt.date(2026, 3, 3), "Bob", "PRJ-0001", 2.25, 2.25, None),
        ],
    )

    assert "matched by meaning: 'Hours (decimal)' as 'Hours'" in reason
    assert "optional column(s) not in this file, read as empty: 'Approved?'" in reason


def test_a_clockify_header_in_euros_reordered_and_reworded_still_loads(tmp_path: Path, con) -> None:
    # A euro workspace, a newer export calling the decimal duration "Time (decimal)", columns moved.
    header = [h.replace("(USD)", "(EUR)") for h in CLOCKIFY_HEADER]
    columns = header[-3:] + header[:-3]
    entries = [
        ClockifyEntry(dt.datetime(2026, 3, 4, 9, 0), 90, "Carol White", "carol@example.com"),
        ClockifyEntry(dt.datetime(2026, 3, 4, 14, 0), 15, "Carol White", "carol@example.com"),
    ]
    text = clockify_export_text(
        entries, currency="EUR", columns=columns, rename={"Duration (decimal)": "Time (decimal)"}
    )
    assert text.splitlines()[0].startswith('"Time (decimal)","Billable Rate (EUR)","Billable')

    reason = _assert_loads_every_row(
        con,
        tmp_path,
        CLOCKIFY,
        CLOCKIFY_NAME,
        text,
        bom=True,
        columns="start_date, user_name, duration_hms, duration_hours, billable_rate, "
        "billable_amount",
        expected=[
            (dt.date(2026, 3, 4), "Carol White", "01:30:00", 1.5, 120.0, 180.0),
            (dt.date(2026, 3, 4), "Carol White", "00:15:00", 0.25, 120.0, 30.0),
        ],
    )

    assert "'Billable Rate (EUR)' as 'Billable Rate (USD)'" in reason
    assert "'Time (decimal)' as 'Duration (decimal)'" in reason


@pytest.mark.parametrize(
    ("source", "dropped", "expected_text"),
    [
        ("harvest_time_entries", "Hours", "found no header for 'Hours' (a header with 'hour'"),
        ("clockify_time_entries", "Start Date", "found no header for 'Start Date'"),
    ],
)
def test_a_file_missing_a_required_column_is_rejected_saying_expected_and_found(
    tmp_path: Path, con, source: str, dropped: str, expected_text: str
) -> None:
    if source == HARVEST.name:
        columns = [h for h in HARVEST_HEADER if h != dropped]
        text = harvest_export_text([HarvestEntry(MONDAY, "Ann", "Smith", 1.5)], columns=columns)
        name = HARVEST_NAME
    else:
        columns = [h for h in CLOCKIFY_HEADER if h != dropped]
        text = clockify_export_text(
            [ClockifyEntry(dt.datetime(2026, 3, 4, 9), 90, "Carol White", "c@example.com")],
            columns=columns,
        )
        name = CLOCKIFY_NAME
    spec = source_named(source)
    write_export(tmp_path / spec.folder, name, text, bom=True)

    summary = load_source(con, spec, tmp_path)

    assert list(summary.files_rejected) == [f"{spec.folder}/{name}"]
    manifest = _manifest(con, source)
    assert (manifest["status"], manifest["rule"], manifest["rows_loaded"]) == (
        "rejected",
        "missing columns",
        0,
    )
    reason = manifest["reason"]
    assert f"source_profiles/{spec.profile}.yml" in reason
    assert expected_text in reason  # what was expected ...
    assert f"the file's header has {columns!r}" in reason  # ... and every cell found
    assert con.execute(f"select count(*) from raw.{source}").fetchone() == (0,)


# --------------------------------------------------------------------------- gate and dbt

RESOURCES_CSV = (
    "Employee ID,Employee Name,Team,Role,FTE,Weekly Capacity Hours,Cost Rate,Currency,"
    "Active From,Active To\n"
    """E1,Ann Smith,Platform,Engineer,1,40,100,USD,2025-01-01,
E2,Bob Jones,Data,Analyst,1,40,80,USD,2025-01-01,
E3,Dup Name,Data,Analyst,1,40,80,USD,2025-01-01,
E4,Dup Name,Platform,Engineer,1,40,90,USD,2025-01-01,
"""
)
NATIVE_TIMESHEETS_CSV = """Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment
TS-0001,E1,2026-03-02,PRJ-0001,Project,6,native entry
TS-0002,E2,2026-03-03,,Leave,8,
"""
HARVEST_GATED = [
    HarvestEntry(MONDAY, "Ann", "Smith", 1.5, notes="Sprint review,\nretro"),  # lines 2-3
    HarvestEntry(dt.date(2026, 3, 3), "ANN", "Smith ", 2.25, project="PRJ-0002", project_code=""),
    HarvestEntry(dt.date(2026, 3, 3), "Zoe", "Unknown", 4.0),  # 5: not in HR
    HarvestEntry(dt.date(2026, 3, 4), "Dup", "Name", 1.0),  # 6: two employees have this name
    HarvestEntry(dt.date(2026, 3, 4), "Bob", "Jones", 25.0),  # 7: more than a day
    HarvestEntry(dt.date(2026, 3, 5), "Bob", "Jones", 1.0, project_code="INTERNAL"),  # 8
]
CLOCKIFY_GATED = [
    ClockifyEntry(dt.datetime(2026, 3, 4, 9, 0), 90, "Bob Jones", "bob@example.com"),  # 2
    ClockifyEntry(dt.datetime(2026, 3, 5, 13, 0), 30, "Ann Smith", "ann@example.com", project=""),
    ClockifyEntry(dt.datetime(2026, 3, 5, 15, 0), 45, "Carol White", "carol@example.com"),  # 4
]


def _sha256_prefix(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _dbt_build(warehouse: Path, work_dir: Path, select: str) -> list[tuple[str, str]]:
    result = run_dbt_build(warehouse, work_dir, [select])
    assert result.exception is None, result.exception
    assert isinstance(result.result, RunExecutionResult), result.result
    statuses = [(r.node.name, str(r.status)) for r in result.result]
    assert result.success, [s for s in statuses if s[1] in {"fail", "error"}]
    return statuses


@pytest.fixture(scope="module")
def tracker_warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Native HR, projects and timesheets beside a Harvest and a Clockify export: ingest, gate,
    dbt."""
    work = tmp_path_factory.mktemp("trackers")
    landing = work / "landing"
    (landing / "resources").mkdir(parents=True)
    (landing / "resources" / "resources_2026-03-02.csv").write_text(RESOURCES_CSV)
    (landing / "timesheets").mkdir(parents=True)
    (landing / "timesheets" / "timesheets_2026-03-02.csv").write_text(NATIVE_TIMESHEETS_CSV)
    harvest = write_export(
        landing / HARVEST.folder, HARVEST_NAME, harvest_export_text(HARVEST_GATED), bom=False
    )
    clockify = write_export(
        landing / CLOCKIFY.folder, CLOCKIFY_NAME, clockify_export_text(CLOCKIFY_GATED), bom=True
    )
    warehouse = work / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_audit_tables(con)
        for spec in all_sources():  # as a run does: every raw table exists, most stay empty here
            ensure_raw_table(con, spec)
        for spec in (RESOURCES, TIMESHEETS, HARVEST, CLOCKIFY):
            load_source(con, spec, landing)
        con.execute(
            "insert into raw.projects (project_id, source_file, source_file_hash, source_row, "
            "extract_date, loaded_at) values "
            "('PRJ-0001', 'projects/projects_2026-03-02.csv', 'x', 2, date '2026-03-02', now()), "
            "('PRJ-0002', 'projects/projects_2026-03-02.csv', 'x', 3, date '2026-03-02', now())"
        )
        outcomes = {}
        for spec in (HARVEST, CLOCKIFY):
            outcome = validate_source(con, spec.name)
            quarantine_failed_rows(con, outcome, "test-run", dt.datetime.now())
            outcomes[spec.name] = outcome
        gate_quarantine = con.execute(
            "select source, source_row, rule from audit.quarantine where stage = 'gate' "
            "order by source, source_row, rule"
        ).fetchall()
    statuses = _dbt_build(warehouse, work, "+stg_timetracker__timesheets")
    with duckdb.connect(str(warehouse)) as con:  # dbt (in-process) still holds it read-write
        timesheets = _rows(
            con,
            "select entry_id, employee_id, work_date, project_id, time_category, hours, "
            "entry_comment, source_file, source_row from staging.stg_timetracker__timesheets "
            "order by source_file, source_row",
        )
    return {
        "outcomes": outcomes,
        "gate_quarantine": gate_quarantine,
        "timesheets": timesheets,
        "statuses": statuses,
        "harvest_prefix": _sha256_prefix(harvest),
        "clockify_prefix": _sha256_prefix(clockify),
    }


def test_the_gates_run_every_rule_and_set_aside_what_cannot_be_costed(
    tracker_warehouse: dict[str, Any],
) -> None:
    for name, outcome in tracker_warehouse["outcomes"].items():
        blocking = [f.message() for f in outcome.failures if f.effective_action == "block"]
        assert blocking == [], name
        assert outcome.evaluated_expectations == len(outcome.results) > 20, name
    assert tracker_warehouse["gate_quarantine"] == [
        ("clockify_time_entries", 4, "person is one HR employee"),  # Carol White, not in HR
        ("harvest_time_entries", 5, "person is one HR employee"),  # Zoe Unknown
        ("harvest_time_entries", 6, "person is one HR employee"),  # Dup Name: E3 or E4?
        ("harvest_time_entries", 7, "hours between 0 and 24"),
        ("harvest_time_entries", 7, "hours per person per day at most 24"),
        ("harvest_time_entries", 8, "project is a known project"),  # INTERNAL is no PPM project
    ]
    harvest_warnings = {
        f.rule for f in tracker_warehouse["outcomes"]["harvest_time_entries"].failures
    }
    assert "project code present" in harvest_warnings  # line 4 falls back to its Project


def test_tracker_entries_join_the_timesheets_in_the_canonical_shape(
    tracker_warehouse: dict[str, Any],
) -> None:
    h = f"harvest:{tracker_warehouse['harvest_prefix']}"  # tracker : sha256 prefix : line
    c = f"clockify:{tracker_warehouse['clockify_prefix']}"
    hf, cf = f"timesheets/harvest/{HARVEST_NAME}", f"timesheets/clockify/{CLOCKIFY_NAME}"
    nf = "timesheets/timesheets_2026-03-02.csv"
    columns = ["entry_id", "employee_id", "work_date", "project_id", "time_category", "hours"]
    columns += ["entry_comment", "source_file", "source_row"]
    rows = [tuple(r[name] for name in columns) for r in tracker_warehouse["timesheets"]]
    assert rows == [
        # Clockify: Bob Jones -> E2 with Duration (decimal) 1.50; Ann without a project is BAU.
        (f"{c}:2", "E2", dt.date(2026, 3, 4), "PRJ-0001", "Project", 1.5, None, cf, 2),
        (f"{c}:3", "E1", dt.date(2026, 3, 5), None, "BAU", 0.5, None, cf, 3),
        # Harvest: "Ann Smith" and "ANN Smith " -> E1; a blank Project Code gives the Project.
        (f"{h}:2", "E1", MONDAY, "PRJ-0001", "Project", 1.5, "Sprint review,\nretro", hf, 2),
        (f"{h}:4", "E1", dt.date(2026, 3, 3), "PRJ-0002", "Project", 2.25, None, hf, 4),
        # The native week file, exactly as before.
        ("TS-0001", "E1", MONDAY, "PRJ-0001", "Project", 6.0, "native entry", nf, 2),
        ("TS-0002", "E2", dt.date(2026, 3, 3), None, "Leave", 8.0, None, nf, 3),
    ]
    # The build ran the models' data tests, and all passed (`_dbt_build` asserts it). The mapping's
    # dbt unit tests run once per session, with every other unit test, in tests/test_dbt_models.py.
    ran = dict(tracker_warehouse["statuses"])
    assert ran and set(ran.values()) <= {"pass", "success"}
