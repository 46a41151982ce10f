"""A large site's downloads are written by a second process (pipelines/report/downloads_worker.py).

The demo site is below the size where the report starts that process, so these tests lower the
threshold: the site written with the worker must be the site written without it, file for file,
and a worker that fails must fail the report and leave the published one in place.
"""

from __future__ import annotations

import re
import signal
import subprocess
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


def _count_workers(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    started: list[list[str]] = []
    popen = subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        started.append(list(args))
        return popen(args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(downloads_worker.subprocess, "Popen", spy)
    return started


def test_the_second_process_writes_the_same_site(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, outcome = demo_run
    assert outcome.success
    here = tmp_path / "here"
    render_portfolio_report(paths.warehouse, here, run_id="same-run", generated_at=GENERATED_AT)

    started = _count_workers(monkeypatch)
    monkeypatch.setattr(downloads_worker, "MIN_PROJECTS_IN_BACKGROUND", 1)
    there = tmp_path / "there"
    render_portfolio_report(paths.warehouse, there, run_id="same-run", generated_at=GENERATED_AT)

    assert [args[2] for args in started] == ["pipelines.report.downloads_worker"]
    files_here, files_there = _files(here), _files(there)
    cost_lines = [n for n in files_there if n.endswith("-actual-cost-lines.csv")]
    tables = [n for n in files_there if n.startswith("data/") and n.endswith(".csv")]
    assert cost_lines and tables, "the worker wrote no downloads"
    assert sorted(files_there) == sorted(files_here)
    assert [n for n in files_here if files_here[n] != files_there[n]] == []


def test_a_failing_worker_fails_the_report_and_the_published_one_stays(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, _ = demo_run
    out = tmp_path / "portfolio"
    render_portfolio_report(paths.warehouse, out, run_id="first", generated_at=GENERATED_AT)
    before = _files(out)

    # The worker is handed a warehouse that does not exist: it fails opening it.
    to_json = Downloads.to_json

    def elsewhere(self: Downloads) -> str:
        return to_json(Downloads(**{**vars(self), "warehouse": tmp_path / "gone.duckdb"}))

    monkeypatch.setattr(downloads_worker, "MIN_PROJECTS_IN_BACKGROUND", 1)
    monkeypatch.setattr(Downloads, "to_json", elsewhere)
    with pytest.raises(ReportError, match=r"second process failed \(exit 1\)(.|\n)*gone\.duckdb"):
        render_portfolio_report(paths.warehouse, out, run_id="second", generated_at=GENERATED_AT)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio"]  # no staging folder left


def test_an_error_beside_the_worker_stops_it(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, _ = demo_run
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def keep(args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        process = popen(args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process  # type: ignore[no-any-return]

    monkeypatch.setattr(downloads_worker.subprocess, "Popen", keep)
    monkeypatch.setattr(downloads_worker, "MIN_PROJECTS_IN_BACKGROUND", 1)
    site = tmp_path / "site"
    site.mkdir()
    con = connect_read_only(paths.warehouse)
    job = Downloads(paths.warehouse, site, [], frozenset({"P1"}), "GBP", cost_lines=True)
    try:
        with pytest.raises(ValueError, match="the one-pagers broke"), downloads_written(job, con):
            raise ValueError("the one-pagers broke")
    finally:
        con.close()
    assert len(started) == 1
    # The block raised long before the worker could finish starting: it was killed, not awaited.
    assert started[0].returncode == -signal.SIGKILL
