"""What the CLI prints as a failed run's cause: dbt's failing node and rows, the OS's error."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines.publish.failure_cause import failure_causes


def _run_results(target: Path, results: list[dict[str, object]]) -> Path:
    target.mkdir()
    (target / "run_results.json").write_text(json.dumps({"results": results}))
    return target


def test_a_failing_model_and_a_failing_test_are_named_with_the_tests_rows(tmp_path: Path) -> None:
    build = tmp_path / "portfolio.duckdb.building"
    with duckdb.connect(str(build)) as con:
        con.execute("create table projects as from (values ('P-7', 3), ('P-9', 1)) t(k, n)")
    target = _run_results(
        tmp_path / "target",
        [
            {"unique_id": "model.p.ok", "status": "success", "message": "OK"},
            {
                "unique_id": "model.p.fct_cost",
                "status": "error",
                "message": 'Binder Error: column "x" not found',
            },
            {
                "unique_id": "test.p.unique_projects_k",
                "status": "fail",
                "message": "Got 1 result, configured to fail if != 0",
                "compiled_code": "select k, n from projects where n > 2",
            },
        ],
    )

    causes = failure_causes(tmp_path / "no.log", target, build)

    assert causes == [
        'dbt model.p.fct_cost: error: Binder Error: column "x" not found',
        "dbt test.p.unique_projects_k: fail: Got 1 result, configured to fail if != 0",
        "    failing row: P-7, 3",
    ]


def test_a_full_disk_or_memory_error_in_the_log_is_named(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text(
        "12:00 dbt started\n"
        "12:01 IO Error: Could not write file: No space left on device\n"
        "12:02 step failed\n"
    )

    causes = failure_causes(log, None, tmp_path / "missing.duckdb")

    assert causes == [
        "No space left on device: 12:01 IO Error: Could not write file: No space left on device"
    ]


def test_no_cause_is_invented(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text("all fine\n")
    target = _run_results(tmp_path / "t", [{"unique_id": "m", "status": "success"}])
    assert failure_causes(log, target, tmp_path / "missing.duckdb") == []
