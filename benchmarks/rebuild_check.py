"""Are the incremental run's models those of a full rebuild? (issue 16: "marts identical").

The incremental run's warehouse is copied and every dbt model rebuilt in full on the copy
(`dbt run --full-refresh` under the pipeline's build target and settings: the same raw tables,
nothing incremental kept). Then every model dbt stores as a table (incremental ones included) and
every mart view is reduced, in both files, to its row count and the sum of a hash of each row,
floating-point columns rounded to 6 decimals first (a sum of doubles in another row order may
differ in its last bit). Equal checksums for every one mean the incremental build changed no
figure. Tables the pipeline writes outside dbt (the prioritisation's) are not compared: the
rebuild copies them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.settings import Settings
from pipelines.transform.selection import load_manifest

_DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"
_FLOATS = {"DOUBLE", "FLOAT", "REAL"}
_STORED = {"table", "incremental"}


def rebuild_in_full(warehouse: Path, folder: Path) -> Path:
    """A copy of `warehouse` under `folder` with every dbt model rebuilt from its raw tables.

    Raises CalledProcessError when dbt fails (its log is under `folder`/logs)."""
    folder.mkdir(parents=True, exist_ok=True)
    published = folder / "portfolio.duckdb"  # the build target writes <path>.building
    rebuilt = published.with_name(published.name + ".building")
    shutil.copy(warehouse, rebuilt)
    settings = Settings.from_env().with_changes(warehouse_path=published)
    command = [
        *(sys.executable, "-m", "dbt.cli.main", "run", "--full-refresh", "--quiet"),
        *("--target", "build", *settings.dbt_arguments()),
        *("--project-dir", str(_DBT_PROJECT), "--profiles-dir", str(_DBT_PROJECT)),
        *("--target-path", str(folder / "target"), "--log-path", str(folder / "logs")),
    ]
    environment = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    # In the warehouse's folder, as a run starts dbt: the profile names the file alone.
    subprocess.run(command, check=True, env=environment, cwd=settings.dbt_working_dir)
    return rebuilt


def compared_relations(manifest: Path) -> list[tuple[str, str]]:
    """(schema, name) of every model stored as a table, and of every view in `marts`."""
    nodes = load_manifest(manifest)["nodes"].values()
    return sorted(
        (node["schema"], node.get("alias") or node["name"])
        for node in nodes
        if node["resource_type"] == "model"
        and (node["config"]["materialized"] in _STORED or node["schema"] == "marts")
    )


def checksums(warehouse: Path, relations: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Each relation: (rows, sum of a hash of each row, floats rounded); missing ones left out."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns: dict[tuple[str, str], list[str]] = {}
        for schema, name, column, data_type in con.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall():
            quoted = f'"{column}"'
            columns.setdefault((schema, name), []).append(
                f"round({quoted}, 6)" if data_type in _FLOATS else quoted
            )
        result = {}
        for schema, name in relations:
            if (schema, name) not in columns:
                continue
            row_hash = f"hash({', '.join(columns[(schema, name)])})"
            rows, checksum = con.execute(
                f'select count(*), coalesce(sum({row_hash}), 0) from "{schema}"."{name}"'
            ).fetchall()[0]
            result[f"{schema}.{name}"] = (int(rows), int(checksum))
        return result


def differing_models(incremental: Path, rebuilt: Path, manifest: Path) -> list[str]:
    """The compared relations whose rows differ between the two warehouses (or exist in one)."""
    relations = compared_relations(manifest)
    ours, theirs = checksums(incremental, relations), checksums(rebuilt, relations)
    names = ours.keys() | theirs.keys()
    return sorted(name for name in names if ours.get(name) != theirs.get(name))


def check_against_full_rebuild(warehouse: Path, folder: Path) -> list[str]:
    """What differs between `warehouse` and its full rebuild; a failed rebuild says so."""
    try:
        rebuilt = rebuild_in_full(warehouse, folder)
    except subprocess.CalledProcessError:
        return [f"(the full rebuild failed: see {folder / 'logs'})"]
    return differing_models(warehouse, rebuilt, folder / "target" / "manifest.json")
