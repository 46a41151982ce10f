"""Read finance's budget and re-forecast workbook (one wide sheet per plan version) into long rows.

Finance sends a formatted workbook, not a table: a title, a "Prepared" date, a header row with one
column per fiscal month, and a Total row. We find the header by its `Project ID` cell rather than
by a fixed row number, and unpivot the month columns so every amount keeps its sheet and row.

What the workbook can get wrong, and what we do (docs/exports.md):
- no `Budget` sheet: the file is refused (there is no baseline without it); sheets other than
  `Budget` and `Forecast Qn` are ignored and noted;
- merged cells in a header row: refused, because which month a merged header covers is a guess;
- a formula saved without its calculated value, or whose value is an error such as #DIV/0!: that
  cell is quarantined as "formula without a cached value", never read as an empty (zero) month;
- the sheet's final `Total` row is the contract's layout and is skipped; any other Total,
  Subtotal or Grand Total row is quarantined as a summary row, never loaded.
One raw row is one month cell of a project line, so the accounting counts cells: rows_read =
cells loaded + cells (and summary rows) quarantined. Entirely empty sheet rows hold nothing and
are skipped.

Two readers, each for what it does fast: openpyxl's streaming (read-only) reader gives every cell as
written, a formula as its text, and calamine gives the values Excel saved for the formulas and the
merged ranges. openpyxl's full reader gives both but takes seconds a sheet of a 5,000-project plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow as pa
import python_calamine
from openpyxl.utils import get_column_letter

from pipelines.ingest.dialect import normalise
from pipelines.ingest.file_outcome import FileLoadResult, FileRejected
from pipelines.ingest.quarantine import FileContext, QuarantineRow, examples, insert_rows
from pipelines.ingest.sources import SourceSpec

_MONTH_HEADER = re.compile(r"^(?P<mon>[A-Z][a-z]{2})-(?P<year>\d{4})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}
_PREPARED = re.compile(r"Prepared\s+(\d{4}-\d{2}-\d{2})")
_ID_COLUMNS = ("Project ID", "Project Name", "Capex/Opex", "Currency")
_SEARCH_ROWS = 20
REQUIRED_SHEET = "Budget"
_FORECAST_SHEET = re.compile(r"^Forecast Q[1-4]$")
_SUMMARY_WORDS = {"total", "grand total", "subtotal", "sub-total", "sub total"}


@dataclass
class _Parsed:
    rows: list[dict[str, object]] = field(default_factory=list)
    quarantined: list[QuarantineRow] = field(default_factory=list)
    prepared: date | None = None


def _month_of(header: object) -> date | None:
    if isinstance(header, date):  # a datetime too
        return date(header.year, header.month, 1)
    match = _MONTH_HEADER.match(str(header or "").strip())
    if not match or match["mon"] not in _MONTHS:
        return None
    return date(int(match["year"]), _MONTHS[match["mon"]], 1)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _record(sheet: str, row: tuple[object, ...]) -> str:
    return json.dumps({"sheet": sheet, "cells": [None if c is None else str(c) for c in row]})


def _header_row(sheet_name: str, rows: list[tuple[object, ...]]) -> int:
    for i, row in enumerate(rows[:_SEARCH_ROWS]):
        if row and normalise(str(row[0] or "")) == normalise("Project ID"):
            return i
    raise FileRejected(
        "xlsx layout",
        f"sheet {sheet_name!r}: no header row starting with 'Project ID' in the first "
        f"{_SEARCH_ROWS} rows",
    )


def _refuse_merged_header(
    name: str,
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    rows: list[tuple[object, ...]],
    header_index: int,
) -> None:
    for (first_row, first_col), (last_row, last_col) in merged:  # 0-based, inclusive
        if first_row <= header_index <= last_row:
            value = rows[first_row][first_col] if first_col < len(rows[first_row]) else None
            coord = (
                f"{get_column_letter(first_col + 1)}{first_row + 1}:"
                f"{get_column_letter(last_col + 1)}{last_row + 1}"
            )
            raise FileRejected(
                "merged header",
                f"sheet {name!r}: the header row {header_index + 1} has merged cells "
                f"{coord} ({value!r}); each column needs its own header cell, so which "
                "month a value belongs to cannot be known",
            )


def _parse_sheet(
    name: str,
    rows: list[tuple[object, ...]],
    formulas: list[tuple[object, ...]],
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    parsed: _Parsed,
) -> None:
    header_index = _header_row(name, rows)
    _refuse_merged_header(name, merged, rows, header_index)
    for row in rows[:header_index]:
        for cell in row:
            found = _PREPARED.search(str(cell or ""))
            if found and parsed.prepared is None:
                parsed.prepared = date.fromisoformat(found.group(1))
    header = [str(cell).strip() if cell is not None else "" for cell in rows[header_index]]
    position = {normalise(h): i for i, h in enumerate(header)}
    missing = [c for c in _ID_COLUMNS if normalise(c) not in position]
    if missing:
        raise FileRejected(
            "xlsx layout", f"sheet {name!r}: missing column(s) {missing}; found {header}"
        )
    at = {c: position[normalise(c)] for c in _ID_COLUMNS}
    months = [(i, m) for i, cell in enumerate(rows[header_index]) if (m := _month_of(cell))]
    if not months:
        raise FileRejected(
            "xlsx layout", f"sheet {name!r}: no month columns such as 'Apr-2026' in {header}"
        )
    filled = [i for i, row in enumerate(rows) if not all(_is_blank(v) for v in row)]
    layout_total = filled[-1] if filled and normalise(str(rows[filled[-1]][0])) == "total" else None
    for index in range(header_index + 1, len(rows)):
        if index == layout_total:
            continue  # finance's own final Total row is part of the contract's layout
        formula_row = formulas[index] if index < len(formulas) else ()
        _parse_row(name, index + 1, rows[index], formula_row, header, at, months, parsed)


def _parse_row(
    sheet: str,
    sheet_row: int,
    row: tuple[object, ...],
    formulas: tuple[object, ...],
    header: list[str],
    at: dict[str, int],
    months: list[tuple[int, date]],
    parsed: _Parsed,
) -> None:
    def cell(i: int) -> object:
        return row[i] if i < len(row) else None

    if all(_is_blank(v) for v in row) and not any(_is_formula(f) for f in formulas):
        return  # an empty sheet row holds nothing
    key = cell(at["Project ID"])
    first = cell(0)
    if any(normalise(str(v or "")) in _SUMMARY_WORDS for v in (first, key)):
        parsed.quarantined.append(
            QuarantineRow(
                sheet_row,
                None,
                None,
                "summary row",
                f"sheet {sheet!r} row {sheet_row}: a summary row ({first!r}): a sum of other "
                "rows, not data",
                _record(sheet, row),
            )
        )
        return
    for col_index, month in months:
        value = cell(col_index)
        formula = formulas[col_index] if col_index < len(formulas) else None
        if value is None and _is_formula(formula):
            parsed.quarantined.append(
                QuarantineRow(
                    sheet_row,
                    header[col_index],
                    str(formula),
                    "formula without a cached value",
                    f"{_where(sheet, col_index, sheet_row)} holds the formula {formula} but "
                    "the workbook was saved without its calculated value, or with an error "
                    "(such as #DIV/0!) as its value: the amount is unknown (not empty, not "
                    "zero); open it in Excel, mend any error and save it to store the value",
                    _record(sheet, row),
                )
            )
            continue
        if _is_blank(value):
            amount = 0.0  # an empty month cell in finance's layout means nothing planned
        elif isinstance(value, int | float) and not isinstance(value, bool):
            amount = float(value)
        else:
            parsed.quarantined.append(
                QuarantineRow(
                    sheet_row,
                    header[col_index],
                    str(value),
                    "type",
                    f"{_where(sheet, col_index, sheet_row)}: {value!r} is not an amount",
                    _record(sheet, row),
                )
            )
            continue
        parsed.rows.append(
            {
                "project_id": None if _is_blank(key) else str(key),
                "project_name": cell(at["Project Name"]),
                "capex_opex": cell(at["Capex/Opex"]),
                "currency": cell(at["Currency"]),
                "plan_version": sheet,
                "period_month": month,
                "amount": amount,
                "source_sheet": sheet,
                "source_row": sheet_row,
            }
        )


def _where(sheet: str, col_index: int, sheet_row: int) -> str:
    return f"sheet {sheet!r} cell {get_column_letter(col_index + 1)}{sheet_row}"


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _unreadable(exc: Exception) -> FileRejected:
    return FileRejected("unreadable workbook", f"not a readable XLSX workbook: {exc}")


def _open(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True)  # formulas as their text
    except Exception as exc:  # openpyxl raises many types for a damaged file; all mean "unreadable"
        raise _unreadable(exc) from exc


def _saved_value(value: object) -> object:
    """calamine's cell as openpyxl reads it: empty is None, a whole number an int."""
    if value == "":
        return None  # also what calamine gives for an error value (#DIV/0!): not an amount
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _with_saved_values(
    cells: list[tuple[object, ...]], saved: Sequence[Sequence[object]]
) -> list[tuple[object, ...]]:
    """The sheet's cells, each formula replaced by the value saved with it (None if none)."""
    rows = []
    for index, row in enumerate(cells):
        if any(_is_formula(value) for value in row):
            values = saved[index] if index < len(saved) else []
            row = tuple(
                (_saved_value(values[i]) if i < len(values) else None)
                if _is_formula(value)
                else value
                for i, value in enumerate(row)
            )
        rows.append(row)
    return rows


