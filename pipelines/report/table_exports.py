"""Every table of the site's pages as a CSV file beside them, and all of them as one XLSX workbook.

Why the files are read from the rendered pages: a CSV then holds exactly the table the reader
sees, its columns and rows in the page's order, with no second definition of the columns that
could drift from the template. Numbers are the unrounded values the cells carry in data-v (the
page shows them rounded), never the formatted text; a cell with no value is empty.

A long table shows its first rows only: the template renders every row and marks those past the
cut `data-beyond-cut`; they go into the CSV and are taken out of the page here, so no table is cut
without its CSV holding all its rows (the link under it says how many). The report step writes
the files (they work without JavaScript): data/<page>-<table id>.csv, and data/portfolio-report.xlsx
with a contents sheet and one sheet per table.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.report.formatting import NO_VALUE

DATA_DIRNAME = "data"
WORKBOOK_NAME = "portfolio-report.xlsx"
BEYOND_CUT = "data-beyond-cut"
# A spreadsheet runs a text cell starting like a formula ("=", "@", "+x", "-x"): such text is
# written with a leading apostrophe (the usual CSV-injection guard). "-5 days" or "+$3" stay as
# they are: a sign before a number is not a formula.
_FORMULA = re.compile(r"[=@\t\r]|[+-](?![\d$\u00a3\u20ac\u00a5\u20b9.])")
_SPACES = re.compile(r"\s+")
_VOID = {"br", "img", "wbr", "hr", "input"}  # no end tag
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")

Value = str | float


@dataclass
class ExportedTable:
    """One table of one page, every row, as the CSV and the workbook get it."""

    page: str  # "projects.html"
    table_id: str
    caption: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    cut_rows: int = 0  # rows the page leaves out (they are in the CSV)

    @property
    def csv_path(self) -> str:
        """Relative to the site root."""
        return f"{DATA_DIRNAME}/{Path(self.page).stem}-{self.table_id}.csv"


@dataclass
class _Cell:
    text: list[str] = field(default_factory=list)
    raw: str | None = None
    span: int = 1
    hidden: int = 0  # depth inside aria-hidden elements (a RAG symbol): not data


@dataclass
class _Table:
    table: ExportedTable
    link_at: int = (
        -1
    )  # offset after the table (or its scroll wrapper): the download link goes there
    in_scroll: bool = False
    named: bool = False  # the table has an id (else its caption's id names the file)


class _PageTables(HTMLParser):
    """Reads the tables of one page and where in the page to cut rows and put download links."""

    def __init__(self, page: str, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.html = html
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.tables: list[_Table] = []
        self.cuts: list[tuple[int, int]] = []  # [start, end) of the rows taken out of the page
        self._divs: list[bool] = []  # open <div>s: is it a table's scroll wrapper?
        self._table: _Table | None = None
        self._section = ""
        self._row: list[_Cell] | None = None
        self._row_start = -1
        self._row_cut = False
        self._cell: _Cell | None = None
        self._caption: list[str] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _end_of_tag(self) -> int:
        return self.html.index(">", self._offset()) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "div":
            self._divs.append("table-scroll" in values.get("class", "").split())
        elif tag == "table" and self._table is None:
            number = len(self.tables) + 1
            exported = ExportedTable(self.page, values.get("id") or f"table-{number}", "", [])
            in_scroll = bool(self._divs and self._divs[-1])
            self._table = _Table(exported, in_scroll=in_scroll, named="id" in values)
            self.tables.append(self._table)
        elif self._table is None:
            return
        elif tag == "caption":
            self._caption = []
            if not self._table.named and values.get("id"):
                self._table.table.table_id = values["id"].replace("caption", "").strip("-")
        elif tag in {"thead", "tbody", "tfoot"}:
            self._section = tag
        elif tag == "tr":
            self._row, self._row_start, self._row_cut = [], self._offset(), BEYOND_CUT in values
        elif tag in {"td", "th"} and self._row is not None:
            span = values.get("colspan", "1")
            self._cell = _Cell(raw=values.get("data-v"), span=int(span) if span.isdigit() else 1)
        elif self._cell is not None:
            if tag in _VOID:
                pass
            elif self._cell.hidden or values.get("aria-hidden") == "true":
                self._cell.hidden += 1
            if tag in {"li", "br"} and not self._cell.hidden and "".join(self._cell.text).strip():
                self._cell.text.append("; ")  # a list in a cell (the reasons) stays readable

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._divs:
            was_wrapper = self._divs.pop()
            last = self.tables[-1] if self.tables else None
            if was_wrapper and last is not None and last.in_scroll and last.link_at < 0:
                last.link_at = self._end_of_tag()
            return
        current = self._table
        if current is None:
            return
        if self._cell is not None and self._cell.hidden and tag not in {"td", "th"}:
            self._cell.hidden -= 1
            return
        if tag == "caption" and self._caption is not None:
            current.table.caption = _clean("".join(self._caption))
            self._caption = None
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._end_row(current.table)
        elif tag in {"thead", "tbody", "tfoot"}:
            self._section = ""
        elif tag == "table":
            if not current.in_scroll:
                current.link_at = self._end_of_tag()
            self._table = None

    def _end_row(self, table: ExportedTable) -> None:
        cells, self._row = self._row or [], None
        if self._section == "thead":
            table.header = [h for c in cells for h in [_clean("".join(c.text))] * c.span]
        elif self._section in {"tbody", ""} and not (len(cells) == 1 and cells[0].span > 1):
            # a single cell across the columns is a note ("no project needs attention"), not data
            table.rows.append([_value(c) for c in cells])
            if self._row_cut:
                table.cut_rows += 1
                self.cuts.append((self._row_start, self._end_of_tag()))

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            if not self._cell.hidden:
                self._cell.text.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _value(cell: _Cell) -> Value:
    if cell.raw is not None:
        if cell.raw == "":
            return ""
        try:
            return float(cell.raw)
        except ValueError:
            return cell.raw
    text = _clean("".join(cell.text))
    return "" if text == NO_VALUE else text


def _safe_text(value: Value) -> Value:
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def _download_link(table: ExportedTable) -> str:
    total = len(table.rows)
    shown = total - table.cut_rows
    rows = f"all {total:,} rows" if not table.cut_rows else f"all {total:,} rows ({shown:,} shown)"
    return (
        f'\n<p class="table-download"><a href="{escape(table.csv_path)}" download>'
        f"Download this table as CSV</a>, {rows}.</p>"
    )


def _edited(html: str, edits: list[tuple[int, int, str]]) -> str:
    """html with each [start, end) replaced by its text, in one pass: the projects list of
    5,000 projects has ~5,000 cut rows, and splicing them one at a time copied the page each
    time (~7 s)."""
    pieces: list[str] = []
    done = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        pieces += [html[done:start], text]
        done = end
    pieces.append(html[done:])
    return "".join(pieces)


def export_page_tables(site: Path, page: str) -> list[ExportedTable]:
    """Write every table of site/page as a CSV, rewrite the page with the rows past its cuts taken
    out and a download link under each table, and return the tables (for the workbook)."""
    path = site / page
    html = path.read_text(encoding="utf-8")
    parser = _PageTables(page, html)
    parser.feed(html)
    parser.close()
    edits = [(start, end, "") for start, end in parser.cuts]
    edits += [(t.link_at, t.link_at, _download_link(t.table)) for t in parser.tables]
    path.write_text(_edited(html, edits), encoding="utf-8")
    folder = site / DATA_DIRNAME
    folder.mkdir(exist_ok=True)
    tables = [t.table for t in parser.tables]
    for table in tables:
        with (site / table.csv_path).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(table.header)
            writer.writerows([_safe_text(v) for v in row] for row in table.rows)
    return tables


def _sheet_name(table: ExportedTable, taken: set[str]) -> str:
    base = _SHEET_UNSAFE.sub("-", f"{Path(table.page).stem} {table.table_id}")[:31]
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        name = f"{base[: 31 - len(str(number)) - 1]}~{number}"
    taken.add(name.lower())
    return name


def _text_cell(sheet: Worksheet, value: Value) -> Cell | Value:
    """The value as written; text starting with "=" as a text cell (openpyxl would store it as a
    formula). Only those get a cell object: building one per value doubles the time."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_workbook(site: Path, tables: list[ExportedTable]) -> Path:
    """data/portfolio-report.xlsx: a contents sheet, one sheet per table, numbers as numbers."""
    workbook = Workbook(write_only=True)
    contents = workbook.create_sheet("Contents")
    contents.append(["Sheet", "Page", "Table", "Rows", "CSV file"])
    taken = {"contents"}
    sheets = []
    for table in tables:
        name = _sheet_name(table, taken)
        contents.append(
            [_text_cell(contents, v) for v in (name, table.page, table.caption)]
            + [len(table.rows), table.csv_path]
        )
        sheets.append((name, table))
    for name, table in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append([_text_cell(sheet, h) for h in table.header])
        for row in table.rows:
            sheet.append([_text_cell(sheet, v) for v in row])
    out = site / DATA_DIRNAME / WORKBOOK_NAME
    out.parent.mkdir(exist_ok=True)
    workbook.save(out)
    return out


def export_site_tables(site: Path, pages: list[str]) -> list[ExportedTable]:
    """Export every table of the given top-level pages, then the workbook of them all."""
    tables = [table for page in pages for table in export_page_tables(site, page)]
    write_workbook(site, tables)
    return tables
