"""Analysts only ever see a published warehouse that passed every check, swapped in whole."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipelines.publish.run_lock import RunAlreadyInProgress, acquire_run_lock, release_run_lock
from tests.pipeline_runs import SMALL_DEMO, RunPaths, run_weekly_job

CONFIG = SMALL_DEMO  # the session's published run (conftest.demo_run), copied per test


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_bad_week(landing: Path) -> None:
    header = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment"
    bad = f"timesheets_{CONFIG.as_of.isoformat()}.csv"
    (landing / "timesheets" / bad).write_text(f"{header}\nBAD-1,EMP-00001,2026-11-16,,BAU,30,\n")


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


def test_an_analyst_reading_during_a_run_sees_old_or_new_data_never_a_mix(
    published_copy: RunPaths, tmp_path: Path
) -> None:
    paths = published_copy
    # A new week arrives, so the next run changes both the raw table and the mart.
    header = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment"
    week = paths.landing / "timesheets" / f"timesheets_{CONFIG.as_of.isoformat()}.csv"
    first_week = sorted((paths.landing / "timesheets").glob("timesheets_*.csv"))[0]
    employee = first_week.read_text().splitlines()[1].split(",")[1]
    week.write_text(f"{header}\nNEW-1,{employee},2026-11-16,,BAU,7.5,\n")

    out, stop = tmp_path / "analyst.log", tmp_path / "stop"
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(paths.warehouse), str(out), str(stop)]
    )
    try:
        time.sleep(1)
        assert run_weekly_job(paths).success
        time.sleep(1)
    finally:
        stop.touch()
        analyst.wait(timeout=60)

    lines = out.read_text().splitlines()
    assert lines and not [line for line in lines if line.startswith("error")]
    pairs = {tuple(int(x) for x in line.split()[1:]) for line in lines}
    # Every answer is a consistent pair: raw and mart from the same published file.
    assert all(raw == mart for raw, mart in pairs)
    assert len(pairs) == 2  # the analyst saw the old data, then the new


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
