"""The data-quality page and the blocked-run notice, checked the way a reader would see them.

The gate's audit tables are created by hand (create_audit_tables, with the columns of
pipelines/quality/audit.py and pipelines/ingest/warehouse_tables.py) and filled with hand-written
rows, so these tests pin the page to that contract without running the pipeline. The marts come
from the portfolio-summary tests' builder.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.summary_views import ensure_summary_views
from pipelines.report.blocked_notice import (
    STATUS_BEGIN,
    STATUS_END,
    publish_blocked_run_notice,
)
from pipelines.report.errors import OutputDirError
from pipelines.report.quality_page import render_quality_page
from pipelines.report.quality_queries import REQUIRED_COLUMNS
from pipelines.report.render import render_portfolio_report
from tests.test_report_render import build_marts, row_starting, table_rows

GOOD_RUN = "7c0d1e2f-0000-4000-8000-000000000001"
BLOCKED_RUN = "3f1c9a2b-0000-4000-8000-000000000002"
SECOND_BLOCKED_RUN = "9e8d7c6b-0000-4000-8000-000000000003"
GENERATED_AT = datetime(2025, 10, 16, 7, 30, tzinfo=UTC)
NOTICE_AT = datetime(2025, 10, 23, 6, 20, tzinfo=UTC)
SCRIPT_VALUE = "<script>alert(1)</script>"
FORMULA_VALUE = '=HYPERLINK("evil.example","click me")'
EVIL_FILE = "timesheets_<img src=x onerror=alert(1)>.csv"
EM_DASH = "\u2014"

_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table audit.gate_decisions (
    run_id varchar not null, decided_at timestamp with time zone not null,
    source varchar not null, decision varchar not null, files_loaded bigint not null,
    files_rejected bigint not null, rows_read bigint not null, rows_accepted bigint not null,
    rows_quarantined bigint not null, quarantine_threshold_pct double not null,
    message varchar not null
);
create table audit.quality_results (
    run_id varchar not null, checked_at timestamp with time zone not null,
    source varchar not null, rule varchar not null, expectation_type varchar,
    column_name varchar, success boolean not null, action varchar,
    unexpected_count bigint not null, sample_json varchar, message varchar not null
);
create table audit.quarantine (
    source varchar not null, source_file varchar not null, source_file_hash varchar not null,
    source_row bigint, column_name varchar, raw_value varchar, stage varchar not null,
    rule varchar not null, action varchar not null, reason varchar not null,
    raw_record varchar, run_id varchar, quarantined_at timestamp not null
);
create table raw.load_manifest (
    source varchar not null, source_file varchar not null, source_file_hash varchar not null,
    file_size_bytes bigint not null, extract_date date, status varchar not null,
    duplicate_of varchar, rows_read bigint not null, rows_loaded bigint not null,
    rows_quarantined bigint not null, reason varchar, loaded_at timestamp not null,
    rule varchar, action varchar, run_id varchar
);
"""


def create_audit_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The four tables the quality gate and ingest write, with their contract's columns, and the
    ingest's views over two of them (the page reads those as they are)."""
    con.execute(_DDL)
    ensure_summary_views(con, manifest="raw.load_manifest", quarantine="audit.quarantine")


def add_decision(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    decision: str,
    counts: tuple[int, int, int],
    message: str,
    *,
    decided_at: str = "2025-10-16 06:05:00+00",
    files: tuple[int, int] = (1, 0),
    threshold_pct: float = 5.0,
) -> None:
    read, accepted, quarantined = counts
    con.execute(
        "insert into audit.gate_decisions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, decided_at, source, decision, *files, read, accepted, quarantined,
         threshold_pct, message],
    )  # fmt: skip


def add_result(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    rule: str,
    *,
    success: bool,
    action: str,
    count: int = 0,
    column: str | None = None,
    message: str = "",
) -> None:
    con.execute(
        """
        insert into audit.quality_results values
        (?, timestamptz '2025-10-16 06:04:00+00', ?, ?, 'expect_column_values_to_not_be_null',
         ?, ?, ?, ?, null, ?)
        """,
        [run_id, source, rule, column, success, action, count, message or f"{rule} ok"],
    )


def add_quarantined(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    file: str,
    line: int,
    column: str,
    raw_value: str | None,
    rule: str,
    reason: str,
    *,
    stage: str = "gate",
) -> None:
    con.execute(
        """
        insert into audit.quarantine values
        (?, ?, 'sha256:abc', ?, ?, ?, ?, ?, 'quarantine', ?, ?, ?, timestamp '2025-10-16 06:03')
        """,
        [source, file, line, column, raw_value, stage, rule, reason, f"raw,{raw_value}", run_id],
    )


