"""Bound Dagster's run history: the event log of every run is kept in the instance's database.

Measured: each demo run adds ~6.7 MB (its event log, `history/runs/<run>.db`) and ~6.5 MB to the
asset index (`history/index.db`), for ever. The finished runs beyond the newest `keep` are
deleted through Dagster's own API (run, events and index rows together), so the UI never shows a
run whose events are gone; the emptied event-log file is then removed. A run still queued or in
progress (this one) is never touched.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.operate.event_log_storage import runs_dir

_FINISHED = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
]


def prune_run_history(dagster_home: Path, keep: int) -> list[str]:
    """Delete all but the `keep` newest finished runs of the instance at `dagster_home`."""
    if not (dagster_home / "history").is_dir():
        return []  # no run has been recorded there: nothing to open (or create)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        records = instance.get_run_records(filters=dg.RunsFilter(statuses=_FINISHED))
        # Newest first (Dagster's order); the first `keep` stay.
        doomed = [record.dagster_run.run_id for record in records[keep:]]
        for run_id in doomed:
            instance.delete_run(run_id)
    # Dagster empties a deleted run's SQLite event log but leaves the file at its full size.
    runs = Path(runs_dir(str(dagster_home)))
    for run_id in doomed:
        for suffix in (".db", ".db-wal", ".db-shm"):
            (runs / f"{run_id}{suffix}").unlink(missing_ok=True)
    return doomed
