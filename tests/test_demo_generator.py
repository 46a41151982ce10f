"""The demo generator writes exactly the contract of docs/exports.md, consistently and reproducibly.

Runs on a small configuration (a few seconds); the expected headers are read from the contract
itself, so the two cannot drift apart silently.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import GeneratorType

import openpyxl
import pytest

from pipelines.demo import DemoConfig, DemoSummary, LandingNotEmptyError, generate_demo_exports
from pipelines.demo.__main__ import main as cli_main
from pipelines.demo.dates import Window
from pipelines.demo.holidays import public_holidays
from pipelines.demo.people import generate_employees
from pipelines.demo.projects import generate_projects
from pipelines.demo.resource_plan import ResourcePlan
from pipelines.demo.staffing import staff_projects

CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "exports.md"
# The `small` preset, pinned here so the expectations below do not move if the preset is retuned.
SMALL = DemoConfig(projects=30, employees=80, weeks=8, fiscal_year_start_month=4)
AS_OF = SMALL.as_of
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _contract_headers() -> dict[str, list[str]]:
    """`### name.csv` sections of the contract, each followed by its backticked header line."""
    headers: dict[str, list[str]] = {}
    section = None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (\w+?)_", line)
        if heading:
            section = heading.group(1)
            continue
        if section and line.startswith("`") and "," in line:
            headers.setdefault(section, line.strip("`").split(","))
            section = None
    return headers


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _files(root: Path, folder: str, prefix: str) -> list[Path]:
    return sorted((root / folder).glob(f"{prefix}_*.csv"))


def _amount(cell: object) -> int:
    """A finance workbook month cell: whole currency units, empty meaning zero."""
    if cell is None:
        return 0
    assert isinstance(cell, int), cell
    return cell


def _date_of(path: Path) -> date:
    found = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    assert found, path
    return date.fromisoformat(found.group(1))


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    root = tmp_path_factory.mktemp("landing")
    return root, generate_demo_exports(root, SMALL)


@pytest.fixture(scope="module")
def root(landing: tuple[Path, DemoSummary]) -> Path:
    return landing[0]


def _all(root: Path, folder: str, prefix: str) -> list[tuple[Path, dict[str, str]]]:
    return [(path, row) for path in _files(root, folder, prefix) for row in _read(path)]


def test_same_seed_gives_identical_bytes_for_every_file(root: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_demo_exports(again, SMALL)
    first = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    assert sum(1 for relative in first if relative.parts[0] == "resource_plan") == SMALL.weeks
    for relative in first:
        assert (root / relative).read_bytes() == (again / relative).read_bytes(), relative


def test_another_seed_gives_other_data(root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_demo_exports(other, replace(SMALL, seed=7))
    name = f"projects/projects_{AS_OF.isoformat()}.csv"
    assert (root / name).read_bytes() != (other / name).read_bytes()


def test_file_layout_follows_the_window(root: Path) -> None:
    extract_days = [_date_of(p) for p in _files(root, "projects", "projects")]
    assert extract_days == [
        AS_OF - timedelta(weeks=SMALL.weeks - 1 - i) for i in range(SMALL.weeks)
    ]
    assert [_date_of(p) for p in _files(root, "milestones", "milestones")] == extract_days
    assert [_date_of(p) for p in _files(root, "resource_plan", "resource_plan")] == extract_days
    timesheet_days = [_date_of(p) for p in _files(root, "timesheets", "timesheets")]
    assert len(timesheet_days) == SMALL.weeks
    assert timesheet_days[-1] == AS_OF - timedelta(days=7)  # the full week before the as-of date
    assert all(day.weekday() == 0 for day in timesheet_days)
    assert [p.name for p in (root / "resources").iterdir()] == [f"resources_{AS_OF}.csv"]
    gl_months = [p.stem.removeprefix("gl_actuals_") for p in _files(root, "finance", "gl_actuals")]
    # the closed months overlapping 8 weeks to 2026-11-16, after the ledger's history months
    assert gl_months[-2:] == ["2026-09", "2026-10"]
    assert gl_months == sorted(gl_months) and len(gl_months) > 2
    for path in _files(root, "finance", "gl_actuals")[:-2]:
        rows = _read(path)
        assert rows and {row["Account"] for row in rows} == {"699000"}, path.name
    assert [p.name for p in (root / "fx").iterdir()] == ["fx_rates_all.csv"]
    assert (root / "finance" / "finance_plan_FY2026.xlsx").is_file()
    assert not list(root.rglob("*.part"))


def test_csv_headers_are_exactly_the_contract(root: Path) -> None:
    expected = _contract_headers()
    assert set(expected) == {
        "projects",
        "milestones",
        "resources",
        "resource",  # resource_plan_YYYY-MM-DD.csv
        "timesheets",
        "gl",
        "fx",
    }
    folders = {
        "projects": ("projects", "projects"),
        "milestones": ("milestones", "milestones"),
        "resources": ("resources", "resources"),
        "resource": ("resource_plan", "resource_plan"),
        "timesheets": ("timesheets", "timesheets"),
        "gl": ("finance", "gl_actuals"),
        "fx": ("fx", "fx_rates"),
    }
    for section, (folder, prefix) in folders.items():
        paths = _files(root, folder, prefix)
        assert paths, section
        for path in paths:
            assert _header(path) == expected[section], path


def test_summary_counts_equal_the_lines_in_the_files(
    landing: tuple[Path, DemoSummary],
) -> None:
    root, summary = landing
    per_source: dict[str, int] = defaultdict(int)
    for written in summary.files:
        path = root / written.path
        assert path.is_file(), written
        if path.suffix == ".csv":
            lines = path.read_bytes().count(b"\n")
            assert written.rows == lines - 1, written
        per_source[written.source] += written.rows
    assert summary.rows_by_source == dict(per_source)
    assert all(summary.rows_by_source[s] > 0 for s in summary.rows_by_source)
    listed = {w.path for w in summary.files}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert listed == on_disk
    assert "timesheets" in str(summary)


def test_project_extracts_respect_the_value_domains(root: Path) -> None:
    rows = _all(root, "projects", "projects")
    per_file: dict[Path, set[str]] = defaultdict(set)
    for path, row in rows:
        assert re.fullmatch(r"PRJ-\d{4}", row["Project ID"])
        assert row["Project ID"] not in per_file[path], "Project ID unique within a file"
        per_file[path].add(row["Project ID"])
        assert row["Category"] in {"Run", "Grow", "Transform"}
        assert row["Phase"] in {"Initiation", "Planning", "Execution", "Closing", "Closed"}
        assert row["Status"] in {"Active", "On Hold", "Completed", "Cancelled"}
        assert row["Reported RAG"] in {"Green", "Amber", "Red"}
        assert row["Currency"] in {"USD", "EUR", "GBP"}
        percent = row["Percent Complete"]
        assert re.fullmatch(r"\d{1,3}\.\d", percent) and 0 <= float(percent) <= 100
        for money in (
            "Budget at Completion",
            "Capex Budget",
            "Opex Budget",
            "Forecast at Completion",
        ):
            assert re.fullmatch(r"\d+\.\d\d", row[money]), (money, row[money])
        bac, capex, opex = (
            float(row[k]) for k in ("Budget at Completion", "Capex Budget", "Opex Budget")
        )
        assert bac == pytest.approx(capex + opex)
        for score in ("Strategic Alignment", "Business Value", "Risk Score", "Urgency Score"):
            assert row[score] in {"1", "2", "3", "4", "5"}
        for column in ("Baseline Start", "Baseline Finish", "Forecast Start", "Forecast Finish"):
            date.fromisoformat(row[column])
        if row["Status"] == "Completed":
            assert row["Phase"] == "Closed" and row["Percent Complete"] == "100.0"
    # The book of work moves: statuses change and new projects appear over the weeks.
    first, last = _files(root, "projects", "projects")[0], _files(root, "projects", "projects")[-1]
    assert len(per_file[last]) >= len(per_file[first])
    assert {"Active", "Completed"} <= {row["Status"] for _path, row in rows}


def test_the_default_demo_shows_a_portfolio_that_moves(tmp_path: Path) -> None:
    """The default run is what people look at: it must show every kind of change the KPIs and
    reports are built to surface."""
    generate_demo_exports(tmp_path, DemoConfig(fiscal_year_start_month=4))
    history: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _path, row in _all(tmp_path, "projects", "projects"):
        history[row["Project ID"]].append(row)
    latest = _read(tmp_path / "projects" / f"projects_{AS_OF}.csv")
    assert len(latest) == 150
    rows = [row for rows in history.values() for row in rows]
    assert {r["Status"] for r in rows} == {"Active", "On Hold", "Completed", "Cancelled"}
    assert {r["Reported RAG"] for r in rows} == {"Green", "Amber", "Red"}
    assert {r["Currency"] for r in latest} == {"USD", "EUR", "GBP"}
    assert {r["Category"] for r in latest} == {"Run", "Grow", "Transform"}
    assert len({r["Portfolio"] for r in latest}) == 6
    assert sum(1 for r in latest if r["Currency"] == "USD") > len(latest) / 2
    first_extract = _read(_files(tmp_path, "projects", "projects")[0])
    assert len(first_extract) < len(latest), "new projects appear over time"

    def changed(column: str) -> int:
        return sum(len({r[column] for r in rows}) > 1 for rows in history.values())

    assert changed("Budget at Completion") >= 1  # re-baselined budgets
    assert changed("Baseline Finish") >= 1
    assert changed("Forecast Finish") >= 10  # slips
    assert changed("Reported RAG") >= 10
    for rows in history.values():
        percents = [float(r["Percent Complete"]) for r in rows]
        assert percents == sorted(percents), "progress never goes backwards"
    overrun = [
        r
        for r in latest
        if float(r["Forecast at Completion"]) > float(r["Budget at Completion"]) * 1.05
    ]
    underrun = [
        r
        for r in latest
        if float(r["Forecast at Completion"]) < float(r["Budget at Completion"]) * 0.95
    ]
    assert overrun and underrun
    resources = _read(tmp_path / "resources" / f"resources_{AS_OF}.csv")
    demand = _latest_plan_demand(tmp_path)
    over = [k for k, hours in demand.items() if hours > _team_month_capacity(resources, *k)]
    assert 0 < len(over) < len(demand), "some teams are over-allocated in some months"
    gl = _all(tmp_path, "finance", "gl_actuals")
    assert any(float(row["Amount"]) < 0 for _path, row in gl), "some credits"
    assert any(row["Account"] == "699000" for _path, row in gl), "cost before the timesheets"


def test_milestones_agree_with_their_projects(root: Path) -> None:
    for path in _files(root, "milestones", "milestones"):
        extract_day = _date_of(path)
        projects = {
            r["Project ID"]: r for r in _read(root / "projects" / f"projects_{extract_day}.csv")
        }
        by_project: dict[str, list[dict[str, str]]] = defaultdict(list)
        seen: set[str] = set()
        for row in _read(path):
            assert row["Project ID"] in projects
            assert row["Milestone ID"].startswith(row["Project ID"] + "-M")
            assert row["Milestone ID"] not in seen
            seen.add(row["Milestone ID"])
            if row["Actual Date"]:
                assert date.fromisoformat(row["Actual Date"]) < extract_day
                assert row["Forecast Date"] == row["Actual Date"]
            by_project[row["Project ID"]].append(row)
        assert set(by_project) == set(projects)
        for project_id, milestones in by_project.items():
            assert 3 <= len(milestones) <= 8
            # The last milestone is go-live: it tracks the project's own forecast finish.
            assert milestones[-1]["Forecast Date"] == projects[project_id]["Forecast Finish"]


def test_resources_are_effective_dated(root: Path) -> None:
    rows = _read(root / "resources" / f"resources_{AS_OF}.csv")
    keys = [(r["Employee ID"], r["Active From"]) for r in rows]
    assert len(keys) == len(set(keys))
    periods: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        periods[row["Employee ID"]].append(row)
        assert row["FTE"] in {"1.0", "0.8", "0.5"}
        assert float(row["Weekly Capacity Hours"]) == pytest.approx(float(row["FTE"]) * 40)
        assert float(row["Cost Rate"]) > 0
        assert row["Currency"] in {"USD", "EUR", "GBP"}
    assert len(periods) == SMALL.employees
    changed = [p for p in periods.values() if len(p) == 2]
    assert changed, "some people have a rate change (a second, effective-dated row)"
    for first, second in changed:
        # Back to back: the old rate ends the day before the new one starts.
        end = date.fromisoformat(first["Active To"])
        assert end + timedelta(days=1) == date.fromisoformat(second["Active From"])
        assert (first["Team"], first["Role"], first["Currency"]) == (
            second["Team"],
            second["Role"],
            second["Currency"],
        )


def _month_weekdays(period: str) -> list[date]:
    year, month = (int(part) for part in period.split("-"))
    day, days = date(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _team_month_capacity(resources: list[dict[str, str]], team: str, period: str) -> float:
    """A team's contracted hours in a month: FTE x 8 h for every weekday a rate period covers."""
    hours = 0.0
    weekdays = _month_weekdays(period)
    for row in resources:
        if row["Team"] != team:
            continue
        start = date.fromisoformat(row["Active From"])
        end = date.fromisoformat(row["Active To"]) if row["Active To"] else date.max
        hours += float(row["FTE"]) * 8 * sum(1 for day in weekdays if start <= day <= end)
    return hours