def add_file(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    file: str,
    status: str,
    *,
    reason: str | None = None,
    duplicate_of: str | None = None,
    rule: str | None = None,
    action: str | None = None,
    rows: int = 0,
) -> None:
    con.execute(
        """
        insert into raw.load_manifest values
        (?, ?, 'sha256:' || ?, 100, date '2025-10-13', ?, ?, ?, ?, 0, ?,
         timestamp '2025-10-16 06:01', ?, ?, ?)
        """,
        [source, file, file, status, duplicate_of, rows, rows, reason, rule, action, run_id],
    )


def fill_good_run(con: duckdb.DuckDBPyConnection, run_id: str = GOOD_RUN) -> None:
    """A run that went on: one source passed, one warned, one had rows quarantined."""
    add_decision(con, run_id, "projects", "passed", (4, 4, 0), "raw.projects passed 2 rules")
    add_decision(con, run_id, "gl_actuals", "warned", (6, 6, 0), "raw.gl_actuals: 1 warning")
    add_decision(
        con, run_id, "timesheets", "quarantined", (10, 7, 3), "3 of 10 rows quarantined (30.0%)",
        threshold_pct=50.0,
    )  # fmt: skip
    add_result(con, run_id, "projects", "project_id present", success=True, action="block")
    add_result(con, run_id, "projects", "name present", success=True, action="block")
    add_result(
        con, run_id, "gl_actuals", "amount plausible", success=False, action="warn", count=2,
        column="amount", message="2 amounts above 10,000,000",
    )  # fmt: skip
    add_result(
        con, run_id, "timesheets", "hours within 0-24", success=False, action="quarantine",
        count=3, column="hours", message="3 rows have hours outside 0-24",
    )  # fmt: skip
    add_result(con, run_id, "timesheets", "employee present", success=True, action="block")
    file = "timesheets_2025-10-13.csv"
    add_quarantined(con, run_id, "timesheets", file, 4, "hours", "25", "hours within 0-24",
                    "hours 25 is above 24")  # fmt: skip
    add_quarantined(con, run_id, "timesheets", file, 7, "comment", SCRIPT_VALUE,
                    "hours within 0-24", "hours -1 is below 0")  # fmt: skip
    add_quarantined(con, run_id, "timesheets", file, 9, "project_id", FORMULA_VALUE,
                    "project known", "unknown project", stage="ingest")  # fmt: skip
    add_file(con, run_id, "projects", "projects_2025-10-13.csv", "loaded", rows=4)
    add_file(con, run_id, "timesheets", file, "loaded", rows=10)
    add_file(con, run_id, "gl_actuals", "gl_2025-10-13.csv", "loaded", rows=6)
    add_file(con, run_id, "timesheets", "timesheets_copy.csv", "duplicate", duplicate_of=file,
             reason="same content as timesheets_2025-10-13.csv")  # fmt: skip
    add_file(con, run_id, "timesheets", EVIL_FILE, "rejected", rule="file readable",
             action="block", reason="not UTF-8 at byte 17")  # fmt: skip


def fill_blocked_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str = BLOCKED_RUN,
    *,
    decided_at: str = "2025-10-23 06:05:00+00",
    quarantined_rows: int = 205,
) -> None:
    """A blocked run: timesheets over the quarantine threshold, more rows than the page lists."""
    add_decision(con, run_id, "projects", "passed", (4, 4, 0), "passed", decided_at=decided_at)
    add_decision(
        con, run_id, "timesheets", "blocked", (300, 300 - quarantined_rows, quarantined_rows),
        f"{quarantined_rows} of 300 rows would be quarantined, above the 5.0% threshold",
        decided_at=decided_at,
    )  # fmt: skip
    add_result(
        con, run_id, "timesheets", "hours within 0-24", success=False, action="quarantine",
        count=quarantined_rows, column="hours", message="hours outside 0-24",
    )  # fmt: skip
    con.executemany(
        """
        insert into audit.quarantine values
        ('timesheets', 'timesheets_2025-10-20.csv', 'sha256:def', ?, 'hours', '99', 'gate',
         'hours within 0-24', 'quarantine', 'hours 99 is above 24', null, ?,
         timestamp '2025-10-23 06:03')
        """,
        [[line, run_id] for line in range(2, 2 + quarantined_rows)],
    )


