"""A run builds every model but runs only the data tests its sources feed (transform/selection.py).

The exclusion is checked with dbt itself (`dbt ls` over the project, with the `--select fqn:*`
dagster-dbt adds), so a change in dbt's selection rules shows here, not as silently skipped tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from pipelines.settings import Settings
from pipelines.transform.parse_state import run_parse_key, start_from_kept_state
from pipelines.transform.selection import (
    DbtSource,
    build_exclusion,
    load_manifest,
    manifest_sources,
    sources_with_rows,
    unfed_tests,
)

pytestmark = pytest.mark.unit

DBT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
MANIFEST = DBT_DIR / "target" / "manifest.json"


def _selected(tmp_path: Path, exclusion: list[str]) -> dict[str, set[str]]:
    """What the pipeline's `dbt build` would run: resource type -> node names (dbt ls)."""
    # From the parse state `make dbt-parse` kept for a run with this environment's settings, with
    # that run's target and vars: no full re-parse.
    settings = Settings.from_env()
    start_from_kept_state(MANIFEST.parent, run_parse_key(settings), tmp_path / "target")
    result = dbtRunner().invoke(
        [
            "ls",
            "--target",
            settings.dbt_target,
            "--vars",
            json.dumps(settings.dbt_vars()),
            *exclusion,
            "--select",
            "fqn:*",
            "--resource-types",
            "model",
            "seed",
            "test",
            "--output",
            "json",
            "--output-keys",
            "resource_type",
            "name",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--quiet",
        ]
    )
    assert result.success, result.exception
    selected: dict[str, set[str]] = {}
    for line in result.result or []:
        node = json.loads(line)
        selected.setdefault(node["resource_type"], set()).add(node["name"])
    return selected


def test_every_source_with_rows_excludes_nothing() -> None:
    manifest = load_manifest(MANIFEST)
    assert build_exclusion(unfed_tests(manifest, set(manifest_sources(manifest)))) == []


def test_a_real_export_run_builds_every_model_but_tests_only_what_it_feeds(
    tmp_path: Path,
) -> None:
    manifest = load_manifest(MANIFEST)
    fed = {s for s in manifest_sources(manifest) if s.table == "itdashboard_projects"}
    assert len(fed) == 1
    everything: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        everything.setdefault(node["resource_type"], set()).add(node["name"])
    chosen = _selected(tmp_path, build_exclusion(unfed_tests(manifest, fed)))

    assert chosen["model"] == everything["model"]  # every mart exists, empty when not supplied
    assert chosen["seed"] == everything["seed"]
    tests = chosen["test"]
    assert len(tests) < len(everything["test"]) / 4
    # Its own marts are tested, and the seeds; the demo's cost marts (no rows) are not.
    assert any("fct_published_projects" in name for name in tests)
    assert any("health_thresholds" in name for name in tests)
    assert not any("fct_project_cost_performance" in name for name in tests)


def test_a_test_reading_a_fed_and_an_empty_source_still_runs() -> None:
    manifest = load_manifest(MANIFEST)
    sources = manifest_sources(manifest)
    # The demo without time-tracker files: the timesheets union reads native and tracker rows.
    fed = {s for s in sources if s.unique_id.startswith("source.portfolio.raw.")}
    skipped = build_exclusion(unfed_tests(manifest, fed))[1].split()
    assert not any("stg_timetracker__timesheets" in name for name in skipped)
    assert any("harvest" in name for name in skipped)


def test_sources_with_rows_are_the_non_empty_tables() -> None:
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.timesheets as select 1 as entry_id")
    con.execute("create table raw.projects (project_id varchar)")
    timesheets = DbtSource("source.portfolio.raw.timesheets", "raw", "timesheets")
    projects = DbtSource("source.portfolio.raw.projects", "raw", "projects")
    never_loaded = DbtSource("source.portfolio.raw.gl_actuals", "raw", "gl_actuals")
    assert sources_with_rows(con, [timesheets, projects, never_loaded]) == {timesheets}
