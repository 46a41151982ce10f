"""Name what stopped a failed run: the OS's or DuckDB's error, dbt's failing nodes and their keys.

Dagster's step failure for dbt says only "the dbt CLI process failed"; the cause (a full disk, the
memory limit, the model whose SQL failed, the test and the rows it found) is in dbt's
run_results.json and in the run log. The CLI prints these lines under "What stopped the run:".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

# What the OS or DuckDB says when a resource ran out; found in the run log, whoever wrote it.
RESOURCE_ERRORS = (
    "No space left on device",
    "File too large",
    "Out of Memory Error",
    "Cannot allocate memory",
)
# Key rows shown for a failing dbt test: enough to find them, not a dump.
MAX_KEY_ROWS = 5
_MAX_LINE = 300


def resource_errors(log_file: Path) -> list[str]:
    """The first log line naming each resource error above (none: [])."""
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for error in RESOURCE_ERRORS:
        line = next((line for line in text.splitlines() if error in line), None)
        if line is not None:
            found.append(f"{error}: {line.strip()[:_MAX_LINE]}")
    return found


def _failing_rows(build: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows a failing dbt test selects, read from the failed build (none if unreadable)."""
    if not build.exists():
        return []
    try:
        with duckdb.connect(str(build), read_only=True) as con:
            return con.execute(f"select * from ({sql}) limit {MAX_KEY_ROWS}").fetchall()
    except duckdb.Error:
        return []  # e.g. the build file is what ran out of room; the message still names the test


def dbt_failures(target: Path, build: Path) -> list[str]:
    """Each dbt model or test that errored or failed, with dbt's message; a test's key rows."""
    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    lines = []
    for result in results:
        if result.get("status") not in ("error", "fail"):
            continue
        message = " ".join(str(result.get("message") or "").split())[:_MAX_LINE]
        lines.append(f"dbt {result.get('unique_id')}: {result['status']}: {message}")
        if result["status"] == "fail" and result.get("compiled_code"):
            for row in _failing_rows(build, str(result["compiled_code"])):
                lines.append(f"    failing row: {', '.join(map(str, row))[:_MAX_LINE]}")
    return lines


def failure_causes(log_file: Path, dbt_target: Path | None, build: Path) -> list[str]:
    """Every cause found, dbt's first (it names the model), then the resource errors."""
    causes = dbt_failures(dbt_target, build) if dbt_target is not None else []
    return causes + resource_errors(log_file)
