"""The landing sensor: a new complete file starts a run; a growing or an already-loaded one not."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.operate.landing_sensor import new_landing_files
from pipelines.settings import Settings
from tests.manifest_rows import record_loaded_file

_NAME = "projects/projects_2026-11-16.csv"


def _settings(tmp_path: Path, settle: float = 60.0) -> Settings:
    return Settings(
        landing_dir=tmp_path / "landing",
        warehouse_path=tmp_path / "warehouse" / "portfolio.duckdb",
        landing_settle_seconds=settle,
    )


def _land(settings: Settings, age_seconds: float) -> Path:
    path = settings.landing_dir / _NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("project_id,project_name\nP1,One\n", encoding="utf-8")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def _evaluate(settings: Settings, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(cursor=cursor, resources={"settings": settings})
    return new_landing_files(context)


def test_a_new_complete_file_requests_a_run(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _land(settings, age_seconds=120)
    result = _evaluate(settings)
    assert isinstance(result, dg.SensorResult)
    assert len(result.run_requests or []) == 1
    assert _NAME in (result.run_requests or [])[0].tags["files"]
    # The same file on the next tick (its run not finished yet) does not start a second run.
    again = _evaluate(settings, cursor=result.cursor)
    assert isinstance(again, dg.SkipReason)


def test_a_file_still_growing_is_skipped(tmp_path: Path) -> None:
    settings = _settings(tmp_path, settle=60)
    _land(settings, age_seconds=5)  # modified 5 s ago: inside the 60 s settle window
    result = _evaluate(settings)
    assert isinstance(result, dg.SkipReason)
    assert "1 still being written" in (result.skip_message or "")


def test_an_already_loaded_file_is_skipped(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    path = _land(settings, age_seconds=120)
    settings.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        record_loaded_file(con, "projects", _NAME, path.stat().st_size, None)
    result = _evaluate(settings)
    assert isinstance(result, dg.SkipReason)
    assert "no new complete landing file" in (result.skip_message or "")


def test_with_a_ready_marker_the_sensor_waits_for_it(tmp_path: Path) -> None:
    settings = _settings(tmp_path, settle=0).with_changes(landing_ready_marker=".ready")
    path = _land(settings, age_seconds=120)
    waiting = _evaluate(settings)
    assert isinstance(waiting, dg.SkipReason)
    assert "1 still being written" in (waiting.skip_message or "")

    path.with_name(path.name + ".ready").write_text("", encoding="utf-8")
    started = _evaluate(settings)
    assert isinstance(started, dg.SensorResult) and len(started.run_requests or []) == 1
