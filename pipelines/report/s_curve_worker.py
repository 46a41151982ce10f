"""Render S-curves in worker processes: `python -m pipelines.report.s_curve_worker` reads a JSON
list of tasks (long axis, currency, data sets) on stdin and writes the JSON list of their SVGs.

Plain child processes rather than multiprocessing: a spawned multiprocessing worker re-imports
the parent's `__main__`, which a Dagster code server or a pytest-xdist worker does not have as a
file (measured: the pool broke under xdist), and forking would copy vl-convert's runtime threads
and DuckDB's connections. The child imports only what rendering needs.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
from typing import Any

from pipelines.report.errors import ReportError


def render_in_workers(tasks: list[Any], workers: int) -> list[str]:
    """Split `tasks` into `workers` contiguous parts, one child each; the SVGs in task order."""
    size = -(-len(tasks) // workers)
    parts = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    # stderr to files, not pipes: a child blocked on a full stderr pipe while the parent waits
    # on its stdout would never finish.
    with contextlib.ExitStack() as stack:
        errors = [stack.enter_context(tempfile.TemporaryFile()) for _ in parts]
        return _run(tasks, parts, errors)


def _run(tasks: list[Any], parts: list[list[Any]], errors: list[Any]) -> list[str]:
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.report.s_curve_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=error,
        )
        for error in errors
    ]
    results: list[str] = []
    # Every input first (each child reads all of it before it writes), then each output in
    # turn: the other children keep rendering meanwhile.
    for child, part in zip(children, parts, strict=True):
        assert child.stdin is not None
        child.stdin.write(json.dumps(part).encode())
        child.stdin.close()
    for child, error in zip(children, errors, strict=True):
        assert child.stdout is not None
        out = child.stdout.read()
        if child.wait() != 0:
            error.seek(0)
            detail = error.read().decode(errors="replace")[-2000:]
            raise ReportError(f"an S-curve worker failed: {detail}")
        results.extend(json.loads(out))
    if len(results) != len(tasks):
        raise ReportError(f"S-curve workers returned {len(results)} of {len(tasks)} charts")
    return results


def main() -> None:
    from pipelines.report.s_curve import svg_from_task

    tasks = json.loads(sys.stdin.buffer.read())
    svgs = [svg_from_task((bool(long), str(currency), data)) for long, currency, data in tasks]
    sys.stdout.write(json.dumps(svgs))


if __name__ == "__main__":
    main()
