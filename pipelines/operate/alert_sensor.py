"""Run-failure alerts for runs the Dagster daemon watches (schedules, sensors, the UI)."""

from __future__ import annotations

import dagster as dg

from pipelines.operate.alerts import RunFailureAlert, failure_alert, send_alert
from pipelines.settings import Settings

# `portfolio run` alerts for its own failed runs (it may run with no daemon); tagged so a daemon
# watching the same instance does not send the same alert again.
CLI_ALERTED_TAG = "portfolio/alerted_by_cli"


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    description="After a failed run: a line in <log dir>/alerts.log, and e-mail and/or a "
    "webhook POST when configured (PORTFOLIO_ALERT_*).",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(
    context: dg.RunFailureSensorContext, settings: dg.ResourceParam[Settings]
) -> None:
    run = context.dagster_run
    if run.tags.get(CLI_ALERTED_TAG):
        context.log.info(f"run {run.run_id} was started by `portfolio run`, which alerted")
        return
    message = context.failure_event.message or "the run failed"
    alert = failure_alert(run.run_id, run.job_name, message)
    for line in alert_with_settings(alert, settings):
        context.log.info(f"alert for failed run {run.run_id}: {line}")


def alert_with_settings(alert: RunFailureAlert, settings: Settings) -> list[str]:
    """Every channel `settings` configures (the file always)."""
    return send_alert(
        alert,
        log_dir=settings.log_dir,
        smtp_host=settings.alert_smtp_host,
        smtp_port=settings.alert_smtp_port,
        email_from=settings.alert_email_from,
        email_to=settings.alert_email_to,
        webhook_url=settings.alert_webhook_url,
    )
