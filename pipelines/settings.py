"""Every setting of a run, in one object built once at the edge and passed down.

The edges are the CLI (`pipelines.cli`), the Dagster definitions (`pipelines.definitions`, when
Dagster loads them; `pipelines.transform.project` for `dagster dev`'s dbt parse) and the tests. Only
`Settings.from_env` reads the environment; everything below it gets a `Settings` (assets as the
`settings` resource) and never looks at `os.environ`. dbt, a subprocess, gets the values it needs as
`--vars` (`Settings.dbt_vars`).

Every path has a default under the project so `make run` works on a fresh clone; each can be
overridden by an environment variable so a scheduled deployment points at real folders.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
REPORT_TEMPLATES_DIR = PROJECT_ROOT / "reports"
SOURCE_PROFILES_DIR = PROJECT_ROOT / "source_profiles"

# `demo` runs the native exports; any other value names a file in source_profiles/.
NATIVE_PROFILE = "demo"
BOARD_PACK_MODES = ("auto", "off")
# Where dbt builds the models (PORTFOLIO_DBT_ENGINE) -> the dbt target in dbt_project/profiles.yml.
# `duckdb`: the run's DuckDB build file. `spark`: Spark in local mode inside dbt's process (the
# `spark` extra). `spark_thrift`: a Spark cluster's Thrift server. The ingest, the gate, the
# prioritization and the report always use DuckDB (pipelines/transform/spark_exchange.py).
DBT_ENGINE_TARGETS = {"duckdb": "build", "spark": "spark", "spark_thrift": "spark_thrift"}
# dbt's --log-level-file values (the dbt.log in each run's dbt target folder).
DBT_LOG_FILE_LEVELS = ("debug", "info", "warn", "error", "none")


@dataclass(frozen=True)
class Settings:
    """One run's configuration. Build it with `Settings.from_env()` or directly (tests)."""

    landing_dir: Path = PROJECT_ROOT / "data" / "landing"
    warehouse_path: Path = PROJECT_ROOT / "data" / "warehouse" / "portfolio.duckdb"
    reports_dir: Path = PROJECT_ROOT / "build" / "reports"
    reporting_currency: str = "USD"
    fiscal_year_start_month: int = 4
    schedule_timezone: str = "Europe/London"
    # DuckDB's memory_limit for every connection that writes the build (Dagster steps and dbt):
    # past it DuckDB spills to disk (or fails with "Out of Memory Error") instead of the OS killing
    # the run. Not DuckDB's own default of 80% of RAM: at 10 M timesheet rows that let dbt reach
    # 6.4 GB and the gate 4.9 GB. At 1.5GB the whole 10 M run peaks at 2.8 GB and takes as long
    # as at 2GB (376 s against 381 s); dbt alone at 2GB was about a fifth slower than at 80%
    # (docs/benchmarks.md). A host that runs nothing else can raise it.
    duckdb_memory_limit: str = "1.5GB"
    # Which sources the run requires (the others are "not supplied" when absent).
    source_profile: str = NATIVE_PROFILE
    # `auto` prints board-pack.pdf when Chromium is installed; `off` skips it.
    board_pack: str = "auto"
    # Files modified more recently than this are deferred to the next run: a transfer may still
    # be writing them, and a half-copied file must never be loaded (tests that write files and
    # run at once set 0).
    landing_settle_seconds: float = 30.0
    # When set (e.g. ".ready"), an export is read only once the sender has written its marker file
    # beside it (`gl_actuals_2026-08.csv.ready`): the one completeness signal that never guesses.
    landing_ready_marker: str = ""
    # The real public exports the tests and `make run-export` examples read (never modified).
    real_data_dir: Path = PROJECT_ROOT.parent / "shared" / "data" / "real"
    # Where `pipelines.cli` writes each run's full Dagster event log (the console gets a summary).
    log_dir: Path = PROJECT_ROOT / "data" / "logs"
    # dbt's threads for the pipeline's build (measured: 2 on this 2-core class of machine).
    dbt_threads: int = 2
    # dbt's own log file (dbt.log in the run's dbt target folder). Off by default: at debug, dbt's
    # default, it writes ~11 MB a run (every SQL statement) and took 1.5 s of the demo's 14 s
    # build (docs/benchmarks.md). The run log keeps dbt's info lines and errors either way; set
    # `debug` to trace a dbt problem.
    dbt_log_level_file: str = "none"
    # Sources loaded side by side, each on its own connection (pipelines/ingest/side_by_side.py);
    # 1 loads them one at a time.
    ingest_threads: int = 2
    # Threads for the prioritisation's independent solves (HiGHS releases the GIL): one per core
    # when 0 (pipelines/prioritization/solver_pool.py).
    solver_threads: int = 0
    # Which engine dbt builds on (DBT_ENGINE_TARGETS), and, for Spark, the folder holding the raw
    # tables as Parquet, Spark's tables and metastore, and the marts handed back (README "When one
    # machine is not enough"). A cluster must see this folder (a shared mount).
    dbt_engine: str = "duckdb"
    spark_dir: Path = PROJECT_ROOT / "data" / "spark"
    # Extra source profile files, for tests that write their own; production uses the default.
    profiles_dir: Path = SOURCE_PROFILES_DIR
    # Retention (pipelines/publish/retention.py, after every run): what a run leaves on disk is
    # bounded. dbt's artifacts are ~40 MB a run: the last N runs' target folders are kept.
    dbt_artifacts_keep_runs: int = 10
    # Our run logs and Dagster's compute logs (under dagster_home/storage): kept N days.
    log_keep_days: int = 30
    # The Dagster instance's folder (`make run` sets DAGSTER_HOME); None: an ephemeral instance.
    dagster_home: Path | None = None
    # Good runs kept in the reports' archive/ (this one included): about half a year of weeks.
    archive_keep_runs: int = 26
    # Finished runs kept in Dagster's run history (~13 MB each): as many as the archive holds.
    dagster_keep_runs: int = 26
    # A kept `<warehouse>.blocked` or `.failed` build is deleted once it is older than this.
    kept_build_keep_days: int = 30
    # --- Operating it unattended (pipelines/operate/) ---
    # The finance-close run: this business day (Mon-Fri) of each month, 07:00 schedule time zone.
    close_business_day: int = 3
    # A source whose newest extract is older than this many days is stale (a failed check).
    freshness_weekly_days: int = 8
    freshness_monthly_days: int = 35
    # Run-failure alerts: always a line in <log_dir>/alerts.log; e-mail when a host and a
    # recipient are set, a JSON POST when a URL is set. Empty: that channel is off.
    alert_smtp_host: str = ""
    alert_smtp_port: int = 25
    alert_email_from: str = "portfolio-pipeline@localhost"
    alert_email_to: str = ""
    alert_webhook_url: str = ""

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= self.fiscal_year_start_month <= 12:
            problems.append(
                f"{env_name('fiscal_year_start_month')} must be a month number 1-12, "
                f"got {self.fiscal_year_start_month}"
            )
        if self.board_pack not in BOARD_PACK_MODES:
            problems.append(
                f"{env_name('board_pack')} must be auto or off, got {self.board_pack!r}"
            )
        if self.landing_settle_seconds < 0:
            problems.append(
                f"{env_name('landing_settle_seconds')} must not be negative, "
                f"got {self.landing_settle_seconds:g}"
            )
        problems.extend(self._operating_problems())
        for name, choices in (
            ("dbt_engine", tuple(DBT_ENGINE_TARGETS)),
            ("dbt_log_level_file", DBT_LOG_FILE_LEVELS),
        ):
            if getattr(self, name) not in choices:
                problems.append(
                    f"{env_name(name)} must be one of {', '.join(choices)}, "
                    f"got {getattr(self, name)!r}"
                )
        if self.dbt_threads < 1:
            problems.append(f"{env_name('dbt_threads')} must be at least 1, got {self.dbt_threads}")
        if self.ingest_threads < 1:
            problems.append(
                f"{env_name('ingest_threads')} must be at least 1, got {self.ingest_threads}"
            )
        if self.solver_threads < 0:
            problems.append(
                f"{env_name('solver_threads')} must be 0 (one per core) or more, "
                f"got {self.solver_threads}"
            )
        for name in (
            "dbt_artifacts_keep_runs",
            "log_keep_days",
            "archive_keep_runs",
            "dagster_keep_runs",
            "kept_build_keep_days",
        ):
            if getattr(self, name) < 1:
                problems.append(f"{env_name(name)} must be at least 1, got {getattr(self, name)}")
        known = (NATIVE_PROFILE, *profile_names(self.profiles_dir))
        if self.source_profile not in known:
            problems.append(
                f"{env_name('source_profile')}={self.source_profile!r} is not a source profile; "
                f"choose one of {', '.join(known)}"
            )
        if problems:
            raise SettingsError("; ".join(problems))

    def _operating_problems(self) -> list[str]:
        problems = []
        # The 23rd business day does not exist in every month; a close is in the first weeks.
        if not 1 <= self.close_business_day <= 20:
            problems.append(
                f"{env_name('close_business_day')} must be a business day 1-20, "
                f"got {self.close_business_day}"
            )
        for name in ("freshness_weekly_days", "freshness_monthly_days"):
            if getattr(self, name) < 1:
                problems.append(f"{env_name(name)} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.alert_smtp_port < 65536:
            problems.append(
                f"{env_name('alert_smtp_port')} must be a port 1-65535, got {self.alert_smtp_port}"
            )
        url = self.alert_webhook_url
        if url and not url.startswith(("http://", "https://")):
            problems.append(f"{env_name('alert_webhook_url')} must be an http(s) URL, got {url!r}")
        return problems

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings a deployment gave in PORTFOLIO_* variables; defaults for the rest."""
        env = os.environ if environ is None else environ
        given: dict[str, Any] = {}
        for spec in fields(cls):
            raw = env.get(_ENV_NAMES[spec.name], "").strip()
            if raw:
                given[spec.name] = _parse(spec.name, raw)
        return cls(**given)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def dbt_vars(self, *, started_in_working_dir: bool = True) -> dict[str, str]:
        """What the dbt subprocess needs, passed as `--vars` (profiles.yml and dbt_project.yml).

        dbt parses the whole project again (about 5 s) when the profile's connection differs from
        the one its parse state was made with, and the DuckDB path is part of that connection.
        So a run starts dbt in the warehouse's folder (`dbt_working_dir`) and names only the
        file: every warehouse of the same name (a checkout's, a benchmark's, a test's) shares one
        parse state (pipelines/transform/parse_state.py). A dbt started elsewhere (in-process by a
        test) passes `started_in_working_dir=False` for the whole path.
        """
        warehouse = self.warehouse_path.name if started_in_working_dir else self.warehouse_path
        return {
            "warehouse_path": str(warehouse),
            "duckdb_memory_limit": self.duckdb_memory_limit,
            "reporting_currency": self.reporting_currency,
            "fiscal_year_start_month": str(self.fiscal_year_start_month),
            "spark_dir": str(self.spark_dir),
        }

    def dbt_arguments(self, *, started_in_working_dir: bool = True) -> list[str]:
        """The settings every dbt invocation of a run gets: its threads and `--vars`."""
        dbt_vars = self.dbt_vars(started_in_working_dir=started_in_working_dir)
        return ["--threads", str(self.dbt_threads), "--vars", json.dumps(dbt_vars)]

    @property
    def dbt_working_dir(self) -> Path:
        """The folder a run starts dbt in: the warehouse's, where the profile's path is relative."""
        # The folder resolved, not the file: a warehouse file that is a link builds beside it.
        return self.warehouse_path.parent.resolve()

    @property
    def dbt_target(self) -> str:
        """The dbt target a pipeline run builds with (dbt_project/profiles.yml)."""
        return DBT_ENGINE_TARGETS[self.dbt_engine]

    def requires(self, source_profile: str | None) -> bool:
        """Whether this run needs a source of `source_profile` (None: a native export)."""
        if self.source_profile == NATIVE_PROFILE:
            return source_profile is None
        return source_profile == self.source_profile


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and the value."""


# The variable a deployment sets for each field: PORTFOLIO_ + the field name, upper case, except
# where the README has always named it otherwise.
_ENV_NAMES = {spec.name: f"PORTFOLIO_{spec.name.upper()}" for spec in fields(Settings)}
_ENV_NAMES["warehouse_path"] = "PORTFOLIO_WAREHOUSE"
_ENV_NAMES["profiles_dir"] = "PORTFOLIO_SOURCE_PROFILES_DIR"
_ENV_NAMES["dagster_home"] = "DAGSTER_HOME"  # Dagster's own variable: one instance folder
_FIELD_TYPES = {spec.name: spec.type for spec in fields(Settings)}


def env_name(field_name: str) -> str:
    return _ENV_NAMES[field_name]


def _parse(name: str, raw: str) -> Any:
    kind = _FIELD_TYPES[name]
    if kind in ("Path", "Path | None"):
        return Path(raw).expanduser().resolve()
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SettingsError(f"{_ENV_NAMES[name]} must be a number, got {raw!r}") from None
    return raw.lower() if name in ("board_pack", "dbt_engine", "dbt_log_level_file") else raw


@cache  # every Settings checks its profile against the folder; read it once per folder
def profile_names(directory: Path = SOURCE_PROFILES_DIR) -> tuple[str, ...]:
    return tuple(path.stem for path in sorted(directory.glob("*.yml")))
