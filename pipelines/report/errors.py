"""Errors the report renderer raises, so callers (Dagster assets, the CLI) can tell a data problem
from a bug and show the portfolio office a message that says what to fix."""

from __future__ import annotations

# The folder swap lives on neutral ground (pipelines/site_folder.py) with its error.
from pipelines.site_folder import OutputDirError

__all__ = [
    "MartsInconsistentError",
    "MartsUnavailableError",
    "OutputDirError",
    "ReportError",
]


class ReportError(RuntimeError):
    """A report could not be rendered; the previously published report, if any, is untouched."""


class MartsUnavailableError(ReportError):
    """The warehouse file, a mart table, or a column the report relies on is missing.

    Usually means dbt has not built the marts yet (or built an older contract); run the pipeline
    first. See docs/marts.md for the tables and columns the report reads.
    """


class MartsInconsistentError(ReportError):
    """The marts are present but cannot be summarised as one report (no projects, several as-of
    dates or reporting currencies, an as-of date outside the date dimension)."""
