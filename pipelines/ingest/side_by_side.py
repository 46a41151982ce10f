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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import duckdb

from pipelines.ingest.loader import landing_files
from pipelines.ingest.sources import SourceSpec

T = TypeVar("T")
_INTERRUPT_EVERY_SECONDS = 0.2


@dataclass(frozen=True)
class Loaded(Generic[T]):
    result: T
    seconds: float  # the source's own time; sources side by side overlap


class SourceLoadFailed(Exception):
    """A source's load raised; `loaded` holds the sources that had finished by then."""

    def __init__(self, source: str, error: BaseException, loaded: Mapping[str, Loaded[Any]]):
        super().__init__(f"loading {source} failed: {type(error).__name__}: {error}")
        self.source = source
        self.loaded = loaded


def landing_bytes(spec: SourceSpec, landing_dir: Path) -> int:
    """What the source has in the landing folder, new or not: a proxy for its load's length. A
    file renamed or removed since the folder was listed counts nothing (its load lists the
    folder again)."""
    total = 0
    for path in landing_files(spec, landing_dir):
        with contextlib.suppress(FileNotFoundError):
            total += path.stat().st_size
    return total


class _Stopped(Exception):
    """A queued load not started because another failed."""


def load_side_by_side(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[SourceSpec],
    load: Callable[[duckdb.DuckDBPyConnection, SourceSpec], T],
    *,
    threads: int,
    landing_dir: Path,
) -> dict[str, Loaded[T]]:
    """`load(connection, spec)` for every source, `threads` at a time, the largest first so that
    the last to finish is a small one. When one raises, no queued load starts and the loads
    under way are interrupted (each rolls its file back); SourceLoadFailed names the source."""
    order = sorted(specs, key=lambda spec: -landing_bytes(spec, landing_dir))
    stop = threading.Event()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(spec: SourceSpec) -> Loaded[T]:
        with lock:
            if stop.is_set():
                raise _Stopped
            cursor = con.cursor()  # a connection of its own: its temp tables and transactions
            cursors.append(cursor)
        started = time.perf_counter()
        try:
            return Loaded(load(cursor, spec), time.perf_counter() - started)
        except BaseException:
            stop.set()  # before this thread takes the next queued source
            raise
        finally:
            with lock:
                cursors.remove(cursor)
                cursor.close()

    pool = ThreadPoolExecutor(max(1, threads), thread_name_prefix="ingest")
    futures: dict[Future[Loaded[T]], SourceSpec] = {pool.submit(run, spec): spec for spec in order}
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
    except BaseException:  # Ctrl-C or a stopped run, in this thread: stop the loads, then leave
        _stop(stop, pool, futures, cursors, lock)
        raise
    # the failures before the stop; the loads it interrupts fail only because of them
    failed = [(futures[f], error) for f in futures if (error := _error_of(f)) is not None]
    if failed:
        _stop(stop, pool, futures, cursors, lock)
    pool.shutdown(wait=True)
    loaded = {futures[f].name: f.result() for f in futures if _finished(f)}
    if failed:
        spec, error = failed[0]
        raise SourceLoadFailed(spec.name, error, dict(loaded)) from error
    return {spec.name: loaded[spec.name] for spec in specs}


def _error_of(future: Future[Loaded[T]]) -> BaseException | None:
    if not future.done() or future.cancelled():
        return None
    return future.exception()


def _finished(future: Future[Loaded[T]]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _stop(
    stop: threading.Event,
    pool: ThreadPoolExecutor,
    futures: dict[Future[Loaded[T]], SourceSpec],
    cursors: list[duckdb.DuckDBPyConnection],
    lock: threading.Lock,
) -> None:
    """No queued load starts; the running ones are interrupted until they end. DuckDB clears a
    connection's interrupt when its next statement starts, so one sent while a load runs Python
    between statements (hashing, the UTF-8 scan) would be lost: it is sent again until done."""
    stop.set()
    pool.shutdown(wait=False, cancel_futures=True)
    while not all(f.done() for f in futures):
        with lock:
            for cursor in cursors:  # a signal reaches only the main thread: stop the others
                with contextlib.suppress(duckdb.Error):
                    cursor.interrupt()
        wait(futures, timeout=_INTERRUPT_EVERY_SECONDS)
