"""Dagster's SQLite event log, keeping each database's connection open between events.

Dagster's own `SqliteEventLogStorage` creates a SQLAlchemy engine, opens a SQLite connection and
closes both again for every event it stores and every read: about 7 ms an event here. A demo run
stores about 1,400 events (each dbt model is a planned and then a recorded materialization, each
dbt test a planned and then a recorded asset-check evaluation, each output a step output), so a
run spent 7-9 s on it; one open connection per database takes an event to under 2 ms
(docs/benchmarks.md, "Dagster's event log with its connections kept open").

Nothing else changes: the same files in the same place (`<instance>/history/runs/`, one per run,
and `index.db`), the same tables, the same transaction per event and the same SQLite durability,
so the stock class (or any Dagster tool) reads every run this one wrote, and back.

Dagster serialises every use of a connection behind the storage's own lock (a run's event
watcher thread included), so one connection per database (SQLAlchemy's `StaticPool`) is never
used by two threads at once. A process that reads many runs (the UI) keeps the index and at most
`OPEN_RUN_LIMIT` runs' databases open: the run used least recently is closed first.

Configured in pipelines/dagster_instance.yaml, which the Makefile copies to
$DAGSTER_HOME/dagster.yaml.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster import StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS, create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# A run writes to its own database and the index; the UI reads a handful of runs at once.
OPEN_RUN_LIMIT = 8


def runs_dir(instance_dir: str) -> str:
    """Where Dagster's default SQLite storage keeps the event logs of the instance's runs."""
    return os.path.join(instance_dir, "history", "runs")


class OpenSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one SQLite connection kept open per database file."""

    def __init__(self, instance_dir: str, inst_data: ConfigurableClassData | None = None):
        # Before Dagster's constructor: a new instance's index is created (and connected) there.
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._instance_dir = instance_dir
        super().__init__(base_dir=runs_dir(instance_dir), inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"instance_dir": StringSource}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> OpenSqliteEventLogStorage:
        return cls(inst_data=inst_data, instance_dir=str(config_value["instance_dir"]))

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, created (and its tables checked) on first use; the caller holds
        the storage's lock."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            create_db_conn_string(self._base_dir, shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for oldest in runs[: max(0, len(runs) - OPEN_RUN_LIMIT)]:
            self._engines.pop(oldest).dispose()
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
                _, engine = self._engines.popitem()
                engine.dispose()

    def wipe(self) -> None:
        self._close_all()  # the run databases' files are deleted next
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._close_all()
