"""`portfolio`: the one command for the data engineer (installed by pyproject.toml).

    portfolio run [--no-demo]          the weekly refresh once, now (`make run`)
    portfolio run-export PROFILE FILE  one real export under its source profile (`make run-export`)
    portfolio status                   last runs, the gate's decisions, freshness per source
    portfolio validate FILE            the gate's checks on one file, without loading it
    portfolio docs                     the dbt docs site, one static page (`make docs`)
    portfolio parse                    the dbt manifest, parsed as this deployment's runs parse
                                       it (`make dbt-parse`)

Exit codes: 0 done / valid; 1 the run failed or the file is invalid; 2 usage, settings or an
unknown source.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.settings import DBT_PROJECT_DIR, Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portfolio",
        description="IT portfolio pipeline: run, check and inspect it.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n")[1],
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the weekly portfolio refresh once, now")
    run.add_argument(
        "--no-demo", action="store_true", help="fail instead of generating demo data when empty"
    )
    export = commands.add_parser(
        "run-export", help="run on one real export under its source profile (docs/profiles.md)"
    )
    export.add_argument("profile", help="a source profile: a file name in source_profiles/")
    export.add_argument("file", type=Path, help="the export, exactly as published")
    commands.add_parser("status", help="last runs, gate decisions and freshness per source")
    validate = commands.add_parser(
        "validate", help="check one file with its source's rules, without loading it"
    )
    validate.add_argument("file", type=Path, help="the landing file to check")
    validate.add_argument("--source", help="the source, when the file name does not say it")
    commands.add_parser("docs", help="write the dbt docs (one static page)")
    commands.add_parser("parse", help="parse the dbt project with this deployment's settings")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()  # the one place a command reads its environment
    except SettingsError as exc:
        print(f"Settings: {exc}", file=sys.stderr)
        if args.command == "parse":  # the manifest does not need them (make lint, make test)
            return parse(None)
        return 2
    if args.command in ("run", "run-export"):
        return _run(settings, args)
    if args.command == "status":
        return status(settings)
    if args.command == "validate":
        return validate(settings, args.file, args.source)
    if args.command == "parse":
        return parse(settings)
    return docs()


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines import weekly_run  # Dagster, dbt and the gate: only a run imports them

    instance = weekly_run.dagster_instance()
    if args.command == "run":
        return weekly_run.run_pipeline(settings, demo_if_empty=not args.no_demo, instance=instance)
    return weekly_run.run_export(settings, args.profile, args.file, instance=instance)


def status(settings: Settings) -> int:
    from pipelines.ingest.sources import all_sources
    from pipelines.operate.status import RUNS_SHOWN, run_log_lines, status_report

    runs = _instance_runs(RUNS_SHOWN) or run_log_lines(settings.log_dir)
    required = [s.name for s in all_sources(settings.profiles_dir) if settings.requires(s.profile)]
    lines, found = status_report(
        settings.warehouse_path,
        runs=runs,
        required=required,
        weekly_days=settings.freshness_weekly_days,
        monthly_days=settings.freshness_monthly_days,
        today=datetime.now(ZoneInfo(settings.schedule_timezone)).date(),
    )
    print("\n".join(lines))
    return 0 if found else 1


def _instance_runs(limit: int) -> list[str]:
    """The newest runs the Dagster instance (DAGSTER_HOME) recorded; none without one."""
    from dagster._core.instance.config import is_dagster_home_set

    if not is_dagster_home_set():
        return []
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records(limit=limit)
    lines = []
    for record in records:
        run = record.dagster_run
        started = record.start_time or record.create_timestamp.timestamp()
        when = datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
        lines.append(f"  {when}  {run.run_id[:8]}  {run.job_name}  {run.status.value}")
    return lines


def validate(settings: Settings, file: Path, source: str | None) -> int:
    from pipelines.ingest.sources import all_sources
    from pipelines.operate.validate_file import UnknownSource, identify_source, validate_file

    if not file.is_file():
        print(f"{file}: no such file", file=sys.stderr)
        return 2
    try:
        spec = identify_source(file, all_sources(settings.profiles_dir), source)
    except UnknownSource as exc:
        print(exc, file=sys.stderr)
        return 2
    # The gate logs every failure as it goes; here each is printed once, below.
    logging.disable(logging.WARNING)
    try:
        verdict = validate_file(
            file,
            spec,
            reporting_currency=settings.reporting_currency,
            reference=settings.warehouse_path,
        )
    finally:
        logging.disable(logging.NOTSET)
    for line in verdict.problems:
        print(line)
    for line in verdict.warnings:
        print(f"warning: {line}")
    state = "valid" if verdict.valid else f"INVALID ({len(verdict.problems)} problem(s))"
    print(f"{file}: {spec.name}, {verdict.rows_read} row(s) read: {state}")
    return 0 if verdict.valid else 1


def _dbt_command(*args: str) -> list[str]:
    dbt = Path(sys.executable).parent / "dbt"
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    return [str(dbt), *args, *project]


def parse(settings: Settings | None, target_dir: Path = DBT_PROJECT_DIR / "target") -> int:
    """The manifest Dagster loads (target/manifest.json), parsed with the target and `--vars` a
    run with these settings gives dbt, starting from and keeping the parse state of those runs
    (parse_state.py).

    A parse with dbt's defaults gave the same manifest, but a state no run could use: dbt parses
    the whole project again when the target or the vars differ, so a new checkout's first `make
    run` parsed twice, here and in its dbt step (about 6 s of that step). Without settings (they
    are invalid) or without the engine's dbt adapter (Spark without the `spark` extra), the
    manifest is parsed with dbt's defaults, as before, and the run parses once itself.
    """
    from pipelines.transform.parse_state import DEFAULTS_KEY, parse_options

    target_dir = target_dir.resolve()  # dbt reads a relative one from the project folder
    options, key = parse_options(settings)
    if settings is not None and key == DEFAULTS_KEY:
        print("dbt-spark is not installed: parsed with dbt's defaults", file=sys.stderr)
    options = ["--target-path", str(target_dir), *options]
    # Pinned: a test suite's runs, many with settings of their own, would push it out.
    return _dbt_keeping_state(["parse", "--quiet", *options], target_dir, key, pin=True)


def docs() -> int:
    from pipelines.transform.parse_state import DEFAULTS_KEY

    target = DBT_PROJECT_DIR / "target"
    command = ["docs", "generate", "--static", "--quiet"]
    code = _dbt_keeping_state(command, target, DEFAULTS_KEY, pin=True)
    if code == 0:
        print(f"dbt docs: {target / 'static_index.html'}")
    return code


def _dbt_keeping_state(args: list[str], target_dir: Path, key: str, *, pin: bool = False) -> int:
    """dbt `args` in `target_dir`, started from the parse state kept for `key`, which it keeps
    when dbt succeeds: dbt commands of other settings in the same folder (`make docs`, `make
    dbt-parse`, `dagster dev`) each overwrite its partial_parse.msgpack with their own. `pin`:
    kept among the pinned states, which other settings' runs do not push out (parse_state.py)."""
    from pipelines.transform.parse_state import (
        PARSE_STATE_FILE,
        keep_parse_state,
        start_from_kept_state,
    )

    start_from_kept_state(target_dir, key, target_dir)
    started = time.time()
    code = subprocess.call(_dbt_command(*args))
    if code != 0:
        return code
    state = target_dir / PARSE_STATE_FILE
    # Only a state this dbt wrote: one another command left would be kept under the wrong key.
    if state.is_file() and state.stat().st_mtime >= started - 1:
        keep_parse_state(target_dir, target_dir, key, pin=pin)
    else:
        print(f"dbt left no parse state in {target_dir} to keep", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
