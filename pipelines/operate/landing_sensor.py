"""Start the refresh when new, complete files land, instead of waiting for Monday.

The cursor remembers the files already asked for (name, size, mtime), so a file that the run
is still loading, or one that every run defers, does not start a run on every tick.
"""

from __future__ import annotations

import hashlib
import json
import time

import dagster as dg

from pipelines.ingest.sources import all_sources
from pipelines.operate.landing_files import recorded_files, scan_landing
from pipelines.schedules import weekly_portfolio_refresh
from pipelines.settings import Settings

LANDING_SENSOR_NAME = "new_landing_files"


@dg.sensor(
    name=LANDING_SENSOR_NAME,
    job=weekly_portfolio_refresh,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the refresh once new landing files are complete (settled) and not yet "
    "in raw.load_manifest.",
)
def new_landing_files(
    context: dg.SensorEvaluationContext, settings: dg.ResourceParam[Settings]
) -> dg.SensorResult | dg.SkipReason:
    requested: set[str] = set(json.loads(context.cursor)) if context.cursor else set()
    scan = scan_landing(
        settings.landing_dir,
        all_sources(settings.profiles_dir),
        recorded_files(settings.warehouse_path),
        now=time.time(),
        settle_seconds=settings.landing_settle_seconds,
        ready_marker=settings.landing_ready_marker,
    )
    new = [found for found in scan.complete if found.key() not in requested]
    waiting = f"; {len(scan.unsettled)} still being written" if scan.unsettled else ""
    if not new:
        return dg.SkipReason(f"no new complete landing file{waiting}")
    keys = [found.key() for found in new]
    names = ", ".join(found.name for found in new)
    context.log.info(f"new complete landing files: {names}{waiting}")
    # The run key names exactly these files: the same set never starts two runs.
    run_key = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    # Only files still unrecorded are kept, so the cursor does not grow with the folder.
    still_new = {found.key() for found in scan.complete}
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=run_key, tags={"trigger": "landing", "files": names[:200]})
        ],
        cursor=json.dumps(sorted(still_new & (requested | set(keys)))),
    )
