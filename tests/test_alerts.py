"""Run-failure alerts reach a local SMTP server and a local HTTP receiver (loopback only)."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from pipelines.operate.alerts import ALERT_LOG_NAME, failure_alert, send_alert

RUN_ID = "0123456789abcdef"


class _FakeSmtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message, keep what was sent."""

    received: list[dict[str, object]]

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        mail: dict[str, object] = {"rcpt": []}
        self._reply("220 localhost fake SMTP")
        while raw := self.rfile.readline():
            command = raw.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 localhost")
            elif verb == "MAIL":
                mail["from"] = command
                self._reply("250 OK")
            elif verb == "RCPT":
                mail["rcpt"].append(command)  # type: ignore[union-attr]
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with .")
                lines = []
                while (line := self.rfile.readline().decode()) not in (".\r\n", ""):
                    lines.append(line)
                mail["data"] = "".join(lines)
                self.server.received.append(mail)  # type: ignore[attr-defined]
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[dict[str, object]]]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _FakeSmtp)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_receiver() -> Iterator[tuple[str, list[dict[str, object]]]]:
    received: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(
                {
                    "content_type": self.headers["Content-Type"],
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:  # keep pytest's output clean
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _alert_lines(log_dir: Path) -> list[dict[str, str]]:
    text = (log_dir / ALERT_LOG_NAME).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_an_alert_is_logged_emailed_and_posted(
    tmp_path: Path,
    smtp_server: tuple[int, list[dict[str, object]]],
    http_receiver: tuple[str, list[dict[str, object]]],
) -> None:
    port, mails = smtp_server
    url, posts = http_receiver
    alert = failure_alert(RUN_ID, "weekly_portfolio_refresh", "step validated_projects failed")
    done = send_alert(
        alert,
        log_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        email_from="pipeline@example.org",
        email_to="oncall@example.org, pmo@example.org",
        webhook_url=url,
    )
    assert [line.split(" ")[0] for line in done] == ["logged", "e-mailed", "posted"], done
    [logged] = _alert_lines(tmp_path)
    assert logged["run_id"] == RUN_ID
    assert logged["message"] == "step validated_projects failed"
    [mail] = mails
    assert len(mail["rcpt"]) == 2  # type: ignore[arg-type]
    assert "Subject: [portfolio] run 01234567 of weekly_portfolio_refresh FAILED" in str(
        mail["data"]
    )
    assert "step validated_projects failed" in str(mail["data"])
    [post] = posts
    assert post["content_type"] == "application/json"
    body = post["body"]
    assert isinstance(body, dict)
    assert body["run_id"] == RUN_ID
    assert body["job_name"] == "weekly_portfolio_refresh"


def test_only_the_log_without_channels(tmp_path: Path) -> None:
    done = send_alert(failure_alert(RUN_ID, "job", "boom"), log_dir=tmp_path)
    assert len(done) == 1
    assert [line["message"] for line in _alert_lines(tmp_path)] == ["boom"]


def test_a_channel_that_fails_is_logged_not_raised(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    done = send_alert(
        failure_alert(RUN_ID, "job", "boom"),
        log_dir=tmp_path,
        webhook_url=f"http://127.0.0.1:{closed_port}/hook",
        smtp_host="127.0.0.1",
        smtp_port=closed_port,
        email_to="oncall@example.org",
    )
    assert sum("FAILED" in line for line in done) == 2
    lines = _alert_lines(tmp_path)
    assert lines[0]["message"] == "boom"
    assert "webhook FAILED" in lines[1]["message"]
