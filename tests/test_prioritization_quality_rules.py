"""The projects suite's rules for the prioritisation columns (expectations/projects.json): a
dependency must name a project of the same extract and not the project itself, the mandatory
flag is Y or N; each failure quarantines the row and names file, line and rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.quality import validate_source
from tests.test_quality_gate import build_raw, failure

FILE = "projects/projects_2026-11-09.csv"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = build_raw(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def test_the_fixture_dependency_on_a_known_project_passes(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """PRJ-0002 depends on PRJ-0001 of the same file and PRJ-0001 is mandatory: no failure."""
    outcome = validate_source(con, "projects")
    assert not [f for f in outcome.failures if "depends_on" in f.rule or "mandatory" in f.rule]


def test_unknown_dependency_is_quarantined_with_file_and_line(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("UPDATE raw.projects SET depends_on = 'PRJ-0001;PRJ-9999' WHERE source_row = 3")
    outcome = validate_source(con, "projects")
    unknown = failure(outcome, "depends_on names known projects")
    assert unknown.unexpected_count == 1
    assert unknown.action == "quarantine"
    assert f"{FILE} line 3" in unknown.message()


def test_self_dependency_and_bad_flag_and_bad_list_fail(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE raw.projects SET depends_on = 'PRJ-0003' WHERE source_row = 4")
    con.execute("UPDATE raw.projects SET is_mandatory = 'yes' WHERE source_row = 2")
    con.execute("UPDATE raw.projects SET depends_on = 'PRJ-0001; PRJ-0003' WHERE source_row = 3")
    outcome = validate_source(con, "projects")
    assert failure(outcome, "depends_on does not name the project itself").unexpected_count == 1
    assert failure(outcome, "is_mandatory is Y or N").unexpected_count == 1
    assert failure(outcome, "depends_on is a ;-separated id list").unexpected_count == 1