def _plan_sheets(workbook: Any) -> tuple[list[str], list[str]]:
    names = list(workbook.sheetnames)
    if REQUIRED_SHEET not in names:
        raise FileRejected(
            "xlsx missing sheet",
            f"the workbook has no sheet {REQUIRED_SHEET!r} (the annual budget); "
            f"found sheets {names}",
        )
    plan = [n for n in names if n == REQUIRED_SHEET or _FORECAST_SHEET.match(n)]
    return plan, [n for n in names if n not in plan]


def _parse(path: Path) -> tuple[_Parsed, list[str]]:
    cells = _open(path)
    try:
        saved = python_calamine.CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine's errors for a damaged file: all mean "unreadable"
        cells.close()
        raise _unreadable(exc) from exc
    parsed = _Parsed()
    try:
        plan, ignored = _plan_sheets(cells)
        for name in plan:
            formula_rows = [tuple(r) for r in cells[name].iter_rows(values_only=True)]
            sheet = saved.get_sheet_by_name(name)
            rows = _with_saved_values(formula_rows, sheet.to_python(skip_empty_area=False))
            _parse_sheet(name, rows, formula_rows, sheet.merged_cell_ranges or [], parsed)
    finally:
        cells.close()
        saved.close()
    return parsed, ignored


def load_finance_plan_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    context: FileContext,
    fiscal_year: int,
) -> FileLoadResult:
    parsed, ignored = _parse(path)
    if not parsed.rows and not parsed.quarantined:
        raise FileRejected("header only", "the workbook's plan sheets have no data rows")
    extract_date = parsed.prepared or context.at.date()
    insert_rows(con, context, parsed.quarantined)
    if parsed.rows:
        con.register("_finance_plan_rows", pa.Table.from_pylist(parsed.rows))
        con.execute(
            f"""
            insert into {spec.table} (project_id, project_name, capex_opex, currency,
                plan_version, fiscal_year, period_month, amount, source_sheet,
                source_file, source_file_hash, source_row, extract_date, loaded_at)
            select cast(project_id as varchar), cast(project_name as varchar),
                   cast(capex_opex as varchar), cast(currency as varchar), plan_version,
                   ?, period_month, amount, source_sheet, ?, ?, source_row, ?, ?
            from _finance_plan_rows
            order by source_sheet, source_row, period_month
            """,
            [fiscal_year, context.source_file, context.source_file_hash, extract_date, context.at],
        )
        con.unregister("_finance_plan_rows")
    quarantined = len(parsed.quarantined)
    return FileLoadResult(
        rows_read=len(parsed.rows) + quarantined,
        rows_loaded=len(parsed.rows),
        rows_quarantined=quarantined,
        extract_date=extract_date,
        note=f"ignored sheet(s) {', '.join(map(repr, ignored))}" if ignored else None,
        examples=examples(con, context) if quarantined else [],
    )
