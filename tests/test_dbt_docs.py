"""The dbt docs are the KPI manual: they build, and every mart column is defined."""

from __future__ import annotations

import json
from pathlib import Path

from tests.dbt_builds import run_dbt
from tests.pipeline_runs import RunPaths


def test_docs_build_and_define_every_mart_column(published_copy: RunPaths, tmp_path: Path) -> None:
    # What `make docs` runs (dbt docs generate --static), against a copy of the published
    # warehouse of the session's demo run: dbt-duckdb opens it read-write.
    result = run_dbt("docs", published_copy.warehouse, tmp_path, "generate", "--static")
    assert result.success, result.exception
    target = tmp_path / "target"
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
