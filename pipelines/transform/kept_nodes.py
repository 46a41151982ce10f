"""Keep what the last build made when nothing it was made from has changed.

A weekly run used to rebuild every model and re-run every data test, although part of the graph
reads sources that did not change that week (the finance plan, the FX rates, the published
exports), and a re-run with nothing new rebuilt all of it. dbt's cost here is mostly per node, not
per row, so the unchanged part of the graph was most of a small run.

Each model, seed and data test has an inputs fingerprint (node_fingerprints.py). After a build
whose every node succeeded, the fingerprints of what it built or kept are recorded in
`audit.dbt_node_builds` inside the build file, so they are published with the tables they
describe, or thrown away with them. A run that keeps nothing (on Spark, a subset of the assets,
a manifest older than the dbt files) drops the record before dbt starts, since it may change
tables the record describes.

The next run leaves out of `dbt build` every model and seed whose fingerprint equals the recorded
one, whose relation is in the build file (copied from the last published warehouse) and whose
parents are kept, and every data test whose fingerprint equals the one recorded when it passed
and whose models are all kept: the same SQL on the same rows gives the same table and the same
test result. Dagster is told about them (kept_events.py): a materialization for each kept model
before dbt's own events, a passed check for each kept test after them, with the run that built or
ran it, so the steps after dbt run as before. A node whose name another node or a folder shares is
never kept: dbt excludes by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from pipelines.quality.warehouse import table_columns
from pipelines.transform.node_fingerprints import (
    UNKNOWN,
    BuildSettings,
    is_ephemeral,
    manifest_is_current,
    node_fingerprints,
    project_files,
    project_files_digest,
    settings_fingerprint,
    source_fingerprints,
    topological,
)
from pipelines.transform.selection import DbtSource, relations

BUILDS_SCHEMA, BUILDS_NAME = "audit", "dbt_node_builds"
BUILDS_TABLE = f"{BUILDS_SCHEMA}.{BUILDS_NAME}"

# Snapshots record when a row changed, so they are always run; the project has none so far.
_KEEPABLE_RELATIONS = {"model", "seed"}
_RECORDED_TYPES = {*_KEEPABLE_RELATIONS, "test"}
_BUILT = {"success", "pass"}  # run_results statuses of a node that built or a test that passed


@dataclass(frozen=True)
class BuildPlan:
    """What this run's `dbt build` may leave out, and what it was decided from."""

    settings: BuildSettings
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
            or is_ephemeral(manifest["nodes"][uid])
            for uid in self.fingerprints
        )

    def kept_of_type(self, manifest: Mapping[str, Any], *types: str) -> list[str]:
        """The kept nodes of these resource types, parents before children (Dagster wants a
        multi-asset's outputs so)."""
        nodes = manifest["nodes"]
        return [
            uid
            for uid in topological(nodes)
            if uid in self.kept and nodes[uid]["resource_type"] in types
        ]


def plan_build(
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    manifest_path: Path,
    sources: Iterable[DbtSource],
    settings: BuildSettings,
) -> BuildPlan | None:
    """Which nodes the build file already holds as this run would build them; None, with the
    record dropped, when the manifest is older than the dbt files (every node is built)."""
    files = project_files(settings.project_dir)
    if not manifest_is_current(manifest_path, files):
        forget_builds(con)
        return None
    source_states = source_fingerprints(con, sources)
    fingerprints = node_fingerprints(
        manifest,
        source_states,
        settings_fingerprint(manifest, settings),
        settings.project_dir,
    )
    files_digest = project_files_digest(settings.project_dir, files)
    recorded = recorded_builds(con)
    return BuildPlan(
        settings=settings,
        sources=source_states,
        fingerprints=fingerprints,
        kept=kept_nodes(con, manifest, fingerprints, recorded),
        files_digest=files_digest,
        files_as_recorded=bool(recorded)
        and all(record.files_digest == files_digest for record in recorded.values()),
    )


