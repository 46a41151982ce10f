"""The same pipeline with dbt on Apache Spark publishes the same marts as with dbt on DuckDB.

The session's published run (conftest.demo_run) built its marts on DuckDB. Here the weekly job runs
again on a copy of its landing folder with `dbt_engine="spark"`: the ingest and the gate in
DuckDB, the accepted raw tables handed to Spark as Parquet, every dbt model built on Spark in
local mode (pyspark, the `spark` extra), the marts copied back, then the prioritization, the
report and the publish step as always. Every mart of the two published warehouses must agree
row for row: same columns, same rows, doubles within rounding (tests/mart_parity.py).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.mart_parity import compare_marts, table_names
from tests.pipeline_runs import RunOutcome, RunPaths, make_paths, run_weekly_job

pytest.importorskip("pyspark", reason="the `spark` extra (make test installs it)")
pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_pipeline_on_spark_publishes_the_marts_duckdb_publishes(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    reference, outcome = demo_run
    assert outcome.success, "the session's DuckDB run failed; nothing to compare with"
    paths = make_paths(tmp_path / "spark_run")
    shutil.copytree(reference.landing, paths.landing)

    started = time.monotonic()
    result = run_weekly_job(paths, dbt_engine="spark", spark_dir=tmp_path / "spark")
    seconds = time.monotonic() - started
    assert result.success, [e.message for e in result.all_events if e.is_failure]

    # Every mart: dbt's, and the prioritization's computed from them after the copy back.
    tables = table_names(reference.warehouse)
    assert table_names(paths.warehouse) == tables
    comparisons = compare_marts(reference.warehouse, paths.warehouse, tables)
    differing = {c.table: c.problems for c in comparisons if c.problems}
    assert differing == {}
    rows = sum(c.rows for c in comparisons)
    assert rows > 1000, "too few rows to compare: the fixture did not build"
    # The report was rendered from the marts Spark built.
    assert (paths.reports / "summary.html").is_file()
    print(f"\nspark run: {seconds:.0f} s; {len(comparisons)} marts, {rows:,} rows compared")