def _latest_plan_demand(root: Path) -> dict[tuple[str, str], float]:
    """(team, YYYY-MM) -> planned hours of the latest resource plan extract."""
    demand: dict[tuple[str, str], float] = defaultdict(float)
    for row in _read(_files(root, "resource_plan", "resource_plan")[-1]):
        demand[(row["Team"], row["Month"])] += float(row["Planned Hours"])
    return demand


def test_resource_plan_lines_are_valid_and_resolve(root: Path) -> None:
    resources = _read(root / "resources" / f"resources_{AS_OF}.csv")
    roles_by_team: dict[str, set[str]] = defaultdict(set)
    for row in resources:
        roles_by_team[row["Team"]].add(row["Role"])
    team_level = role_level = 0
    for path in _files(root, "resource_plan", "resource_plan"):
        extract_day = _date_of(path)
        extract_month = extract_day.year * 12 + extract_day.month - 1
        projects = {
            r["Project ID"] for r in _read(root / "projects" / f"projects_{extract_day}.csv")
        }
        rows = _read(path)
        assert rows, f"{path} has no data rows (the ingest rejects such a file)"
        keys: set[tuple[str, str, str, str]] = set()
        for row in rows:
            key = (row["Project ID"], row["Team"], row["Role"], row["Month"])
            assert key not in keys, ("(Project ID, Team, Role, Month) unique within a file", key)
            keys.add(key)
            assert row["Project ID"] in projects, "a project of the same extract date"
            assert row["Team"] in roles_by_team, "a team of the resources export"
            if row["Role"]:
                assert row["Role"] in roles_by_team[row["Team"]], row
                role_level += 1
            else:
                team_level += 1
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["Month"]), row
            year, month = (int(part) for part in row["Month"].split("-"))
            assert -2 <= year * 12 + month - 1 - extract_month <= 6, (path, row)
            assert re.fullmatch(r"\d+\.\d", row["Planned Hours"]), row
            assert 0 < float(row["Planned Hours"]) <= 744, row
    assert team_level and role_level, "lines planned by role and at team level (Role empty)"


