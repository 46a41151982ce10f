"""Sources loaded side by side, each on its own connection (pipelines/ingest/side_by_side.py)."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.loader import load_source, prepare_tables
from pipelines.ingest.side_by_side import SourceLoadFailed, load_side_by_side
from pipelines.ingest.sources import FX_RATES, RESOURCES, TIMESHEETS, all_sources
from pipelines.ingest.warehouse_tables import MANIFEST_TABLE, QUARANTINE_TABLE
from tests.pipeline_runs import RunOutcome, RunPaths

LOADED_AT = datetime(2026, 12, 7, 9, 0)


def _load_all(landing: Path, warehouse: Path, threads: int) -> list[tuple[float, float]]:
    """Every source of the landing folder into a new warehouse; each load's (start, end)."""
    specs = all_sources()
    spans: list[tuple[float, float]] = []

    def load(con: duckdb.DuckDBPyConnection, spec) -> int:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        summary = load_source(
            con, spec, landing, loaded_at=LOADED_AT, run_id="r", tables_ready=True
        )
        spans.append((started, time.perf_counter()))
        return summary.rows_loaded

    with duckdb.connect(str(warehouse)) as con:
        prepare_tables(con, specs)
        load_side_by_side(con, specs, load, threads=threads, landing_dir=landing)
    return spans


def _contents(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = [spec.table for spec in all_sources()] + [MANIFEST_TABLE, QUARANTINE_TABLE]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}


def test_sources_side_by_side_load_what_one_at_a_time_loads(
    demo_run: tuple[RunPaths, RunOutcome], tmp_path: Path
) -> None:
    landing = demo_run[0].landing
    _load_all(landing, tmp_path / "one.duckdb", threads=1)
    spans = _load_all(landing, tmp_path / "two.duckdb", threads=2)
    one, two = _contents(tmp_path / "one.duckdb"), _contents(tmp_path / "two.duckdb")
    assert sum(1 for spec in all_sources() if one[spec.table]) >= 6  # the demo's sources
    for table, rows in one.items():
        assert two[table] == rows, table
    overlapping = any(
        a_start < b_end and b_start < a_end
        for i, (a_start, a_end) in enumerate(spans)
        for b_start, b_end in spans[i + 1 :]
    )
    assert overlapping, "two threads, yet no two sources loaded at the same time"


def test_the_largest_source_in_the_landing_folder_starts_first(tmp_path: Path) -> None:
    for spec, size in ((RESOURCES, 10), (TIMESHEETS, 5_000)):
        folder = tmp_path / spec.folder
        folder.mkdir(parents=True)
        (folder / f"{spec.name}_2026-12-07.csv").write_text("x" * size)
    started: list[str] = []
    with duckdb.connect() as con:
        load_side_by_side(
            con,
            [RESOURCES, TIMESHEETS],
            lambda _con, spec: started.append(spec.name),
            threads=1,
            landing_dir=tmp_path,
        )
    assert started == ["timesheets", "resources"]


def test_a_failed_source_stops_the_loads_under_way_and_is_named(tmp_path: Path) -> None:
    """The other load is in Python when the failure comes, then starts a query that would run for
    minutes: DuckDB clears an interrupt when a statement starts, so one sent once is lost."""
    running = threading.Event()
    started: list[str] = []

    def load(con: duckdb.DuckDBPyConnection, spec) -> object:  # type: ignore[no-untyped-def]
        started.append(spec.name)
        if spec is TIMESHEETS:
            running.set()
            time.sleep(1.0)  # hashing, the UTF-8 scan...: the failure comes meanwhile
            return con.execute("select sum(hash(i)) from range(100000000000) as t(i)").fetchone()
        if spec is RESOURCES:
            running.wait(10)
            raise ValueError("this source's load broke")
        return None

    began = time.monotonic()
    with (
        duckdb.connect(str(tmp_path / "w.duckdb")) as con,
        pytest.raises(SourceLoadFailed, match=r"loading resources failed: ValueError: .* broke"),
    ):
        load_side_by_side(
            con, [TIMESHEETS, RESOURCES, FX_RATES], load, threads=2, landing_dir=tmp_path
        )
    assert time.monotonic() - began < 20
    assert sorted(started) == ["resources", "timesheets"]  # the queued source never started


def test_what_loaded_before_a_failure_is_handed_back(tmp_path: Path) -> None:
    def load(_con: duckdb.DuckDBPyConnection, spec) -> str:  # type: ignore[no-untyped-def]
        if spec is RESOURCES:
            raise ValueError("broke")
        return f"{spec.name} loaded"

    with duckdb.connect() as con, pytest.raises(SourceLoadFailed) as failed:
        load_side_by_side(
            con, [TIMESHEETS, RESOURCES, FX_RATES], load, threads=1, landing_dir=tmp_path
        )
    assert failed.value.source == "resources"
    assert {name: loaded.result for name, loaded in failed.value.loaded.items()} == {
        "timesheets": "timesheets loaded"
    }
