"""Clean up after a failed run the Dagster daemon launched (the CLI does it for its own runs).

A failed or blocked run publishes nothing, but its build file and report staging would otherwise
sit on disk (a warehouse-sized file) until the next run starts. This sensor removes them as soon as
the run has failed, under the run lock, so it never touches the files of a run still in progress.
"""

import dagster as dg

from pipelines.publish.cleanup import discard_failed_run
from pipelines.publish.retention import Retention
from pipelines.settings import Settings

# The failed run's process releases the run lock when it exits, moments after reporting failure.
_WAIT_FOR_FAILED_RUN_SECONDS = 10.0


@dg.run_failure_sensor(
    name="discard_unpublished_build",
    description="After a failed run: remove its unpublished build file and report staging.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def discard_unpublished_build(
    context: dg.RunFailureSensorContext, settings: dg.ResourceParam[Settings]
) -> None:
    run_id = context.dagster_run.run_id
    cleanup = discard_failed_run(
        settings.warehouse_path,
        settings.reports_dir,
        wait_seconds=_WAIT_FOR_FAILED_RUN_SECONDS,
        run_id=run_id,
        retention=Retention.of(settings),
    )
    for line in cleanup.done or ["nothing left to clean up"]:
        context.log.info(f"after failed run {run_id}: {line}")
