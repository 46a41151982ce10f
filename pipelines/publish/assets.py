"""The first and last steps of a run: start the build; publish warehouse and reports as a pair."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.asset_keys import WAREHOUSE_BUILD_KEY
from pipelines.publish.cleanup import discard_unpublished
from pipelines.publish.paths import build_path
from pipelines.publish.retention import Retention, apply_retention
from pipelines.publish.run_lock import acquire_run_lock, release_run_lock
from pipelines.publish.run_state import end_orphans, start_run_state
from pipelines.publish.staged_report import publish_warehouse_and_report
from pipelines.publish.warehouse_build import start_build
from pipelines.settings import Settings


@dg.asset(key=WAREHOUSE_BUILD_KEY, group_name="ingest", kinds={"duckdb"})
def warehouse_build(
    context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    """This run's private copy of the published warehouse; every later step writes only to it."""
    acquire_run_lock(settings.warehouse_path)
    # A child a killed run left running (dbt, where it could not die with the run) is ended first.
    for done in end_orphans(settings.warehouse_path):
        context.log.warning(done)
    start_run_state(settings.warehouse_path, context.run_id)
    # Whatever a killed run left: an unfinished publish is completed, everything else discarded.
    for done in discard_unpublished(settings.warehouse_path, settings.reports_dir).done:
        context.log.info(done)
    build = start_build(settings.warehouse_path)
    return dg.MaterializeResult(metadata={"build_file": dg.MetadataValue.path(str(build))})


@dg.asset(group_name="report", kinds={"duckdb"}, deps=[dg.AssetKey("portfolio_report")])
def published_warehouse(
    context: dg.AssetExecutionContext,
    duckdb: DuckDBResource,
    settings: dg.ResourceParam[Settings],
) -> dg.MaterializeResult:
    """The warehouse analysts query and its reports, swapped in once gate, dbt and report passed."""
    published = settings.warehouse_path
    if not build_path(published).exists():
        raise dg.Failure(f"no build file for {published}: run the whole job, not this step alone")
    # Fold the WAL into the build file (under the run's memory limit), close it, then rename.
    with duckdb.get_connection() as con:
        con.execute("checkpoint")
    publish_warehouse_and_report(published, settings.reports_dir)
    for done in apply_retention(Retention.of(settings)):
        context.log.info(done)
    release_run_lock(published)
    return dg.MaterializeResult(
        metadata={
            "warehouse": dg.MetadataValue.path(str(published)),
            "reports": dg.MetadataValue.path(str(settings.reports_dir / "index.html")),
            # Clickable in the UI: the published pages, and the run's quality verdict.
            "report_link": dg.MetadataValue.url((settings.reports_dir / "index.html").as_uri()),
            "quality_page": dg.MetadataValue.url((settings.reports_dir / "quality.html").as_uri()),
        }
    )
