"""What a dbt node's table or test result is computed from, as one digest (kept_nodes.py).

A node's inputs fingerprint covers its own definition as parsed (SQL, config, test arguments,
contract column types; a seed's file), the fingerprints of the nodes and sources it reads, and
what every node's SQL depends on: every macro in the manifest (the project's and dbt's own
materializations and generic tests), `dbt_project.yml`, `profiles.yml`, the dbt-core,
dbt-adapters, dbt-duckdb and DuckDB versions, the dbt target and the run's vars that reach the
SQL (the warehouse file's name among them). A source's fingerprint is its table's columns, row
count and the sum of a hash of every row, so any row loaded, set aside or changed changes it.

It assumes the SQL is a function of those inputs alone: no model, macro or test reads the clock,
a random number or an environment variable (`tests/test_kept_nodes.py` holds the project to that).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from pipelines.sql_helpers import quote_identifier
from pipelines.transform.selection import DbtSource

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
FINGERPRINTED_TYPES = ("model", "seed", "snapshot", "test")
# The memory limit changes how DuckDB works, not what it computes; the Spark folder is read on
# Spark only, where nothing is kept. Of the warehouse's path only the file's name reaches the SQL
# (dbt-duckdb names the database after it, and a view names its tables with it), so a copy of
# the warehouse elsewhere keeps what it holds.
_VARS_WITHOUT_EFFECT = {"duckdb_memory_limit", "spark_dir"}
_VERSIONED = ("dbt-core", "dbt-adapters", "dbt-duckdb", "duckdb")
# A parent outside the manifest (not in a parsed project) makes its children unkeepable.
UNKNOWN = "unknown"
_PROJECT_FILE_SUFFIXES = {".sql", ".yml", ".csv"}
_NOT_PROJECT_FILES = {"target", "logs", "dbt_packages"}


@dataclass(frozen=True)
class BuildSettings:
    """The run's settings a node's SQL can depend on."""

    project_dir: Path
    target: str
    dbt_vars: Mapping[str, object]


def settings_fingerprint(manifest: Mapping[str, Any], settings: BuildSettings) -> str:
    """What every node's result depends on besides its own definition and inputs."""
    macros = sorted(
        (uid, str(macro.get("macro_sql", ""))) for uid, macro in manifest["macros"].items()
    )
    profiles = settings.project_dir / "profiles.yml"
    parts = {
        "dbt_project.yml": (settings.project_dir / "dbt_project.yml").read_text(),
        "profiles.yml": profiles.read_text() if profiles.is_file() else None,
        "macros": macros,
        "versions": {package: version(package) for package in _VERSIONED},
        "adapter": manifest["metadata"].get("adapter_type"),
        "target": settings.target,
        "vars": {
            key: Path(str(value)).name if key == "warehouse_path" else value
            for key, value in settings.dbt_vars.items()
            if key not in _VARS_WITHOUT_EFFECT
        },
    }
    return digest(parts)


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
            found[source.unique_id] = digest(["absent"])
            continue
        relation = f"{quote_identifier(source.schema)}.{quote_identifier(source.table)}"
        # hash(t) hashes the whole row; the sum is order-free and grows with every row (HUGEINT).
        # DuckDB hashes 1 and 1::BIGINT alike, hence the column types beside it.
        row = con.execute(f"select count(*), sum(hash(t)) from {relation} as t").fetchone()
        rows, hashes = row if row else (0, None)
        found[source.unique_id] = digest([table_columns, rows, str(hashes)])
    return found


def node_fingerprints(
    manifest: Mapping[str, Any],
    sources: Mapping[str, str],
    settings_digest: str,
    project_dir: Path,
) -> dict[str, str]:
    """The inputs fingerprint of every model, seed, snapshot and data test in the manifest."""
    nodes: Mapping[str, Mapping[str, Any]] = manifest["nodes"]

    @cache
    def fingerprint(uid: str) -> str:
        if uid in sources:
            return sources[uid]
        node = nodes.get(uid)
        if node is None:
            return UNKNOWN
        parents = sorted(set(node.get("depends_on", {}).get("nodes", [])))
        parent_states = [(parent, fingerprint(parent)) for parent in parents]
        if any(state == UNKNOWN for _, state in parent_states):
            return UNKNOWN
        definition = {field: node.get(field) for field in _DEFINITION_FIELDS}
        # a contract's column types shape the table; the descriptions do not
        definition["columns"] = {
            name: [column.get("data_type"), column.get("constraints")]
            for name, column in sorted(node.get("columns", {}).items())
        }
        if node["resource_type"] == "seed":
            # dbt checksums a seed over 1 MiB by its path only
            definition["file"] = _file_digest(project_dir / str(node["original_file_path"]))
        return digest([settings_digest, definition, parent_states])

    return {
        uid: fingerprint(uid)
        for uid, node in nodes.items()
        if node["resource_type"] in FINGERPRINTED_TYPES
    }


def project_files(project_dir: Path) -> list[Path]:
    """The dbt project's SQL, YAML and seed files (what a parse reads), sorted; dbt's own output
    folders (target/ holds every run's artifacts) are not walked."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(project_dir):
        if Path(folder) == project_dir:
            subfolders[:] = [name for name in subfolders if name not in _NOT_PROJECT_FILES]
        found.extend(
            Path(folder) / name for name in names if Path(name).suffix in _PROJECT_FILE_SUFFIXES
        )
    return sorted(found)


def project_files_digest(project_dir: Path, files: Iterable[Path]) -> str:
    """A digest of the project's files (project_files): their paths and contents."""
    combined = hashlib.sha256()
    for path in files:
        combined.update(str(path.relative_to(project_dir)).encode("utf-8") + b"\0")
        combined.update(bytes.fromhex(_file_digest(path)))
    return combined.hexdigest()


def manifest_is_current(manifest_path: Path, files: Iterable[Path]) -> bool:
    """False when one of the project's files is newer than the manifest (the rule `make
    dbt-parse` follows): the manifest's definitions may then not be what dbt builds."""
    try:
        parsed = manifest_path.stat().st_mtime
    except FileNotFoundError:
        return False
    return not any(path.stat().st_mtime > parsed for path in files)


def is_ephemeral(node: Mapping[str, Any]) -> bool:
    return bool(node.get("config", {}).get("materialized") == "ephemeral")


def topological(nodes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every node's unique id, each after the nodes it reads."""
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


def digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return UNKNOWN
