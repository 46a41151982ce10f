"""The `portfolio` command: `validate` on a good and a bad file, `status` on the session's run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.command import main
from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = pytest.mark.integration

_PROJECTS = "projects"


def _use_run(monkeypatch: pytest.MonkeyPatch, paths: RunPaths, log_dir: Path) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # status reads the run logs then
    monkeypatch.setenv("PORTFOLIO_WAREHOUSE", str(paths.warehouse))
    monkeypatch.setenv("PORTFOLIO_LANDING_DIR", str(paths.landing))
    monkeypatch.setenv("PORTFOLIO_LOG_DIR", str(log_dir))


def _latest(paths: RunPaths, folder: str) -> Path:
    return sorted((paths.landing / folder).glob("*.csv"))[-1]


def test_validate_passes_a_good_file(
    demo_run: tuple[RunPaths, RunOutcome],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths, _ = demo_run
    _use_run(monkeypatch, paths, tmp_path)
    before = paths.warehouse.stat().st_mtime_ns
    good = _latest(paths, _PROJECTS)
    assert main(["validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"{good}: projects," in out
    assert "valid" in out and "INVALID" not in out
    assert paths.warehouse.stat().st_mtime_ns == before  # nothing was loaded into it


def test_validate_names_file_line_and_rule_of_a_bad_file(
    demo_run: tuple[RunPaths, RunOutcome],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths, _ = demo_run
    _use_run(monkeypatch, paths, tmp_path)
    source = _latest(paths, _PROJECTS)
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[2][header.index("Percent Complete")] = "150"  # file line 3: out of 0..100
    bad = tmp_path / source.name
    with bad.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: rule 'percent_complete within 0..100': value 150" in out, out
    assert "INVALID" in out


def test_validate_refuses_an_unknown_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTFOLIO_WAREHOUSE", str(tmp_path / "none.duckdb"))
    stray = tmp_path / "holiday_photos.txt"
    stray.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["validate", str(stray)]) == 2
    assert "holiday_photos.txt matches no source" in capsys.readouterr().err
    assert main(["validate", str(stray), "--source", "nope"]) == 2
    assert "--source 'nope' is not a source" in capsys.readouterr().err
    # Any CSV could be a real tool's export (source profiles): the name alone does not say which.
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["validate", str(export)]) == 2
    assert "give --source" in capsys.readouterr().err


def test_status_shows_the_published_run(
    demo_run: tuple[RunPaths, RunOutcome],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths, outcome = demo_run
    _use_run(monkeypatch, paths, tmp_path)
    (tmp_path / f"run-20261116-060000-{outcome.run_id[:8]}.log").write_text("", encoding="utf-8")
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert f"run-20261116-060000-{outcome.run_id[:8]}.log" in out
    assert f"run {outcome.run_id}" in out  # the gate decisions of the published run
    gate = out.split("Quality gate", 1)[1].split("Freshness", 1)[0]
    for source in ("projects", "timesheets", "gl_actuals"):
        assert any(line.split()[0] == source for line in gate.splitlines()[2:]), gate
    freshness = out.split("Freshness", 1)[1]
    # The small demo's newest weekly extract; stale or fresh depends on today, the date not.
    newest = _latest(paths, _PROJECTS).stem.removeprefix("projects_")
    assert "projects: " in freshness and f"newest extract {newest}" in freshness


def test_status_without_a_warehouse_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = RunPaths(tmp_path / "l", tmp_path / "w" / "p.duckdb", tmp_path / "r")
    _use_run(monkeypatch, empty, tmp_path)
    assert main(["status"]) == 1
    assert "No published warehouse" in capsys.readouterr().out


def test_the_quality_page_lists_freshness(demo_run: tuple[RunPaths, RunOutcome]) -> None:
    paths, _ = demo_run
    page = (paths.reports / "quality.html").read_text(encoding="utf-8")
    section = page.split('id="freshness"', 1)[1].split("</section>", 1)[0]
    newest = _latest(paths, _PROJECTS).stem.removeprefix("projects_")
    # each source in words (its id is in the page's note for the data engineer)
    assert "Project status extract: " in section and f"newest extract {newest}" in section
    assert "General ledger actuals: " in section
