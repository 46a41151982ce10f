"""The lines behind each project's actual cost: one CSV per project beside its one-pager.

Read from marts.fct_project_actual_cost_lines (every timesheet entry and GL line counted in the
project's actual cost to date, with the export file and line it came from; dbt holds its sum per
project equal to fct_project_cost_performance.actual_cost_to_date). Every project of the
register gets its file, a header alone when nothing was charged to it yet, so the one-pager's
link always opens. A warehouse without the mart (one built before it existed, or a test's own
marts) gets no files, and the one-pagers no link: has_cost_lines decides both.

Why DuckDB writes the CSV text: 5,000 projects have ~3 M lines, and fetching nine Python
values a line for the csv module took ~15 s. The query formats each line as the csv module's
default (excel) dialect would (a field quoted only when it holds a comma, a quote or a line
break, its quotes doubled; CRLF line ends), ordered by project, so Python only joins each
project's lines (~5 s; the files are byte for byte the same). One query for every project,
written out as it streams: no grouping here (the report aggregates nothing, test_report_layer).
"""

from __future__ import annotations

from collections.abc import Iterable
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
CRLF = "\r\n"  # the csv module's default line end, which the files have always had


def _text(sql: str) -> str:
    """A text column as a CSV field: quoted only when it holds a comma, a quote or a line
    break (the csv module's QUOTE_MINIMAL); NULL is empty."""
    quoted = f"""'"' || replace({sql}, '"', '""') || '"'"""
    needs_quotes = f"""regexp_matches({sql}, '[",\\r\\n]')"""
    return f"coalesce(case when {needs_quotes} then {quoted} else {sql} end, '')"


def _value(sql: str) -> str:
    """A date or number as a CSV field (never quoted); NULL is empty. DuckDB writes a DOUBLE
    and a DECIMAL as Python's str() does (shortest round trip; the decimal's scale kept)."""
    return f"coalesce(cast({sql} as varchar), '')"


_WHO = """case
        when cost_type = 'labour' then coalesce(employee_name, '') || ' (' || employee_id || ')'
        else account_number || ' ' || coalesce(account_name, '')
    end"""
_FIELDS = (
    _text("project_id"),
    _text("cost_type"),
    _value("cost_date"),
    _text("source_file"),
    _value("source_row"),
    _text(f"({_WHO})"),
    _value("hours"),
    _text("document_number"),
    _value("amount"),
)
_QUERY = f"""
    select project_id, {" || ',' || ".join(_FIELDS)} as line
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
    header = ",".join([*HEADER[:-1], f"amount_{currency.lower()}"]) + CRLF
    pending = set(project_ids)
    count = 0
    current: str | None = None
    lines: list[str] = []
    cursor = con.execute(_QUERY)
    while batch := cursor.fetchmany(_BATCH):
        for project_id, line in batch:
            if project_id != current:
                if current is not None:
                    _write(folder, current, header, lines)
                current, lines = str(project_id), []
                pending.discard(current)
            lines.append(line)
        count += len(batch)
    if current is not None:
        _write(folder, current, header, lines)
    for project_id in pending:  # nothing charged yet: the header says what would be there
        _write(folder, project_id, header, [])
    return count


def _write(folder: Path, project_id: str, header: str, lines: list[str]) -> None:
    text = header + "".join(line + CRLF for line in lines)
    path = folder / cost_lines_file_name(project_id)
    with path.open("w", encoding="utf-8", newline="") as file:  # newline="": CRLF as given
        file.write(text)
