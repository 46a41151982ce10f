"""Where things live and how the portfolio office configures the run, read from the environment.

Every path has a default under the project so `make run` works on a fresh clone; each can be
overridden by an environment variable so a scheduled deployment points at real folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
REPORT_TEMPLATES_DIR = PROJECT_ROOT / "reports"


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    reports_dir: Path
    reporting_currency: str
    fiscal_year_start_month: int
    schedule_timezone: str
    # DuckDB's memory_limit for every connection that writes the build (Dagster steps and dbt):
    # past it DuckDB spills to disk or fails with "Out of Memory Error" instead of the OS killing
    # the run. DuckDB's own default is 80% of RAM; a shared scheduler host wants less.
    duckdb_memory_limit: str = "80%"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def load_settings() -> Settings:
    """Read the settings now (not at import), so tests can point a run at a temporary folder."""
    fiscal_start = int(os.environ.get("PORTFOLIO_FISCAL_YEAR_START_MONTH", "4"))
    if not 1 <= fiscal_start <= 12:
        raise ValueError(
            f"PORTFOLIO_FISCAL_YEAR_START_MONTH must be a month number 1-12, got {fiscal_start}"
        )
    return Settings(
        landing_dir=_path_from_env("PORTFOLIO_LANDING_DIR", PROJECT_ROOT / "data" / "landing"),
        warehouse_path=_path_from_env(
            "PORTFOLIO_WAREHOUSE", PROJECT_ROOT / "data" / "warehouse" / "portfolio.duckdb"
        ),
        reports_dir=_path_from_env("PORTFOLIO_REPORTS_DIR", PROJECT_ROOT / "build" / "reports"),
        reporting_currency=os.environ.get("PORTFOLIO_REPORTING_CURRENCY", "USD"),
        fiscal_year_start_month=fiscal_start,
        schedule_timezone=os.environ.get("PORTFOLIO_SCHEDULE_TIMEZONE", "Europe/London"),
        duckdb_memory_limit=os.environ.get("PORTFOLIO_DUCKDB_MEMORY_LIMIT", "80%"),
    )
