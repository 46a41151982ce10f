"""Which dbt nodes a run keeps as the last build left them (pipelines/transform/kept_nodes.py).

A small project by hand: two raw sources, a seed, a view, two tables, an ephemeral model between
a view and a table, and two data tests. Each test records a build, changes one thing, plans
again and checks exactly which nodes must be built.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.transform.kept_nodes import (
    BuildContext,
    BuildPlan,
    StaleKeptNode,
    exclusion_names,
    manifest_is_current,
    plan_build,
    record_build,
)
from pipelines.transform.selection import DbtSource

SOURCES = [
    DbtSource("source.p.raw.t1", "raw", "t1"),
    DbtSource("source.p.raw.t2", "raw", "t2"),
]
VARS = {
    "warehouse_path": "/data/warehouse/portfolio.duckdb",
    "duckdb_memory_limit": "1.5GB",
    "reporting_currency": "USD",
    "fiscal_year_start_month": "4",
    "spark_dir": "/data/spark",
}


def _node(resource_type: str, name: str, parents: list[str], **config: str) -> dict[str, Any]:
    return {
        "resource_type": resource_type,
        "package_name": "p",
        "name": name,
        "alias": name,
        "schema": "main_test" if resource_type == "test" else "main",
        "checksum": {"name": "sha256", "checksum": f"{name}-file"},
        "config": {"materialized": "table", **config},
        "raw_code": f"select * from {' join '.join(parents)}",
        "depends_on": {"nodes": parents, "macros": []},
        "description": f"{name}, as the docs say",
        "created_at": 1.0,
    }


def _manifest() -> dict[str, Any]:
    nodes = {
        "seed.p.s1": _node("seed", "s1", [], materialized="seed"),
        "model.p.a": _node("model", "a", ["source.p.raw.t1"], materialized="view"),
        "model.p.b": _node("model", "b", ["source.p.raw.t2"], materialized="view"),
        "model.p.c": _node("model", "c", ["model.p.a", "seed.p.s1"]),
        "model.p.e": _node("model", "e", ["model.p.b"], materialized="ephemeral"),
        "model.p.d": _node("model", "d", ["model.p.e"]),
        "test.p.not_null_a": _node("test", "not_null_a", ["model.p.a"], materialized="test"),
        "test.p.c_matches_d": _node(
            "test", "c_matches_d", ["model.p.c", "model.p.d"], materialized="test"
        ),
    }
    return {
        "metadata": {"project_name": "p", "adapter_type": "duckdb"},
        "nodes": nodes,
        "sources": {s.unique_id: {"schema": s.schema, "name": s.table} for s in SOURCES},
        "macros": {"macro.p.to_money": {"package_name": "p", "macro_sql": "round({{ x }}, 2)"}},
    }


ALL_BUILT = {
    "seed.p.s1": "success",
    "model.p.a": "success",
    "model.p.b": "success",
    "model.p.c": "success",
    "model.p.d": "success",
    "test.p.not_null_a": "pass",
    "test.p.c_matches_d": "pass",
}
EVERY_RELATION = {"seed.p.s1", "model.p.a", "model.p.b", "model.p.c", "model.p.d"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "dbt_project"
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text("name: p\n")
    (folder / "models" / "a.sql").write_text("select 1\n")
    return folder


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.t1 as select range as id, 'x' || range as label from range(50)")
    con.execute("create table raw.t2 as select range as id, range * 2 as hours from range(80)")
    con.execute("create table s1 as select 1 as k")
    con.execute("create view a as select * from raw.t1")
    con.execute("create view b as select * from raw.t2")
    con.execute("create table c as select * from a, s1")
    con.execute("create table d as select * from b")
    return con


def _plan(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], project: Path, **changed: str
) -> BuildPlan:
    return plan_build(con, manifest, SOURCES, BuildContext(project, "build", {**VARS, **changed}))


def _built_once(
    con: duckdb.DuckDBPyConnection, project: Path, manifest: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A first build of everything, recorded; returns the manifest it was built from."""
    manifest = manifest or _manifest()
    plan = _plan(con, manifest, project)
    assert plan.kept == {}  # nothing recorded yet: everything is built
    record_build(con, manifest, plan, ALL_BUILT, "run-1")
    return manifest


