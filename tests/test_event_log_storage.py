"""The instance's event log keeps its SQLite connections open, and is still Dagster's own.

`pipelines/dagster_instance.yaml` (what `make` copies to $DAGSTER_HOME) names
OpenSqliteEventLogStorage: a run's events must read the same through Dagster's stock storage,
each database must be opened once rather than once an event, a process reading many runs must not
keep every file open, a run must still be followed live from another process (the UI), a run
deleted by another process must not be read from its old file, and the instance must be the
folder DAGSTER_HOME names.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry

from pipelines.operate.event_log_storage import OPEN_RUN_LIMIT, OpenSqliteEventLogStorage
from pipelines.publish.run_history import prune_run_history

PROJECT_YAML = Path(__file__).resolve().parents[1] / "pipelines" / "dagster_instance.yaml"
STOCK_YAML = "stock.yaml"  # the same instance folder read with Dagster's default storage


@dg.asset
def figures() -> int:
    return 1


@dg.asset_check(asset=figures)
def figures_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    (folder / "dagster.yaml").write_text(PROJECT_YAML.read_text(encoding="utf-8"), "utf-8")
    (folder / STOCK_YAML).write_text("telemetry:\n  enabled: false\n", "utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    return folder


def _open(home: Path, config: str = "dagster.yaml") -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home), config_filename=config)


def _run(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([figures, figures_positive], instance=instance)
    assert result.success
    return result.run_id


def _events(instance: dg.DagsterInstance, run_id: str) -> list[tuple[int, DagsterEventType | None]]:
    records = instance.get_records_for_run(run_id, limit=10_000).records
    return [(r.storage_id, r.event_log_entry.dagster_event_type) for r in records]


def test_the_project_instance_uses_the_open_connection_storage(home: Path) -> None:
    with _open(home) as instance:
        assert isinstance(instance.event_log_storage, OpenSqliteEventLogStorage)
        # Where Dagster's default storage keeps them: switching back loses no run.
        assert Path(instance.event_log_storage._base_dir) == home / "history" / "runs"


def test_runs_read_the_same_through_dagster_stock_storage_and_back(home: Path) -> None:
    with _open(home) as ours:
        ours_run = _run(ours)
        written_by_ours = _events(ours, ours_run)
    with _open(home, STOCK_YAML) as stock:
        assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert _events(stock, ours_run) == written_by_ours
        stock_run = _run(stock)
        written_by_stock = _events(stock, stock_run)
    with _open(home) as ours:
        assert _events(ours, stock_run) == written_by_stock
        # The index (cross-run) shard too: the latest materialization and the check's history
        # name the newest run, whoever wrote it.
        latest = ours.get_latest_materialization_event(dg.AssetKey("figures"))
        assert latest is not None and latest.run_id == stock_run
        checks = ours.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("figures"), "figures_positive"), limit=10
        )
        assert [c.run_id for c in checks] == [stock_run, ours_run]
    kinds = {kind for _, kind in written_by_ours}
    assert {
        DagsterEventType.ASSET_MATERIALIZATION,
        DagsterEventType.ASSET_CHECK_EVALUATION,
        DagsterEventType.RUN_SUCCESS,
    } <= kinds


def _materialization(run_id: str, n: int) -> EventLogEntry:
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value,
        "job",
        event_specific_data=StepMaterializationData(dg.AssetMaterialization(f"asset_{n}")),
    )
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        dagster_event=event,
    )


@pytest.fixture
def sqlite_opens(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The database files opened from here on (SQLAlchemy's SQLite dialect opens them with
    sqlite3.dbapi2.connect)."""
    opened: list[str] = []
    connect: Callable[..., sqlite3.Connection] = sqlite3.dbapi2.connect

    def counting(database: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        opened.append(Path(database).name)
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3.dbapi2, "connect", counting)
    yield opened


def test_each_database_is_opened_once_not_once_an_event(
    home: Path, sqlite_opens: list[str]
) -> None:
    run_id = "0" * 8 + "-0000-0000-0000-000000000001"
    with _open(home) as instance:
        sqlite_opens.clear()  # the instance's start opened the index
        for n in range(200):
            instance.event_log_storage.store_event(_materialization(run_id, n))
        assert len(_events(instance, run_id)) == 200
    # Each materialization goes to the run's file and to the index: Dagster's stock storage
    # opens both for every event (400 opens and more here).
    assert sqlite_opens == [f"{run_id}.db"]


def _link(fd: Path) -> str:
    """What an open file descriptor of this process points to ("" once it is closed)."""
    try:
        return os.readlink(fd)
    except OSError:
        return ""


