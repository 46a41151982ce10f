"""dbt models as Dagster assets and dbt tests as asset checks, in the `transform` group."""

import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection

from pipelines.publish.retention import DBT_TARGET_PREFIX
from pipelines.publish.run_state import record_child
from pipelines.settings import Settings
from pipelines.transform.kept_events import kept_check_results, kept_outputs
from pipelines.transform.kept_nodes import (
    BuildPlan,
    exclusion_names,
    forget_builds,
    plan_build,
    record_build,
    run_statuses,
)
from pipelines.transform.node_fingerprints import BuildSettings
from pipelines.transform.parse_state import (
    keep_parse_state,
    run_parse_key,
    start_from_kept_state,
)
from pipelines.transform.project import dbt_project
from pipelines.transform.selection import (
    DbtSource,
    build_exclusion,
    load_manifest,
    manifest_sources,
    sources_with_rows,
    unfed_tests,
)
from pipelines.transform.spark_exchange import (
    clear_spark_warehouse,
    pipeline_relations,
    raw_parquet_dir,
    read_spark_tables,
    require_dbt_spark,
    source_tables,
    spark_warehouse_dir,
    write_raw_parquet,
)


class PortfolioDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


def dbt_build_args(settings: Settings, exclusion: list[str] | None = None) -> list[str]:
    """`dbt build` as a scheduled run does it.

    Unit tests are left out: they test the SQL on fixed inputs, not this week's data, so the test
    suite runs them once (`make test-unit`) instead of every run paying for them. `exclusion`
    (selection.build_exclusion) leaves out the data tests that read only sources without rows and
    the nodes kept as the last build left them (kept_nodes.py).
    """
    return [
        "build",
        *(exclusion or []),
        "--exclude-resource-type",
        "unit_test",
        *settings.dbt_arguments(),
        "--log-level-file",
        settings.dbt_log_level_file,
    ]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=PortfolioDbtTranslator(),
)
def portfolio_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    duckdb: DuckDBResource,
    settings: dg.ResourceParam[Settings],
) -> Iterator[Any]:
    """Build staging → intermediate → marts and run the data tests this run's sources feed
    (selection.py); a failing test fails the run. What did not change since the last published
    build is kept instead (kept_nodes.py), and reported as such (kept_events.py).

    On DuckDB dbt builds into the run's build file. On Spark (`PORTFOLIO_DBT_ENGINE`) the accepted
    raw tables go to Spark as Parquet first and the marts Spark built come back into the build
    file after (pipelines/transform/spark_exchange.py), so every later step reads DuckDB alike.
    """
    manifest = load_manifest(dbt_project.manifest_path)
    sources = manifest_sources(manifest)
    on_spark = settings.dbt_engine != "duckdb"
    # Closed before dbt starts: DuckDB lets one process write the file.
    with duckdb.get_connection() as con:
        fed = sources_with_rows(con, sources)
        plan = _plan_kept_nodes(context, con, manifest, sources, settings)
    unfed = unfed_tests(manifest, fed)
    if unfed:
        empty = ", ".join(sorted(s.label for s in sources if s not in fed))
        context.log.info(f"no rows in {empty}: {len(unfed)} data tests reading only these skipped")
    if plan and plan.leaves_nothing_to_build(manifest, unfed):
        context.log.info("every model and data test is kept as built: dbt is not started")
        yield from kept_outputs(context, manifest, plan)
        yield from _record_build(context, duckdb, manifest, plan, {})
        return
    exclusion = build_exclusion([*unfed, *(exclusion_names(plan, manifest) if plan else ())])
    if plan:
        # Exactly the named nodes are left out: dbt's default (eager) would also leave out every
        # test that reads a kept model, even one that reads a model built again this run.
        exclusion += ["--indirect-selection", "empty"]
    if on_spark:
        _hand_raw_tables_to_spark(context, duckdb, settings, source_tables(manifest))
    project_target = Path(dbt_project.project_dir) / "target"
    target_path = (
        project_target / f"{DBT_TARGET_PREFIX}{context.run.run_id[:7]}-{uuid.uuid4().hex[:7]}"
    )
    parse_key = run_parse_key(settings)
    start_from_kept_state(project_target, parse_key, target_path)
    invocation = dbt.cli(
        dbt_build_args(settings, exclusion), context=context, target_path=target_path
    )
    # Written down so a next run can end dbt if this run is killed, and so a failure can be
    # explained from dbt's run_results.json (pipelines/publish/failure_cause.py).
    record_child(settings.warehouse_path, invocation.process.pid, dbt_target=invocation.target_path)
    if plan is not None:
        yield from kept_outputs(context, manifest, plan)
    yield from invocation.stream()  # raises when dbt failed: nothing is copied back then
    # Reached only when dbt succeeded: the next run parses less.
    keep_parse_state(invocation.target_path, project_target, parse_key)
    if plan is not None:
        yield from _record_build(
            context,
            duckdb,
            invocation.get_artifact("manifest.json"),
            plan,
            run_statuses(invocation.get_artifact("run_results.json")),
        )
    if on_spark:
        with duckdb.get_connection() as con:
            copied = read_spark_tables(
                con,
                spark_warehouse_dir(settings.spark_dir),
                pipeline_relations(manifest),
            )
        context.log.info(
            f"models Spark built, copied into the warehouse: {len(copied)} "
            f"({sum(copied.values()):,} rows)"
        )


