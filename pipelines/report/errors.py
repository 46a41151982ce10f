"""Errors the report renderer raises, so callers (Dagster assets, the CLI) can tell a data problem
from a bug and show the portfolio office a message that says what to fix."""

from __future__ import annotations


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


class OutputDirError(ReportError):
    """The output folder cannot safely be replaced, e.g. it holds files this renderer did not write.

    The renderer swaps the whole folder, so it refuses to touch a folder it does not recognise
    rather than delete someone's files.
    """
