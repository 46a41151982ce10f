"""Keep what the last build made when nothing it was made from has changed.

A weekly run used to rebuild every model and re-run every data test, although most of the graph
reads sources that did not change that week (the resource plan, the finance plan, the milestones),
and a re-run with nothing new rebuilt all of it. dbt's cost here is mostly per node, not per row,
so the unchanged part of the graph was most of a small run.

Each model, seed and data test gets an inputs fingerprint: its own definition as parsed (SQL,
config, test arguments), the fingerprints of the nodes and sources it reads, and what every node's
SQL depends on (the project's macros and dbt_project.yml, the dbt and adapter versions, the dbt
target and the run's vars, the warehouse file's name among them). A source's fingerprint is its
table's columns, row count and the sum of a hash of every row, so any row loaded, set aside or
changed changes it. After a build whose every node succeeded, the fingerprints of what it built or
kept are recorded in `audit.dbt_node_builds` inside the build file, so they are published with the
tables they describe, or thrown away with them.

The next run leaves out of `dbt build` every model and seed whose fingerprint equals the recorded
one and whose relation is in the build file (copied from the last published warehouse), and every
data test whose fingerprint equals the one recorded when it passed and whose models are all kept:
the same SQL on the same rows gives the same table and the same test result. Dagster is told about
them after dbt (transform/assets.py): a materialization and a passed check, with the run that
built them, so the steps after dbt run as before.

A model whose parent was neither built nor kept in a run (a subset materialized from the UI) is
not recorded, so it is built the next time. Nothing is kept on Spark, whose catalog lives one
command long.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from pipelines.sql_helpers import quote_identifier
from pipelines.transform.selection import DbtSource

BUILDS_SCHEMA, BUILDS_NAME = "audit", "dbt_node_builds"
BUILDS_TABLE = f"{BUILDS_SCHEMA}.{BUILDS_NAME}"

# What a node's output or result depends on in its manifest entry. Left out on purpose: docs
# (descriptions, meta shown in the docs site) and parse-time stamps such as created_at.
_DEFINITION_FIELDS = (
    "resource_type",
    "package_name",
    "name",
    "alias",
    "schema",
    "checksum",
    "config",
    "raw_code",
    "language",
    "test_metadata",
    "column_name",
    "refs",
    "sources",
)
# Snapshots record when a row changed, so they are always run; the project has none so far.
_KEEPABLE_RELATIONS = {"model", "seed"}
# The memory limit changes how DuckDB works, not what it computes; the Spark folder is read on
# Spark only, where nothing is kept. Of the warehouse's path only the file's name reaches the SQL
# (dbt-duckdb names the database after it, and a view names its tables with it), so a copy of
# the warehouse elsewhere keeps what it holds.
_VARS_WITHOUT_EFFECT = {"duckdb_memory_limit", "spark_dir"}
_BUILT = {"success", "pass"}  # run_results statuses of a node that built or a test that passed
# A parent outside the manifest (not in a parsed project) makes its children unkeepable.
_UNKNOWN = "unknown"


@dataclass(frozen=True)
class BuildContext:
    """What every node's result depends on besides its own definition and inputs (the manifest's
    macros aside)."""

    project_dir: Path
    target: str
    dbt_vars: Mapping[str, object]


@dataclass(frozen=True)
class BuildPlan:
    """What this run's `dbt build` may leave out, and what it was decided from."""

    context: BuildContext
    sources: Mapping[str, str]  # source unique id -> its table's fingerprint
    fingerprints: Mapping[str, str]  # node unique id -> inputs fingerprint
    kept: Mapping[str, str]  # node unique id -> the run that built it (or ran the test)
    files_digest: str  # the dbt project's files now (project_files_digest)
    files_as_recorded: bool  # the same files as when the last build was recorded

    def leaves_nothing_to_build(self, manifest: Mapping[str, Any], skipped: Iterable[str]) -> bool:
        """True when every node `dbt build` would run is kept or in `skipped` (node names), and
        the dbt files are those the kept nodes' fingerprints were last checked against: dbt
        itself need not start."""
        left_out = set(skipped)
        return self.files_as_recorded and all(
            uid in self.kept
            or manifest["nodes"][uid]["name"] in left_out
            or _is_ephemeral(manifest["nodes"][uid])
            for uid in self.fingerprints
        )

    def kept_of_type(self, manifest: Mapping[str, Any], *types: str) -> list[str]:
        """The kept nodes of these resource types, parents before children."""
        nodes = manifest["nodes"]
        return [
            uid
            for uid in _topological(nodes)
            if uid in self.kept and nodes[uid]["resource_type"] in types
        ]


