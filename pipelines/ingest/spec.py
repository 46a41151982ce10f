"""What a source is: its files, its columns and how each column's text becomes a value.

The native exports (pipelines/ingest/sources.py) use the plain parts: an exact header, a type.
Real tools' exports, described by a source profile (source_profiles/*.yml, docs/profiles.md), use
the rest: headers matched by meaning, optional columns, declared date formats, percentages, HTML
entities decoded once, and cells that hold a sentence instead of a figure kept as a null with
that sentence as its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

FileFormat = Literal["csv", "finance_plan_xlsx"]
# How a column's text is read beyond its SQL type: a number followed by `%`.
Parse = Literal["percent"]


@dataclass(frozen=True)
class Column:
    header: str
    name: str
    sql_type: str
    # Header matching by meaning (profiles): other exact names, and phrase sets of which one
    # must be found whole in the header (each phrase a word prefix: "cost" finds "Costs").
    aliases: tuple[str, ...] = ()
    match: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[str, ...] = ()
    required: bool = True
    parse: Parse | None = None
    # strptime formats tried in order; empty means the contract's YYYY-MM-DD.
    date_formats: tuple[str, ...] = ()
    decode_html: bool = False
    # A present cell that is not a value (`Exempt under Section 43 ...`) becomes NULL with its
    # text in `<name>_null_reason` instead of quarantining the row.
    keeps_null_reason: bool = False
    description: str = ""
    # Profiles: a date column also reads the date-time shapes spreadsheets write
    # (pipelines/ingest/date_values.py), day/month in the order its file proves
    # (`day-first`, `month-first`; else `ambiguous`, `conflicting`: set per file, date_order.py).
    date_shapes: bool = False
    day_month_order: str | None = None

    @property
    def reason_column(self) -> str:
        return f"{self.name}_null_reason"


@dataclass(frozen=True)
class SourceSpec:
    name: str
    folder: str
    file_pattern: re.Pattern[str]
    file_format: FileFormat
    columns: tuple[Column, ...]
    description: str
    # A snapshot (the whole state as of its extract date) is kept per date even when its content
    # repeats last week's; rows of an additive source (entries, journal lines) must count once.
    is_snapshot: bool = False
    # Profiles: files are any name matching the pattern, dated by a column's latest value or by
    # the year in the file name (that year's `extract_month_day`), not by a date in the name.
    profile: str | None = None
    extract_date_column: str | None = None
    extract_month_day: str | None = None
    # Columns naming one entry for good (an additive source's entry id): a row whose key another
    # file already loaded is quarantined, never loaded over it (key_reuse.py).
    entry_key: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return f"raw.{self.name}"

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns if column.required)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        """The raw table's data columns: each column, then the reason beside those that keep one."""
        stored: list[Column] = []
        for column in self.columns:
            stored.append(column)
            if column.keeps_null_reason:
                stored.append(Column("", column.reason_column, "VARCHAR"))
        return tuple(stored)


def snake_case(header: str) -> str:
    """`Capex/Opex` -> `capex_opex`, `Budget at Completion` -> `budget_at_completion`."""
    return re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")