def _open_database_files(folder: Path) -> set[str]:
    """The .db files under `folder` this process holds open."""
    held = set()
    for fd in Path("/proc/self/fd").iterdir():
        target = _link(fd)
        if target.startswith(str(folder)) and target.endswith(".db"):
            held.add(Path(target).name)
    return held


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_a_process_reading_many_runs_keeps_at_most_the_limit_open(home: Path) -> None:
    with _open(home) as instance:
        run_ids = [f"{n:08d}-0000-0000-0000-000000000010" for n in range(OPEN_RUN_LIMIT + 3)]
        for run_id in run_ids:
            instance.event_log_storage.store_event(_materialization(run_id, 0))
        for run_id in run_ids:
            assert _events(instance, run_id)
        held = _open_database_files(home)
        assert len(held) == OPEN_RUN_LIMIT + 1  # and the index
        assert f"{run_ids[-1]}.db" in held and "index.db" in held
    assert _open_database_files(home) == set()  # closing the instance closes them all


def test_two_threads_storing_at_once_lose_no_event(home: Path) -> None:
    run_id = "0" * 8 + "-0000-0000-0000-000000000002"
    errors: list[BaseException] = []
    with _open(home) as instance:

        def store(first: int) -> None:
            try:
                for n in range(first, first + 100):
                    instance.event_log_storage.store_event(_materialization(run_id, n))
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=store, args=(k * 100,)) for k in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        stored = _events(instance, run_id)
    assert len(stored) == 200 and len({storage_id for storage_id, _ in stored}) == 200


def test_retention_still_removes_a_deleted_runs_file(home: Path) -> None:
    with _open(home) as instance:
        run_ids = [_run(instance) for _ in range(3)]
    assert prune_run_history(home, keep=1) == run_ids[:2][::-1]
    files = {p.stem for p in (home / "history" / "runs").glob("*.db")}
    assert files == {"index", run_ids[-1]}
    with _open(home) as instance:
        assert {r.dagster_run.run_id for r in instance.get_run_records()} == {run_ids[-1]}
        assert _events(instance, run_ids[-1])


_WRITER = """
import sys, time
import dagster as dg
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
run_id, count = sys.argv[1], int(sys.argv[2])
with dg.DagsterInstance.get() as instance:
    for n in range(count):
        event = DagsterEvent(
            DagsterEventType.ASSET_MATERIALIZATION.value, "job",
            event_specific_data=StepMaterializationData(dg.AssetMaterialization(f"a{n}")),
        )
        instance.event_log_storage.store_event(EventLogEntry(
            error_info=None, level=20, user_message="", run_id=run_id,
            timestamp=time.time(), dagster_event=event,
        ))
        time.sleep(0.02)
"""


@pytest.mark.integration  # a second interpreter writes the run (tests/conftest.py's tiers)
def test_a_run_written_by_another_process_is_followed_live(home: Path) -> None:
    """What the UI's run log does while a run (another process) is writing."""
    run_id = "0" * 8 + "-0000-0000-0000-000000000003"
    seen: list[str] = []
    with _open(home) as watcher:
        assert _events(watcher, run_id) == []  # the UI opened the run before it wrote anything
        watcher.event_log_storage.watch(run_id, None, lambda entry, _cursor: seen.append(run_id))
        writer = subprocess.run(
            [sys.executable, "-c", _WRITER, run_id, "30"],
            env={**os.environ, "DAGSTER_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert writer.returncode == 0, writer.stderr
        deadline = time.monotonic() + 20
        while len(seen) < 30 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(seen) == 30


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_a_run_deleted_by_another_process_is_not_read_from_its_old_file(home: Path) -> None:
    """Retention in the run's process deletes an old run's file while the UI has it open: the
    UI's next read opens what is there now instead of holding the deleted file (and its disk
    space) open."""
    with _open(home) as ui:
        run_ids = [_run(ui) for _ in range(2)]
        assert _events(ui, run_ids[0])  # its file is open in this process now
        assert prune_run_history(home, keep=1) == [run_ids[0]]  # another instance, as retention
        assert _events(ui, run_ids[0]) == []
        deleted = [
            target
            for fd in Path("/proc/self/fd").iterdir()
            if (target := _link(fd)) and run_ids[0] in target and target.endswith("(deleted)")
        ]
        assert deleted == []
        assert _events(ui, run_ids[1])


def test_an_instance_opened_from_another_folder_than_dagster_home_is_refused(
    home: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other_home"
    other.mkdir()
    (other / "dagster.yaml").write_text(PROJECT_YAML.read_text(encoding="utf-8"), "utf-8")
    with pytest.raises(DagsterInvariantViolationError, match=f"set DAGSTER_HOME to {other}"):
        _open(other)
