"""What a demo run produces: size, history length, as-of date, seed and fiscal calendar.

The defaults are fixed (not "today") so every clone generates byte-identical demo exports. The
fiscal-year start must match the pipeline's own (`Settings.fiscal_year_start_month`), because a
finance workbook whose month columns disagree with the pipeline's fiscal calendar would be a broken
demo, not a different one: the callers that know the settings (the CLI, `python -m pipelines.demo`)
pass it; the default is the settings' default.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from pipelines.settings import Settings

DEFAULT_SEED = 20261116
DEFAULT_AS_OF = date(2026, 11, 16)  # a Monday: the PPM tool exports on Mondays


@dataclass(frozen=True)
class DemoConfig:
    """Knobs of one demo run; `validate()` is called by the generator before anything is written."""

    projects: int = 150
    employees: int = 400
    weeks: int = 26
    as_of: date = DEFAULT_AS_OF
    seed: int = DEFAULT_SEED
    fiscal_year_start_month: int = Settings.fiscal_year_start_month
    # The timesheets only cover `weeks` of history, but many projects started earlier. The GL
    # then also holds the months before the window, with each project's cost of those months
    # (labour recharged), so cost to date and the fiscal-year split are both right.
    gl_history: bool = True

    def validate(self) -> None:
        problems: list[str] = []
        if self.projects < 1:
            problems.append(f"projects must be at least 1, got {self.projects}")
        if self.employees < 20:
            # Fewer people than this cannot staff one member per team plus project managers.
            problems.append(f"employees must be at least 20, got {self.employees}")
        if not 1 <= self.weeks <= 520:
            problems.append(f"weeks must be between 1 and 520, got {self.weeks}")
        if self.as_of.weekday() != 0:
            problems.append(f"as_of must be a Monday (extracts are weekly), got {self.as_of}")
        if not 1 <= self.fiscal_year_start_month <= 12:
            problems.append(
                f"fiscal_year_start_month must be 1-12, got {self.fiscal_year_start_month}"
            )
        if self.seed < 0:
            problems.append(f"seed must be non-negative, got {self.seed}")
        if problems:
            raise ValueError("invalid demo configuration: " + "; ".join(problems))


@dataclass(frozen=True)
class ScalePreset:
    projects: int
    employees: int
    weeks: int
    description: str


# Row counts are for the default seed and as-of date; about 3.2 timesheet rows per person per day.
PRESETS: dict[str, ScalePreset] = {
    "small": ScalePreset(30, 80, 8, "under a second; the size the tests use"),
    "demo": ScalePreset(150, 400, 26, "the default mid-size portfolio"),
    "large": ScalePreset(1000, 4000, 26, "about 1.6 million timesheet rows"),
    "enterprise": ScalePreset(5000, 20000, 34, "about 10 million timesheet rows"),
}


def apply_preset(config: DemoConfig, preset_name: str) -> DemoConfig:
    preset = PRESETS[preset_name]
    return replace(config, projects=preset.projects, employees=preset.employees, weeks=preset.weeks)
