"""Dagster's SQLite event log, keeping each database's connection open between events.

Dagster's own `SqliteEventLogStorage` creates a SQLAlchemy engine, opens a SQLite connection and
closes both again for every event it stores and every read: about 7 ms an event here. A demo run
stores about 1,400 events (each dbt model is a planned and then a recorded materialization, each
dbt test a planned and then a recorded asset-check evaluation, each output a step output): a
demo run with nothing new took 18-22 s by its own clock, 9-11 s with one open connection per
database, under 2 ms an event (docs/benchmarks.md, "Dagster's event log with its connections
kept open").

The data is Dagster's: the same files in the same place (`<instance>/history/runs/`, one per run,
and `index.db`), the same tables, the same transaction per event and the same SQLite durability,
so the stock class (or any Dagster tool) reads every run this one wrote, and back. Two things
follow from the open connections:
  * a live run's newest events sit in its database's write-ahead log (`<run>.db-wal`) until
    SQLite copies them into `<run>.db` (when the log grows or the last connection closes); a
    backup must copy the `-wal` files too, or be taken with no Dagster process running;
  * Dagster's SQLite class follows a run live (the UI's run log) by watching `<run>.db` for
    changes, which that leaves untouched, so this one polls the run's events instead, as
    Dagster's Postgres storage does (`SqlPollingEventWatcher`: every 0.25 s while events come,
    backing off to every 16 s while none do).

Dagster serialises every use of a connection behind the storage's own lock (the watcher's reads
included), so one connection per database (SQLAlchemy's `StaticPool`) is never used by two threads
at once. A process that reads many runs (the UI) keeps the index and at most `OPEN_RUN_LIMIT`
runs' databases open: the run used least recently is closed first. A database file deleted or
replaced by another process (run retention) is reopened, never read from the old file.

Configured in pipelines/dagster_instance.yaml, which the Makefile copies to
$DAGSTER_HOME/dagster.yaml; `instance_dir` must be that folder, which the instance checks.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as db
from dagster import StringSource
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.event_api import EventHandlerFn
from dagster._core.instance.ref import _event_logs_directory
from dagster._core.storage.event_log.polling_event_watcher import SqlPollingEventWatcher
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS, create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from dagster import DagsterInstance

# A run writes to its own database and the index; the UI reads a handful of runs at once.
OPEN_RUN_LIMIT = 8


def runs_dir(instance_dir: str) -> str:
    """Where Dagster's default SQLite storage keeps the event logs of the instance's runs (its own
    rule, so this storage and run retention find the files where the stock storage puts them)."""
    return _event_logs_directory(instance_dir)


def _file_id(path: str) -> tuple[int, int] | None:
    """The database file's identity on disk; None when it does not exist (yet)."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


class OpenSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one SQLite connection kept open per database file."""

    def __init__(self, instance_dir: str, inst_data: ConfigurableClassData | None = None):
        # Before Dagster's constructor: a new instance's index is created (and connected) there.
        self._engines: OrderedDict[str, tuple[Engine, tuple[int, int] | None]] = OrderedDict()
        self._watcher: SqlPollingEventWatcher | None = None
        self._watcher_lock = threading.Lock()  # the UI may start watching from several threads
        self._instance_dir = os.path.expanduser(instance_dir)
        super().__init__(base_dir=runs_dir(self._instance_dir), inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"instance_dir": StringSource}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> OpenSqliteEventLogStorage:
        return cls(inst_data=inst_data, instance_dir=str(config_value["instance_dir"]))

    def register_instance(self, instance: DagsterInstance) -> None:
        """Refuse to serve an instance loaded from another folder: its runs would be in one place
        and their events in another (`instance_dir` comes from DAGSTER_HOME)."""
        root = instance.root_directory
        if not (os.path.isdir(root) and os.path.samefile(root, self._instance_dir)):
            raise DagsterInvariantViolationError(
                f"the event log's instance_dir ({self._instance_dir}, from DAGSTER_HOME) is not "
                f"the folder of the instance being opened ({root}): set DAGSTER_HOME to {root}"
            )
        super().register_instance(instance)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, created (and its tables checked) on first use or when its file
        was deleted or replaced since; the caller holds the storage's lock."""
        path = self.path_for_shard(shard)
        cached = self._engines.get(shard)
        if cached is not None:
            engine, opened = cached
            if opened is not None and _file_id(path) == opened:
                self._engines.move_to_end(shard)
                return engine
            del self._engines[shard]  # its file is gone or another file now: open the new one
            engine.dispose()
            self._initialized_dbs.discard(shard)
        engine = db.create_engine(
            create_db_conn_string(self._base_dir, shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        try:
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = (engine, _file_id(path))
        except BaseException:
            engine.dispose()
            raise
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for oldest in runs[: max(0, len(runs) - OPEN_RUN_LIMIT)]:
            self._engines.pop(oldest)[0].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # As Dagster's: one transaction, under the lock; only the engine outlives it.
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                _, (engine, _opened) = self._engines.popitem()
                engine.dispose()

    def watch(self, run_id: str, cursor: str | None, callback: EventHandlerFn) -> None:
        with self._watcher_lock:
            if self._watcher is None:
                self._watcher = SqlPollingEventWatcher(self)
            watcher = self._watcher
        watcher.watch_run(run_id, cursor, callback)

    def end_watch(self, run_id: str, handler: EventHandlerFn) -> None:
        with self._watcher_lock:
            watcher = self._watcher
        if watcher is not None:
            watcher.unwatch_run(run_id, handler)

    def wipe(self) -> None:
        self._close_all()  # the run databases' files are deleted next
        super().wipe()

    def dispose(self) -> None:
        with self._watcher_lock:
            watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.close()
        super().dispose()
        self._close_all()
