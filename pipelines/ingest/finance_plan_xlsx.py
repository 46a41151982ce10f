"""Read finance's budget and re-forecast workbook (one wide sheet per plan version) into long rows.

Finance sends a formatted workbook, not a table: a title, a "Prepared" date, a header row with one
column per fiscal month, and a Total row. We find the header by its `Project ID` cell rather than
by a fixed row number, and unpivot the month columns so every amount keeps its sheet and row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa

from pipelines.ingest.file_outcome import FileLoadResult, FileRejected
from pipelines.ingest.sources import SourceSpec
from pipelines.ingest.warehouse_tables import REJECTS_TABLE

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


@dataclass
class _Parsed:
    rows: list[dict[str, object]]
    rejects: list[tuple[str, int, str, str, str]]  # sheet, row, column, value, reason
    prepared: date | None


def _month_of(header: object) -> date | None:
    if isinstance(header, datetime):
        return date(header.year, header.month, 1)
    match = _MONTH_HEADER.match(str(header or "").strip())
    if not match or match["mon"] not in _MONTHS:
        return None
    return date(int(match["year"]), _MONTHS[match["mon"]], 1)


def _parse_sheet(sheet_name: str, rows: list[tuple[object, ...]], parsed: _Parsed) -> None:
    header_index = next(
        (
            i
            for i, row in enumerate(rows[:_SEARCH_ROWS])
            if row and str(row[0]).strip() == "Project ID"
        ),
        None,
    )
    if header_index is None:
        raise FileRejected(f"sheet {sheet_name!r}: no header row starting with 'Project ID'")
    for row in rows[:header_index]:
        for cell in row:
            found = _PREPARED.search(str(cell or ""))
            if found and parsed.prepared is None:
                parsed.prepared = date.fromisoformat(found.group(1))
    header = [str(cell).strip() if cell is not None else "" for cell in rows[header_index]]
    missing = [c for c in _ID_COLUMNS if c not in header]
    if missing:
        raise FileRejected(f"sheet {sheet_name!r}: missing column(s) {missing}; found {header}")
    position = {name: header.index(name) for name in _ID_COLUMNS}
    months = [(i, m) for i, cell in enumerate(rows[header_index]) if (m := _month_of(cell))]
    if not months:
        raise FileRejected(f"sheet {sheet_name!r}: no month columns such as 'Apr-2026' in {header}")
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        first = str(row[0]).strip() if row and row[0] is not None else ""
        if not first or first.lower() == "total":
            continue  # blank spacer rows and finance's own Total row are not data
        for col_index, month in months:
            value = row[col_index] if col_index < len(row) else None
            if value is None or value == "":
                amount = 0.0  # an empty month cell in finance's layout means nothing planned
            elif isinstance(value, int | float):
                amount = float(value)
            else:
                parsed.rejects.append(
                    (
                        sheet_name,
                        offset,
                        str(rows[header_index][col_index]),
                        str(value),
                        f"could not read {value!r} as an amount",
                    )
                )
                continue
            parsed.rows.append(
                {
                    "project_id": first,
                    "project_name": row[position["Project Name"]],
                    "capex_opex": row[position["Capex/Opex"]],
                    "currency": row[position["Currency"]],
                    "plan_version": sheet_name,
                    "period_month": month,
                    "amount": amount,
                    "source_sheet": sheet_name,
                    "source_row": offset,
                }
            )


def load_finance_plan_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    rel_name: str,
    file_hash: str,
    fiscal_year: int,
    loaded_at: datetime,
) -> FileLoadResult:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file; all mean "unreadable"
        raise FileRejected(f"not a readable XLSX workbook: {exc}") from exc
    parsed = _Parsed(rows=[], rejects=[], prepared=None)
    try:
        for sheet in workbook.worksheets:
            _parse_sheet(sheet.title, list(sheet.iter_rows(values_only=True)), parsed)
    finally:
        workbook.close()
    if not parsed.rows and not parsed.rejects:
        raise FileRejected("the workbook has no data rows")
    extract_date = parsed.prepared or loaded_at.date()
    for sheet_name, row_number, column, value, reason in parsed.rejects:
        con.execute(
            f"insert into {REJECTS_TABLE} values (?, ?, ?, ?, ?, ?, 'type', ?, ?, ?)",
            [
                spec.name,
                rel_name,
                file_hash,
                row_number,
                column,
                value,
                reason,
                f"sheet {sheet_name}",
                loaded_at,
            ],
        )
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
            [fiscal_year, rel_name, file_hash, extract_date, loaded_at],
        )
        con.unregister("_finance_plan_rows")
    rows_read = len(parsed.rows) + len(parsed.rejects)
    return FileLoadResult(
        rows_read=rows_read,
        rows_loaded=len(parsed.rows),
        rows_rejected=len(parsed.rejects),
        extract_date=extract_date,
    )