def manifest_is_current(manifest_path: Path, project_dir: Path) -> bool:
    """False when a dbt file is newer than the manifest (the rule `make dbt-parse` follows): the
    manifest's definitions may then not be what dbt builds, so nothing is kept."""
    try:
        parsed = manifest_path.stat().st_mtime
    except FileNotFoundError:
        return False
    return not any(path.stat().st_mtime > parsed for path in _project_files(project_dir))


def plan_build(
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    sources: Iterable[DbtSource],
    context: BuildContext,
) -> BuildPlan:
    """Which nodes the build file already holds as this run would build them."""
    source_states = source_fingerprints(con, sources)
    fingerprints = node_fingerprints(
        manifest, source_states, settings_fingerprint(manifest, context)
    )
    files = project_files_digest(context.project_dir)
    return BuildPlan(
        context=context,
        sources=source_states,
        fingerprints=fingerprints,
        kept=kept_nodes(con, manifest, fingerprints),
        files_digest=files,
        files_as_recorded=files == recorded_files_digest(con),
    )


def project_files_digest(project_dir: Path) -> str:
    """A digest of the dbt project's SQL, YAML and seed files (what a parse reads)."""
    digest = hashlib.sha256()
    for path in sorted(_project_files(project_dir)):
        digest.update(str(path.relative_to(project_dir)).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _project_files(project_dir: Path) -> Iterator[Path]:
    skipped = {"target", "logs", "dbt_packages"}
    for path in project_dir.rglob("*"):
        if path.suffix in {".sql", ".yml", ".csv"} and not skipped & set(
            path.relative_to(project_dir).parts
        ):
            yield path


def settings_fingerprint(manifest: Mapping[str, Any], context: BuildContext) -> str:
    """What every node's result depends on besides its own definition and inputs."""
    project = str(manifest["metadata"]["project_name"])
    macros = sorted(
        (uid, str(macro.get("macro_sql", "")))
        for uid, macro in manifest["macros"].items()
        if macro.get("package_name") == project
    )
    parts = {
        "dbt_project.yml": (context.project_dir / "dbt_project.yml").read_text(),
        "macros": macros,
        "dbt": version("dbt-core"),
        "adapter": [manifest["metadata"].get("adapter_type"), version("dbt-duckdb")],
        "target": context.target,
        "vars": {
            key: Path(str(value)).name if key == "warehouse_path" else value
            for key, value in context.dbt_vars.items()
            if key not in _VARS_WITHOUT_EFFECT
        },
    }
    return _digest(parts)


def source_fingerprints(
    con: duckdb.DuckDBPyConnection, sources: Iterable[DbtSource]
) -> dict[str, str]:
    """Each source table's columns, row count and sum of row hashes (absent: a fixed value)."""
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, data_type in con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() order by table_schema, table_name, "
        "ordinal_position"
    ).fetchall():
        columns.setdefault((str(schema), str(table)), []).append((str(column), str(data_type)))
    found: dict[str, str] = {}
    for source in sources:
        table_columns = columns.get((source.schema, source.table))
        if table_columns is None:
            found[source.unique_id] = _digest(["absent"])
            continue
        relation = f"{quote_identifier(source.schema)}.{quote_identifier(source.table)}"
        # hash(t) hashes the whole row; the sum is order-free and grows with every row (HUGEINT)
        row = con.execute(f"select count(*), sum(hash(t)) from {relation} as t").fetchone()
        rows, hashes = row if row else (0, None)
        found[source.unique_id] = _digest([table_columns, rows, str(hashes)])
    return found


