"""The dbt docs are the KPI manual: they build, and every mart column is defined."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from tests.pipeline_runs import RunPaths

_DBT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def test_docs_build_and_define_every_mart_column(
    demo_run: tuple[RunPaths, dg.ExecuteInProcessResult], tmp_path: Path
) -> None:
    paths, _result = demo_run
    target = tmp_path / "docs"
    # What `make docs` runs, against the published warehouse of the demo run.
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "docs",
            "generate",
            "--static",
            "--quiet",
            "--project-dir",
            str(_DBT_DIR),
            "--profiles-dir",
            str(_DBT_DIR),
            "--target-path",
            str(target),
        ],
        check=True,
        env={**os.environ, "PORTFOLIO_WAREHOUSE": str(paths.warehouse)},
    )
    assert (target / "static_index.html").stat().st_size > 100_000

    catalog = json.loads((target / "catalog.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    described = {
        node["name"]: {name.lower(): col["description"] for name, col in node["columns"].items()}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    marts = {
        node["metadata"]["name"]: node
        for node in catalog["nodes"].values()
        if node["metadata"]["schema"] == "marts"
    }
    assert {"fct_project_earned_value", "fct_project_health", "dim_dates"} <= set(marts)
    undocumented = [
        f"{table}.{column}"
        for table, node in marts.items()
        for column in node["columns"]
        if not described.get(table, {}).get(column.lower(), "").strip()
    ]
    assert undocumented == [], "mart columns without a definition in the dbt docs"
