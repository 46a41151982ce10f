"""Scale-factor datasets for the benchmark harness: demo exports of a chosen size, cached.

Each scale is a base landing folder (the demo generator at `BASE_AS_OF`) and an increment folder
holding only the files one week later adds: one more week of timesheets, one more closed ledger
month (BASE_AS_OF is the last Monday of a month, so a week later the month has closed) and that
Monday's PPM and HR extracts, written from the same simulated truth as the base (the
generator's `simulate`), so the new week continues the base's people, projects and entry ids
(the ledger month: see `_write_week_after`).

Datasets are cached outside the repository ($PORTFOLIO_BENCH_CACHE, else
$XDG_CACHE_HOME/portfolio-bench, else ~/.cache/portfolio-bench), keyed by scale and by a hash of
the generator's source and the scale's configuration, so a changed generator never reuses stale
files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pipelines.demo
from pipelines.demo import generate_demo_exports
from pipelines.demo.config import DemoConfig, apply_preset
from pipelines.demo.dates import monday_of, month_of, period_label
from pipelines.demo.extracts import MILESTONES_HEADER, PROJECTS_HEADER, milestone_rows, project_rows
from pipelines.demo.generate import simulate
from pipelines.demo.ledger import GL_HEADER, gl_rows
from pipelines.demo.people import RESOURCES_HEADER, resource_rows
from pipelines.demo.resource_plan import RESOURCE_PLAN_HEADER, ResourcePlan
from pipelines.demo.timesheets import TIMESHEETS_HEADER, TimesheetGenerator
from pipelines.demo.writer import CsvFile, write_csv

BASE_AS_OF = date(2026, 11, 30)  # last Monday of November: a week later November has closed
WEEKS = 34

# Timesheet rows grow with people x weeks (~15 rows per person-week); projects keep the
# enterprise preset's ratio of 4 people per project. `tiny` is for trying the harness out.
_SIZES: dict[str, tuple[int, int]] = {  # scale -> (projects, employees)
    "tiny": (12, 25),
    "1m": (500, 2_000),
    "30m": (15_000, 60_000),
}


def config_for(scale: str) -> DemoConfig:
    """The generator's configuration of a scale (10m is the generator's `enterprise` preset)."""
    base = DemoConfig(as_of=BASE_AS_OF)
    if scale == "10m":
        return replace(apply_preset(base, "enterprise"), as_of=BASE_AS_OF)
    if scale not in _SIZES:
        raise ValueError(f"unknown scale {scale!r}: one of tiny, 1m, 10m, 30m")
    projects, employees = _SIZES[scale]
    # tiny: enough weeks that extracts exist before the cut-off (else EV has no project)
    weeks = 10 if scale == "tiny" else WEEKS
    return replace(base, projects=projects, employees=employees, weeks=weeks)


SCALES = ("tiny", "1m", "10m", "30m")


def generator_version() -> str:
    """A hash of the demo generator's source: a changed generator gets a new cache entry."""
    digest = hashlib.sha256()
    package = Path(pipelines.demo.__file__).parent
    for source in sorted(package.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def cache_root() -> Path:
    if os.environ.get("PORTFOLIO_BENCH_CACHE"):
        return Path(os.environ["PORTFOLIO_BENCH_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "portfolio-bench"


@dataclass(frozen=True)
class Dataset:
    scale: str
    base: Path  # the landing folder of the full run
    increment: Path  # only the files a week later adds (same relative paths)
    timesheet_rows: int

    def files(self, folder: Path) -> list[Path]:
        return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def prepare(scale: str, *, log: bool = True) -> Dataset:
    """The cached dataset of `scale`, generated first when missing (minutes at 10m)."""
    config = config_for(scale)
    key = hashlib.sha256(f"{generator_version()} {config!r}".encode()).hexdigest()[:12]
    folder = cache_root() / f"{scale}-{key}"
    done = folder / "complete.txt"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        rows = _generate(config, folder, log)
        done.write_text(f"{rows}\n")
    return Dataset(
        scale,
        folder / "base",
        folder / "increment",
        timesheet_rows=int(done.read_text().split()[0]),
    )


def _generate(config: DemoConfig, folder: Path, log: bool) -> int:
    """Write the base and the increment; returns the base's timesheet rows."""
    base = folder / "base"
    summary = generate_demo_exports(base, config)
    if log:
        print(f"  generated {base}: {summary}", flush=True)
    rows = summary.rows_by_source["timesheets"]
    written = _write_week_after(config, folder / "increment", first_entry=rows + 1)
    if log:
        print(f"  increment: {', '.join(written)}", flush=True)
    return rows


def _write_week_after(config: DemoConfig, increment: Path, first_entry: int) -> list[str]:
    """The files the Monday after the window adds, from the same simulated truth as the base:
    the week before it in timesheets (entry ids running on from the base's), that Monday's
    projects, milestones, resource plan and HR extracts, and the ledger month just closed."""
    window, _fx, employees, projects = simulate(config)
    monday = window.as_of_week + 1
    day = monday_of(monday).isoformat()
    closed = month_of(monday_of(monday)) - 1
    plan = ResourcePlan(projects, employees, config.seed)
    files = [
        (
            "projects",
            f"projects/projects_{day}.csv",
            PROJECTS_HEADER,
            project_rows(projects, monday),
        ),
        (
            "milestones",
            f"milestones/milestones_{day}.csv",
            MILESTONES_HEADER,
            milestone_rows(projects, monday),
        ),
        (
            "resource_plan",
            f"resource_plan/resource_plan_{day}.csv",
            RESOURCE_PLAN_HEADER,
            plan.rows(monday),
        ),
        ("resources", f"resources/resources_{day}.csv", RESOURCES_HEADER, resource_rows(employees)),
    ]
    # The generator books a month's invoices only once it has closed, so the base's truth has no
    # ledger lines for the month closing after its as-of date: they come from the simulation a
    # week later (same seed and first week; its documents are numbered by month, no collision).
    later = simulate(replace(config, as_of=monday_of(monday), weeks=config.weeks + 1))[3]
    ledger = gl_rows(later, closed, config.seed, config.gl_history)
    files.append(
        ("gl_actuals", f"finance/gl_actuals_{period_label(closed)}.csv", GL_HEADER, ledger)
    )
    written = [write_csv(increment, *file) for file in files]
    week = window.as_of_week
    relative = f"timesheets/timesheets_{monday_of(week).isoformat()}.csv"
    timesheets = TimesheetGenerator(employees, projects, config.seed, first_entry=first_entry)
    with CsvFile(increment, "timesheets", relative, TIMESHEETS_HEADER) as output:
        timesheets.write_week(week, output)
        written.append(output.close())
    return [f"{file.path} ({file.rows:,} rows)" for file in written]


def landing_for_run(dataset: Dataset, target: Path, *, with_increment: bool) -> Path:
    """A landing folder of hard links to the cached files (the pipeline never writes to them)."""
    sources = [dataset.base, dataset.increment] if with_increment else [dataset.base]
    for source in sources:
        for relative in dataset.files(source):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source / relative, target / relative)
            except OSError:  # another file system: a copy
                shutil.copy2(source / relative, target / relative)
    return target
