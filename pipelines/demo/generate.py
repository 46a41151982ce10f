"""Generate a complete, consistent set of demo exports into a landing folder (docs/exports.md).

Order matters: people and projects first, then who works on what, then what that costs (which sets
the budgets), and only then the files, which all report the same simulated truth. Only the small
tables (projects, people, assignments, monthly costs) live in memory; timesheet rows are streamed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.demo.config import DemoConfig
from pipelines.demo.costing import set_budgets
from pipelines.demo.dates import Window, monday_of, month_of, period_label
from pipelines.demo.extracts import MILESTONES_HEADER, PROJECTS_HEADER, milestone_rows, project_rows
from pipelines.demo.finance_plan import write_finance_plan
from pipelines.demo.fx import FxRates
from pipelines.demo.labour import simulate_labour
from pipelines.demo.ledger import GL_HEADER, gl_rows, history_months
from pipelines.demo.people import RESOURCES_HEADER, Employee, generate_employees, resource_rows
from pipelines.demo.projects import Project, generate_projects
from pipelines.demo.resource_plan import RESOURCE_PLAN_HEADER, ResourcePlan
from pipelines.demo.staffing import staff_projects
from pipelines.demo.status import settle_rebaseline
from pipelines.demo.timesheets import TIMESHEETS_HEADER, TimesheetGenerator
from pipelines.demo.writer import CsvFile, WrittenFile, write_csv

SOURCES: tuple[str, ...] = (
    "projects",
    "milestones",
    "resources",
    "resource_plan",
    "timesheets",
    "gl_actuals",
    "finance_plan",
    "fx_rates",
)
FX_HEADER: tuple[str, ...] = ("Period", "From Currency", "To Currency", "Average Rate")


_Record = Callable[[WrittenFile], None]


class LandingNotEmptyError(FileExistsError):
    """The landing folder already holds files; demo data must not mix with real exports."""


@dataclass(frozen=True)
class DemoSummary:
    landing_dir: Path
    config: DemoConfig
    files: tuple[WrittenFile, ...]

    @property
    def rows_by_source(self) -> dict[str, int]:
        counts = dict.fromkeys(SOURCES, 0)
        for written in self.files:
            counts[written.source] += written.rows
        return counts

    @property
    def files_by_source(self) -> dict[str, int]:
        counts = dict.fromkeys(SOURCES, 0)
        for written in self.files:
            counts[written.source] += 1
        return counts

    def __str__(self) -> str:
        files = self.files_by_source
        parts = [
            f"{source} {files[source]} file{'s' if files[source] != 1 else ''}/{rows:,} rows"
            for source, rows in self.rows_by_source.items()
        ]
        return "; ".join(parts)


def _check_landing(landing_dir: Path, force: bool) -> None:
    if force or not landing_dir.exists():
        return
    if any(path.is_file() for path in landing_dir.rglob("*")):
        raise LandingNotEmptyError(
            f"{landing_dir} already contains files; use an empty folder or force=True (--force) "
            "to write over it (files of other names are left in place)"
        )


def _write_ppm_extracts(
    landing_dir: Path,
    projects: list[Project],
    resource_plan: ResourcePlan,
    window: Window,
    record: _Record,
) -> None:
    for week in window.extract_weeks:
        day = monday_of(week).isoformat()
        record(
            write_csv(
                landing_dir,
                "projects",
                f"projects/projects_{day}.csv",
                PROJECTS_HEADER,
                project_rows(projects, week),
            )
        )
        record(
            write_csv(
                landing_dir,
                "milestones",
                f"milestones/milestones_{day}.csv",
                MILESTONES_HEADER,
                milestone_rows(projects, week),
            )
        )
        record(
            write_csv(
                landing_dir,
                "resource_plan",
                f"resource_plan/resource_plan_{day}.csv",
                RESOURCE_PLAN_HEADER,
                resource_plan.rows(week),
            )
        )


def _write_finance(
    landing_dir: Path,
    projects: list[Project],
    window: Window,
    config: DemoConfig,
    fx: FxRates,
    record: _Record,
) -> None:
    history = history_months(projects) if config.gl_history else []
    for month in sorted({*history, *window.gl_months}):
        rows = gl_rows(projects, month, config.seed, config.gl_history)
        record(
            write_csv(
                landing_dir,
                "gl_actuals",
                f"finance/gl_actuals_{period_label(month)}.csv",
                GL_HEADER,
                rows,
            )
        )
    record(write_finance_plan(landing_dir, projects, window))
    # Every month any file uses, including the rest of the fiscal year: the finance workbook's
    # future months need (planning) rates to be converted at all.
    first_month = min(month_of(window.first_timesheet_day), window.fiscal_months[0], *history)
    last_month = max(month_of(config.as_of), window.fiscal_months[-1])
    fx_rows = (
        (period_label(month), currency, "USD", f"{rate:.6f}")
        for month, currency, rate in fx.rows(first_month, last_month)
    )
    record(write_csv(landing_dir, "fx_rates", "fx/fx_rates_all.csv", FX_HEADER, fx_rows))


def simulate(config: DemoConfig) -> tuple[Window, FxRates, list[Employee], list[Project]]:
    """The simulated truth every file reports: the window, FX, people and projects.

    Apart from the writing so the benchmark harness (`benchmarks/datasets.py`) can write the
    files of the week after the window from the same truth.
    """
    window = Window(config.as_of, config.weeks, config.fiscal_year_start_month)
    fx = FxRates(config.seed, month_of(config.as_of))
    employees = generate_employees(config.employees, window, config.seed)
    projects = generate_projects(config.projects, window, config.seed)
    staff_projects(projects, employees, config.seed)
    simulate_labour(projects, employees, fx, window.timesheet_weeks[0])
    set_budgets(projects, employees, fx, window, config.seed)
    for project in projects:
        settle_rebaseline(project)
    return window, fx, employees, projects


def generate_demo_exports(
    landing_dir: Path,
    config: DemoConfig | None = None,
    *,
    force: bool = False,
    progress: Callable[[WrittenFile], None] | None = None,
) -> DemoSummary:
    """Write the demo exports for `config` (default: the fixed demo) into `landing_dir`.

    Refuses a landing folder that already holds files unless `force`. `progress` is called after
    each file is written (the CLI uses it to show progress on large runs).
    """
    config = config if config is not None else DemoConfig()
    config.validate()
    landing_dir = Path(landing_dir)
    _check_landing(landing_dir, force)
    landing_dir.mkdir(parents=True, exist_ok=True)
    window, fx, employees, projects = simulate(config)
    written: list[WrittenFile] = []

    def record(file: WrittenFile) -> None:
        written.append(file)
        if progress is not None:
            progress(file)

    _write_ppm_extracts(
        landing_dir, projects, ResourcePlan(projects, employees, config.seed), window, record
    )
    record(
        write_csv(
            landing_dir,
            "resources",
            f"resources/resources_{config.as_of.isoformat()}.csv",
            RESOURCES_HEADER,
            resource_rows(employees),
        )
    )
    timesheets = TimesheetGenerator(employees, projects, config.seed)
    for week in window.timesheet_weeks:
        relative = f"timesheets/timesheets_{monday_of(week).isoformat()}.csv"
        with CsvFile(landing_dir, "timesheets", relative, TIMESHEETS_HEADER) as output:
            timesheets.write_week(week, output)
            record(output.close())
    _write_finance(landing_dir, projects, window, config, fx, record)
    return DemoSummary(landing_dir, config, tuple(written))
