"""Build `raw.itdashboard_projects` and `raw.gmpp_projects` from the two real public exports.

A stand-in for the ingest (pipelines/ingest) that mimics the raw-table contract the published
portfolio models read (dbt_project/models/staging/published/_published__sources.yml), so the dbt
models and their tests can be developed and run without the real pipeline:

- every column typed as the contract says, plus the lineage columns source_file,
  source_file_hash, source_row (the record's first line in the file, header = line 1),
  extract_date and loaded_at;
- IT Dashboard: HTML entities decoded once (`html.unescape`), the 4 exact duplicate records
  dropped (the first one kept), `2011-01-10T00:00:00Z` parsed to a date, numbers as doubles;
- GMPP: UTF-8 with a BOM, columns matched by meaning (the header cells span several lines and
  drift between years), `£2,607` -> 2607, `-19%` -> -19, a date `2013-03-29` -> a date; a cell
  that is present but not a value (a sentence: 'Exempt under Section 43 ...', 'Early planning
  GMPP project ...') -> NULL with the text in `<column>_null_reason`; a blank or `NA` cell ->
  NULL with a NULL reason. The optional benefits column is NULL throughout when the file has none.

Each call appends one extract, as the ingest does; call it again with another extract_date to
simulate a later (or earlier) extract of the same projects.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines.settings import Settings

# The real public exports (never copied into the repo): `Settings.real_data_dir`, by default
# ../shared/data/real beside the checkout, or wherever PORTFOLIO_REAL_DATA_DIR points. Tests that
# need them skip when they are not there.
REAL_DATA_DIR = Settings.from_env().real_data_dir
ITDASHBOARD_CSV = REAL_DATA_DIR / "us_itdashboard_projects_2011.csv"
GMPP_CSV = REAL_DATA_DIR / "uk_gmpp_annual_report_2022.csv"

# The export cannot be older than its newest `Updated Date` (2012-12-07).
ITDASHBOARD_EXTRACT_DATE = dt.date(2012, 12, 7)
# The GMPP annual report 2022 publishes data as at 31 March 2022 (financial year 2021-22).
GMPP_EXTRACT_DATE = dt.date(2022, 3, 31)

LINEAGE_COLUMNS: list[tuple[str, str]] = [
    ("source_file", "VARCHAR"),
    ("source_file_hash", "VARCHAR"),
    ("source_row", "BIGINT"),
    ("extract_date", "DATE"),
    ("loaded_at", "TIMESTAMP"),
]

# (raw column, header text as published, type)
ITDASHBOARD_COLUMNS: list[tuple[str, str, str]] = [
    ("unique_investment_identifier", "Unique Investment Identifier", "VARCHAR"),
    ("business_case_id", "Business Case ID", "VARCHAR"),
    ("agency_code", "Agency Code", "VARCHAR"),
    ("agency_name", "Agency Name", "VARCHAR"),
    ("investment_title", "Investment Title", "VARCHAR"),
    ("project_id", "Project ID", "VARCHAR"),
    ("agency_project_id", "Agency Project ID", "VARCHAR"),
    ("project_name", "Project Name", "VARCHAR"),
    ("project_description", "Project Description", "VARCHAR"),
    ("start_date", "Start Date", "DATE"),
    ("completion_date_b1", "Completion Date (B1)", "DATE"),
    ("planned_completion_date", "Planned Project Completion Date (B2)", "DATE"),
    ("projected_completion_date", "Projected/Actual Project Completion Date (B2)", "DATE"),
    ("lifecycle_cost_musd", "Lifecycle Cost ($ M)", "DOUBLE"),
    ("published_schedule_variance_days", "Schedule Variance (in days)", "DOUBLE"),
    ("published_schedule_variance_pct", "Schedule Variance (%)", "DOUBLE"),
    ("published_cost_variance_musd", "Cost Variance ($ M)", "DOUBLE"),
    ("published_cost_variance_pct", "Cost Variance (%)", "DOUBLE"),
    ("planned_cost_musd", "Planned Cost ($ M)", "DOUBLE"),
    ("projected_cost_musd", "Projected/Actual Cost ($ M)", "DOUBLE"),
    ("updated_date", "Updated Date", "DATE"),
    ("updated_time", "Updated Time", "VARCHAR"),
    ("unique_project_id", "Unique Project ID", "VARCHAR"),
]

# (raw column, type, has a <column>_null_reason, a regular expression that finds its header once
# lower-cased, hyphens made spaces and whitespace collapsed). Matched by meaning, not exact text:
# the header cells span several lines and drift from year to year. A column missing from a
# year's file is NULL throughout.
GMPP_COLUMNS: list[tuple[str, str, bool, str]] = [
    ("gmpp_id", "VARCHAR", False, r"^gmpp id"),
    ("project_name", "VARCHAR", False, r"^project name"),
    ("department", "VARCHAR", False, r"^department\b"),
    ("category", "VARCHAR", False, r"\bcategory\b"),
    ("description", "VARCHAR", False, r"^description"),
    ("ipa_dca", "VARCHAR", False, r"^ipa delivery confidence"),
    ("sro_dca", "VARCHAR", False, r"^sro delivery confidence"),
    ("ipa_commentary", "VARCHAR", False, r"\bcommentary\b"),
    ("start_date", "DATE", True, r"\bstart date\b"),
    ("end_date", "DATE", True, r"\bend date\b"),
    ("schedule_narrative", "VARCHAR", False, r"\bnarrative\b.*\bschedule\b"),
    ("fy_baseline_gbp_m", "DOUBLE", True, r"^financial year baseline"),
    ("fy_forecast_gbp_m", "DOUBLE", True, r"^financial year forecast"),
    ("published_fy_variance_pct", "DOUBLE", True, r"^financial year variance"),
    ("budget_variance_narrative", "VARCHAR", False, r"\bnarrative\b.*\bvariance\b"),
    ("whole_life_cost_gbp_m", "DOUBLE", True, r"^(?!.*\bnarrative\b).*\bwhole life costs?\b"),
    ("whole_life_cost_narrative", "VARCHAR", False, r"\bnarrative\b.*\bwhole life costs?\b"),
    ("benefits_gbp_m", "DOUBLE", True, r"^(?!.*\bnarrative\b).*\bbenefits?\b"),
]

_NOT_A_VALUE = {"", "na", "n/a"}
_ROWS_PER_INSERT = 250
_MONEY = re.compile(r"^(-?)£(-?)([0-9][0-9,]*(?:\.[0-9]+)?)$")
_PERCENT = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*%$")


def gmpp_raw_columns() -> list[tuple[str, str]]:
    """The raw table's columns, each `*` column followed by its `<column>_null_reason`."""
    columns: list[tuple[str, str]] = []
    for name, sql_type, has_reason, _ in GMPP_COLUMNS:
        columns.append((name, sql_type))
        if has_reason:
            columns.append((f"{name}_null_reason", "VARCHAR"))
    return columns


