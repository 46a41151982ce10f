"""The run-failure sensor turns a real failed run into an alert line (and skips CLI runs)."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from pipelines.operate.alert_sensor import CLI_ALERTED_TAG, alert_on_run_failure
from pipelines.operate.alerts import ALERT_LOG_NAME
from pipelines.settings import Settings


@dg.op
def _breaks() -> None:
    raise RuntimeError("the warehouse disk is full")


@dg.job
def _failing_job() -> None:
    _breaks()


def _failure_context(
    instance: dg.DagsterInstance, settings: Settings, tags: dict[str, str] | None = None
) -> dg.RunFailureSensorContext:
    result = _failing_job.execute_in_process(instance=instance, raise_on_error=False, tags=tags)
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE]
    return dg.build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=run,
        resources={"settings": settings},
    ).for_run_failure()


def test_a_failed_run_is_written_to_the_alert_log(tmp_path: Path) -> None:
    settings = Settings(log_dir=tmp_path / "logs")
    with dg.DagsterInstance.ephemeral() as instance:
        context = _failure_context(instance, settings)
        alert_on_run_failure(context)
    [line] = (settings.log_dir / ALERT_LOG_NAME).read_text(encoding="utf-8").splitlines()
    alert = json.loads(line)
    assert alert["run_id"] == context.dagster_run.run_id
    assert alert["job_name"] == "_failing_job"


def test_a_cli_run_that_alerted_itself_is_not_alerted_twice(tmp_path: Path) -> None:
    settings = Settings(log_dir=tmp_path / "logs")
    with dg.DagsterInstance.ephemeral() as instance:
        context = _failure_context(instance, settings, tags={CLI_ALERTED_TAG: "true"})
        alert_on_run_failure(context)
    assert not (settings.log_dir / ALERT_LOG_NAME).exists()


def test_a_failed_cli_run_writes_its_own_alert(tmp_path: Path) -> None:
    """`portfolio run` with no daemon: a run refused by the run lock still leaves an alert."""
    import subprocess
    import sys

    from pipelines.weekly_run import run_pipeline

    settings = Settings(
        landing_dir=tmp_path / "landing",
        warehouse_path=tmp_path / "warehouse" / "portfolio.duckdb",
        reports_dir=tmp_path / "reports",
        log_dir=tmp_path / "logs",
    )
    (settings.landing_dir / "projects").mkdir(parents=True)
    (settings.landing_dir / "projects" / "notes.txt").write_text("not empty", encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; "
            "from pipelines.publish.run_lock import acquire_run_lock; "
            f"acquire_run_lock(Path({str(settings.warehouse_path)!r})); print('held', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert run_pipeline(settings, demo_if_empty=False) == 1
    finally:
        holder.kill()
        holder.wait()
    [line] = (settings.log_dir / ALERT_LOG_NAME).read_text(encoding="utf-8").splitlines()
    alert = json.loads(line)
    assert alert["job_name"] == "weekly_portfolio_refresh"
    assert "another pipeline run (pid" in alert["message"]
