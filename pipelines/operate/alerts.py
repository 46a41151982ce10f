"""Tell someone a run failed: a line in a log file always, e-mail and a webhook when configured.

Nobody watches an unattended run; the file is the record that cannot be lost to a mail outage,
and each channel's failure is written to it instead of hiding the original alert.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

ALERT_LOG_NAME = "alerts.log"
_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class RunFailureAlert:
    run_id: str
    job_name: str
    failed_at: str  # ISO 8601, UTC
    message: str

    @property
    def subject(self) -> str:
        return f"[portfolio] run {self.run_id[:8]} of {self.job_name} FAILED"

    def text(self) -> str:
        return f"{self.subject}\nat {self.failed_at}\n\n{self.message}\n"


def failure_alert(run_id: str, job_name: str, message: str) -> RunFailureAlert:
    return RunFailureAlert(run_id, job_name, datetime.now(UTC).isoformat(), message)


def write_alert_log(log_dir: Path, alert: RunFailureAlert) -> Path:
    """Append the alert as one JSON line to <log_dir>/alerts.log."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / ALERT_LOG_NAME
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(alert), sort_keys=True) + "\n")
    return path


def send_email(
    alert: RunFailureAlert, *, host: str, port: int, sender: str, recipients: list[str]
) -> None:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(alert.text())
    with smtplib.SMTP(host, port, timeout=_TIMEOUT_SECONDS) as smtp:
        smtp.send_message(message)


def post_webhook(alert: RunFailureAlert, url: str) -> int:
    """POST the alert as JSON; returns the HTTP status (urllib raises on 4xx/5xx)."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": alert.subject, **asdict(alert)}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
        return int(response.status)


def send_alert(
    alert: RunFailureAlert,
    *,
    log_dir: Path,
    smtp_host: str = "",
    smtp_port: int = 25,
    email_from: str = "",
    email_to: str = "",
    webhook_url: str = "",
) -> list[str]:
    """Log, then every configured channel; returns what was done (one line each)."""
    done = [f"logged to {write_alert_log(log_dir, alert)}"]
    recipients = [address.strip() for address in email_to.split(",") if address.strip()]
    if smtp_host and recipients:
        try:
            send_email(
                alert, host=smtp_host, port=smtp_port, sender=email_from, recipients=recipients
            )
            done.append(f"e-mailed {', '.join(recipients)} via {smtp_host}:{smtp_port}")
        except (OSError, smtplib.SMTPException) as exc:
            done.append(f"e-mail via {smtp_host}:{smtp_port} FAILED: {exc}")
    if webhook_url:
        try:
            done.append(f"posted to the webhook (HTTP {post_webhook(alert, webhook_url)})")
        except OSError as exc:  # URLError and HTTPError are OSErrors
            done.append(f"webhook FAILED: {exc}")
    failed = [line for line in done if "FAILED" in line]
    if failed:
        write_alert_log(log_dir, failure_alert(alert.run_id, alert.job_name, "; ".join(failed)))
    return done