def itdashboard_raw_columns() -> list[tuple[str, str]]:
    return [(name, sql_type) for name, _, sql_type in ITDASHBOARD_COLUMNS]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (first line number, cells) of every record; header = line 1."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        records: list[tuple[int, list[str]]] = []
        line = reader.line_num + 1
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    return header, records


def _iso_date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.date.fromisoformat(text[:10]) if text else None


def _number(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _text(text: str) -> str | None:
    # The ingest reads every cell as text; a blank cell is NULL.
    return text if text.strip() else None


def read_itdashboard(path: Path = ITDASHBOARD_CSV) -> list[dict[str, Any]]:
    """The IT Dashboard export's records as raw-table rows (without lineage but `source_row`)."""
    header, records = _records(path)
    expected = [published for _, published, _ in ITDASHBOARD_COLUMNS]
    assert header == expected, f"unexpected IT Dashboard header: {header}"
    seen: set[tuple[str, ...]] = set()
    rows: list[dict[str, Any]] = []
    for line, cells in records:
        key = tuple(cells)
        if key in seen:  # an exact duplicate record: the ingest keeps the first
            continue
        seen.add(key)
        row: dict[str, Any] = {"source_row": line}
        for (name, _, sql_type), cell in zip(ITDASHBOARD_COLUMNS, cells, strict=True):
            decoded = html.unescape(cell)
            if sql_type == "DATE":
                row[name] = _iso_date(decoded)
            elif sql_type == "DOUBLE":
                row[name] = _number(decoded)
            else:
                row[name] = _text(decoded)
        rows.append(row)
    return rows


def _gmpp_header_index(header: Sequence[str]) -> dict[str, int | None]:
    normalised = [" ".join(h.lower().replace("-", " ").split()) for h in header]
    found: dict[str, int | None] = {}
    for name, _, _, pattern in GMPP_COLUMNS:
        matches = [i for i, h in enumerate(normalised) if re.search(pattern, h)]
        assert len(matches) <= 1, f"{name} matches several GMPP headers: {matches}"
        found[name] = matches[0] if matches else None
    taken = [i for i in found.values() if i is not None]
    assert len(taken) == len(set(taken)), f"a GMPP header matched twice: {found}"
    return found


def _gmpp_value(sql_type: str, cell: str) -> tuple[Any, str | None]:
    """(value, null reason) of one `*` cell: the reason is the published text of a cell that is
    present but not a value, NULL for a value and for a blank or NA cell."""
    text = cell.strip()
    if text.lower() in _NOT_A_VALUE:
        return None, None
    if sql_type == "DOUBLE":
        money = _MONEY.match(text)
        if money:
            sign = "-" if (money.group(1) or money.group(2)) else ""
            return float(sign + money.group(3).replace(",", "")), None
        percent = _PERCENT.match(text)
        if percent:
            return float(percent.group(1)), None
    if sql_type == "DATE":
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            pass
    return None, text


def read_gmpp(path: Path = GMPP_CSV) -> list[dict[str, Any]]:
    """The GMPP export's records as raw-table rows (without lineage but `source_row`)."""
    header, records = _records(path)
    index = _gmpp_header_index(header)
    rows: list[dict[str, Any]] = []
    for line, cells in records:
        row: dict[str, Any] = {"source_row": line}
        for name, sql_type, has_reason, _ in GMPP_COLUMNS:
            position = index[name]
            cell = cells[position] if position is not None else ""
            if has_reason:
                row[name], row[f"{name}_null_reason"] = _gmpp_value(sql_type, cell)
            else:
                row[name] = cell  # raw text as published ('' for a blank cell)
        rows.append(row)
    return rows


def _create_table(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]
) -> None:
    ddl = ", ".join(f"{name} {sql_type}" for name, sql_type in [*columns, *LINEAGE_COLUMNS])
    con.execute("create schema if not exists raw")
    con.execute(f"create table if not exists raw.{table} ({ddl})")