def forget_builds(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the record: a run that keeps nothing may change what it describes."""
    con.execute(f"drop table if exists {BUILDS_TABLE}")


def kept_nodes(
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    fingerprints: Mapping[str, str],
    recorded: Mapping[str, RecordedBuild],
) -> dict[str, str]:
    """node unique id -> the run that built it, for each node the build file holds as is."""
    present = relations(con)
    nodes = manifest["nodes"]
    ambiguous = _ambiguous_names(manifest)
    kept: dict[str, str] = {}

    def as_recorded(uid: str) -> bool:
        before = recorded.get(uid)
        return bool(
            before
            and before.fingerprint == fingerprints.get(uid)
            and nodes[uid]["name"] not in ambiguous
        )

    for uid in topological(nodes):
        node = nodes[uid]
        if node["resource_type"] not in _KEEPABLE_RELATIONS or is_ephemeral(node):
            continue  # an ephemeral model has no relation: its SQL is inside its children's
        relation = (str(node["schema"]), str(node.get("alias") or node["name"]))
        if (
            as_recorded(uid)
            and relation in present
            # a parent built again (its table was missing) is reported after its children
            and all(parent in kept for parent in _relation_parents(nodes, uid))
        ):
            kept[uid] = recorded[uid].run_id
    for uid, node in nodes.items():
        if (
            node["resource_type"] == "test"
            and as_recorded(uid)
            and all(parent in kept for parent in _relation_parents(nodes, uid))
        ):
            kept[uid] = recorded[uid].run_id
    return kept


def exclusion_names(plan: BuildPlan, manifest: Mapping[str, Any]) -> list[str]:
    """Names of the kept nodes, for `dbt build --exclude` (no two nodes share them)."""
    return sorted(str(manifest["nodes"][uid]["name"]) for uid in plan.kept)


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
    When dbt did not start (leaves_nothing_to_build), it is the plan's own and `results` is
    empty. `results` maps a node's unique id to its status in run_results.json. A node is
    recorded only when every node it reads was built or kept in this run, so a stale parent is
    never trusted. A kept node keeps the run that built it.
    """
    nodes: Mapping[str, Mapping[str, Any]] = built_manifest["nodes"]
    fingerprints = node_fingerprints(
        built_manifest,
        plan.sources,
        settings_fingerprint(built_manifest, plan.settings),
        plan.settings.project_dir,
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
        # an ephemeral model is built inside each child that reads it
        done = uid in plan.kept or results.get(uid) in _BUILT or is_ephemeral(node)
        return done and all(fresh(p) for p in node.get("depends_on", {}).get("nodes", []))

    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (uid, fingerprint, plan.kept.get(uid, run_id), plan.files_digest, now)
        for uid, fingerprint in sorted(fingerprints.items())
        if fingerprint != UNKNOWN and nodes[uid]["resource_type"] in _RECORDED_TYPES and fresh(uid)
    ]
    con.execute(f"create schema if not exists {BUILDS_SCHEMA}")
    # project_files_digest repeats the build's one value on every row: one table to publish
    con.execute(
        f"create or replace table {BUILDS_TABLE} ("
        "node_unique_id varchar primary key, inputs_fingerprint varchar not null, "
        "built_in_run_id varchar not null, project_files_digest varchar not null, "
        "recorded_at timestamp not null)"
    )
    if rows:
        con.executemany(f"insert into {BUILDS_TABLE} values (?, ?, ?, ?, ?)", rows)
    return len(rows)


class RecordedBuild(NamedTuple):
    """One node as the last published build recorded it."""

    fingerprint: str
    run_id: str  # the run that built it, or ran the test
    files_digest: str  # the dbt files that build read (the same on every row)


def recorded_builds(con: duckdb.DuckDBPyConnection) -> dict[str, RecordedBuild]:
    """node unique id -> its record; empty when none was published (or one written before the
    dbt files' digest was recorded: every node is built once)."""
    if "project_files_digest" not in (table_columns(con, BUILDS_SCHEMA, BUILDS_NAME) or []):
        return {}
    return {
        str(uid): RecordedBuild(str(fingerprint), str(run_id), str(files))
        for uid, fingerprint, run_id, files in con.execute(
            "select node_unique_id, inputs_fingerprint, built_in_run_id, project_files_digest "
            f"from {BUILDS_TABLE}"
        ).fetchall()
    }


def run_statuses(run_results: Mapping[str, Any]) -> dict[str, str]:
    return {str(r["unique_id"]): str(r["status"]) for r in run_results.get("results", [])}


def _ambiguous_names(manifest: Mapping[str, Any]) -> set[str]:
    """Names dbt's `--exclude` would match elsewhere too: a name two nodes share, or a folder's
    or the package's name (dbt's name selector also matches a prefix of a node's fqn)."""
    seen: set[str] = set()
    shared: set[str] = set()
    folders: set[str] = set()
    for node in [*manifest["nodes"].values(), *manifest.get("sources", {}).values()]:
        name = str(node.get("name"))
        (shared if name in seen else seen).add(name)
        folders.update(str(part) for part in node.get("fqn", [])[:-1])
    return shared | folders


def _relation_parents(nodes: Mapping[str, Mapping[str, Any]], uid: str) -> set[str]:
    """The models and seeds with a relation that `uid` reads, through ephemeral models."""
    found: set[str] = set()
    for parent in nodes[uid].get("depends_on", {}).get("nodes", []):
        node = nodes.get(parent)
        if node is None:
            continue
        found |= _relation_parents(nodes, parent) if is_ephemeral(node) else {parent}
    return found
