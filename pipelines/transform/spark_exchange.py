"""What passes between the DuckDB build and Spark, as Parquet, when dbt builds on Spark.

The ingest and the quality gate always work in the run's DuckDB build (`<warehouse>.building`);
when `PORTFOLIO_DBT_ENGINE` is a Spark engine the dbt step

1. writes each raw table dbt reads (the gate has run: the rows left are the accepted ones, with
   their lineage columns) to `<spark_dir>/raw/<table>/`, which dbt's `on-run-start` hook
   registers as the Spark source `raw.<table>` (dbt_project/macros/cross_database/
   register_raw_sources.sql);
2. runs `dbt build` on Spark, which writes every table it builds as Parquet under Spark's
   warehouse folder, `<spark_dir>/warehouse/<schema>.db/<model>/`;
3. copies the marts (and the few other models the pipeline reads, `meta.read_by_pipeline`) from
   there into the DuckDB build as tables of the same names, so the prioritization, the report
   and the publish step read `marts.*` as on DuckDB, and analysts get one file.

Parquet because Spark and DuckDB both read and write it with what they ship (no Delta or Iceberg
jars here), keeping column types and nulls.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipelines.sql_helpers import fetch_scalar
from pipelines.sql_helpers import quote_identifier as quote
from pipelines.transform.selection import manifest_sources

# One file per raw table: Spark reads a folder, so each table gets its own.
RAW_FILE_NAME = "data.parquet"


class SparkNotInstalledError(RuntimeError):
    """PORTFOLIO_DBT_ENGINE names Spark but dbt-spark is not installed (the `spark` extra)."""


def dbt_spark_installed() -> bool:
    """Whether dbt-spark (the `spark` extra) is importable here."""
    return importlib.util.find_spec("dbt.adapters.spark") is not None


def require_dbt_spark() -> None:
    """Stop with what to install, before anything is written for Spark."""
    if not dbt_spark_installed():
        raise SparkNotInstalledError(
            "PORTFOLIO_DBT_ENGINE names Spark but dbt-spark is not installed: "
            "pip install -c constraints.txt -e '.[spark]' (README 'When one machine is not enough')"
        )


def raw_parquet_dir(spark_dir: Path) -> Path:
    """Where the raw tables are written for Spark (dbt var `spark_raw_location`)."""
    return spark_dir / "raw"


def spark_warehouse_dir(spark_dir: Path) -> Path:
    """Spark's `spark.sql.warehouse.dir` (dbt_project/profiles.yml): the tables dbt builds."""
    return spark_dir / "warehouse"


def source_tables(manifest: Mapping[str, Any]) -> list[str]:
    """The raw tables dbt reads: every source of the dbt manifest (all in schema `raw`)."""
    return sorted({source.table for source in manifest_sources(manifest)})


def pipeline_relations(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(schema, table) of every model the pipeline reads after dbt: the marts, and the models
    marked `meta.read_by_pipeline` (the prioritization reads one intermediate model)."""
    return sorted(
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node["schema"] == "marts" or node["config"].get("meta", {}).get("read_by_pipeline"))
    )


def write_raw_parquet(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], raw_dir: Path
) -> dict[str, int]:
    """Write `raw.<table>` for each of `tables` to `raw_dir/<table>/`; returns rows per table.

    A table the ingest has not created is skipped (its folder removed): dbt's source then fails,
    naming it, rather than read a stale copy.
    """
    written: dict[str, int] = {}
    for table in tables:
        folder = raw_dir / table
        shutil.rmtree(folder, ignore_errors=True)  # last run's copy: never mix two extracts
        if not _table_exists(con, "raw", table):
            continue
        folder.mkdir(parents=True)
        con.execute(f"copy raw.{quote(table)} to '{folder / RAW_FILE_NAME}' (format parquet)")
        written[table] = int(fetch_scalar(con, f"select count(*) from raw.{quote(table)}"))
    return written


def clear_spark_warehouse(warehouse_dir: Path) -> None:
    """Empty Spark's warehouse folder before a local-mode build: its catalog lives in memory for
    one dbt command, so tables a previous build left would block creating them again (and must
    never be read back as this run's)."""
    shutil.rmtree(warehouse_dir, ignore_errors=True)


def read_spark_tables(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, relations: Iterable[tuple[str, str]]
) -> dict[str, int]:
    """Copy each Spark table `<schema>.<table>` into the DuckDB build under the same name.

    Returns rows per relation. Replaces the tables of the last published build; a relation Spark
    did not write is an error (a mart missing from a published warehouse must never go unseen).
    """
    copied: dict[str, int] = {}
    for schema, table in relations:
        folder = warehouse_dir / f"{schema}.db" / table
        if not any(folder.glob("*.parquet")):
            raise FileNotFoundError(f"Spark wrote no {schema}.{table}: nothing in {folder}")
        relation = f"{quote(schema)}.{quote(table)}"
        con.execute(f"create schema if not exists {quote(schema)}")
        # A model DuckDB built as a view (the intermediate ones) becomes a table of its rows.
        if _relation_type(con, schema, table) == "VIEW":
            con.execute(f"drop view {relation}")
        con.execute(
            f"create or replace table {relation} as "
            f"select * from read_parquet('{folder}/*.parquet')"
        )
        copied[f"{schema}.{table}"] = int(fetch_scalar(con, f"select count(*) from {relation}"))
    return copied


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return _relation_type(con, schema, table) is not None


def _relation_type(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str | None:
    """'BASE TABLE', 'VIEW' or None (no such relation)."""
    return fetch_scalar(
        con,
        "select table_type from information_schema.tables"
        " where table_schema = ? and table_name = ?",
        [schema, table],
    )
