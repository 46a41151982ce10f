"""What the pipeline hands to Spark and takes back: Parquet both ways, checked without Spark.

The whole round trip through Spark is tests/test_spark_parity.py; here the two DuckDB ends, so a
broken hand-over fails in the unit tier, in seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.resources import build_resources
from pipelines.settings import DBT_PROJECT_DIR, Settings
from pipelines.transform.selection import load_manifest
from pipelines.transform.spark_exchange import (
    pipeline_relations,
    read_spark_tables,
    source_tables,
    write_raw_parquet,
)

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def _warehouse_with_projects(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute(
        "create table raw.projects (project_id varchar, budget decimal(18, 2), "
        "source_file varchar, source_row bigint, extract_date date, loaded_at timestamp)"
    )
    con.execute(
        "insert into raw.projects values ('PRJ-1', 1200.50, 'p.csv', 2, '2026-11-16', "
        "'2026-11-16 06:00:00'), ('PRJ-2', null, 'p.csv', 3, '2026-11-16', '2026-11-16 06:00:00')"
    )
    return con


def test_each_raw_table_is_written_whole_with_its_lineage(tmp_path: Path) -> None:
    con = _warehouse_with_projects(tmp_path / "w.duckdb")
    raw = tmp_path / "spark" / "raw"
    (raw / "milestones").mkdir(parents=True)  # a copy from an earlier run, table gone since
    written = write_raw_parquet(con, ["projects", "milestones"], raw)

    assert written == {"projects": 2}
    assert not (raw / "milestones").exists()  # never read as this run's
    rows = con.execute(
        f"select * from read_parquet('{raw}/projects/*.parquet') order by project_id"
    ).fetchall()
    assert rows == con.execute("select * from raw.projects order by project_id").fetchall()
    assert rows[0][4] == dt.date(2026, 11, 16) and rows[1][1] is None


def test_the_marts_spark_wrote_replace_the_builds_tables_and_views(tmp_path: Path) -> None:
    spark_tables = tmp_path / "spark" / "warehouse"
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.dim_projects as select 'stale' as project_id")
    con.execute("create schema intermediate")
    con.execute("create view intermediate.int_lines as select 1 as hours")
    for folder, sql in (
        ("marts.db/dim_projects", "select 'PRJ-1' as project_id union all select 'PRJ-2'"),
        ("intermediate.db/int_lines", "select 7.5 as hours"),
    ):
        (spark_tables / folder).mkdir(parents=True)
        con.execute(f"copy ({sql}) to '{spark_tables / folder}/part-0.parquet' (format parquet)")

    copied = read_spark_tables(
        con, spark_tables, [("intermediate", "int_lines"), ("marts", "dim_projects")]
    )

    assert copied == {"intermediate.int_lines": 1, "marts.dim_projects": 2}
    assert con.execute("select project_id from marts.dim_projects order by 1").fetchall() == [
        ("PRJ-1",),
        ("PRJ-2",),
    ]
    assert con.execute("select hours from intermediate.int_lines").fetchall() == [(7.5,)]
    with pytest.raises(FileNotFoundError, match=r"marts\.fct_missing"):
        read_spark_tables(con, spark_tables, [("marts", "fct_missing")])


def test_spark_gets_every_source_and_returns_every_mart_and_what_the_pipeline_reads() -> None:
    sources = source_tables(load_manifest(MANIFEST))
    assert {"projects", "timesheets", "gl_actuals", "gmpp_projects"} <= set(sources)
    relations = pipeline_relations(load_manifest(MANIFEST))
    assert ("marts", "fct_project_cost_performance") in relations
    # the prioritization reads it (pipelines/prioritization/inputs.py)
    assert ("intermediate", "int_resource_plan_lines_filtered") in relations
    assert all(schema in ("marts", "intermediate") for schema, _ in relations)


@pytest.mark.parametrize(
    ("engine", "target"),
    [("duckdb", "build"), ("spark", "spark"), ("spark_thrift", "spark_thrift")],
)
def test_one_setting_chooses_the_dbt_target(engine: str, target: str) -> None:
    dbt = build_resources(Settings(dbt_engine=engine))["dbt"]
    assert dbt.target == target  # type: ignore[attr-defined]
