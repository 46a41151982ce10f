"""The gate hands GX repeating text columns as pandas categoricals; it must judge them alike.

Only columns that every rule reads through presence or equality (null, set and uniqueness checks,
`==`/`!=` row conditions) are encoded (suites.equality_only_columns); everything else stays plain
text. Bad values in encoded columns must be found, counted and quoted exactly as without encoding.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.quality import ValidationOutcome, chunking, validate, validate_source
from pipelines.quality.suites import Rule, equality_only_columns
from tests.test_quality_gate import build_raw, create_timesheets, timesheet_rows


def _findings(outcome: ValidationOutcome) -> list[tuple[object, ...]]:
    return [
        (f.rule, f.unexpected_count, f.sample, f.unexpected_rowids, f.unexpected_values)
        for f in outcome.failures
    ]


def test_bad_values_in_encoded_columns_are_judged_as_in_plain_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = build_raw(tmp_path / "warehouse.duckdb")
    create_timesheets(con, timesheet_rows(400))
    con.execute("UPDATE raw.timesheets SET time_category = 'Lunch' WHERE source_row = 7")
    con.execute("UPDATE raw.timesheets SET time_category = NULL WHERE source_row = 13")
    con.execute("UPDATE raw.timesheets SET employee_id = NULL WHERE source_row = 11")
    con.execute("UPDATE raw.timesheets SET employee_id = 'E404' WHERE source_row % 40 = 0")
    con.execute("UPDATE raw.timesheets SET project_id = NULL WHERE source_row = 2")
    con.execute("UPDATE raw.timesheets SET project_id = 'PRJ-0001' WHERE source_row = 5")
    con.execute("UPDATE raw.timesheets SET entry_id = 'TS-000003' WHERE source_row = 90")

    dtypes: list[pd.Series] = []
    fetch = chunking.fetch_frame

    def spying_fetch(*args: object, **kwargs: object) -> pd.DataFrame:
        frame = fetch(*args, **kwargs)  # type: ignore[arg-type]
        dtypes.append(frame.dtypes)
        return frame

    monkeypatch.setattr(chunking, "fetch_frame", spying_fetch)
    encoded = validate_source(con, "timesheets")
    seen = {name for frame in dtypes for name, dtype in frame.items() if dtype == "category"}
    # The path under test ran: the repeating columns the rules above read were categoricals,
    # and the entry id, whose values are all distinct, was not.
    assert {"time_category", "employee_id", "project_id", "source_file"} <= seen
    assert "entry_id" not in seen

    monkeypatch.setattr(validate, "equality_only_columns", lambda *_: frozenset())
    plain = validate_source(con, "timesheets")
    con.close()

    assert _findings(encoded) == _findings(plain)
    assert encoded.message() == plain.message()
    counts = {f.rule: f.unexpected_count for f in encoded.failures}
    assert counts["time_category in Project/BAU/Admin/Leave"] == 1
    assert counts["time_category not null"] == 1
    assert counts["employee_id not null"] == 1
    assert counts["employee_id is a known employee"] == 10
    assert counts["project time names a project"] == 1
    # Line 5, and line 7: "Lunch" is not project time, yet the row names a project.
    assert counts["only project time names a project"] == 2
    assert counts["entry_id unique within a load"] == 2


def _rule(expectation_type: str, *columns: str, row_condition: str | None = None) -> Rule:
    return Rule(
        name=f"{expectation_type} {columns} {row_condition}",
        description="",
        expectation_type=expectation_type,
        config={},
        columns=columns,
        row_condition=row_condition,
    )


def test_a_column_any_other_check_reads_stays_plain_text() -> None:
    rules = [
        _rule("expect_column_values_to_be_in_set", "category"),
        _rule("expect_column_values_to_not_be_null", "code"),
        _rule("expect_column_values_to_match_regex", "code"),
        _rule("expect_column_values_to_be_in_type_list", "currency"),
        _rule("expect_compound_columns_to_be_unique", "entry", "file"),
        _rule("expect_column_values_to_not_be_null", "project", row_condition='phase == "Run"'),
        _rule(
            "expect_column_values_to_be_null",
            "closed",
            row_condition='{"pass_through_filter": "status > \\"B\\"", "type": "pass_through"}',
        ),
        _rule("expect_column_values_to_be_null", "status"),
        _rule("expect_column_values_to_not_be_null", "owner", row_condition="owner > 'M'"),
        _rule(
            "expect_column_values_to_be_null",
            "note",
            row_condition='kind == "a" and region != "b" or kind == "c"',
        ),
    ]
    columns = ["category", "code", "currency", "entry", "file", "project", "phase", "closed"]
    columns += ["status", "owner", "note", "kind", "region"]
    assert equality_only_columns(rules, columns) == {
        "category", "entry", "file", "project", "phase", "closed", "note", "kind", "region"
    }  # fmt: skip