def test_resource_plan_over_allocates_some_teams_in_some_months(root: Path) -> None:
    resources = _read(root / "resources" / f"resources_{AS_OF}.csv")
    demand = _latest_plan_demand(root)
    over = [k for k, hours in demand.items() if hours > _team_month_capacity(resources, *k)]
    assert over, "some team-months must have more planned demand than contracted capacity"
    assert len(over) < len(demand), "but not all of them"


def test_resource_plan_rows_are_streamed() -> None:
    window = Window(SMALL.as_of, SMALL.weeks, SMALL.fiscal_year_start_month)
    employees = generate_employees(SMALL.employees, window, SMALL.seed)
    projects = generate_projects(SMALL.projects, window, SMALL.seed)
    staff_projects(projects, employees, SMALL.seed)
    rows = ResourcePlan(projects, employees, SMALL.seed).rows(window.as_of_week)
    assert isinstance(rows, GeneratorType), "rows are yielded one by one, never built as a list"
    assert next(rows)


def test_timesheet_entries_are_valid(root: Path) -> None:
    entry_ids: set[str] = set()
    daily: dict[tuple[str, str], float] = defaultdict(float)
    for path in _files(root, "timesheets", "timesheets"):
        monday = _date_of(path)
        for row in _read(path):
            assert row["Entry ID"] not in entry_ids
            entry_ids.add(row["Entry ID"])
            work_date = date.fromisoformat(row["Work Date"])
            assert monday <= work_date <= monday + timedelta(days=6)
            hours = float(row["Hours"])
            assert 0 <= hours <= 24 and (hours * 4).is_integer()
            assert row["Time Category"] in {"Project", "BAU", "Admin", "Leave"}
            assert bool(row["Project ID"]) == (row["Time Category"] == "Project")
            daily[(row["Employee ID"], row["Work Date"])] += hours
    assert len(entry_ids) > 1000
    assert max(daily.values()) <= 24
    average = sum(daily.values()) / len(daily)
    assert 6.5 <= average <= 9.0, "about FTE x 8 hours a day"


