"""What a run started from the command line shows: one line per stage, the full log in a file.

Dagster's console logger prints every event at DEBUG (about 2,900 lines for the demo). The CLI
replaces it with two loggers: `event_log_file` writes all of it to a file whose path the CLI
prints, and `stage_progress` prints one line when a step finishes, built from the step's own
events: files and rows ingested per source, the gate's decision per source, dbt models built and
tests passed, pages written, each with the step's seconds.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import dagster as dg
from dagster._core.log_manager import LOG_RECORD_METADATA_ATTR

from pipelines.ingest.assets import INGEST_STEP, LOAD_SECONDS
from pipelines.transform.kept_events import KEPT_FROM_RUN

# Sources with nothing delivered (optional, "not supplied") are gathered into one line.
_NOT_SUPPLIED = "not supplied"


@dataclass
class _Step:
    materialized: list[dict[str, Any]] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # the materialized assets, in that order
    checks_passed: int = 0
    checks_kept: int = 0  # passed in an earlier run on the same rows (transform/kept_events.py)
    checks_failed: int = 0


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _int(value: Any) -> int:
    try:
        return int(_plain(value))
    except (TypeError, ValueError):
        return 0


class StageProgress(logging.Handler):
    """A logging handler fed Dagster's run records; prints a line as each step finishes."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self._out = out
        self._steps: dict[str, _Step] = {}
        self._not_supplied: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, LOG_RECORD_METADATA_ATTR, None) or {}
        event = meta.get("dagster_event")
        if event is None or not event.step_key:
            return
        step = self._steps.setdefault(event.step_key, _Step())
        data = event.event_specific_data
        if event.is_step_materialization:
            step.materialized.append(
                {key: _plain(value) for key, value in data.materialization.metadata.items()}
            )
            step.assets.append(data.materialization.asset_key.to_user_string())
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            if data.passed and KEPT_FROM_RUN in (data.metadata or {}):
                step.checks_kept += 1
            elif data.passed:
                step.checks_passed += 1
            else:
                step.checks_failed += 1
        elif event.is_step_success:
            if event.step_key == INGEST_STEP:
                self._print_sources(step)
            line = self._describe(event.step_key, step)
            if line:
                self._print(f"{line} ({data.duration_ms / 1000:.1f} s)")
        elif event.is_step_failure:
            self._print(f"{event.step_key}: FAILED (the cause is printed below)")

    def _print(self, line: str) -> None:
        out = self._out or sys.stdout
        print(f"  {line}", file=out, flush=True)

    def _print_sources(self, step: _Step) -> None:
        """A line per source the ingest step loaded, with that source's own seconds."""
        for asset, found in zip(step.assets, step.materialized, strict=True):
            line = _ingest_line(asset.removeprefix("raw_"), found)
            if line:
                self._print(f"{line} ({float(found.get(LOAD_SECONDS) or 0):.1f} s)")

    def _describe(self, step_key: str, step: _Step) -> str | None:
        found = step.materialized[0] if step.materialized else {}
        if step_key == INGEST_STEP:
            delivered = sum(1 for source in step.materialized if _has_files(source))
            return f"ingest: {len(step.materialized)} sources checked, {delivered} with files"
        if step_key.startswith("validated_"):
            source = step_key.removeprefix("validated_")
            if found.get("decision") == _NOT_SUPPLIED:
                self._not_supplied.append(source)
                return None
            return _gate_line(source, found)
        if step_key == "portfolio_dbt_models":
            failed = f", {step.checks_failed} failed" if step.checks_failed else ""
            kept = sum(1 for found in step.materialized if KEPT_FROM_RUN in found)
            unchanged = (
                f"; {kept} tables and views and {step.checks_kept} tests kept (inputs unchanged)"
                if kept or step.checks_kept
                else ""
            )
            return (
                f"dbt: {len(step.materialized) - kept} tables and views built, "
                f"{step.checks_passed} tests passed{failed}{unchanged}"
            )
        if step_key == "source_freshness":  # pipelines/operate/freshness_checks.py
            stale = f", {step.checks_failed} STALE (see quality.html)" if step.checks_failed else ""
            return f"freshness: {step.checks_passed} source(s) within their cadence{stale}"
        return _OTHER_STEPS.get(step_key, lambda _: f"{step_key}: done")(found)

    def flush_not_supplied(self) -> None:
        """One line for every optional source that delivered nothing (said at the end)."""
        if self._not_supplied:
            names = ", ".join(sorted(self._not_supplied))
            self._print(f"not supplied (optional, no file ever delivered): {names}")
            self._not_supplied.clear()


