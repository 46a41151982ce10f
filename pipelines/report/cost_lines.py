"""The lines behind each project's actual cost: one CSV per project beside its one-pager.

Read from marts.fct_project_actual_cost_lines (every timesheet entry and GL line counted in the
project's actual cost to date, with the export file and line it came from; dbt holds its sum per
project equal to fct_project_cost_performance.actual_cost_to_date). One query for every project,
ordered by project, written out as it streams: no grouping or summing here. Every project of the
register gets its file, a header alone when nothing was charged to it yet, so the one-pager's
link always opens. A warehouse without the mart (one built before it existed, or a test's own
marts) gets no files, and the one-pagers no link: has_cost_lines decides both.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from io import TextIOWrapper
from pathlib import Path

import duckdb

from pipelines.report.site import PROJECTS_DIRNAME, project_file_name
from pipelines.sql_helpers import missing_columns

COST_LINES_MART = "marts.fct_project_actual_cost_lines"
_BATCH = 50_000
HEADER = (
    "project_id",
    "cost_type",
    "date",
    "export_file",
    "line_number",
    "person_or_ledger_account",
    "hours",
    "gl_document",
    "amount",
)
_QUERY = f"""
    select
        project_id,
        cost_type,
        cost_date,
        source_file,
        source_row,
        case
            when cost_type = 'labour' then coalesce(employee_name, '') || ' (' || employee_id || ')'
            else account_number || ' ' || coalesce(account_name, '')
        end as who,
        hours,
        document_number,
        amount
    from {COST_LINES_MART}
    order by project_id, cost_date, source_file, source_row
"""


def has_cost_lines(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse holds the mart with the columns the files are written from."""
    columns = ("project_id", "cost_type", "cost_date", "source_file", "source_row", "amount")
    return not missing_columns(con, {COST_LINES_MART: columns})


def cost_lines_file_name(project_id: str) -> str:
    """projects/<file>: the one-pager's name with -actual-cost-lines.csv for .html."""
    return project_file_name(project_id).removesuffix(".html") + "-actual-cost-lines.csv"


def write_cost_line_files(
    con: duckdb.DuckDBPyConnection, out_dir: Path, project_ids: Iterable[str], currency: str
) -> int:
    """Write projects/<project>-actual-cost-lines.csv for every project; return the line count."""
    folder = out_dir / PROJECTS_DIRNAME
    folder.mkdir(parents=True, exist_ok=True)
    header = [*HEADER[:-1], f"amount_{currency.lower()}"]
    pending = set(project_ids)
    lines = 0
    current: str | None = None
    out: TextIOWrapper | None = None
    writer = None
    try:
        cursor = con.execute(_QUERY)
        while batch := cursor.fetchmany(_BATCH):
            for row in batch:
                project_id = str(row[0])
                if project_id != current:
                    if out is not None:
                        out.close()
                    current = project_id
                    pending.discard(project_id)
                    out = (folder / cost_lines_file_name(project_id)).open(
                        "w", encoding="utf-8", newline=""
                    )
                    writer = csv.writer(out)
                    writer.writerow(header)
                assert writer is not None
                writer.writerow(["" if v is None else v for v in row])
                lines += 1
    finally:
        if out is not None:
            out.close()
    for project_id in pending:  # nothing charged yet: the header says what would be there
        with (folder / cost_lines_file_name(project_id)).open(
            "w", encoding="utf-8", newline=""
        ) as f:
            csv.writer(f).writerow(header)
    return lines