def test_project_time_is_only_booked_on_running_projects(root: Path) -> None:
    for path in _files(root, "timesheets", "timesheets"):
        extract = root / "projects" / f"projects_{_date_of(path)}.csv"
        if not extract.exists():
            continue  # the first timesheet week precedes the first extract
        states = {r["Project ID"]: (r["Status"], r["Phase"]) for r in _read(extract)}
        for row in _read(path):
            if row["Project ID"]:
                status, phase = states[row["Project ID"]]
                assert status == "Active" and phase not in {"Initiation", "Closed"}, row


def test_gl_lines_are_valid(root: Path) -> None:
    keys: set[tuple[str, str]] = set()
    for path in _files(root, "finance", "gl_actuals"):
        period = path.stem.removeprefix("gl_actuals_")
        for row in _read(path):
            key = (row["Document No"], row["Line"])
            assert key not in keys
            keys.add(key)
            assert row["Period"] == period
            assert row["Posting Date"][:7] == period
            assert row["Capex/Opex"] in {"CAPEX", "OPEX"}
            assert re.fullmatch(r"-?\d+\.\d\d", row["Amount"])
    assert keys


def test_every_reference_resolves(root: Path) -> None:
    project_currency = {
        row["Project ID"]: row["Currency"] for _path, row in _all(root, "projects", "projects")
    }
    employees = {
        r["Employee ID"]: r["Currency"]
        for r in _read(root / "resources" / f"resources_{AS_OF}.csv")
    }
    used: set[tuple[str, str]] = set()  # (currency, YYYY-MM) pairs that need a rate
    for _path, row in _all(root, "timesheets", "timesheets"):
        assert row["Employee ID"] in employees
        month = row["Work Date"][:7]
        used.add((employees[row["Employee ID"]], month))
        if row["Project ID"]:
            assert row["Project ID"] in project_currency
            used.add((project_currency[row["Project ID"]], month))
    for _path, row in _all(root, "finance", "gl_actuals"):
        assert row["Project ID"] in project_currency
        assert row["Currency"] == project_currency[row["Project ID"]]
        used.add((row["Currency"], row["Period"]))
    for _path, row in _all(root, "milestones", "milestones"):
        assert row["Project ID"] in project_currency
    workbook = openpyxl.load_workbook(root / "finance" / "finance_plan_FY2026.xlsx", read_only=True)
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        months = [str(h) for h in rows[3][4:16]]
        for line in rows[4:-1]:
            assert line[0] in project_currency
            assert line[3] == project_currency[str(line[0])]
            for header in months:
                mon, year = header.split("-")
                used.add((str(line[3]), f"{year}-{MONTHS.index(mon) + 1:02d}"))
    workbook.close()
    rates = {(r["From Currency"], r["Period"]): r for r in _read(root / "fx" / "fx_rates_all.csv")}
    missing = sorted(pair for pair in used if pair not in rates)
    assert not missing
    for (currency, _period), rate in rates.items():
        assert rate["To Currency"] == "USD" and float(rate["Average Rate"]) > 0
        if currency == "USD":
            assert float(rate["Average Rate"]) == 1.0


