"""A large site's downloads are written by a second process (pipelines/report/downloads_worker.py).

The demo site is below the size where the report starts that process, so these tests lower the
threshold: the site written with the worker must be the site written without it, file for file,
and a worker that fails must fail the report and leave the published one in place.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.report import downloads_worker
from pipelines.report.downloads_worker import Downloads, downloads_written
from pipelines.report.errors import ReportError
from pipelines.report.queries import connect_read_only
from pipelines.report.render import render_portfolio_report
from tests.pipeline_runs import RunOutcome, RunPaths

GENERATED_AT = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
_WORKBOOK_TIMESTAMPS = "docProps/core.xml"  # openpyxl stamps the time the workbook was written
# vl-convert numbers an SVG's gradients per process, so a second render in one process differs
_GRADIENT_ID = re.compile(rb"gradient_\d+")


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a rendered site by its path; the workbook by its parts, less its timestamp;
    the SVG charts less their gradients' numbers."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = str(path.relative_to(site))
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as workbook:
                for part in workbook.namelist():
                    if part != _WORKBOOK_TIMESTAMPS:
                        files[f"{name}!{part}"] = workbook.read(part)
        elif path.suffix == ".svg":
            files[name] = _GRADIENT_ID.sub(b"gradient_n", path.read_bytes())
        else:
            files[name] = path.read_bytes()
    return files


class _Workers:
    """The workers the report started in a test (subprocess.Popen in downloads_worker, spied)."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.interrupt_first_wait = False


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> _Workers:
    """Every site gets the second process (whatever its size and the machine's cores), each
    started one recorded; temporary files go to this test's folder."""
    spied = _Workers()
    popen = subprocess.Popen

    class Spy(popen):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.waits = 0
            spied.started.append(self)

        def wait(self, timeout: float | None = None) -> int:
            self.waits += 1
            if spied.interrupt_first_wait and self.waits == 1:
                raise KeyboardInterrupt  # a cancelled run, while the report waits for the worker
            return int(super().wait(timeout))

    monkeypatch.setattr(downloads_worker.subprocess, "Popen", Spy)
    monkeypatch.setattr(downloads_worker, "MIN_PROJECTS_IN_BACKGROUND", 1)
    monkeypatch.setattr(downloads_worker, "usable_cores", lambda: 2)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    return spied


def test_the_second_process_writes_the_same_site(
    demo_run: tuple[RunPaths, RunOutcome],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: _Workers,
) -> None:
    paths, outcome = demo_run
    assert outcome.success
    here, there = tmp_path / "here", tmp_path / "there"
    with monkeypatch.context() as in_process:
        in_process.setattr(downloads_worker, "MIN_PROJECTS_IN_BACKGROUND", 10**9)
        render_portfolio_report(paths.warehouse, here, run_id="same", generated_at=GENERATED_AT)
    assert workers.started == []
    render_portfolio_report(paths.warehouse, there, run_id="same", generated_at=GENERATED_AT)

    assert len(workers.started) == 1
    assert "from pipelines.report.downloads_worker import main" in workers.started[0].args[3]  # type: ignore[index]
    files_here, files_there = _files(here), _files(there)
    cost_lines = [n for n in files_there if n.endswith("-actual-cost-lines.csv")]
    tables = [n for n in files_there if n.startswith("data/") and n.endswith(".csv")]
    assert cost_lines and tables, "the worker wrote no downloads"
    assert sorted(files_there) == sorted(files_here)
    assert [n for n in files_here if files_here[n] != files_there[n]] == []
    assert list((tmp_path / "tmp").iterdir()) == []  # its job and result files are gone


def test_a_failing_worker_fails_the_report_and_the_published_one_stays(
    demo_run: tuple[RunPaths, RunOutcome],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: _Workers,
) -> None:
    paths, _ = demo_run
    out = tmp_path / "portfolio"
    shutil.copytree(paths.reports, out)  # the published site
    before = _files(out)

    # The worker is handed a warehouse that does not exist: it fails opening it.
    to_json = Downloads.to_json

    def elsewhere(self: Downloads) -> str:
        return to_json(Downloads(**{**vars(self), "warehouse": tmp_path / "gone.duckdb"}))

    monkeypatch.setattr(Downloads, "to_json", elsewhere)
    with pytest.raises(ReportError, match=r"second process failed \(exit 1\)(.|\n)*gone\.duckdb"):
        render_portfolio_report(paths.warehouse, out, run_id="second", generated_at=GENERATED_AT)
    assert len(workers.started) == 1
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio", "tmp"]  # no staging left


@pytest.mark.parametrize("where", ["the block raises", "the wait is interrupted"])
def test_the_worker_is_killed_when_the_report_stops(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path, workers: _Workers, where: str
) -> None:
    paths, _ = demo_run
    site = tmp_path / "site"
    site.mkdir()
    job = Downloads(paths.warehouse, site, [], frozenset({"P1"}), "GBP", cost_lines=True)
    workers.interrupt_first_wait = where == "the wait is interrupted"
    stop: type[BaseException] = KeyboardInterrupt if workers.interrupt_first_wait else ValueError
    con = connect_read_only(paths.warehouse)
    try:
        with pytest.raises(stop), downloads_written(job, con):
            if not workers.interrupt_first_wait:
                raise ValueError("the one-pagers broke")
    finally:
        con.close()
    assert len(workers.started) == 1
    # The worker needs far longer to start than the block took: it was killed, not awaited.
    assert workers.started[0].returncode == -signal.SIGKILL
    assert list((tmp_path / "tmp").iterdir()) == []
