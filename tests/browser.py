"""Headless Chromium for the report tests, driven over the DevTools protocol (CDP).

Why a hand-rolled CDP client and not Playwright or Selenium: the checks need exactly five things
from the browser (console messages, uncaught exceptions, every network request and its outcome,
dialogs, and a full-page screenshot), all of which are plain CDP events and commands. Speaking CDP
over the `websockets` package (already in the environment) adds no browser download, no Node
runtime and no driver binary whose version must match Debian's `chromium`.

The browser is Debian's `chromium`, installed before pytest starts (`make test` has it as a
prerequisite, and so does `.ci/run`): never from inside a test, because two apt runs at once fail on
the package lock. CI must run these tests, not skip them, so `ensure_chromium` fails (never skips)
with that message when the browser is missing. It runs with
the flags that keep it off the network (without the background-networking flags it tries Google
hosts, which a closed network refuses) and a fresh profile per process.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from pipelines.report.board_pack import CHROMIUM_HEADLESS_FLAGS, find_chromium

CHROMIUM_FLAGS = (
    *CHROMIUM_HEADLESS_FLAGS,
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
)
LOCAL_SCHEMES = ("file:", "data:")
VIEWPORT = (1280, 900)


class BrowserError(RuntimeError):
    """Chromium could not be found, installed, started or driven."""


def ensure_chromium() -> str:
    """The Chromium executable, or BrowserError (the caller fails the test with it).

    A browser test that silently skips in CI proves nothing, and a test that installs packages
    races every other apt run on the machine.
    """
    found = find_chromium()
    if not found:
        raise BrowserError(
            "headless Chromium is not installed: `make test` installs it before pytest starts "
            "(make chromium); by hand: apt-get install -y --no-install-recommends chromium"
        )
    return found


@dataclass
class PageReport:
    """What happened while a page loaded, and what the page looks like once loaded."""

    url: str
    console: list[str] = field(default_factory=list)  # "level: text"
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)  # "url: reason"
    dialogs: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    dom: dict[str, Any] = field(default_factory=dict)  # the probe's findings (see PROBE_JS)

    @property
    def console_errors(self) -> list[str]:
        return [m for m in self.console if m.startswith(("error:", "assert:"))]

    @property
    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def problems(self) -> list[str]:
        """Everything that makes the page fail the browser check, as readable lines."""
        return (
            [f"console {m}" for m in self.console_errors]
            + [f"uncaught exception: {e}" for e in self.exceptions]
            + [f"external request: {u}" for u in self.external_requests]
            + [f"failed request: {f}" for f in self.failed_requests]
            + [f"dialog opened: {d}" for d in self.dialogs]
        )


class _Session:
    """One CDP session (a page target) multiplexed on the browser connection."""

    def __init__(self, browser: Browser, session_id: str) -> None:
        self.browser = browser
        self.session_id = session_id

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, session_id=self.session_id)


class Browser:
    """One headless Chromium process for a whole test module; pages are opened one at a time.

    Every page gets its own browser context (a fresh, empty profile in memory), so nothing one
    page loaded (cache, storage) can hide a missing file on the next.
    """

    def __init__(self, executable: str, *, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []
        width, height = VIEWPORT
        self._process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile}",
                "--remote-debugging-port=0",  # the OS picks a free port; Chromium writes it down
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._ws: ClientConnection = connect(
                self._debugger_url(), max_size=None, open_timeout=timeout
            )
        except BaseException:
            self.close()
            raise

    def _debugger_url(self) -> str:
        active_port = self._profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrowserError(f"chromium exited at start-up ({self._process.returncode})")
            with contextlib.suppress(OSError):
                lines = active_port.read_text().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise BrowserError(f"chromium did not open its DevTools port within {self.timeout}s")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ws.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- protocol -------------------------------------------------------------------------

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None
    ) -> dict[str, Any]:
        """Send one command and wait for its reply; events arriving meanwhile are queued."""
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        self._ws.send(json.dumps(message))
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline - time.monotonic())
            if reply is None:
                raise BrowserError(f"no reply to {method} within {self.timeout}s")
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self._events.append(reply)

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        try:
            raw = self._ws.recv(timeout=max(timeout, 0.0))
        except TimeoutError:
            return None
        parsed: dict[str, Any] = json.loads(raw)
        return parsed

    def _next_event(self, timeout: float) -> dict[str, Any] | None:
        if self._events:
            return self._events.pop(0)
        message = self._receive(timeout)
        while message is not None and "method" not in message:  # a late reply: not an event
            message = self._receive(timeout)
        return message

    # --- pages ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _page(self) -> Iterator[_Session]:
        context = self.send("Target.createBrowserContext", {"disposeOnDetach": True})
        context_id = context["browserContextId"]
        target = self.send(
            "Target.createTarget", {"url": "about:blank", "browserContextId": context_id}
        )
        target_id = target["targetId"]
        attached = self.send("Target.attachToTarget", {"targetId": target_id, "flatten": True})
        try:
            yield _Session(self, attached["sessionId"])
        finally:
            with contextlib.suppress(BrowserError):
                self.send("Target.closeTarget", {"targetId": target_id})
            with contextlib.suppress(BrowserError):
                self.send("Target.disposeBrowserContext", {"browserContextId": context_id})
            self._events.clear()

    def visit(
        self,
        path: Path,
        *,
        javascript: bool = True,
        screenshot: Path | None = None,
        probe: str | None = None,
        settle: float = 0.3,
        query: str = "",
        width: int | None = None,
    ) -> PageReport:
        """Open path by file:// URL, record everything that happened, optionally screenshot it.

        probe is a JavaScript expression evaluated (by DevTools, not by the page: it works with
        the page's scripts disabled and is not subject to its CSP) once the page has loaded; its
        JSON-serialisable value lands in report.dom. query is appended to the URL (a filtered
        list: "portfolio=Infrastructure"); width narrows the viewport (a phone: 390).
        """
        url = path.resolve().as_uri() + (f"?{query}" if query else "")
        report = PageReport(url=url)
        with self._page() as page:
            for domain in ("Page", "Runtime", "Log", "Network"):
                page.send(f"{domain}.enable")
            # No cache: every file is really read, so a missing one is always reported.
            page.send("Network.setCacheDisabled", {"cacheDisabled": True})
            height = VIEWPORT[1]
            page.send(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": width or VIEWPORT[0],
                    "height": height,
                    "deviceScaleFactor": 1,
                    "mobile": False,
                },
            )
            if not javascript:
                page.send("Emulation.setScriptExecutionDisabled", {"value": True})
            navigation = page.send("Page.navigate", {"url": url})
            if navigation.get("errorText"):
                report.failed_requests.append(f"{url}: {navigation['errorText']}")
            self._collect_until_loaded(page, report, settle)
            if probe is not None:
                report.dom = self._evaluate(page, probe)
            if screenshot is not None:
                report.screenshot = self._screenshot(page, screenshot, width or VIEWPORT[0])
            self._drain(page, report, 0.05)  # anything the probe or the screenshot triggered
        return report

    def _collect_until_loaded(self, page: _Session, report: PageReport, settle: float) -> None:
        """Record events until the load event has fired and the network has been quiet a while."""
        deadline = time.monotonic() + self.timeout
        loaded = False
        pending: dict[str, str] = {}
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            event = self._next_event(0.05)
            now = time.monotonic()
            if event is None:
                if loaded and not pending and now - quiet_since >= settle:
                    return
                continue
            if event.get("sessionId") != page.session_id:
                continue
            if event["method"] == "Page.loadEventFired":
                loaded = True
            self._record(event, report, pending)
            quiet_since = now
        raise BrowserError(f"{report.url} did not finish loading within {self.timeout}s")

    def _drain(self, page: _Session, report: PageReport, quiet: float) -> None:
        pending: dict[str, str] = {}
        while (event := self._next_event(quiet)) is not None:
            if event.get("sessionId") == page.session_id:
                self._record(event, report, pending)

    def _record(self, event: dict[str, Any], report: PageReport, pending: dict[str, str]) -> None:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            pending[params["requestId"]] = url
            report.requests.append(url)
        elif method == "Network.loadingFinished":
            pending.pop(params["requestId"], None)
        elif method == "Network.responseReceived":
            status = params["response"].get("status", 0)
            if status >= 400:
                report.failed_requests.append(f"{params['response']['url']}: HTTP {status}")
        elif method == "Network.loadingFailed":
            url = pending.pop(params["requestId"], params["requestId"])
            reason = params.get("blockedReason") or params.get("errorText", "failed")
            report.failed_requests.append(f"{url}: {reason}")
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            report.console.append(f"{params['type']}: {text}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            report.console.append(f"{entry['level']}: {entry['text']} ({entry.get('url', '')})")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = details.get("exception", {}).get("description") or details.get("text")
            report.exceptions.append(str(description))
        elif method == "Page.javascriptDialogOpening":
            report.dialogs.append(f"{params['type']}: {params['message']}")
            # Answer it so the page does not hang; the dialog itself already fails the check.
            with contextlib.suppress(BrowserError):
                self.send(
                    "Page.handleJavaScriptDialog", {"accept": False}, session_id=event["sessionId"]
                )

    def _evaluate(self, page: _Session, expression: str) -> dict[str, Any]:
        result = page.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"the probe failed: {result['exceptionDetails']}")
        value: dict[str, Any] = result["result"].get("value", {})
        return value

    def _screenshot(self, page: _Session, out: Path, viewport_width: int) -> Path:
        """A full-page PNG: the viewport is resized to the page's whole height first."""
        metrics = page.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width = max(int(size["width"]), viewport_width)
        height = min(max(int(size["height"]), 1), 16000)  # Chromium's texture limit
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        shot = page.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(shot["data"]))
        return out