def _has_files(found: dict[str, Any]) -> bool:
    """Whether the source had any file in the landing folder (an optional one may have none)."""
    listed = ("files_rejected", "files_deferred", "files_ignored", "files_already_loaded")
    return bool(_int(found.get("files_loaded")) or any(found.get(key) for key in listed))


def _ingest_line(source: str, found: dict[str, Any]) -> str | None:
    if not _has_files(found):
        return None  # an optional source nobody delivered: its gate line says so
    loaded = _int(found.get("files_loaded"))
    rejected = len(found.get("files_rejected") or {})
    deferred = len(found.get("files_deferred") or [])
    ignored = found.get("files_ignored") or {}
    parts = [f"{loaded} new file(s), {_int(found.get('rows_loaded')):,} rows"]
    if found.get("rows_quarantined"):
        cells = _int(found.get("failing_cells"))
        parts.append(
            f"{_int(found['rows_quarantined']):,} rows set aside"
            + (f" ({cells:,} failing cells)" if cells else "")
        )
    if rejected:
        parts.append(f"{rejected} file(s) REJECTED")
    if deferred:
        parts.append(f"WARNING {deferred} file(s) not complete yet, deferred to the next run")
    line = f"ingest {source}: " + ", ".join(parts)
    # An ignored file may be a week under a wrong name: each is named with its reason.
    warnings = [f"\n  WARNING ignored {reason}" for reason in ignored.values()]
    # A re-sent past period changes figures already reported: each is named.
    resent = found.get("files_resent") or {}
    warnings += [f"\n  NOTE {name} {note}" for name, note in resent.items()]
    return line + "".join(warnings)


def _gate_line(source: str, found: dict[str, Any]) -> str:
    read, accepted = _int(found.get("rows_read")), _int(found.get("rows_accepted"))
    quarantined = _int(found.get("rows_quarantined"))
    return (
        f"gate {source}: {found.get('decision', '?')} "
        f"({read:,} rows = {accepted:,} accepted + {quarantined:,} quarantined)"
    )


_OTHER_STEPS: dict[str, Callable[[dict[str, Any]], str]] = {
    "warehouse_build": lambda _: "build copy of the published warehouse ready",
    "portfolio_prioritization": lambda found: (
        "prioritization: "
        + (
            f"{_int(found.get('candidates'))} candidate projects"
            if "candidates" in found
            else "done"
        )
        + (" (kept: inputs unchanged)" if KEPT_FROM_RUN in found else "")
    ),
    "portfolio_report": lambda found: f"report: {_int(found.get('pages_written'))} pages written",
    "published_warehouse": lambda _: "published the warehouse and the reports",
}


def progress_loggers(
    log_file: Path, progress: StageProgress
) -> tuple[dict[str, dg.LoggerDefinition], dict[str, Any]]:
    """Logger definitions and their run config: the stage lines, and every event in `log_file`."""

    def _progress(_: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger("portfolio.progress", level=logging.DEBUG)
        logger.addHandler(progress)
        return logger

    def _file(_: dg.InitLoggerContext) -> logging.Logger:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger = logging.Logger("portfolio.event_log", level=logging.DEBUG)
        logger.addHandler(handler)
        return logger

    loggers = {
        "stage_progress": dg.LoggerDefinition(_progress, description="one line per stage"),
        "event_log_file": dg.LoggerDefinition(_file, description="every event, to a file"),
    }
    return loggers, {"loggers": {name: {} for name in loggers}}


# Dagster's execution plan warns once per blocking asset check that emitted no result. A run whose
# sources are partly empty leaves out the dbt tests that read only those (pipelines/transform/
# selection.py), so a real-export run got about 300 such lines on the console. They go to the run
# log; the console gets their count.
_PLAN_LOGGER = "dagster._core.execution.plan.active"


class _UnrunChecks(logging.Handler):
    def __init__(self, log_file: Path) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0
        self._file = logging.FileHandler(log_file, encoding="utf-8")
        self._file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if "emitted no result" in record.getMessage():
            self.count += 1
        self._file.emit(record)

    def close(self) -> None:
        self._file.close()
        super().close()


@contextlib.contextmanager
def plan_warnings_to_log(log_file: Path, out: TextIO | None = None) -> Iterator[None]:
    """Dagster's execution-plan warnings to `log_file`; one console line counting the checks that
    did not run."""
    plan_logger = logging.getLogger(_PLAN_LOGGER)
    handler = _UnrunChecks(log_file)
    saved = plan_logger.propagate
    plan_logger.addHandler(handler)
    plan_logger.propagate = False
    try:
        yield
    finally:
        plan_logger.removeHandler(handler)
        plan_logger.propagate = saved
        handler.close()
        if handler.count:
            print(
                f"  dbt: {handler.count} data tests not run: every source they read is empty "
                "this run (each named in the run log)",
                file=out or sys.stdout,
            )
