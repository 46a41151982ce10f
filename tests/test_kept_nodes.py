"""Which dbt nodes a run keeps as the last build left them (pipelines/transform/kept_nodes.py).

A small project by hand: two raw sources, a seed, a view, two tables, an ephemeral model between
a view and a table, and two data tests. Each test records a build, changes one thing, plans
again and checks exactly which nodes must be built.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.transform.kept_nodes import (
    BuildPlan,
    StaleKeptNode,
    exclusion_names,
    forget_builds,
    plan_build,
    record_build,
)
from pipelines.transform.node_fingerprints import BuildSettings, manifest_is_current, project_files
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
        "fqn": ["p", "marts", name],
        "original_file_path": f"seeds/{name}.csv"
        if resource_type == "seed"
        else f"models/{name}.sql",
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
        "sources": {
            s.unique_id: {"schema": s.schema, "name": s.table, "fqn": ["p", "raw", s.table]}
            for s in SOURCES
        },
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
    (folder / "seeds").mkdir()
    (folder / "seeds" / "s1.csv").write_text("k\n1\n")
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
    parsed = project / "target" / "manifest.json"  # its date is what is checked
    parsed.parent.mkdir(exist_ok=True)
    parsed.touch()
    settings = BuildSettings(project, "build", {**VARS, **changed})
    plan = plan_build(con, manifest, parsed, SOURCES, settings)
    assert plan is not None
    return plan


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
    assert exclusion_names(plan, manifest) == [
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
    ["currency", "warehouse file name", "macro", "dbt_project.yml", "profiles.yml"],
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
    elif change == "dbt_project.yml":
        (project / "dbt_project.yml").write_text("name: p\nvars: {standard_weekly_hours: 37.5}\n")
    else:  # a DuckDB setting of the build target can change what a function returns
        (project / "profiles.yml").write_text("p: {outputs: {build: {settings: {TimeZone: X}}}}\n")
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
    assert "c_matches_d" not in exclusion_names(plan, manifest)


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
    assert manifest_is_current(manifest, project_files(project))
    os.utime(project / "models" / "a.sql")  # edited now, after the parse
    os.utime(manifest, (1_000_000, 1_000_000))
    assert not manifest_is_current(manifest, project_files(project))


def test_a_kept_node_keeps_the_run_that_built_it(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    record_build(con, manifest, _plan(con, manifest, project), {}, "run-2")  # everything kept
    assert set(_plan(con, manifest, project).kept.values()) == {"run-1"}


def test_a_contract_column_type_or_a_seed_file_rebuilds_its_node(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _manifest()
    manifest["nodes"]["model.p.d"]["columns"] = {
        "id": {"data_type": "integer", "constraints": [], "description": "the entry"}
    }
    manifest = _built_once(con, project, manifest)
    edited = copy.deepcopy(manifest)
    edited["nodes"]["model.p.d"]["columns"]["id"]["data_type"] = "bigint"
    # dbt checksums a large seed by its path: its manifest entry stays the same
    (project / "seeds" / "s1.csv").write_text("k\n2\n")
    plan = _plan(con, edited, project)
    assert set(plan.kept) == {"model.p.a", "model.p.b", "test.p.not_null_a"}


@pytest.mark.parametrize(
    ("node", "name"),
    [
        ("test.p.not_null_a", "a"),  # a test named like a model: `--exclude a` would drop both
        ("model.p.b", "marts"),  # a folder's name: `--exclude marts` would drop the folder
    ],
)
def test_a_name_dbt_would_match_elsewhere_is_never_kept(
    con: duckdb.DuckDBPyConnection, project: Path, node: str, name: str
) -> None:
    manifest = _manifest()
    manifest["nodes"][node]["name"] = name
    manifest = _built_once(con, project, manifest)
    plan = _plan(con, manifest, project)
    assert not {uid for uid in plan.kept if manifest["nodes"][uid]["name"] == name}
    assert name not in exclusion_names(plan, manifest)


def test_a_node_reading_what_the_manifest_lacks_is_never_kept(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _manifest()
    manifest["nodes"]["model.p.d"]["depends_on"]["nodes"] = ["model.p.gone"]
    manifest = _built_once(con, project, manifest)
    plan = _plan(con, manifest, project)
    assert "model.p.d" not in plan.kept and "test.p.c_matches_d" not in plan.kept
    assert "model.p.c" in plan.kept


def test_a_run_that_keeps_nothing_drops_the_record(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    forget_builds(con)  # a Spark or subset run: it may change what the record describes
    assert _plan(con, manifest, project).kept == {}


def test_a_manifest_older_than_the_dbt_files_keeps_nothing_and_drops_the_record(
    con: duckdb.DuckDBPyConnection, project: Path
) -> None:
    manifest = _built_once(con, project)
    parsed = project / "target" / "manifest.json"
    os.utime(parsed, (1_000_000, 1_000_000))  # parsed before the files were written
    settings = BuildSettings(project, "build", VARS)
    assert plan_build(con, manifest, parsed, SOURCES, settings) is None
    assert _plan(con, manifest, project).kept == {}  # even once the manifest is current again


# What keeping assumes of the SQL: the same inputs give the same rows.
_IMPURE = re.compile(
    r"current_date|current_timestamp|\bnow\s*\(|\brandom\s*\(|\buuid\s*\(|run_started_at|"
    r"invocation_id|modules\.datetime|env_var\s*\(",
    re.IGNORECASE,
)
# Read on Spark only, where nothing is kept: where the pipeline wrote the raw Parquet.
_SPARK_ONLY = {"macros/cross_database/register_raw_sources.sql"}


def test_no_model_macro_or_test_reads_the_clock_chance_or_environment() -> None:
    project = Path(__file__).resolve().parent.parent / "dbt_project"
    found = [
        f"{path.relative_to(project)}: {match.group(0)}"
        for folder in ("models", "macros", "tests")
        for path in sorted((project / folder).rglob("*.sql"))
        if str(path.relative_to(project)) not in _SPARK_ONLY
        for match in _IMPURE.finditer(path.read_text())
    ]
    assert found == []
