"""The site's downloads written by a second process while this one writes the one-pagers.

At 5,000 projects the one-pagers are about 9 s of jinja2 templating, which holds the GIL; the
downloads (every table of the top-level pages as CSV and the workbook, table_exports.py; each
project's actual-cost lines, cost_lines.py) are another 9 s. A second process writes the
downloads meanwhile, so a two-core machine does both at once (docs/benchmarks.md). The split
needs no data handed over: the downloads read the pages already written and the warehouse, which
the worker opens read-only beside this process's read-only connection (DuckDB lets any number of
processes read a file no one writes).

The worker is a fresh interpreter (`python -P -c <import this module; main()> JOB RESULT
PARENT_PID`, the job and its result as JSON files in a temporary folder), not a fork: the run's
process has DuckDB's, Dagster's and vl-convert's threads, whose locks a forked child would
inherit. It runs the same functions on the same inputs, so its files are byte for byte the ones
this process would write (tests/test_report_downloads_worker.py). A small site is written
in-process: below MIN_PROJECTS_IN_BACKGROUND projects, starting an interpreter (~0.5 s of CPU)
costs more than it saves. The worker dies with the run (child_process.py); a worker that fails
fails the report with its error output (ReportError), and the previous report stays published.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.child_process import die_with_parent
from pipelines.report.cost_lines import write_cost_line_files
from pipelines.report.errors import ReportError
from pipelines.report.queries import connect_read_only
from pipelines.report.table_exports import export_site_tables

# The one-pagers take ~1.7 ms a project: 500 are ~0.85 s, past the worker's start-up.
MIN_PROJECTS_IN_BACKGROUND = 500
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding `pipelines/`
_WORKER = (
    f"import sys; sys.path.insert(0, {str(_PACKAGE_ROOT)!r}); "
    "from pipelines.report.downloads_worker import main; main()"
)
_ERROR_TAIL = 2_000  # characters of the worker's error output quoted in the ReportError


@dataclass(frozen=True)
class Downloads:
    """The site's downloads: what to write them from and where (plain data, for the worker)."""

    warehouse: Path
    site: Path  # the staging folder the pages were written to
    pages: list[str]  # the top-level pages whose tables are exported
    project_ids: frozenset[str]
    currency: str
    cost_lines: bool  # whether the warehouse holds the actual-cost lines (has_cost_lines)

    def write(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """Write every download; return the table CSVs' paths (relative to the site)."""
        exported = export_site_tables(self.site, self.pages)
        if self.cost_lines:
            write_cost_line_files(con, self.site, self.project_ids, self.currency)
        return [table.csv_path for table in exported]

    def to_json(self) -> str:
        return json.dumps(
            {
                "warehouse": str(self.warehouse),
                "site": str(self.site),
                "pages": self.pages,
                "project_ids": sorted(self.project_ids),
                "currency": self.currency,
                "cost_lines": self.cost_lines,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Downloads:
        job = json.loads(text)
        return cls(
            warehouse=Path(job["warehouse"]),
            site=Path(job["site"]),
            pages=list(job["pages"]),
            project_ids=frozenset(job["project_ids"]),
            currency=str(job["currency"]),
            cost_lines=bool(job["cost_lines"]),
        )


@dataclass
class Written:
    """The table CSVs' paths (relative to the site), known once the downloads are written."""

    background: bool  # written by the second process (else here, before the `with` block)
    paths: list[str] | None = None

    @property
    def csv_paths(self) -> list[str]:
        if self.paths is None:
            raise RuntimeError("the downloads are written when the `with` block ends")
        return self.paths


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), not the machine's count."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def downloads_written(downloads: Downloads, con: duckdb.DuckDBPyConnection) -> Iterator[Written]:
    """The downloads written by the end of the `with` block, beside what the block does.

    By a second process when the site has MIN_PROJECTS_IN_BACKGROUND projects or more and there
    is a second core to run it; else here (on `con`) before the block. If the block raises, or
    the wait for the worker is interrupted, the worker is killed and the error stands.
    """
    if len(downloads.project_ids) < MIN_PROJECTS_IN_BACKGROUND or usable_cores() < 2:
        written = Written(background=False, paths=downloads.write(con))
        yield written
        return
    written = Written(background=True)
    with tempfile.TemporaryDirectory(prefix="report-downloads-") as folder:
        job, result, errors = (Path(folder) / n for n in ("job.json", "result.json", "errors.log"))
        job.write_text(downloads.to_json(), encoding="utf-8")
        # The worker imports this checkout's code (-P: never a `pipelines` in the working folder),
        # and inherits the run's environment unchanged.
        command = [sys.executable, "-P", "-c", _WORKER, str(job), str(result), str(os.getpid())]
        # Its error output goes to a file, not a pipe nobody reads while the block runs.
        with errors.open("wb") as error_log:
            worker = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=error_log
            )
        try:
            yield written
            worker.wait()
        finally:
            if worker.poll() is None:  # the block raised, or the wait was interrupted
                worker.kill()
                worker.wait()
        if worker.returncode != 0:
            tail = errors.read_text(encoding="utf-8", errors="replace")[-_ERROR_TAIL:]
            raise ReportError(
                f"writing the downloads in a second process failed "
                f"(exit {worker.returncode}):\n{tail}"
            )
        written.paths = json.loads(result.read_text(encoding="utf-8"))


def main() -> None:
    job, result, parent = sys.argv[1:4]
    # The run may have died during this module's imports: then exit instead of writing on.
    die_with_parent(int(parent))
    downloads = Downloads.from_json(Path(job).read_text(encoding="utf-8"))
    with closing(connect_read_only(downloads.warehouse)) as con:
        paths = downloads.write(con)
    Path(result).write_text(json.dumps(paths), encoding="utf-8")


if __name__ == "__main__":
    main()