def node_fingerprints(
    manifest: Mapping[str, Any], sources: Mapping[str, str], settings: str
) -> dict[str, str]:
    """The inputs fingerprint of every model, seed, snapshot and data test in the manifest."""
    nodes: Mapping[str, Mapping[str, Any]] = manifest["nodes"]

    @cache
    def fingerprint(uid: str) -> str:
        if uid in sources:
            return sources[uid]
        node = nodes.get(uid)
        if node is None:
            return _UNKNOWN
        parents = sorted(set(node.get("depends_on", {}).get("nodes", [])))
        parent_states = [(parent, fingerprint(parent)) for parent in parents]
        if any(state == _UNKNOWN for _, state in parent_states):
            return _UNKNOWN
        definition = {field: node.get(field) for field in _DEFINITION_FIELDS}
        # a contract's column types shape the table; the descriptions do not
        definition["columns"] = {
            name: [column.get("data_type"), column.get("constraints")]
            for name, column in sorted(node.get("columns", {}).items())
        }
        return _digest([settings, definition, parent_states])

    return {
        uid: fingerprint(uid)
        for uid, node in nodes.items()
        if node["resource_type"] in (*_KEEPABLE_RELATIONS, "snapshot", "test")
    }


def kept_nodes(
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    fingerprints: Mapping[str, str],
) -> dict[str, str]:
    """node unique id -> the run that built it, for each node the build file holds as is."""
    recorded = recorded_builds(con)
    present = _relations(con)
    nodes = manifest["nodes"]
    kept: dict[str, str] = {}
    for uid in _topological(nodes):
        node = nodes[uid]
        if node["resource_type"] not in _KEEPABLE_RELATIONS or _is_ephemeral(node):
            continue  # an ephemeral model has no relation: its SQL is inside its children's
        before = recorded.get(uid)
        relation = (str(node["schema"]), str(node.get("alias") or node["name"]))
        if (
            before
            and before[0] == fingerprints.get(uid)
            and relation in present
            # a parent built again (its table was missing) is reported after its children
            and all(parent in kept for parent in _relation_parents(nodes, uid))
        ):
            kept[uid] = before[1]
    for uid, node in nodes.items():
        if node["resource_type"] != "test":
            continue
        before = recorded.get(uid)
        parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p in nodes]
        if (
            before
            and before[0] == fingerprints.get(uid)
            and all(parent in kept for parent in parents)
        ):
            kept[uid] = before[1]
    return kept


def exclusion_names(manifest: Mapping[str, Any], plan: BuildPlan) -> list[str]:
    """Names of the kept nodes, for `dbt build --exclude` (dbt selects a node by its name)."""
    names_kept = {str(manifest["nodes"][uid]["name"]) for uid in plan.kept}
    names_run = {
        str(node["name"])
        for uid, node in manifest["nodes"].items()
        if uid in plan.fingerprints and uid not in plan.kept
    }
    return sorted(names_kept - names_run)


class StaleKeptNode(RuntimeError):
    """A node was left out of the build although the project dbt built defines it otherwise."""