def test_a_run_with_nothing_changed_keeps_every_node_and_need_not_start_dbt(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    plan = _plan(con, manifest, project)
    assert set(plan.kept) == EVERY_RELATION | {"test.p.not_null_a", "test.p.c_matches_d"}
    assert set(plan.kept.values()) == {"run-1"}
    assert plan.leaves_nothing_to_build(manifest, skipped=[])
    assert exclusion_names(manifest, plan) == [
        "a",
        "b",
        "c",
        "c_matches_d",
        "d",
        "not_null_a",
        "s1",
    ]


@pytest.mark.parametrize(
    "change",
    [
        "insert into raw.t2 values (1000, 5)",  # a new load's row
        "delete from raw.t2 where id = 7",  # a row set aside by the gate
        "update raw.t2 set hours = 3 where id = 7",  # the same count, another value
        "alter table raw.t2 add column note varchar",  # a new column, null in every row
        "alter table raw.t2 alter column id type integer",  # the same values, another type
    ],
)
def test_a_changed_source_rebuilds_what_reads_it_and_nothing_else(
    con: duckdb.DuckDBPyConnection, project: Path, change: str
) -> None:
    manifest = _built_once(con, project)
    con.execute(change)
    plan = _plan(con, manifest, project)
    # b reads t2; d reads b through the ephemeral e; the test reads d
    assert set(plan.kept) == {"seed.p.s1", "model.p.a", "model.p.c", "test.p.not_null_a"}
    assert not plan.leaves_nothing_to_build(manifest, skipped=[])


def test_a_changed_model_rebuilds_it_and_every_node_downstream(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    edited = copy.deepcopy(manifest)
    edited["nodes"]["model.p.a"]["raw_code"] += " where id > 3"
    plan = _plan(con, edited, project)
    assert set(plan.kept) == {"seed.p.s1", "model.p.b", "model.p.d"}


def test_what_does_not_change_the_sql_does_not_rebuild(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    edited = copy.deepcopy(manifest)
    edited["nodes"]["model.p.c"]["description"] = "reworded docs"
    edited["nodes"]["model.p.c"]["created_at"] = 2.0  # parsed again later
    plan = _plan(
        con,
        edited,
        project,
        duckdb_memory_limit="3GB",
        warehouse_path="/elsewhere/portfolio.duckdb",  # a copy of the warehouse, same file name
    )
    assert set(plan.kept) == EVERY_RELATION | {"test.p.not_null_a", "test.p.c_matches_d"}


@pytest.mark.parametrize(
    "change",
    ["currency", "warehouse file name", "macro", "dbt_project.yml"],
)
def test_what_every_node_depends_on_rebuilds_everything(
    con: duckdb.DuckDBPyConnection, project: Path, change: str
) -> None:
    manifest = _built_once(con, project)
    edited = copy.deepcopy(manifest)
    changed: dict[str, str] = {}
    if change == "currency":
        changed["reporting_currency"] = "EUR"
    elif change == "warehouse file name":
        changed["warehouse_path"] = "/data/warehouse/other.duckdb"  # the views name it
    elif change == "macro":
        edited["macros"]["macro.p.to_money"]["macro_sql"] = "round({{ x }}, 4)"
    else:
        (project / "dbt_project.yml").write_text("name: p\nvars: {standard_weekly_hours: 37.5}\n")
    assert _plan(con, edited, project, **changed).kept == {}


def test_a_missing_relation_is_built_again_with_what_reads_it(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    con.execute("drop view a")
    plan = _plan(con, manifest, project)
    # c and a's test would be kept by their fingerprints, but a is built again, and Dagster wants
    # a parent's output before its children's
    assert set(plan.kept) == {"seed.p.s1", "model.p.b", "model.p.d"}


def test_a_missing_table_is_built_again_and_its_tests_run(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    con.execute("drop table c")
    plan = _plan(con, manifest, project)
    assert set(plan.kept) == {
        "seed.p.s1",
        "model.p.a",
        "model.p.b",
        "model.p.d",
        "test.p.not_null_a",
    }


def test_only_what_built_or_passed_with_fresh_parents_is_recorded(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _manifest()
    plan = _plan(con, manifest, project)
    results = {
        **ALL_BUILT,
        "model.p.b": "skipped",  # neither built nor kept: d and its test read a stale b
        "test.p.not_null_a": "warn",  # a warning is run again
    }
    record_build(con, manifest, plan, results, "run-1")
    rows = con.execute("select node_unique_id from audit.dbt_node_builds").fetchall()
    recorded = {uid for (uid,) in rows}
    assert recorded == {"seed.p.s1", "model.p.a", "model.p.c"}


def test_a_kept_test_needs_every_model_it_reads_kept(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    con.execute("insert into raw.t2 values (1000, 5)")
    plan = _plan(con, manifest, project)
    assert "test.p.c_matches_d" not in plan.kept  # c is kept, d is not
    # the test is named in the build, so dbt runs it on the new d
    assert "c_matches_d" not in exclusion_names(manifest, plan)


def test_a_kept_node_the_built_project_defines_otherwise_fails_the_run(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    plan = _plan(con, manifest, project)  # made from a manifest older than the dbt files
    parsed_by_dbt = copy.deepcopy(manifest)
    parsed_by_dbt["nodes"]["model.p.c"]["raw_code"] += " -- edited"
    with pytest.raises(StaleKeptNode, match=r"model\.p\.c"):
        record_build(con, parsed_by_dbt, plan, {}, "run-2")


def test_dbt_starts_again_when_a_dbt_file_changed(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    (project / "models" / "a.sql").write_text("select 2\n")
    plan = _plan(con, manifest, project)
    assert set(plan.kept) == EVERY_RELATION | {"test.p.not_null_a", "test.p.c_matches_d"}
    assert not plan.leaves_nothing_to_build(manifest, skipped=[])


def test_a_manifest_older_than_a_dbt_file_is_not_current(project: Path) -> None:
    manifest = project / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    os.utime(project / "models" / "a.sql", (1_000_000, 1_000_000))
    assert manifest_is_current(manifest, project)
    os.utime(project / "models" / "a.sql")  # edited now, after the parse
    os.utime(manifest, (1_000_000, 1_000_000))
    assert not manifest_is_current(manifest, project)
