"""Load several sources at once, each on its own DuckDB connection to the build copy.

A source's files load one after another, in name order and each in its own transaction, since a
file is checked against the ones loaded before it. Two sources share nothing but the audit tables,
to which each only appends, and DuckDB lets two transactions append to one table. Much of a
file's load runs on one core (DuckDB planning a statement, the text staging read, hashing, the
UTF-8 scan), so two sources side by side use the machine's second core (docs/benchmarks.md,
"Sources side by side").

Creating or altering a table or view from two connections at once is a catalog conflict, so the
caller makes every table ready first, on its own connection (`loader.prepare_tables`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import duckdb

from pipelines.ingest.loader import landing_files
from pipelines.ingest.sources import SourceSpec

T = TypeVar("T")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    result: T
    seconds: float  # the source's own time; sources side by side overlap


def landing_bytes(spec: SourceSpec, landing_dir: Path) -> int:
    """What the source has in the landing folder, new or not: a proxy for its load's length."""
    return sum(path.stat().st_size for path in landing_files(spec, landing_dir))


def load_side_by_side(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[SourceSpec],
    load: Callable[[duckdb.DuckDBPyConnection, SourceSpec], T],
    *,
    threads: int,
    landing_dir: Path,
) -> dict[str, Loaded[T]]:
    """`load(connection, spec)` for every source, `threads` at a time, the largest first so that
    the last to finish is a small one. The first failure interrupts the loads under way (each
    rolls its file back) and is raised once they have stopped."""
    order = sorted(specs, key=lambda spec: -landing_bytes(spec, landing_dir))
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(spec: SourceSpec) -> tuple[str, Loaded[T]]:
        cursor = con.cursor()  # a connection of its own: its temp tables and transactions
        with lock:
            cursors.append(cursor)
        started = time.perf_counter()
        try:
            return spec.name, Loaded(load(cursor, spec), time.perf_counter() - started)
        finally:
            with lock:
                cursors.remove(cursor)
            cursor.close()

    loaded: dict[str, Loaded[T]] = {}
    with ThreadPoolExecutor(max(1, threads), thread_name_prefix="ingest") as pool:
        futures = [pool.submit(run, spec) for spec in order]
        try:
            for future in as_completed(futures):
                name, result = future.result()
                loaded[name] = result
        except BaseException:
            for future in futures:
                future.cancel()
            with lock:
                for cursor in cursors:  # a signal reaches only this thread: stop the others
                    with contextlib.suppress(duckdb.Error):
                        cursor.interrupt()
            raise
    return {spec.name: loaded[spec.name] for spec in specs}
