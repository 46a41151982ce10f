"""What `portfolio run` prints for a failed step: the real error, and where it happened."""

from __future__ import annotations

from dagster._utils.error import serializable_error_info_from_exc_info

from pipelines.ingest.side_by_side import SourceLoadFailed
from pipelines.weekly_run import _root_cause


def _info(error: BaseException):  # type: ignore[no-untyped-def]
    try:
        raise error
    except BaseException as caught:
        return serializable_error_info_from_exc_info((type(caught), caught, caught.__traceback__))


def test_the_innermost_error_is_shown_not_the_wrapper() -> None:
    try:
        try:
            raise MemoryError("Out of Memory Error: could not allocate")
        except MemoryError as inner:
            raise RuntimeError('Error occurred while executing op "raw_sources":') from inner
    except RuntimeError as outer:
        shown = _root_cause(_info(outer), 5)
    assert shown.startswith("MemoryError: Out of Memory Error: could not allocate")


def test_a_failed_source_is_named_with_its_error() -> None:
    try:
        try:
            raise ValueError("broke")
        except ValueError as inner:
            raise SourceLoadFailed("timesheets", inner, {}) from inner
    except SourceLoadFailed as failed:
        try:
            raise RuntimeError('Error occurred while executing op "raw_sources":') from failed
        except RuntimeError as outer:
            shown = _root_cause(_info(outer), 5)
    assert "loading timesheets failed: ValueError: broke" in shown


def test_a_published_run_names_the_sources_it_set_rows_aside_from(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    from pipelines.quality.audit import _CREATE_DECISIONS
    from pipelines.quality.blocked_run import blocked_sources
    from pipelines.weekly_run import _set_aside_lines

    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema audit")
        con.execute(_CREATE_DECISIONS)
        for run, source, decision, aside in (
            ("r1", "timesheets", "quarantined", 3),
            ("r1", "projects", "passed", 0),
            ("r1", "milestones", "warned", 0),
            ("r1", "fx_rates", "blocked", 75),
            ("r0", "resources", "quarantined", 9),
        ):
            con.execute(
                "insert into audit.gate_decisions values (?, now(), ?, ?, 1, 0, 10, 7, ?, 5, '')",
                [run, source, decision, aside],
            )
    assert _set_aside_lines(warehouse, "r1") == [
        "Published with rows set aside by the quality gate (see quality.html):",
        "  fx_rates: blocked, 75 row(s) set aside",
        "  milestones: warned, 0 row(s) set aside",
        "  timesheets: quarantined, 3 row(s) set aside",
    ]
    assert blocked_sources(warehouse, "r1") == ["fx_rates"]
    assert blocked_sources(warehouse, "r0") == []
    assert blocked_sources(tmp_path / "missing.duckdb", "r1") == []
