"""What the data engineer sees in `dagster dev`: groups, checks, the job and its schedule."""

from __future__ import annotations

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.ingest.sources import all_sources
from pipelines.schedules import WEEKLY_JOB_NAME
from pipelines.settings import Settings


def test_assets_are_grouped_in_the_order_of_the_flow() -> None:
    graph = build_definitions(Settings()).resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(graph.get(key).group_name, set()).add(key.to_user_string())
    assert set(groups) == {"ingest", "quality", "transform", "prioritize", "report"}
    assert groups["prioritize"] == {"portfolio_prioritization"}
    assert "raw_timesheets" in groups["ingest"]
    assert "validated_timesheets" in groups["quality"]
    assert "marts/fct_project_cost_performance" in groups["transform"]
    assert "warehouse_build" in groups["ingest"]
    assert groups["report"] == {"portfolio_report", "published_warehouse"}


def test_dbt_reads_only_validated_sources_and_the_report_only_marts() -> None:
    graph = build_definitions(Settings()).resolve_asset_graph()
    # Every model that reads a raw table reads it through its source's quality gate.
    models = [k for k in graph.get_all_asset_keys() if k.path[0] in {"staging", "intermediate"}]
    assert models
    for key in models:
        raw_parents = {k for k in graph.get(key).parent_keys if k.path[0].startswith("raw_")}
        assert not raw_parents, f"{key.to_user_string()} reads {raw_parents} before the gate"
    staging = graph.get(dg.AssetKey(["staging", "stg_timetracker__timesheets"]))
    trackers = dg.AssetKey(["staging", "stg_timetracker__tracker_timesheets"])
    assert staging.parent_keys == {dg.AssetKey("validated_timesheets"), trackers}
    for tool in ("harvest", "clockify"):
        model = graph.get(dg.AssetKey(["staging", f"stg_timetracker__{tool}_time_entries"]))
        assert model.parent_keys == {dg.AssetKey(f"validated_{tool}_time_entries")}
    published = graph.get(dg.AssetKey(["staging", "stg_gmpp__projects"]))
    assert published.parent_keys == {dg.AssetKey("validated_gmpp_projects")}
    report = graph.get(dg.AssetKey("portfolio_report"))
    prioritization = dg.AssetKey("portfolio_prioritization")
    assert prioritization in report.parent_keys
    assert all(k.path[0] == "marts" for k in report.parent_keys - {prioritization})
    # The optimizer reads built models only (marts, and the filtered resource plan lines).
    inputs = graph.get(prioritization).parent_keys
    assert inputs and all(k.path[0] in {"marts", "intermediate"} for k in inputs)


def test_quality_checks_block_and_dbt_tests_are_checks() -> None:
    defs = build_definitions(Settings())
    specs = [
        spec
        for assets_def in defs.assets or []
        if isinstance(assets_def, dg.AssetsDefinition)
        for spec in assets_def.check_specs
    ]
    gates = [s for s in specs if s.name == "passes_quality_gate"]
    assert len(gates) == len(all_sources()) and all(s.blocking for s in gates)
    assert any(s.asset_key == dg.AssetKey(["marts", "fct_project_costs"]) for s in specs)


def test_the_weekly_job_is_scheduled_on_monday_morning_in_the_configured_zone() -> None:
    defs = build_definitions(Settings(schedule_timezone="America/New_York"))
    schedule = defs.resolve_schedule_def("weekly_portfolio_refresh_monday_morning")
    assert schedule.cron_schedule == "0 6 * * 1"
    assert schedule.execution_timezone == "America/New_York"
    assert schedule.job_name == WEEKLY_JOB_NAME
