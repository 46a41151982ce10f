"""The whole dbt project built on Apache Spark gives every mart the DuckDB build gives, row for row.

The session's published run (conftest.demo_run) built its marts on DuckDB, and its raw tables
hold what the gate accepted. Here, as a pipeline run on Spark does
(pipelines/transform/assets.py): those raw tables are written as Parquet, the whole dbt project
(seeds and every model) is built on Spark in local mode (pyspark, the `spark` extra) in a dbt
process of its own (the JVM ends with it), and what the pipeline reads after dbt is copied back
into a DuckDB file. Every mart (and the intermediate model the prioritization reads) must then
equal the DuckDB build's: same columns and types, same rows, doubles within rounding
(tests/mart_parity.py).

dbt's data tests are not run on Spark here: they ran on the DuckDB build of the same rows, and
equal marts give equal results; a Spark run of the pipeline runs them (`dbt build`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import DBT_PROJECT_DIR, Settings
from pipelines.transform.selection import load_manifest
from pipelines.transform.spark_exchange import (
    pipeline_relations,
    raw_parquet_dir,
    read_spark_tables,
    source_tables,
    spark_warehouse_dir,
    write_raw_parquet,
)
from tests.dbt_builds import dbt_args
from tests.mart_parity import compare_relations
from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    # Looked up, not imported: pyspark runs in dbt's process, never in the test worker.
    pytest.mark.skipif(
        find_spec("pyspark") is None, reason="the `spark` extra is not installed (make test does)"
    ),
]

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def test_every_mart_built_on_spark_equals_the_duckdb_build(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    reference, outcome = demo_run
    assert outcome.success, "the session's DuckDB run failed; nothing to compare with"
    spark_dir = tmp_path / "spark"
    with duckdb.connect(str(reference.warehouse), read_only=True) as con:
        written = write_raw_parquet(
            con, source_tables(load_manifest(MANIFEST)), raw_parquet_dir(spark_dir)
        )
    assert written["timesheets"] > 0 and written["projects"] > 0

    started = time.monotonic()
    built = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *dbt_args(
                "build",
                reference.warehouse,  # read by the DuckDB targets only; Spark never opens it
                tmp_path,
                "--target",
                "spark",
                "--exclude-resource-type",
                "test",
                "--exclude-resource-type",
                "unit_test",
                settings=Settings(spark_dir=spark_dir),
            ),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    seconds = time.monotonic() - started
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-5000:]

    relations = pipeline_relations(load_manifest(MANIFEST))
    candidate = tmp_path / "from_spark.duckdb"
    with duckdb.connect(str(candidate)) as con:
        copied = read_spark_tables(con, spark_warehouse_dir(spark_dir), relations)
    comparisons = compare_relations(reference.warehouse, candidate, relations)

    assert {c.table: c.problems for c in comparisons if c.problems} == {}
    rows = sum(c.rows for c in comparisons)
    assert rows == sum(copied.values()) and rows > 5000, "too few rows to show anything"
    assert sum(1 for c in comparisons if c.rows > 0) >= 25  # the demo fills most marts
    print(f"\nSpark build {seconds:.0f} s; {len(comparisons)} relations, {rows:,} rows equal")
