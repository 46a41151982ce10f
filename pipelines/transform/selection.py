"""Which dbt data tests a run needs: only those its sources feed.

Every model is in every run's build (or kept as the last build left it, kept_nodes.py), so each
mart exists (empty when its sources were not supplied) and the report can say what is missing. A
data test, though, only checks something when at least one of the sources upstream of it has rows:
a real-export run (one US IT Dashboard file) would otherwise run 500 tests of the demo marts on
empty tables. So the build excludes the data tests whose every upstream source is empty this run.
Tests with no source upstream (the seeds' own) and tests that read any source with rows always run;
when every source has rows nothing is excluded.

It is an `--exclude` of test names, not a `--select`: dagster-dbt always adds the assets'
`--select fqn:*`, and dbt unions several `--select`s, so only an exclusion narrows the build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from pipelines.sql_helpers import fetch_scalar, quote_identifier


@dataclass(frozen=True)
class DbtSource:
    """One dbt source table: its unique id in the manifest and the warehouse table it reads."""

    unique_id: str  # source.<project>.<source name>.<table name>
    schema: str
    table: str

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.table}"


def load_manifest(manifest_path: Path) -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = json.loads(manifest_path.read_text())
    return loaded


def manifest_sources(manifest: Mapping[str, Any]) -> list[DbtSource]:
    """The dbt sources the project declares."""
    return [
        DbtSource(
            unique_id=unique_id,
            schema=str(node["schema"]),
            table=str(node.get("identifier") or node["name"]),
        )
        for unique_id, node in manifest["sources"].items()
    ]


def relations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(schema, name) of every table and view in the connection's own database."""
    return {
        (str(schema), str(name))
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    }


def sources_with_rows(
    con: duckdb.DuckDBPyConnection, sources: Iterable[DbtSource]
) -> set[DbtSource]:
    """The sources whose table exists and holds at least one row."""
    present = relations(con)
    fed = set()
    for source in sources:
        if (source.schema, source.table) not in present:
            continue
        relation = f"{quote_identifier(source.schema)}.{quote_identifier(source.table)}"
        if fetch_scalar(con, f"select exists (select 1 from {relation})"):
            fed.add(source)
    return fed


def unfed_tests(manifest: Mapping[str, Any], fed: set[DbtSource]) -> list[str]:
    """Names of the data tests that read only sources without rows (sorted)."""
    parents: Mapping[str, list[str]] = manifest["parent_map"]
    fed_ids = {source.unique_id for source in fed}

    @cache
    def upstream_sources(unique_id: str) -> frozenset[str]:
        found: set[str] = set()
        for parent in parents.get(unique_id, []):
            found |= {parent} if parent.startswith("source.") else upstream_sources(parent)
        return frozenset(found)

    skipped: set[str] = set()
    kept: set[str] = set()
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "test":
            continue
        upstream = upstream_sources(unique_id)
        (skipped if upstream and not upstream & fed_ids else kept).add(str(node["name"]))
    # dbt selects a test by name; a name shared with a test that must run stays selected.
    return sorted(skipped - kept)


def build_exclusion(names: Iterable[str]) -> list[str]:
    """`dbt build` arguments leaving out these node names (the unfed tests, and the nodes kept as
    built, transform/kept_nodes.py); empty when there are none."""
    # One space-separated value: the form dagster-dbt parses and passes on to dbt.
    return ["--exclude", " ".join(sorted(set(names)))] if names else []
