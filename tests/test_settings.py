"""One Settings object: read from the environment at the edge only, checked before a run starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.settings import PROJECT_ROOT, Settings, SettingsError
from pipelines.transform.assets import dbt_build_args


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.warehouse_path == PROJECT_ROOT / "data" / "warehouse" / "portfolio.duckdb"
    assert settings.source_profile == "demo" and settings.board_pack == "auto"
    # The real exports sit beside the checkout, not at a path of one machine.
    assert settings.real_data_dir == PROJECT_ROOT.parent / "shared" / "data" / "real"


def test_every_variable_the_readme_names_is_read(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "PORTFOLIO_LANDING_DIR": str(tmp_path / "in"),
            "PORTFOLIO_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "PORTFOLIO_REPORTS_DIR": str(tmp_path / "out"),
            "PORTFOLIO_REPORTING_CURRENCY": "GBP",
            "PORTFOLIO_FISCAL_YEAR_START_MONTH": "1",
            "PORTFOLIO_SCHEDULE_TIMEZONE": "America/New_York",
            "PORTFOLIO_DUCKDB_MEMORY_LIMIT": "2GB",
            "PORTFOLIO_SOURCE_PROFILE": "uk_gmpp",
            "PORTFOLIO_BOARD_PACK": "OFF",
            "PORTFOLIO_LANDING_SETTLE_SECONDS": "90",
            "PORTFOLIO_REAL_DATA_DIR": str(tmp_path / "real"),
            "PORTFOLIO_LOG_DIR": str(tmp_path / "logs"),
            "PORTFOLIO_DBT_THREADS": "4",
            "PORTFOLIO_DBT_LOG_LEVEL_FILE": "Debug",
            "PORTFOLIO_DBT_ENGINE": "Spark",
            "PORTFOLIO_SPARK_DIR": str(tmp_path / "spark"),
        }
    )
    assert settings == Settings(
        landing_dir=tmp_path / "in",
        warehouse_path=tmp_path / "w.duckdb",
        reports_dir=tmp_path / "out",
        reporting_currency="GBP",
        fiscal_year_start_month=1,
        schedule_timezone="America/New_York",
        duckdb_memory_limit="2GB",
        source_profile="uk_gmpp",
        board_pack="off",
        landing_settle_seconds=90.0,
        real_data_dir=tmp_path / "real",
        log_dir=tmp_path / "logs",
        dbt_threads=4,
        dbt_log_level_file="debug",
        dbt_engine="spark",
        spark_dir=tmp_path / "spark",
    )
    assert settings.dbt_target == "spark"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PORTFOLIO_FISCAL_YEAR_START_MONTH", "13", "month number 1-12, got 13"),
        ("PORTFOLIO_FISCAL_YEAR_START_MONTH", "April", "must be a number, got 'April'"),
        ("PORTFOLIO_BOARD_PACK", "yes", "must be auto or off, got 'yes'"),
        ("PORTFOLIO_LANDING_SETTLE_SECONDS", "-5", "must not be negative, got -5"),
        ("PORTFOLIO_SOURCE_PROFILE", "sap", "'sap' is not a source profile; choose one of demo"),
        ("PORTFOLIO_DBT_THREADS", "0", "must be at least 1, got 0"),
        ("PORTFOLIO_SOLVER_THREADS", "-1", "must be 0 (one per core) or more, got -1"),
        ("PORTFOLIO_DBT_ENGINE", "snowflake", "one of duckdb, spark, spark_thrift"),
        ("PORTFOLIO_DBT_LOG_LEVEL_FILE", "verbose", "one of debug, info, warn, error, none"),
    ],
)
def test_a_value_that_cannot_be_used_names_the_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=variable) as raised:
        Settings.from_env({variable: value})
    assert message in str(raised.value)


def test_the_cli_refuses_a_bad_setting_before_running(tmp_path: Path) -> None:
    """The CLI is the edge: it reads the environment once and stops on a bad value."""
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--no-demo"],
        cwd=PROJECT_ROOT,
        env={"PORTFOLIO_FISCAL_YEAR_START_MONTH": "0", "PORTFOLIO_LOG_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "PORTFOLIO_FISCAL_YEAR_START_MONTH must be a month number 1-12, got 0" in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing ran


def test_dbt_gets_the_runs_settings_as_vars_and_skips_unit_tests(tmp_path: Path) -> None:
    settings = Settings(warehouse_path=tmp_path / "w.duckdb", reporting_currency="EUR")
    args = dbt_build_args(settings)
    assert args[0] == "build"
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
    dbt_vars = json.loads(args[args.index("--vars") + 1])
    # The file's name: dbt starts in its folder, so every warehouse named alike shares a parse
    assert dbt_vars["warehouse_path"] == "w.duckdb"
    assert settings.dbt_working_dir == tmp_path
    assert dbt_vars["reporting_currency"] == "EUR"
    assert args[args.index("--threads") + 1] == "2"
    # dbt's debug file log is off unless asked for: it cost 1.5 s of a 14 s demo build
    assert args[args.index("--log-level-file") + 1] == "none"
    traced = dbt_build_args(settings.with_changes(dbt_log_level_file="debug"))
    assert traced[traced.index("--log-level-file") + 1] == "debug"


def test_only_settings_reads_the_environment() -> None:
    """No module below the edge looks at os.environ (the GX telemetry switch only writes it)."""
    readers = []
    for path in sorted((PROJECT_ROOT / "pipelines").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if ("os.environ" in code or "getenv" in code) and not code.strip().startswith(
                'os.environ["GX_ANALYTICS_ENABLED"] ='
            ):
                readers.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert readers and {reader.split(":")[0] for reader in readers} == {"pipelines/settings.py"}
