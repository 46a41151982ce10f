"""A real export's cells: dates as spreadsheets write them, day/month order, values vs sentences.

Every file here is written from the published file (never edited in place) the way another
department's or year's copy of the same family differs: dates with a time part, day/month dates,
a cell that looks like a value but is unreadable, a column no row of which can be read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.loader import load_source
from pipelines.ingest.sources import source_named
from tests.published_raw_fixture import GMPP_CSV, ITDASHBOARD_CSV

GMPP = source_named("gmpp_projects")
ITD = source_named("itdashboard_projects")
START = "Project - Start Date \n(Latest Approved Start Date)"
END = "Project - End Date \n(Latest Approved End Date)"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

pytestmark = pytest.mark.skipif(not GMPP_CSV.exists(), reason="the real exports are not here")


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _land(landing: Path, folder: str, name: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    target = landing / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue(), encoding="utf-8")


def _rewrite(rows: list[list[str]], column: str, shape) -> list[list[str]]:
    """The rows with every ISO date of `column` rewritten by `shape(date)`."""
    index = rows[0].index(column)
    out = [rows[0]]
    for row in rows[1:]:
        row = list(row)
        if ISO.fullmatch(row[index]):
            row[index] = shape(date.fromisoformat(row[index]))
        out.append(row)
    return out


def _manifest(con) -> dict:
    names = "status, rows_read, rows_loaded, rows_quarantined, failing_cells, rule, reason"
    row = con.execute(f"select {names}, date_orders from raw.load_manifest").fetchone()
    return dict(zip([*names.split(", "), "date_orders"], row, strict=True))


def _dates(con, column: str) -> dict[str, date | None]:
    return dict(con.execute(f"select gmpp_id, {column} from raw.gmpp_projects").fetchall())


def _published_dates(column: str) -> dict[str, date]:
    rows = _rows(GMPP_CSV)
    index = rows[0].index(column)
    return {r[0]: date.fromisoformat(r[index]) for r in rows[1:] if ISO.fullmatch(r[index])}


@pytest.mark.parametrize(
    ("start_shape", "end_shape"),
    [
        (lambda d: f"{d} 00:00:00", lambda d: f"{d}T00:00:00Z"),
        (lambda d: f"{d}T00:00:00", lambda d: f"{d}T13:45:10.000+01:00"),
    ],
    ids=["space and Z", "T and offset"],
)
def test_dates_with_a_time_part_read_as_their_date_never_as_a_null_with_its_own_text(
    tmp_path: Path, con, start_shape, end_shape
) -> None:
    rows = _rewrite(_rewrite(_rows(GMPP_CSV), START, start_shape), END, end_shape)
    _land(tmp_path, GMPP.folder, "dept_gmpp_2022.csv", rows)
    load_source(con, GMPP, tmp_path)
    found = _manifest(con)
    assert (found["status"], found["rows_loaded"], found["rows_quarantined"]) == ("loaded", 235, 0)
    loaded = _dates(con, "start_date")
    assert {k: v for k, v in loaded.items() if v is not None} == _published_dates(START)
    assert {k: v for k, v in _dates(con, "end_date").items() if v} == _published_dates(END)
    # The reasons are the publisher's sentences only: no date became a "reason".
    reasons = con.execute(
        "select start_date_null_reason from raw.gmpp_projects "
        "where start_date_null_reason is not null"
    ).fetchall()
    assert len(reasons) == 11 and not any(re.search(r"\d{4}-\d{2}", r) for (r,) in reasons)


def test_day_first_and_month_first_columns_are_read_in_the_order_the_file_proves(
    tmp_path: Path, con
) -> None:
    rows = _rewrite(_rows(GMPP_CSV), START, lambda d: f"{d:%d/%m/%Y} 00:00")
    rows = _rewrite(rows, END, lambda d: f"{d:%m/%d/%Y}")
    _land(tmp_path, GMPP.folder, "dept_gmpp_2022.csv", rows)
    load_source(con, GMPP, tmp_path)
    found = _manifest(con)
    assert (found["status"], found["rows_loaded"]) == ("loaded", 235)
    assert {k: v for k, v in _dates(con, "start_date").items() if v} == _published_dates(START)
    assert {k: v for k, v in _dates(con, "end_date").items() if v} == _published_dates(END)
    orders = json.loads(found["date_orders"])
    assert orders["start_date"]["order"] == "day-first"
    assert orders["end_date"]["order"] == "month-first"
    # The why names a cell that proves it, and its line.
    assert re.search(r"'\d{2}/\d{2}/\d{4} 00:00' \(line \d+\) has a first field over 12",
                     orders["start_date"]["why"])  # fmt: skip
    assert "has a second field over 12" in orders["end_date"]["why"]


def _small_gmpp(starts: list[str]) -> list[list[str]]:
    """A short GMPP-shaped file: the real header and first rows, start dates as given."""
    rows = _rows(GMPP_CSV)
    index = rows[0].index(START)
    out = [rows[0]]
    for row, start in zip(rows[1:], starts, strict=False):
        row = list(row)
        row[index] = start
        out.append(row)
    return out


def _lines(rows: list[list[str]]) -> list[int]:
    """The physical line each data record starts on (its cells may hold line breaks)."""
    starts, line = [], 1 + sum(cell.count("\n") for cell in rows[0])
    for row in rows[1:]:
        starts.append(line + 1)
        line += 1 + sum(cell.count("\n") for cell in row)
    return starts


def test_a_column_nothing_decides_is_ambiguous_and_its_swappable_dates_are_set_aside(
    tmp_path: Path, con
) -> None:
    rows = _small_gmpp(["03/04/2021", "05/05/2021 00:00", "2021-06-01", "01/02/2020"])
    lines = _lines(rows)
    _land(tmp_path, GMPP.folder, "gmpp_2023.csv", rows)
    load_source(con, GMPP, tmp_path)
    found = _manifest(con)
    assert json.loads(found["date_orders"])["start_date"]["order"] == "ambiguous"
    assert (found["rows_read"], found["rows_loaded"], found["rows_quarantined"]) == (4, 2, 2)
    quarantined = con.execute(
        "select source_row, column_name, rule, reason from audit.quarantine order by source_row"
    ).fetchall()
    assert [(line, rule) for line, _, rule, _ in quarantined] == [
        (lines[0], "ambiguous date"),
        (lines[3], "ambiguous date"),
    ]
    assert quarantined[0][1] == GMPP.columns[8].header  # the profile's name of the column
    assert "'03/04/2021' is ambiguous: 2021-04-03 (day/month) or 2021-03-04" in quarantined[0][3]
    assert "nothing in this column of the file decides" in quarantined[0][3]
    # 05/05/2021 reads the same either way: loaded.
    assert date(2021, 5, 5) in _dates(con, "start_date").values()


def test_a_value_shaped_cell_the_format_cannot_read_is_a_type_failure_not_a_reason(
    tmp_path: Path, con
) -> None:
    exempt = "Exempt under Section 43 of the FOI Act"
    rows = _small_gmpp(["01-Nov-2017", "2021-06-01", exempt, "2021-07-01"])
    baseline = rows[0].index("Financial Year Baseline (£m) (including Non-Government Costs)")
    rows[3][baseline] = "£2,607m"
    lines = _lines(rows)
    _land(tmp_path, GMPP.folder, "gmpp_2023.csv", rows)
    load_source(con, GMPP, tmp_path)
    quarantined = con.execute(
        "select source_row, rule, raw_value, reason from audit.quarantine order by source_row"
    ).fetchall()
    assert [(line, rule, value) for line, rule, value, _ in quarantined] == [
        (lines[0], "type", "01-Nov-2017"),
        (lines[2], "type", "£2,607m"),
    ]
    assert quarantined[0][3].startswith("'01-Nov-2017' is not a date: dates must be")
    # Neither value became a null with its own text as the reason.
    assert con.execute(
        "select start_date, start_date_null_reason, fy_baseline_gbp_m_null_reason "
        "from raw.gmpp_projects order by source_row"
    ).fetchall() == [(date(2021, 6, 1), None, None), (date(2021, 7, 1), None, None)]


def test_a_column_whose_every_value_is_set_aside_refuses_the_file_naming_the_column(
    tmp_path: Path, con
) -> None:
    rows = _rewrite(_rows(GMPP_CSV), START, lambda d: f"{d:%d-%b-%Y}")  # 01-Nov-2017
    _land(tmp_path, GMPP.folder, "dept_gmpp_2022.csv", rows)
    load_source(con, GMPP, tmp_path)
    found = _manifest(con)
    assert (found["status"], found["rule"]) == ("rejected", "unreadable column")
    assert "dept_gmpp_2022.csv" in found["reason"]
    assert "column 'Project - Start Date" in found["reason"]
    assert "has 224 value(s) in the file but none in the rows loaded" in found["reason"]
    assert "is not a date" in found["reason"]  # the first cell's own reason
    assert con.execute("select count(*) from raw.gmpp_projects").fetchone() == (0,)


def test_a_file_whose_every_row_is_set_aside_is_rejected_and_keeps_its_rows_and_cells(
    tmp_path: Path, con
) -> None:
    rows = _rows(ITDASHBOARD_CSV)[:21]
    header = rows[0]
    dates = [header.index(h) for h in ("Start Date", "Updated Date")]
    for row in rows[1:]:
        for i in dates:
            row[i] = "sometime"  # no digit: still not a date, and no reason kept here
    _land(tmp_path, ITD.folder, "itdashboard_projects_copy.csv", rows)
    load_source(con, ITD, tmp_path)
    found = _manifest(con)
    assert (found["status"], found["rule"]) == ("rejected", "every row set aside")
    assert (found["rows_read"], found["rows_loaded"], found["rows_quarantined"]) == (20, 0, 20)
    assert found["failing_cells"] == 40
    assert "all 20 rows were set aside (40 failing cells)" in found["reason"]
    assert con.execute(
        "select count(distinct source_row), count(*) from audit.quarantine"
    ).fetchone() == (20, 40)
