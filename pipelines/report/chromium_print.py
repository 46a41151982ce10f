"""One headless Chromium process, driven over the DevTools protocol on a pipe, that prints PDFs.

Why the DevTools protocol and not `chromium --print-to-pdf`: the command line starts a browser per
document and offers no page-number footer without also printing the file's path (a build path
the board should never see). `Page.printToPDF` takes a footer template with the page number, and
one process can print a document twice (the pack's contents page is printed with the page
numbers the first print measured; board_pack.py). Why a pipe (`--remote-debugging-pipe`, the
messages are JSON ended by a NUL byte on file descriptors 3 and 4) and not a port: nothing
listens on the machine, so no other local user can drive the browser while it prints, and no
client library is needed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pipelines.report.errors import ReportError

# Headless and offline: without the background-networking flags Chromium tries Google's hosts,
# and this machine's closed network refuses them. The browser tests start it the same way.
CHROMIUM_HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-extensions",
)
STEP_TIMEOUT_SECONDS = 120.0
# Copies first (a pipe end may itself be descriptor 3 or 4), and inheritable explicitly: dup2
# onto the descriptor a copy already has keeps its close-on-exec flag.
_ON_FDS_3_AND_4 = (
    "import os, sys; r, w = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2])); "
    "os.dup2(r, 3); os.dup2(w, 4); os.set_inheritable(3, True); os.set_inheritable(4, True); "
    "os.execvp(sys.argv[3], sys.argv[3:])"
)


class ChromiumPrintError(ReportError):
    """The browser could not be started, did not answer, or failed to load or print a page."""


class ChromiumSession:
    """A browser with one tab: open(url), then print_pdf(); close() (or `with`) ends it."""

    def __init__(
        self, executable: str, profile_dir: Path, *, timeout: float = STEP_TIMEOUT_SECONDS
    ) -> None:
        self.timeout = timeout
        self._next_id = 0
        self._buffer = bytearray()
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # A tiny Python puts the two pipe ends on descriptors 3 and 4, where Chromium expects
        # them, and becomes the browser (subprocess cannot map descriptors, preexec_fn is unsafe
        # beside threads, and sh's redirections take single-digit descriptors only).
        command = [
            sys.executable,
            "-I",
            "-S",
            "-c",
            _ON_FDS_3_AND_4,
            str(to_browser_read),
            str(from_browser_write),
            executable,
            *CHROMIUM_HEADLESS_FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={profile_dir}",
            "about:blank",
        ]
        # stderr to a file, not a pipe nobody reads while printing (a full pipe would stall it)
        profile_dir.mkdir(parents=True, exist_ok=True)
        self._log = profile_dir / "chromium-stderr.log"
        try:
            with self._log.open("wb") as log:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    pass_fds=(to_browser_read, from_browser_write),
                )
        except OSError as exc:
            os.close(self._to_browser)
            os.close(self._from_browser)
            raise ChromiumPrintError(f"could not start {executable}: {exc}") from exc
        finally:
            os.close(to_browser_read)
            os.close(from_browser_write)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self._call("Page.enable", session=self._session)

    def __enter__(self) -> ChromiumSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self, url: str) -> None:
        """Load url and wait for its load event (images included)."""
        self._call("Page.navigate", {"url": url}, session=self._session)
        self._wait_for("Page.loadEventFired", what=f"loading {url}")

    def print_pdf(self, footer_html: str, *, tagged: bool = True) -> bytes:
        """Print the open page: paper and margins from its @page CSS, footer_html at the foot of
        every page (its elements of class pageNumber and totalPages are filled in).

        tagged: with the structure tree a screen reader reads. A print that is only measured
        (where its sections start) goes without: the layout is the same, and it takes ~40 %
        less time and a quarter of the bytes for a long pack.
        """
        result = self._call(
            "Page.printToPDF",
            {
                "preferCSSPageSize": True,
                "printBackground": True,
                "displayHeaderFooter": True,
                "headerTemplate": "<span></span>",
                "footerTemplate": footer_html,
                "generateTaggedPDF": tagged,
            },
            session=self._session,
        )
        return base64.b64decode(result["data"])

    def close(self) -> None:
        """Ask the browser to quit; kill it if it does not within a few seconds."""
        if self._process.poll() is None:
            try:
                self._send("Browser.close", {})
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._to_browser, data) :]
        except OSError as exc:
            raise ChromiumPrintError(
                f"the browser stopped listening ({exc}){self._stderr()}"
            ) from exc
        return self._next_id

    def _call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        wanted = self._send(method, params or {}, session)
        while True:
            message = self._receive(what=method)
            if message.get("id") == wanted:
                if "error" in message:
                    raise ChromiumPrintError(f"{method} failed: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def _wait_for(self, event: str, *, what: str) -> None:
        while self._receive(what=what).get("method") != event:
            pass

    def _receive(self, *, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        # A printed pack arrives as one message of ~15 MB in 64 KB reads: search only what each
        # read added, and append in place (rescanning and copying the whole buffer per read
        # cost ~0.4 s a print).
        scanned = 0
        while (end := self._buffer.find(b"\0", scanned)) < 0:
            scanned = len(self._buffer)
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(remaining, 0))
            if not ready:
                raise ChromiumPrintError(
                    f"the browser did not finish {what} in {self.timeout:.0f}s"
                )
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ChromiumPrintError(f"the browser quit while {what}{self._stderr()}")
            self._buffer += chunk
        message = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def _stderr(self) -> str:
        """The browser's last error lines, without the D-Bus noise every headless start prints."""
        try:
            text = self._log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        lines = [line for line in text.splitlines() if line.strip() and "dbus" not in line.lower()]
        return ": " + (" | ".join(lines[-5:]) or "no error output")
