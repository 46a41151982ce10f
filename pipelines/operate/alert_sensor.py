"""Run-failure alerts for runs the Dagster daemon watches (schedules, sensors, the UI)."""

from __future__ import annotations

import dagster as dg

from pipelines.operate.alerts import failure_alert, send_alert
from pipelines.settings import Settings


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
    message = context.failure_event.message or "the run failed"
    alert = failure_alert(run.run_id, run.job_name, message)
    for line in send_alert(
        alert,
        log_dir=settings.log_dir,
        smtp_host=settings.alert_smtp_host,
        smtp_port=settings.alert_smtp_port,
        email_from=settings.alert_email_from,
        email_to=settings.alert_email_to,
        webhook_url=settings.alert_webhook_url,
    ):
        context.log.info(f"alert for failed run {run.run_id}: {line}")