def record_build(
    con: duckdb.DuckDBPyConnection,
    built_manifest: Mapping[str, Any],
    plan: BuildPlan,
    results: Mapping[str, str],
    run_id: str,
) -> int:
    """Record what a successful build built, passed or kept, with the dbt files it was built
    from; returns the number of nodes.

    `built_manifest` is the manifest dbt parsed for this build: the fingerprints are computed
    again from it, and a kept node whose fingerprint differs there (the plan was made from an
    older manifest) raises StaleKeptNode, so the run fails instead of publishing an old table.
    When dbt did not start (leaves_nothing_to_build), `built_manifest` is the plan's own and
    `results` is empty. `results` maps a node's unique id to its status in run_results.json.
    A node is recorded only
    when every node it reads was built or kept in this run, so a stale parent is never trusted.
    """
    nodes: Mapping[str, Mapping[str, Any]] = built_manifest["nodes"]
    fingerprints = node_fingerprints(
        built_manifest, plan.sources, settings_fingerprint(built_manifest, plan.context)
    )
    stale = sorted(uid for uid in plan.kept if fingerprints.get(uid) != plan.fingerprints[uid])
    if stale:
        raise StaleKeptNode(
            f"{len(stale)} dbt node(s) were kept although the project defines them otherwise "
            f"(e.g. {stale[0]}): the manifest was older than the dbt files. Run `make dbt-parse` "
            "and run again; nothing was published."
        )

    @cache
    def fresh(uid: str) -> bool:
        if uid.startswith("source."):
            return True
        node = nodes.get(uid)
        if node is None:
            return False
        done = uid in plan.kept or results.get(uid) in _BUILT
        if _is_ephemeral(node):
            done = True  # built inside each child that reads it
        return done and all(fresh(p) for p in node.get("depends_on", {}).get("nodes", []))

    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (uid, fingerprint, plan.kept.get(uid, run_id), plan.files_digest, now)
        for uid, fingerprint in sorted(fingerprints.items())
        if fingerprint != _UNKNOWN
        and nodes[uid]["resource_type"] in (*_KEEPABLE_RELATIONS, "test")
        and fresh(uid)
    ]
    con.execute(f"create schema if not exists {BUILDS_SCHEMA}")
    con.execute(
        f"create or replace table {BUILDS_TABLE} ("
        "node_unique_id varchar primary key, inputs_fingerprint varchar not null, "
        "built_in_run_id varchar not null, project_files_digest varchar not null, "
        "recorded_at timestamp not null)"
    )
    if rows:
        con.executemany(f"insert into {BUILDS_TABLE} values (?, ?, ?, ?, ?)", rows)
    return len(rows)


def recorded_builds(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """node unique id -> (inputs fingerprint, run id) as the last published build recorded it."""
    if not _columns(con, BUILDS_SCHEMA, BUILDS_NAME):
        return {}
    return {
        str(uid): (str(fingerprint), str(run_id))
        for uid, fingerprint, run_id in con.execute(
            f"select node_unique_id, inputs_fingerprint, built_in_run_id from {BUILDS_TABLE}"
        ).fetchall()
    }


def recorded_files_digest(con: duckdb.DuckDBPyConnection) -> str | None:
    """The dbt files' digest the last published build recorded (None: none recorded yet)."""
    if "project_files_digest" not in _columns(con, BUILDS_SCHEMA, BUILDS_NAME):
        return None
    row = con.execute(f"select max(project_files_digest) from {BUILDS_TABLE}").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def run_statuses(run_results: Mapping[str, Any]) -> dict[str, str]:
    return {str(r["unique_id"]): str(r["status"]) for r in run_results.get("results", [])}


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        str(name)
        for (name,) in con.execute(
            "select column_name from information_schema.columns where table_catalog = "
            "current_database() and table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


def _is_ephemeral(node: Mapping[str, Any]) -> bool:
    return bool(node.get("config", {}).get("materialized") == "ephemeral")


def _relation_parents(nodes: Mapping[str, Mapping[str, Any]], uid: str) -> set[str]:
    """The models and seeds with a relation that `uid` reads, through ephemeral models."""
    found: set[str] = set()
    for parent in nodes[uid].get("depends_on", {}).get("nodes", []):
        node = nodes.get(parent)
        if node is None:
            continue
        found |= _relation_parents(nodes, parent) if _is_ephemeral(node) else {parent}
    return found


def _topological(nodes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every node's unique id, each after the nodes it reads (Dagster wants outputs so)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid].get("depends_on", {}).get("nodes", []):
            visit(parent)
        order.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    return order


def _relations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {
        (str(schema), str(name))
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    }


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
