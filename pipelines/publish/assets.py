"""The first and last steps of a run: start the build file, and publish it when all passed."""

import dagster as dg

from pipelines.publish.run_lock import acquire_run_lock, release_run_lock
from pipelines.publish.warehouse_build import build_path, publish_build, start_build
from pipelines.resources import PortfolioFolders

WAREHOUSE_BUILD_KEY = dg.AssetKey("warehouse_build")


@dg.asset(key=WAREHOUSE_BUILD_KEY, group_name="ingest", kinds={"duckdb"})
def warehouse_build(folders: PortfolioFolders) -> dg.MaterializeResult:
    """This run's private copy of the published warehouse; every later step writes only to it."""
    acquire_run_lock(folders.published_warehouse)
    build = start_build(folders.published_warehouse)
    return dg.MaterializeResult(metadata={"build_file": dg.MetadataValue.path(str(build))})


@dg.asset(group_name="report", kinds={"duckdb"}, deps=[dg.AssetKey("portfolio_report")])
def published_warehouse(folders: PortfolioFolders) -> dg.MaterializeResult:
    """The warehouse analysts query, replaced in one rename once the gate, dbt and report passed."""
    published = folders.published_warehouse
    if not build_path(published).exists():
        raise dg.Failure(f"no build file for {published}: run the whole job, not this step alone")
    publish_build(published)
    release_run_lock(published)
    return dg.MaterializeResult(metadata={"warehouse": dg.MetadataValue.path(str(published))})
