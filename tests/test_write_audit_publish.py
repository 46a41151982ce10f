"""Analysts only ever see a published warehouse that passed every check, swapped in whole."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.publish.run_lock import RunAlreadyInProgress, acquire_run_lock, release_run_lock
from tests.pipeline_runs import (
    SMALL_DEMO,
    RunOutcome,
    RunPaths,
    copy_run,
    make_paths,
    run_weekly_job,
)
from tests.timesheet_weeks import a_project_entry, new_week

CONFIG = SMALL_DEMO  # the session's published run (conftest.demo_run), copied per test


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_bad_week(landing: Path) -> None:
    new_week(landing, CONFIG.as_of, [["BAD-1", "EMP-00001", "2026-11-16", "", "BAU", "30", ""]])


def _site(reports: Path) -> dict[str, str]:
    return {
        p.relative_to(reports).as_posix(): _digest(p) for p in reports.rglob("*") if p.is_file()
    }


def test_a_blocked_run_publishes_nothing_and_the_index_says_why(published_copy: RunPaths) -> None:
    paths = published_copy
    warehouse_before, site_before = _digest(paths.warehouse), _site(paths.reports)

    _add_bad_week(paths.landing)
    blocked = run_weekly_job(paths)

    assert not blocked.success
    assert _digest(paths.warehouse) == warehouse_before
    site_after = _site(paths.reports)
    changed = {name for name in site_before if site_after.get(name) != site_before[name]}
    added = set(site_after) - set(site_before)
    assert changed == {"index.html"}  # every page of the last good run is byte-identical
    (page,) = added
    assert page.startswith("quality/blocked-") and page.endswith(".html")
    index = (paths.reports / "index.html").read_text(encoding="utf-8")
    assert "was blocked by the quality gate" in index and f'href="{page}"' in index
    why = (paths.reports / page).read_text(encoding="utf-8")
    assert f"timesheets_{CONFIG.as_of.isoformat()}.csv" in why  # the file that caused the block
    assert "hours per person per day at most 24" in why
    assert paths.warehouse.with_name(paths.warehouse.name + ".blocked").exists()
    assert not paths.warehouse.with_name(paths.warehouse.name + ".building").exists()


ANALYST = textwrap.dedent(
    """
    import sys, time, duckdb
    path, out, stop = sys.argv[1], sys.argv[2], sys.argv[3]
    import os
    with open(out, "w") as log:
        while not os.path.exists(stop):
            try:
                with duckdb.connect(path, read_only=True) as con:
                    raw = con.execute("select count(*) from raw.timesheets").fetchall()[0][0]
                    time.sleep(0.05)  # a slow analyst: the file may be swapped meanwhile
                    mart = con.execute(
                        "select count(*) from marts.fct_timesheet_entries"
                    ).fetchall()[0][0]
                log.write(f"ok {raw} {mart}\\n")
            except Exception as exc:
                log.write(f"error {type(exc).__name__}: {exc}\\n")
            log.flush()
    """
)


@dataclass(frozen=True)
class NewWeekRun:
    paths: RunPaths
    outcome: RunOutcome
    analyst_lines: list[str]


@pytest.fixture(scope="module")
def new_week_run(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path_factory: pytest.TempPathFactory
) -> NewWeekRun:
    """A copy of the published run; a new week lands (40 good entries and one with negative
    hours) and the next run goes through while an analyst keeps querying the published file.

    One run for two behaviours (consistent reads, quarantine then publish): a whole run is the
    suite's most expensive step.
    """
    root = tmp_path_factory.mktemp("new_week_run")
    paths = copy_run(demo_run[0], make_paths(root / "run"))
    entry = a_project_entry(paths.landing)
    day = SMALL_DEMO.as_of.isoformat()
    good = [[f"OK-{i}", entry[1], day, entry[3], "Project", "0.25", ""] for i in range(40)]
    bad = ["NEG-1", entry[1], day, entry[3], "Project", "-3", "typo"]
    new_week(paths.landing, SMALL_DEMO.as_of, [*good, bad])

    out, stop = root / "analyst.log", root / "stop"
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(paths.warehouse), str(out), str(stop)]
    )
    try:
        time.sleep(1)
        outcome = RunOutcome.of(run_weekly_job(paths))
        time.sleep(1)
    finally:
        stop.touch()
        analyst.wait(timeout=60)
    return NewWeekRun(paths, outcome, out.read_text().splitlines())


@pytest.mark.slow
def test_an_analyst_reading_during_a_run_sees_old_or_new_data_never_a_mix(
    new_week_run: NewWeekRun,
) -> None:
    assert new_week_run.outcome.success
    lines = new_week_run.analyst_lines
    assert lines and not [line for line in lines if line.startswith("error")]
    pairs = {tuple(int(x) for x in line.split()[1:]) for line in lines}
    # Every answer is a consistent pair: raw and mart from the same published file.
    assert all(raw == mart for raw, mart in pairs)
    assert len(pairs) == 2  # the analyst saw the old data, then the new


@pytest.mark.slow
def test_a_few_bad_rows_are_quarantined_and_the_rest_is_published(
    new_week_run: NewWeekRun,
) -> None:
    paths, outcome = new_week_run.paths, new_week_run.outcome
    assert outcome.success
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute(
            "select decision, rows_read, rows_accepted, rows_quarantined from audit.gate_decisions "
            "where source = 'timesheets' and run_id = ?",
            [outcome.run_id],
        ).fetchall() == [("quarantined", 41, 40, 1)]
        assert con.execute(
            "select count(*) from marts.fct_timesheet_entries where entry_id like 'OK-%'"
        ).fetchall() == [(40,)]
        assert con.execute(
            "select count(*) from marts.fct_timesheet_entries where entry_id = 'NEG-1'"
        ).fetchall() == [(0,)]
        assert con.execute(
            "select rule from audit.quarantine where raw_record like '%NEG-1%'"
        ).fetchall() == [("hours not negative",)]
    quality_page = (paths.reports / "quality.html").read_text(encoding="utf-8")
    assert "hours not negative" in quality_page


def test_a_second_run_while_one_is_running_is_refused(tmp_path: Path) -> None:
    published = tmp_path / "portfolio.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from pipelines.publish.run_lock import acquire_run_lock; "
            f"acquire_run_lock(Path({str(published)!r})); print('held', flush=True); "
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunAlreadyInProgress, match=r"pid \d+"):
            acquire_run_lock(published)
    finally:
        holder.kill()
        holder.wait()
    acquire_run_lock(published)  # the OS released the killed holder's lock: no stale lock
    release_run_lock(published)


def test_the_weekly_gate_checks_only_the_files_this_run_loaded(new_week_run: NewWeekRun) -> None:
    paths, outcome = new_week_run.paths, new_week_run.outcome
    assert outcome.success
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        checked = con.execute(
            "select source, source_file, rows_checked from audit.gate_checked_loads "
            "where run_id = ? order by all",
            [outcome.run_id],
        ).fetchall()
        history = con.execute(
            "select count(*) from audit.gate_checked_loads where run_id <> ?", [outcome.run_id]
        ).fetchone()
        messages = dict(
            con.execute(
                "select source, message from audit.gate_decisions where run_id = ?",
                [outcome.run_id],
            ).fetchall()
        )
    # The new week alone (41 rows, one of them then quarantined); every other file was checked
    # by the run that loaded it.
    assert [(s, f.rsplit("/", 1)[-1], n) for s, f, n in checked] == [
        ("timesheets", f"timesheets_{SMALL_DEMO.as_of.isoformat()}.csv", 41)
    ]
    assert history is not None and history[0] > 10
    assert "41 rows read" in messages["timesheets"]
