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
