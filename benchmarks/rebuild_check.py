"""Are the incremental run's marts those of a full rebuild? (issue 16: "marts identical").

The incremental run's warehouse is copied and every dbt model rebuilt in full on the copy
(`dbt run --full-refresh`: the same raw tables, nothing incremental kept); then each mart, table or
view, is reduced to its row count and the sum of a hash of each whole row, in both files. Equal
checksums for every mart mean the incremental build changed no figure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.settings import Settings

_DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"


def rebuild_in_full(warehouse: Path, folder: Path) -> Path:
    """A copy of `warehouse` under `folder` with every dbt model rebuilt from its raw tables."""
    copy = folder / "portfolio.duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(warehouse, copy)
    settings = Settings.from_env().with_changes(warehouse_path=copy)
    command = [
        *(sys.executable, "-m", "dbt.cli.main", "run", "--full-refresh", "--quiet"),
        *("--project-dir", str(_DBT_PROJECT), "--profiles-dir", str(_DBT_PROJECT)),
        *("--target-path", str(folder / "target"), "--log-path", str(folder / "logs")),
        *("--threads", str(settings.dbt_threads), "--vars", json.dumps(settings.dbt_vars())),
    ]
    environment = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(command, check=True, env=environment, cwd=_DBT_PROJECT)
    return copy


def mart_checksums(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Each mart (schema `marts`, tables and views): (rows, sum of a hash of each row)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        checksums = {}
        for mart in marts:
            rows, checksum = con.execute(
                f'select count(*), coalesce(sum(hash(t)), 0) from marts."{mart}" as t'
            ).fetchall()[0]
            checksums[mart] = (int(rows), int(checksum))
        return checksums


def differing_marts(incremental: Path, rebuilt: Path) -> list[str]:
    """The marts whose rows differ between the two warehouses (or exist in only one)."""
    ours, theirs = mart_checksums(incremental), mart_checksums(rebuilt)
    names = ours.keys() | theirs.keys()
    return sorted(mart for mart in names if ours.get(mart) != theirs.get(mart))