def _append(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    rows: Iterable[dict[str, Any]],
    source_file: str,
    source_file_hash: str,
    extract_date: dt.date,
    loaded_at: dt.datetime,
) -> int:
    _create_table(con, table, columns)
    names = [name for name, _ in columns] + [name for name, _ in LINEAGE_COLUMNS]
    values = [
        [row.get(name) for name, _ in columns]
        + [source_file, source_file_hash, row["source_row"], extract_date, loaded_at]
        for row in rows
    ]
    # Many rows per statement: executemany sends one statement per row (seconds for 2,468).
    row_placeholders = "(" + ", ".join("?" for _ in names) + ")"
    for start in range(0, len(values), _ROWS_PER_INSERT):
        chunk = values[start : start + _ROWS_PER_INSERT]
        con.execute(
            f"insert into raw.{table} ({', '.join(names)}) values "
            + ", ".join(row_placeholders for _ in chunk),
            [cell for row in chunk for cell in row],
        )
    return len(values)


RowEdit = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _load_extract(
    warehouse: Path,
    folder: str,
    columns: list[tuple[str, str]],
    rows: list[dict[str, Any]],
    path: Path,
    extract_date: dt.date,
    edit: RowEdit | None,
) -> int:
    """Append `rows` of the file `path` (landed under `folder/`) to raw.<folder>_projects."""
    if edit is not None:
        rows = edit(rows)
    with duckdb.connect(str(warehouse)) as con:
        return _append(
            con,
            f"{folder}_projects",
            columns,
            rows,
            f"{folder}/{path.name}",
            _sha256(path),
            extract_date,
            dt.datetime.combine(extract_date, dt.time(6, 0)),
        )


def load_itdashboard_extract(
    warehouse: Path,
    extract_date: dt.date = ITDASHBOARD_EXTRACT_DATE,
    path: Path = ITDASHBOARD_CSV,
    edit: RowEdit | None = None,
) -> int:
    """Append one extract of the IT Dashboard file to raw.itdashboard_projects; `edit` may change
    the rows first (a damaged copy). Returns the number of rows appended."""
    rows = read_itdashboard(path)
    return _load_extract(
        warehouse, "itdashboard", itdashboard_raw_columns(), rows, path, extract_date, edit
    )


def load_gmpp_extract(
    warehouse: Path,
    extract_date: dt.date = GMPP_EXTRACT_DATE,
    path: Path = GMPP_CSV,
    edit: RowEdit | None = None,
) -> int:
    """Append one extract of the GMPP file to raw.gmpp_projects (see load_itdashboard_extract)."""
    rows = read_gmpp(path)
    return _load_extract(warehouse, "gmpp", gmpp_raw_columns(), rows, path, extract_date, edit)


def create_empty_published_raw_tables(warehouse: Path) -> Path:
    """The two raw tables with no row: what a warehouse without these exports needs so the
    published models (views over them) can build."""
    with duckdb.connect(str(warehouse)) as con:
        _create_table(con, "itdashboard_projects", itdashboard_raw_columns())
        _create_table(con, "gmpp_projects", gmpp_raw_columns())
    return warehouse


def create_published_raw_fixture(warehouse: Path) -> Path:
    """Both real files, one extract each, as the ingest would load them."""
    load_itdashboard_extract(warehouse)
    load_gmpp_extract(warehouse)
    return warehouse


if __name__ == "__main__":  # python tests/published_raw_fixture.py <warehouse.duckdb>
    import sys

    target = Path(sys.argv[1])
    create_published_raw_fixture(target)
    with duckdb.connect(str(target), read_only=True) as con:
        for table in ("itdashboard_projects", "gmpp_projects"):
            (count,) = con.execute(f"select count(*) from raw.{table}").fetchone()  # type: ignore[misc]
            print(f"raw.{table}: {count} rows")
