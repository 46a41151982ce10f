"""The per-project CSVs of actual-cost lines (cost_lines.py) are written by DuckDB as text: they
must read back as the csv module writes them, quoting, line ends and numbers included."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.report.cost_lines import HEADER, cost_lines_file_name, write_cost_line_files
from pipelines.report.site import PROJECTS_DIRNAME

# (project, cost type, date, file, row, employee id, employee name, hours, document, account,
#  account name, amount): names with a comma, a quote and a line break; empty and NULL fields
LINES = [
    ("PRJ-1", "labour", "2026-01-06", "ts, week 2.csv", 3, "E1", "Doe, Jane", 7.5, None,
     None, None, "412.500000"),
    ("PRJ-1", "labour", "2026-01-05", "ts.csv", 2, "E2", 'Ann "Al" Li', 8.0, None,
     None, None, "0.000000"),
    ("PRJ-1", "non_labour", "2026-01-05", "gl.csv", 9, None, None, None, "D-1\nb",
     "6100", None, "-12.345600"),
    ("PRJ-2", "labour", "2026-01-07", "ts.csv", 4, "E3", None, 0.00001, "", None, None,
     "1.000000"),
]  # fmt: skip


def _expected(project: str) -> bytes:
    """What the csv module's writer makes of the same values, in date, file, row order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*HEADER[:-1], "amount_eur"])
    rows = sorted((r for r in LINES if r[0] == project), key=lambda r: (r[2], r[3], r[4]))
    for pid, kind, day, file, row, emp, name, hours, doc, account, account_name, amount in rows:
        who = f"{name or ''} ({emp})" if kind == "labour" else f"{account} {account_name or ''}"
        writer.writerow([pid, kind, day, file, row, who, hours, doc, Decimal(amount)])
    return out.getvalue().encode()


def test_the_files_are_what_the_csv_module_writes(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.fct_project_actual_cost_lines (
                project_id varchar, cost_type varchar, cost_date date, source_file varchar,
                source_row bigint, employee_id varchar, employee_name varchar, hours double,
                document_number varchar, account_number varchar, account_name varchar,
                amount decimal(38, 6))
            """
        )
        con.executemany(
            "insert into marts.fct_project_actual_cost_lines values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            LINES,
        )
        assert (
            write_cost_line_files(con, tmp_path, ["PRJ-1", "PRJ-2", "PRJ-3"], "EUR") == 4
        )  # lines
    folder = tmp_path / PROJECTS_DIRNAME
    for project in ("PRJ-1", "PRJ-2", "PRJ-3"):  # PRJ-3: nothing charged, the header alone
        written = (folder / cost_lines_file_name(project)).read_bytes()
        assert written == _expected(project), project
    with (folder / cost_lines_file_name("PRJ-1")).open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert [r[5] for r in rows[1:]] == ["6100 ", 'Ann "Al" Li (E2)', "Doe, Jane (E1)"]
    assert rows[1][7] == "D-1\nb"
