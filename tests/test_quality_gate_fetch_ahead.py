"""The gate reads the next chunk while GX checks this one: same frames, one ahead, never more."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import duckdb
import pandas as pd
import pytest

from pipelines.quality import chunking
from pipelines.quality.chunking import ChunkQuery, fetch_frame, fetched_ahead


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(
        "create table t as select range as n, 'file-' || (range // 10) as f from range(50)"
    )
    return connection


def _queries(count: int) -> list[ChunkQuery]:
    return [("select * from t where n // 10 = ?", [index]) for index in range(count)]


def _wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


class _Reads:
    """Stands in for fetch_frame: records which chunks were started and finished; the read of
    chunk `hold` waits for `release` first."""

    def __init__(self, hold: int | None = None) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.hold = hold
        self.release = threading.Event()
        self._real = chunking.fetch_frame

    def __call__(
        self, connection: duckdb.DuckDBPyConnection, sql: str, parameters: list[int], **kw: object
    ) -> pd.DataFrame:
        self.started.append(parameters[0])
        if parameters[0] == self.hold:
            self.release.wait(5)
        frame = self._real(connection, sql, parameters, **kw)  # type: ignore[arg-type]
        self.finished.append(parameters[0])
        return frame


def test_frames_come_in_order_and_equal_a_direct_fetch(con: duckdb.DuckDBPyConnection) -> None:
    queries = _queries(5)
    with fetched_ahead(con, queries, categorical=frozenset({"f"})) as frames:
        got = [future.result() for future in frames]
    assert len(got) == 5
    for frame, query in zip(got, queries, strict=True):
        expected = fetch_frame(con, *query, categorical=frozenset({"f"}))
        pd.testing.assert_frame_equal(frame, expected)
    assert str(got[0]["f"].dtype) == "category"  # ten rows, one file: its values repeat


def test_it_reads_one_chunk_ahead_and_no_more(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _Reads()
    monkeypatch.setattr(chunking, "fetch_frame", reads)
    with fetched_ahead(con, _queries(4)) as frames:
        for index, future in enumerate(frames):
            future.result()
            # GX's time on chunk `index`: long enough for the reader to run ahead if it would.
            _wait_until(lambda index=index: index + 1 in reads.finished or index == 3)
            time.sleep(0.05)
            # While the caller holds chunk `index`, chunk index + 1 may be read, not index + 2.
            assert max(reads.started) <= index + 1
    assert reads.started == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("held", "take_first", "read"),
    [
        # chunk 0 in hand, chunk 1's read under way: left after it, no later read started
        (1, True, [0, 1]),
        # chunk 0's read under way, chunk 1's queued behind it: left after 0, 1 never started
        (0, False, [0]),
    ],
)
def test_leaving_early_waits_for_the_read_under_way_and_drops_the_queued_one(
    con: duckdb.DuckDBPyConnection,
    monkeypatch: pytest.MonkeyPatch,
    held: int,
    take_first: bool,
    read: list[int],
) -> None:
    reads = _Reads(hold=held)
    monkeypatch.setattr(chunking, "fetch_frame", reads)
    failing = pytest.raises(RuntimeError, match="the first chunk failed its checks")
    with failing, fetched_ahead(con, _queries(5)) as frames:
        first = next(frames)
        if take_first:
            first.result()
        _wait_until(lambda: len(reads.started) == len(read))  # the held read under way
        threading.Timer(0.2, reads.release.set).start()
        raise RuntimeError("the first chunk failed its checks")
    assert reads.finished == read
    assert reads.started == read
    assert con.execute("select count(*) from t").fetchone() == (50,)


def test_a_read_that_fails_raises_from_its_own_chunk(con: duckdb.DuckDBPyConnection) -> None:
    queries = [*_queries(2), ("select * from missing_table", []), *_queries(1)]
    outcomes: list[str] = []
    with fetched_ahead(con, queries) as frames:
        for future in frames:
            try:
                outcomes.append(f"{len(future.result())} rows")
            except duckdb.CatalogException:
                outcomes.append("failed")
    assert outcomes == ["10 rows", "10 rows", "failed", "10 rows"]


def test_leaving_early_interrupts_a_long_read(con: duckdb.DuckDBPyConnection) -> None:
    # About ten seconds alone on this machine; a signal (Ctrl-C, a stopped run) reaches only the
    # main thread, so without the interrupt the block would wait for all of it.
    slow = "select sum(hash(range)) as s from range(3000000000)"
    started = time.monotonic()
    failing = pytest.raises(RuntimeError, match="stopped")
    with failing, fetched_ahead(con, [("select 1 as s", []), (slow, [])]) as frames:
        for future in frames:
            future.result()
            time.sleep(0.3)  # the slow read is under way
            raise RuntimeError("stopped")
    assert time.monotonic() - started < 3
    assert con.execute("select count(*) from t").fetchone() == (50,)