def test_finance_workbook_layout_and_totals(root: Path) -> None:
    path = root / "finance" / "finance_plan_FY2026.xlsx"
    workbook = openpyxl.load_workbook(path, read_only=True)
    # As of 2026-11-16 with an April year start, Q1 and Q2 of FY2026 have closed.
    assert workbook.sheetnames == ["Budget", "Forecast Q1", "Forecast Q2"]
    stamps = set()
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == (
            "FY2026 Annual Budget" if sheet.title == "Budget" else f"FY2026 {sheet.title}"
        )
        prepared = re.fullmatch(r"Prepared (\d{4}-\d{2}-\d{2})", str(rows[1][0]))
        assert prepared
        stamps.add(prepared.group(1))
        assert not any(cell is not None for cell in rows[2])
        month_headers = [f"{MONTHS[(3 + i) % 12]}-{2026 + (3 + i) // 12}" for i in range(12)]
        assert list(rows[3]) == [
            "Project ID",
            "Project Name",
            "Capex/Opex",
            "Currency",
            *month_headers,
            "FY Total",
        ]
        data, total = rows[4:-1], rows[-1]
        assert data and total[0] == "Total"
        keys = [(r[0], r[2]) for r in data]
        assert len(keys) == len(set(keys))
        for row in data:
            assert row[2] in {"CAPEX", "OPEX"}
            months = [_amount(value) for value in row[4:16]]
            assert all(v >= 0 for v in months)
            assert row[16] == sum(months)
        for column in range(4, 17):
            assert total[column] == sum(_amount(row[column]) for row in data)
    workbook.close()
    assert len(stamps) == 1
    stamp = date.fromisoformat(stamps.pop())
    assert stamp <= AS_OF
    # No wall-clock time inside the file: zip entries and document properties carry the stamp,
    # which is what makes the workbook's bytes (and the ingest's file hash) repeat.
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {
            (stamp.year, stamp.month, stamp.day, 0, 0, 0)
        }
        core = archive.read("docProps/core.xml").decode()
    assert core.count(f"{stamp.isoformat()}T00:00:00Z") == 2


