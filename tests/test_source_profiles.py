"""Real exports through their source profiles: the files exactly as published, and damaged copies.

The two real files are read from ../shared/data/real (never copied into the repo, never edited);
the damaged and next-year copies are written here from them the way a new user's files differ.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.file_outcome import FileRejected
from pipelines.ingest.header_match import match_profile_header
from pipelines.ingest.loader import load_source
from pipelines.ingest.profiles import ProfileError, load_profile
from pipelines.ingest.sources import source_named
from tests.published_raw_fixture import GMPP_CSV, ITDASHBOARD_CSV

ITD_FILE = ITDASHBOARD_CSV
GMPP_FILE = GMPP_CSV
ITD = source_named("itdashboard_projects")
GMPP = source_named("gmpp_projects")

needs_real = pytest.mark.skipif(not ITD_FILE.exists(), reason="the real exports are not here")


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def _land(
    landing: Path, folder: str, name: str, source: Path | None = None, text: str = ""
) -> None:
    target = landing / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        os.symlink(source, target)  # as `make run-export` does: the published bytes, linked
    else:
        target.write_text(text, encoding="utf-8")


def _manifest(con) -> tuple:
    return con.execute(
        "select status, rows_read, rows_loaded, rows_quarantined, extract_date, reason "
        "from raw.load_manifest"
    ).fetchone()


def _quarantined(con) -> list[tuple]:
    return con.execute(
        "select source_row, rule, reason from audit.quarantine order by source_row"
    ).fetchall()


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@needs_real
def test_the_it_dashboard_export_loads_as_published(tmp_path: Path, con) -> None:
    _land(tmp_path, ITD.folder, ITD_FILE.name, ITD_FILE)
    load_source(con, ITD, tmp_path)
    status, read, loaded, quarantined, extract_date, _ = _manifest(con)
    assert (status, read, loaded, quarantined) == ("loaded", 2472, 2468, 4)
    # The four set aside are exact repeats of the line before them; the first copy loads.
    assert [(row, rule) for row, rule, _ in _quarantined(con)] == [
        (499, "duplicate row"),
        (1001, "duplicate row"),
        (1733, "duplicate row"),
        (2284, "duplicate row"),
    ]
    assert str(extract_date) == "2012-12-07"  # the latest Updated Date in the file
    names = con.execute(
        "select count(*) filter (where investment_title like '%&amp;%'), "
        "count(*) filter (where investment_title like '%Information & Delivery Systems%') "
        "from raw.itdashboard_projects"
    ).fetchone()
    assert names == (0, 5)  # `&amp;` decoded once on ingest, nowhere left encoded
    first = con.execute(
        "select start_date, planned_cost_musd, published_schedule_variance_days "
        "from raw.itdashboard_projects where project_id = '657'"
    ).fetchone()
    assert (str(first[0]), first[1], first[2]) == ("2011-01-10", 0.179, -153.0)


@needs_real
def test_the_gmpp_file_keeps_every_unpublished_figure_as_a_null_with_its_reason(
    tmp_path: Path, con
) -> None:
    _land(tmp_path, GMPP.folder, GMPP_FILE.name, GMPP_FILE)
    load_source(con, GMPP, tmp_path)
    status, read, loaded, quarantined, extract_date, note = _manifest(con)
    assert (status, read, loaded, quarantined, str(extract_date)) == (
        "loaded",
        235,
        235,
        0,
        "2022-03-31",
    )
    assert "matched by meaning" in note and "TOTAL Baseline Benefits" in note
    counts = con.execute(
        """
        select count(fy_baseline_gbp_m), count(fy_baseline_gbp_m_null_reason),
               count(*) filter (where fy_baseline_gbp_m is null
                                  and fy_baseline_gbp_m_null_reason is null),
               count(*) filter (where fy_baseline_gbp_m = 0),
               count(*) filter (where fy_baseline_gbp_m_null_reason like 'Exempt under Section%'),
               count(whole_life_cost_gbp_m), count(benefits_gbp_m)
        from raw.gmpp_projects
        """
    ).fetchone()
    # 198 figures, 31 sentences (exemptions, early planning), 6 blank; not one becomes a zero.
    assert counts == (198, 31, 6, 0, 26, 191, 0)
    row = con.execute(
        "select fy_baseline_gbp_m, published_fy_variance_pct, whole_life_cost_gbp_m, start_date "
        "from raw.gmpp_projects where gmpp_id = 'MOJ_0050_2021-Q1'"
    ).fetchone()
    assert (row[0], row[1], row[2], str(row[3])) == (50.34, -3.0, 32614.0, "2020-03-02")


@needs_real
def test_next_years_gmpp_file_with_other_wording_and_columns_maps_by_meaning(
    tmp_path: Path, con
) -> None:
    """Headers re-worded, one column dropped, one added, order changed: the same profile."""
    rows = _rows(GMPP_FILE)
    renamed = {
        "GMPP ID Number": "GMPP ID",
        "Department": "Department / Organisation",
        "Financial Year Baseline (£m) (including Non-Government Costs)": (
            "Baseline Budget for Financial Year 2022-23 (£m)\n(incl. Non-Government Costs)"
        ),
        "Financial Year Forecast (£m) (including Non-Government Costs)": (
            "Forecast for Financial Year 2022-23 (£m)"
        ),
        "Financial Year Variance (%)": "Financial Year Variance\n(%)",
        "TOTAL Baseline Whole Life Costs (£m) (including Non-Government Costs)": (
            "Total Whole Life Cost Baseline (£m)"
        ),
    }
    header = [renamed.get(h, h) for h in rows[0]]
    sro = next(i for i, h in enumerate(header) if h.startswith("SRO Delivery"))
    table = [[cell for i, cell in enumerate(row) if i != sro] for row in [header, *rows[1:]]]
    table = [[row[-1], *row[:-1]] for row in table]  # the last column moves to the front
    table[0].append("Total Monetised Benefits (£m)")
    for row in table[1:]:
        row.append("£1,250")
    _land(tmp_path, GMPP.folder, "GMPP_annual_report_2023.csv", text=_csv_text(table))
    load_source(con, GMPP, tmp_path)
    status, read, loaded, *_ = _manifest(con)
    assert (status, read, loaded) == ("loaded", 235, 235)
    row = con.execute(
        "select department, fy_baseline_gbp_m, published_fy_variance_pct, whole_life_cost_gbp_m, "
        "benefits_gbp_m, sro_dca from raw.gmpp_projects where gmpp_id = 'MOJ_0050_2021-Q1'"
    ).fetchone()
    assert row == ("MOJ", 50.34, -3.0, 32614.0, 1250.0, None)


def test_a_header_two_columns_could_claim_is_refused_not_guessed() -> None:
    with pytest.raises(FileRejected) as refused:
        match_profile_header(GMPP, [*GMPP.required_headers, "Financial Year Baseline Forecast"])
    assert refused.value.rule == "ambiguous columns"
    assert "could be any of" in str(refused.value)


def test_a_missing_column_lists_what_was_expected_and_what_was_found(tmp_path: Path, con) -> None:
    _land(
        tmp_path,
        GMPP.folder,
        "gmpp_2024.csv",
        text="GMPP ID Number,Project Name,Department,IPA RAG\nX_1,Road,DFT,Amber\n",
    )
    load_source(con, GMPP, tmp_path)
    status, *_, reason = _manifest(con)
    assert status == "rejected"
    assert "found no header for 'Project - Start Date" in reason
    assert "'financial year'+'baseline'" in reason  # how the profile recognises the column
    assert "['GMPP ID Number', 'Project Name', 'Department', 'IPA RAG']" in reason


def test_a_gmpp_file_without_a_year_in_its_name_is_refused(tmp_path: Path, con) -> None:
    header = ",".join(f'"{h}"' for h in GMPP.required_headers)
    _land(tmp_path, GMPP.folder, "gmpp_latest.csv", text=header + "\n" + "x," * 12 + "x\n")
    load_source(con, GMPP, tmp_path)
    status, *_, reason = _manifest(con)
    assert status == "rejected" and "one year in its name" in reason


@needs_real
def test_damaged_it_dashboard_copies_load_right_or_are_set_aside_row_by_row(
    tmp_path: Path, con
) -> None:
    """Blank and Total rows, a stray leading comma, thousands separators, mixed date formats and
    an agency-name typo: every row loads with the published figures or is set aside with its
    line and rule. No row loads a wrong figure."""
    rows = _rows(ITD_FILE)
    header, data = rows[0], rows[1:101]
    col = {name: i for i, name in enumerate(header)}
    damaged: list[list[str]] = [header]
    for number, row in enumerate(data):
        row = list(row)
        if number == 3:
            row[col["Agency Name"]] = "Departmnet of Agriculture"
        if number == 5:
            row[col["Lifecycle Cost ($ M)"]] = "1,234.5"
        if number == 6:
            row[col["Start Date"]] = row[col["Start Date"]][:10]  # 2011-01-10, no time
        if number == 7:
            row[col["Start Date"]] = "01/10/2011"  # day or month first? not guessed
        damaged.append(row)
        if number == 10:
            damaged.append([""] * len(header))
        if number == 20:
            damaged.append(["", *row])  # a stray leading comma shifts every field
    damaged.append(["Total", *[""] * 12, "12345.6", *[""] * 9])
    _land(tmp_path, ITD.folder, "itdashboard_projects_copy.csv", text=_csv_text(damaged))
    load_source(con, ITD, tmp_path)
    status, read, loaded, quarantined, *_ = _manifest(con)
    assert status == "loaded" and read == 103 and loaded + quarantined == read
    rules = {(row, rule) for row, rule, _ in _quarantined(con)}
    assert rules == {
        (9, "ambiguous date"),
        (13, "blank line"),
        (24, "csv structure"),
        (104, "summary row"),
    }
    assert loaded == 99
    published = {row[col["Project ID"]]: row for row in data}
    loaded_rows = con.execute(
        "select project_id, planned_cost_musd, projected_cost_musd, agency_name, "
        "lifecycle_cost_musd, start_date from raw.itdashboard_projects"
    ).fetchall()
    for project_id, planned, projected, _agency, _lifecycle, start in loaded_rows:
        original = published[project_id]
        assert planned == float(original[col["Planned Cost ($ M)"]])
        assert projected == float(original[col["Projected/Actual Cost ($ M)"]])
        if original[col["Start Date"]]:
            assert str(start) == original[col["Start Date"]][:10]
    by_id = {r[0]: r for r in loaded_rows}
    assert by_id[data[5][col["Project ID"]]][4] == 1234.5
    # The typo loads as published; dbt keys the portfolio on the agency code and reports it.
    assert by_id[data[3][col["Project ID"]]][3] == "Departmnet of Agriculture"


def test_a_profile_with_an_unknown_type_names_the_file_and_the_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(
        "profile: broken\nsource: {name: b, folder: b, files: '*.csv', description: d,"
        " extract_date: {year_in_file_name: '03-31'}}\n"
        "columns:\n  - {name: cost, header: Cost, type: money}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"broken.yml: columns\[0\]: type 'money' is not one"):
        load_profile(path)