def hrefs(html: str) -> list[str]:
    return [ref for ref in re.findall(r'(?:src|href)="([^"]+)"', html) if not ref.startswith("#")]


def page_text(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def status_region(html: str) -> str:
    return html.split(STATUS_BEGIN)[1].split(STATUS_END)[0]


def without_status_region(html: str) -> str:
    return html.replace(status_region(html), "\n")


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def audit_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Marts plus the audit tables of a good and a blocked run."""
    path = tmp_path_factory.mktemp("quality") / "portfolio.duckdb"
    build_marts(path)
    con = duckdb.connect(str(path))
    try:
        create_audit_tables(con)
        fill_good_run(con)
        fill_blocked_run(con)
    finally:
        con.close()
    return path


def render(warehouse: Path, run_id: str | None) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return render_quality_page(con, run_id, generated_at=GENERATED_AT)
    finally:
        con.close()


@pytest.fixture(scope="module")
def good_page(audit_warehouse: Path) -> str:
    return render(audit_warehouse, GOOD_RUN)


@pytest.fixture(scope="module")
def blocked_page(audit_warehouse: Path) -> str:
    return render(audit_warehouse, BLOCKED_RUN)


# --- the data-quality page -------------------------------------------------------------------


def test_each_decision_shows_symbol_and_word(good_page: str, blocked_page: str) -> None:
    decisions = {row[0]: row[1] for row in table_rows(good_page, "decisions")[1:]}
    assert decisions == {
        "Timesheets": "\u29b8 Quarantined",
        "General ledger actuals": "\u26a0 Warned",
        "Project status extract": "\u2714 Passed",
    }
    assert row_starting(table_rows(blocked_page, "decisions"), "Timesheets")[1] == "\u2716 Blocked"
    assert 'class="decision decision-blocked"' in blocked_page
    assert "This run was blocked by the quality gate" in page_text(blocked_page)
    # Worst first: the reader sees the quarantined source before the passed one.
    assert list(decisions) == ["Timesheets", "General ledger actuals", "Project status extract"]


def test_row_accounting_per_source(good_page: str) -> None:
    row = row_starting(table_rows(good_page, "decisions"), "Timesheets")
    assert row[2:10] == ["1", "0", "10", "7", "3", "30.0%", "50.0%", "adds up"]
    assert row[10] == "3 of 10 rows quarantined (30.0%)"


def test_accounting_that_does_not_add_up_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    create_audit_tables(con)
    add_decision(con, "r1", "projects", "passed", (10, 8, 1), "passed")
    con.close()
    row = row_starting(table_rows(render(path, "r1"), "decisions"), "Project status extract")
    assert row[9] == "does not add up: 1 row(s) unaccounted"


def test_failed_rules_with_action_count_and_message(good_page: str) -> None:
    rows = table_rows(good_page, "rules")
    assert rows[1:] == [
        ["Timesheets", "hours within 0-24 (expect_column_values_to_not_be_null)", "hours",
         "quarantine", "3", "3 rows have hours outside 0-24"],
        ["General ledger actuals", "amount plausible (expect_column_values_to_not_be_null)",
         "amount",
         "warn", "2", "2 amounts above 10,000,000"],
    ]  # fmt: skip
    assert "2 of 5 rule check(s) failed" in page_text(good_page)


def test_files_not_loaded_from_the_manifest(good_page: str) -> None:
    rows = table_rows(good_page, "files")
    assert rows[1] == [
        "Timesheets", EVIL_FILE, "2025-10-13", "rejected", EM_DASH, "file readable", "block",
        "0", "not UTF-8 at byte 17",
    ]  # fmt: skip
    assert rows[2][:5] == [
        "Timesheets", "timesheets_copy.csv", "2025-10-13", "duplicate",
        "timesheets_2025-10-13.csv",
    ]  # fmt: skip
    assert len(rows) == 3  # loaded files are counted, not listed
    assert "3 file(s) loaded in this run; 2 not loaded" in page_text(good_page)


def test_ignored_and_deferred_files_are_a_warning_with_their_reasons(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        create_audit_tables(con)
        fill_good_run(con, "r-landing")
        ignored = "timesheets/Timesheets_2025-10-20.csv: looks like timesheets but the case differs"
        add_file(
            con,
            "r-landing",
            "timesheets",
            "timesheets/Timesheets_2025-10-20.csv",
            "ignored",
            reason=ignored,
            rule="unrecognised file name",
            action="warn",
        )
        add_file(con, "r-landing", "timesheets", "timesheets/timesheets_2025-10-27.csv",
                 "deferred", reason="not complete yet", rule="not settled",
                 action="warn")  # fmt: skip
    page = render(path, "r-landing")
    text = page_text(page)
    assert "1 file(s) ignored: no source reads their name" in text
    assert "1 file(s) deferred: not complete yet" in text
    statuses = [row[3] for row in table_rows(page, "files")[1:]]
    assert statuses == ["rejected", "ignored", "deferred", "duplicate"]
    assert ignored in text


def test_quarantined_row_shows_file_line_column_rule_reason_and_raw_value(good_page: str) -> None:
    rows = table_rows(good_page, "quarantine")
    assert rows[1] == [
        "timesheets_2025-10-13.csv", "4", "hours", "gate", "hours within 0-24", "quarantine",
        "hours 25 is above 24", "25",
    ]  # fmt: skip
    assert "Timesheets: 3 row(s) set aside" in page_text(good_page)


def test_rows_set_aside_and_failing_cells_are_counted_apart(
    audit_warehouse: Path, tmp_path: Path
) -> None:
    """One row with two unreadable dates is one row set aside holding two failing cells."""
    warehouse = tmp_path / "portfolio.duckdb"
    shutil.copy(audit_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        for column, value in (("work_date", "01-Nov-2017"), ("hours", "eight")):
            add_quarantined(con, GOOD_RUN, "timesheets", "timesheets_2025-10-13.csv", 12, column,
                            value, "type", f"'{value}' is unreadable", stage="ingest")  # fmt: skip
    text = page_text(render(warehouse, GOOD_RUN))
    # Three gate rows before, plus line 12 once: four rows, two cells, five entries listed.
    assert "Timesheets: 4 row(s) set aside, holding 2 failing cell(s)" in text
    assert "one entry per rule a row broke" in text


def test_malicious_values_show_literally(good_page: str) -> None:
    rows = table_rows(good_page, "quarantine")
    assert row_starting(rows[1:], "timesheets_2025-10-13.csv")  # sanity
    raw_values = [row[-1] for row in rows[1:]]
    assert SCRIPT_VALUE in raw_values  # the reader sees the text...
    assert FORMULA_VALUE in raw_values
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in good_page  # ...because it is escaped
    own_script = re.compile(r'<script src="[./]*static/tables\.js" defer></script>')
    assert "<script" not in own_script.sub("", good_page).lower()  # only the site's own script
    assert "<img src=x" not in good_page
    assert row_starting(table_rows(good_page, "files"), "Timesheets")[1] == EVIL_FILE


def test_sources_are_named_in_words_and_their_ids_kept_for_the_engineer(good_page: str) -> None:
    """A manager reads "General ledger actuals"; the id gl_actuals stays in file names, table
    names and the analyst's query, and in the note for the data engineer beside its words."""
    note = re.search(r'<details class="for-engineers">.*?</details>', good_page, re.S)
    assert note and "<code>gl_actuals</code>: General ledger actuals" in note.group(0)
    quoted = re.compile(r'<details class="for-engineers">.*?</details>|<code>.*?</code>', re.S)
    text = page_text(quoted.sub(" ", good_page))
    assert not re.search(r"(?<![\w./-])gl_actuals(?![\w/-]|\.\w)", text)
    assert "raw.gl_actuals: 1 warning" in text  # a table name the gate's message quotes


def test_quarantine_listing_is_capped_with_count_and_query(blocked_page: str) -> None:
    rows = table_rows(blocked_page, "quarantine")
    assert len(rows) == 1 + 200
    text = page_text(blocked_page)
    assert "the first 200 of 205" in text
    assert "5 more row(s) not shown." in text
    assert (
        f"select * from audit.quarantine where run_id = '{BLOCKED_RUN}' and source = "
        "'timesheets' order by source_file, source_row, column_name;"
    ) in text


def test_latest_run_is_shown_when_no_run_id_is_given(audit_warehouse: Path) -> None:
    assert f"run <code>{BLOCKED_RUN}</code>" in render(audit_warehouse, None)


def test_page_for_a_warehouse_without_audit_tables_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    text = page_text(render(path, "r1"))
    assert "The quality gate recorded no decision for this run." in text
    assert "audit.gate_decisions is not in this warehouse: nothing recorded." in text


def test_page_reads_exactly_the_audit_contract_the_pipeline_creates(tmp_path: Path) -> None:
    """The columns the page reads exist in the tables ingest and the gate really create."""
    from pipelines.ingest.warehouse_tables import ensure_audit_tables
    from pipelines.quality import audit

    con = duckdb.connect(str(tmp_path / "contract.duckdb"))
    ensure_audit_tables(con)
    audit.record_outcomes(con, [], "r1")
    con.execute(audit._CREATE_DECISIONS)
    present = {
        (f"{schema}.{table}", column)
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall()
    }
    con.close()
    needed = [(table, c) for table, cols in REQUIRED_COLUMNS.items() for c in cols]
    missing = [pair for pair in needed if pair not in present]
    assert missing == []


# --- the published report links it ----------------------------------------------------------


def test_every_published_report_links_its_quality_page(
    audit_warehouse: Path, tmp_path: Path
) -> None:
    index = render_portfolio_report(
        audit_warehouse, tmp_path / "reports", run_id=GOOD_RUN, generated_at=GENERATED_AT
    )
    html = index.read_text(encoding="utf-8")
    assert '<a href="quality.html">Data quality</a>' in html
    assert html.count(STATUS_BEGIN) == 1 and html.count(STATUS_END) == 1
    assert status_region(html) == "\n"  # a good run shows no status banner
    quality = (index.parent / "quality.html").read_text(encoding="utf-8")
    assert f"run <code>{GOOD_RUN}</code>" in quality
    assert row_starting(table_rows(quality, "decisions"), "Timesheets")[1] == "\u29b8 Quarantined"
    for ref in hrefs(quality):
        assert (index.parent / ref).is_file(), ref


# --- the blocked-run notice -----------------------------------------------------------------


@pytest.fixture(scope="module")
def blocked_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blocked run's build file: audit tables only (dbt never ran); only ever read."""
    path = tmp_path_factory.mktemp("build") / "portfolio.duckdb.building"
    con = duckdb.connect(str(path))
    create_audit_tables(con)
    fill_good_run(con)  # an older run in the same warehouse must not leak into the page
    fill_blocked_run(con)
    fill_blocked_run(con, SECOND_BLOCKED_RUN, decided_at="2025-10-30 06:05:00+00")
    con.close()
    return path


@pytest.fixture(scope="module")
def good_report(audit_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good render (vl-convert takes a while to start), copied for each test that edits it."""
    reports = tmp_path_factory.mktemp("good") / "reports"
    render_portfolio_report(audit_warehouse, reports, run_id=GOOD_RUN, generated_at=GENERATED_AT)
    return reports


@pytest.fixture
def published(good_report: Path, tmp_path: Path) -> Path:
    """The last good report as published, in this test's own folder."""
    return Path(shutil.copytree(good_report, tmp_path / "reports"))


def test_blocked_notice_changes_only_the_index_and_adds_the_quality_page(
    published: Path, blocked_warehouse: Path
) -> None:
    before = file_hashes(published)
    index_before = (published / "index.html").read_text(encoding="utf-8")

    page = publish_blocked_run_notice(blocked_warehouse, published, BLOCKED_RUN, now=NOTICE_AT)

    after = file_hashes(published)
    assert page == published / "quality" / "blocked-20251023T060500Z-3f1c9a2b.html"
    assert set(after) == set(before) | {"quality/blocked-20251023T060500Z-3f1c9a2b.html"}
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"index.html"}
    index_after = (published / "index.html").read_text(encoding="utf-8")
    assert without_status_region(index_after) == index_before  # only the region changed
    assert not [p for p in published.parent.rglob(".*")]  # no temp file or folder left behind


def test_banner_says_data_is_as_of_the_last_good_run_and_links_the_reason(
    published: Path, blocked_warehouse: Path
) -> None:
    publish_blocked_run_notice(blocked_warehouse, published, BLOCKED_RUN, now=NOTICE_AT)
    index = (published / "index.html").read_text(encoding="utf-8")
    banner = " ".join(unescape(re.sub(r"<[^>]+>", "", status_region(index))).split())
    assert (
        "The latest run (2025-10-23 06:05 UTC) was blocked by the quality "
        "gate; these reports show data as of the last good run (data as of 2025-10-15, "
        "generated 2025-10-16 07:30 UTC)."
    ) in banner
    # Run ids only in the folded note for the data engineer, never in the manager's sentence.
    assert (
        f"For the data engineer: the runs Blocked: pipeline run {BLOCKED_RUN}. "
        f"Shown: pipeline run {GOOD_RUN}."
    ) in banner
    assert "Why: the quality report of the blocked run (blocked: Timesheets)." in banner
    # Prominent: the banner comes before the page header.
    assert index.index("run-status-heading") < index.index('<header class="page-header">')
    (link,) = hrefs(status_region(index))
    assert (published / link).is_file()


def test_blocked_quality_page_works_from_its_subfolder(
    published: Path, blocked_warehouse: Path
) -> None:
    page = publish_blocked_run_notice(blocked_warehouse, published, BLOCKED_RUN, now=NOTICE_AT)
    html = page.read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/report.css">' in html
    for ref in hrefs(html):
        assert (page.parent / ref).is_file(), ref
    assert row_starting(table_rows(html, "decisions"), "Timesheets")[1] == "\u2716 Blocked"
    assert GOOD_RUN not in html  # only the blocked run's records
    assert "blocked run's build warehouse" in page_text(html)


def test_second_blocked_run_replaces_the_banner(published: Path, blocked_warehouse: Path) -> None:
    first = publish_blocked_run_notice(blocked_warehouse, published, BLOCKED_RUN, now=NOTICE_AT)
    second = publish_blocked_run_notice(
        blocked_warehouse, published, SECOND_BLOCKED_RUN, now=NOTICE_AT
    )
    index = (published / "index.html").read_text(encoding="utf-8")
    assert index.count(STATUS_BEGIN) == 1 and index.count("run-status-heading") == 2  # id + label
    assert index.count("was blocked by the quality gate") == 1
    assert hrefs(status_region(index)) == [f"quality/{second.name}"]
    assert SECOND_BLOCKED_RUN in status_region(index) and BLOCKED_RUN not in status_region(index)
    assert first.is_file() and second.is_file()  # the earlier blocked page stays on record


def test_next_good_run_removes_the_banner(
    published: Path, blocked_warehouse: Path, audit_warehouse: Path
) -> None:
    publish_blocked_run_notice(blocked_warehouse, published, BLOCKED_RUN, now=NOTICE_AT)
    render_portfolio_report(audit_warehouse, published, run_id=GOOD_RUN, generated_at=NOTICE_AT)
    assert status_region((published / "index.html").read_text(encoding="utf-8")) == "\n"


def test_first_run_blocked_writes_a_minimal_index(
    blocked_warehouse: Path, audit_warehouse: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "never_published"
    page = publish_blocked_run_notice(blocked_warehouse, reports, BLOCKED_RUN, now=NOTICE_AT)
    index = (reports / "index.html").read_text(encoding="utf-8")
    text = page_text(index)
    assert "No good run has been published yet." in text
    assert "no good run has been published yet, so there are no portfolio reports" in text
    assert hrefs(status_region(index)) == [f"quality/{page.name}"]
    for ref in hrefs(index):
        assert (reports / ref).is_file(), ref
    for ref in hrefs(page.read_text(encoding="utf-8")):
        assert (page.parent / ref).is_file(), ref
    # A second blocked run still finds one banner; the first good run may replace the folder.
    publish_blocked_run_notice(blocked_warehouse, reports, SECOND_BLOCKED_RUN, now=NOTICE_AT)
    assert (reports / "index.html").read_text(encoding="utf-8").count("was blocked by") == 1
    render_portfolio_report(audit_warehouse, reports, run_id=GOOD_RUN, generated_at=NOTICE_AT)
    assert "IT portfolio summary as of 2025-10-15" in (reports / "index.html").read_text("utf-8")


def test_run_id_cannot_steer_the_file_name(published: Path, blocked_warehouse: Path) -> None:
    page = publish_blocked_run_notice(blocked_warehouse, published, "../../x<y>", now=NOTICE_AT)
    assert page.parent == published / "quality"
    assert page.name == "blocked-20251023T062000Z-______x_.html"  # no gate record: notice time
    index = (published / "index.html").read_text(encoding="utf-8")
    assert "run <code>../../x&lt;y&gt;</code>" in index


def test_refuses_a_folder_it_did_not_write(blocked_warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "somebody_elses"
    folder.mkdir()
    (folder / "index.html").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputDirError, match="did not write"):
        publish_blocked_run_notice(blocked_warehouse, folder, BLOCKED_RUN)
    assert [p.name for p in folder.iterdir()] == ["index.html"]
    assert (folder / "index.html").read_text(encoding="utf-8") == "keep me"