def test_finance_workbook_follows_the_fiscal_start_month(tmp_path: Path) -> None:
    config = DemoConfig(projects=12, employees=30, weeks=4, fiscal_year_start_month=1)
    summary = generate_demo_exports(tmp_path, config)
    workbook = openpyxl.load_workbook(tmp_path / "finance" / "finance_plan_FY2026.xlsx")
    # Calendar fiscal year: three quarters closed by mid-November.
    assert workbook.sheetnames == ["Budget", "Forecast Q1", "Forecast Q2", "Forecast Q3"]
    header = [cell.value for cell in workbook["Budget"][4]]
    assert header[4] == "Jan-2026" and header[15] == "Dec-2026"
    assert summary.rows_by_source["finance_plan"] > 0


def test_refuses_a_landing_folder_with_files_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "real_export.csv").write_text("x\n", encoding="utf-8")
    config = DemoConfig(projects=5, employees=20, weeks=2, fiscal_year_start_month=4)
    with pytest.raises(LandingNotEmptyError):
        generate_demo_exports(tmp_path, config)
    generate_demo_exports(tmp_path, config, force=True)
    assert (tmp_path / "projects" / "real_export.csv").exists()  # never deleted


def test_rejects_invalid_configuration(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Monday"):
        generate_demo_exports(tmp_path, replace(SMALL, as_of=date(2026, 11, 17)))
    with pytest.raises(ValueError, match="employees"):
        generate_demo_exports(tmp_path, replace(SMALL, employees=3))


def test_cli_writes_and_summarises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    args = [
        "--out",
        str(out),
        "--projects",
        "8",
        "--employees",
        "25",
        "--weeks",
        "3",
        "--fiscal-year-start-month",
        "4",
        "--quiet",
    ]
    assert cli_main(args) == 0
    printed = capsys.readouterr().out
    assert "timesheets" in printed and "fx_rates" in printed
    assert cli_main(args) == 2  # now the folder is not empty
    assert "already contains files" in capsys.readouterr().err


def test_public_holidays_match_the_pipelines_calendar_and_nobody_books_on_them(
    tmp_path: Path,
) -> None:
    seed = Path(__file__).parents[1] / "dbt_project" / "seeds" / "public_holidays.csv"
    seeded = {date.fromisoformat(row["holiday_date"]): row["holiday_name"] for row in _read(seed)}
    years = {day.year for day in seeded}
    generated = {day: name for year in years for day, name in public_holidays(year).items()}
    assert seeded == generated
    assert all(day.weekday() < 5 for day in seeded)
    # twelve weeks before the as-of date reach back over Labor Day (2026-09-07)
    root = generate_demo_exports(tmp_path, replace(SMALL, weeks=12)).landing_dir
    booked = {row["Work Date"] for _path, row in _all(root, "timesheets", "timesheets")}
    window = {date.fromisoformat(day) for day in booked}
    in_window = [day for day in seeded if min(window) <= day <= max(window)]
    assert in_window, "the demo's timesheet weeks include a public holiday"
    assert not booked & {day.isoformat() for day in in_window}


def test_some_people_miss_timesheet_weeks(root: Path) -> None:
    resources = _read(root / "resources" / f"resources_{AS_OF}.csv")
    team_of = {row["Employee ID"]: row["Team"] for row in resources}
    weekdays: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in _files(root, "timesheets", "timesheets"):
        for row in _read(path):
            weekdays[(row["Employee ID"], path.name)].add(row["Work Date"])
    people = {employee for employee, _file in weekdays}
    files = {name for _employee, name in weekdays}
    assert len(files) == SMALL.weeks
    # a week with a gap: no row at all, or fewer than three days booked (holidays are at most
    # two weekdays of a week)
    short = [
        (employee, name)
        for employee in people
        for name in files
        if len(weekdays.get((employee, name), ())) < 3
    ]
    assert short, "someone misses a timesheet week"
    assert len(short) < len(people) * len(files) / 4, "but most weeks are complete"
    assert len({team_of[employee] for employee, _name in short}) > 1