def _record_build(
    context: dg.AssetExecutionContext,
    duckdb: DuckDBResource,
    built_manifest: Mapping[str, Any],
    plan: BuildPlan,
    results: Mapping[str, str],
) -> Iterator[dg.AssetCheckResult]:
    """Record the build's fingerprints for the next run, then report the kept tests."""
    with duckdb.get_connection() as con:
        recorded = record_build(con, built_manifest, plan, results, context.run_id)
    context.log.info(f"dbt nodes recorded with their inputs for the next run: {recorded}")
    yield from kept_check_results(context, built_manifest, plan)


def _plan_kept_nodes(
    context: dg.AssetExecutionContext,
    con: DuckDBPyConnection,
    manifest: Mapping[str, Any],
    sources: list[DbtSource],
    settings: Settings,
) -> BuildPlan | None:
    """The nodes this build may leave out (kept_nodes.py); None when every node is built, the
    record of the last build then dropped."""
    if settings.dbt_engine != "duckdb" or context.is_subset:
        # Spark's catalog lives one command long; a subset (from the UI) selects its tests
        # through dbt's indirect selection, which would drop a test reading a kept and a built
        # model. Either builds what it selects.
        forget_builds(con)
        return None
    plan = plan_build(
        con,
        manifest,
        dbt_project.manifest_path,
        sources,
        BuildSettings(Path(dbt_project.project_dir), settings.dbt_target, settings.dbt_vars()),
    )
    if plan is None:
        context.log.warning(
            "the dbt manifest is older than the dbt files (run `make dbt-parse`): every model is "
            "built this run"
        )
        return None
    models = len(plan.kept_of_type(manifest, "model", "seed"))
    tests = len(plan.kept_of_type(manifest, "test"))
    context.log.info(
        f"kept as the last build left them (their SQL, settings and inputs unchanged): "
        f"{models} models and seeds, {tests} data tests"
    )
    return plan


def _hand_raw_tables_to_spark(
    context: dg.AssetExecutionContext,
    duckdb: DuckDBResource,
    settings: Settings,
    tables: list[str],
) -> None:
    """The gate's accepted raw tables as Parquet where Spark reads its sources."""
    require_dbt_spark()
    with duckdb.get_connection() as con:
        written = write_raw_parquet(con, tables, raw_parquet_dir(settings.spark_dir))
    if settings.dbt_engine == "spark":  # local mode; a cluster keeps its own tables
        clear_spark_warehouse(spark_warehouse_dir(settings.spark_dir))
    context.log.info(
        f"raw tables for Spark: {len(written)} written to "
        f"{raw_parquet_dir(settings.spark_dir)} ({sum(written.values()):,} rows)"
    )
