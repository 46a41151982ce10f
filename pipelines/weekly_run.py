"""`portfolio run` and `run-export` (`make run`): one run of the weekly job, now;
`pipelines/command.py` parses the command line.

Generates the demo exports on a first run in the default, empty landing folder (a configured
folder that is missing or empty refuses the run), runs the weekly job in this process
against the configured warehouse, and says where the warehouse and the reports are.
"""

from __future__ import annotations

import contextlib
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from pipelines.ingest.landing import decide_landing
from pipelines.settings import PROJECT_ROOT, Settings

# dbt's failure carries every error line of the dbt log; the first few name the cause.
_CAUSE_LINES = 8


def _failure_lines(
    result: dg.ExecuteInProcessResult, settings: Settings, log_file: Path
) -> list[str]:
    from pipelines.publish.failure_cause import failure_causes
    from pipelines.publish.paths import build_path
    from pipelines.publish.run_state import read_run_state

    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            key = evaluation.asset_key.to_user_string()
            description = evaluation.description or "failed"
            lines.append(f"  check {key}:{evaluation.check_name}\n    {description}")
    failures = [e for e in result.all_events if e.is_step_failure and e.step_failure_data]
    for number, event in enumerate(failures):
        assert event.step_failure_data is not None
        # The first failure in full; later ones (often the same cause) in one line each.
        cause = _root_cause(event.step_failure_data.error, _CAUSE_LINES if number == 0 else 1)
        lines.append(f"  step {event.step_key}: {cause}")
    # dbt's failing model or test (and its rows), a full disk, the memory limit: the real cause.
    state = read_run_state(settings.warehouse_path)
    target = (
        Path(state["dbt_target"])
        if state.get("run_id") == result.run_id and state.get("dbt_target")
        else None
    )
    for cause in failure_causes(log_file, target, build_path(settings.warehouse_path)):
        lines.append(f"  cause: {cause}")
    return lines


def _root_cause(error: SerializableErrorInfo | None, max_lines: int) -> str:
    """The innermost error's message: "Out of Memory Error: ...", not Dagster's wrapper; or the
    outermost error that quotes it, which adds where it happened ("loading timesheets failed:
    Out of Memory Error: ...", pipelines/ingest/side_by_side.py)."""
    if error is None:
        return "failed"
    chain = [error]
    while chain[-1].cause is not None:
        chain.append(chain[-1].cause)
    first = next(iter(chain[-1].message.strip().splitlines()), "")
    error = next((e for e in chain if first and first in e.message), chain[-1])
    lines = [line.rstrip() for line in error.message.strip().splitlines() if line.strip()]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], "    ... (the full error is in the run log)"]
    return "\n    ".join(lines) or error.cls_name or "failed"


def run_pipeline(
    settings: Settings,
    *,
    demo_if_empty: bool = True,
    instance: dg.DagsterInstance | None = None,
) -> int:
    """Run the weekly job once, now; print a line per step, then where everything is.

    `instance`: the Dagster instance to record the run in (None: an ephemeral one).
    """
    # Demo exports only on a first run in the default folder (pipelines/ingest/landing.py).
    landing = decide_landing(settings, demo_allowed=demo_if_empty)
    if landing.refusal:
        print(landing.refusal, file=sys.stderr)
        return 1
    if landing.write_demo:
        from pipelines.demo import DemoConfig, generate_demo_exports

        demo = DemoConfig(fiscal_year_start_month=settings.fiscal_year_start_month)
        summary = generate_demo_exports(settings.landing_dir, demo)
        print(f"First run: wrote the demo exports to {settings.landing_dir}")
        print(f"  {summary}")
        # We wrote them whole a moment ago: the settle window guards other writers' files.
        settings = settings.with_changes(landing_settle_seconds=0.0)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)

    from pipelines.definitions import build_definitions
    from pipelines.operate.alert_sensor import CLI_ALERTED_TAG, alert_with_settings
    from pipelines.operate.alerts import failure_alert
    from pipelines.run_progress import StageProgress, plan_warnings_to_log, progress_loggers
    from pipelines.schedules import WEEKLY_JOB_NAME

    run_id = str(uuid.uuid4())
    log_file = settings.log_dir / f"run-{time.strftime('%Y%m%d-%H%M%S')}-{run_id[:8]}.log"
    progress = StageProgress(out=sys.stdout)
    loggers, logger_config = progress_loggers(log_file, progress)
    job = build_definitions(settings).resolve_job_def(WEEKLY_JOB_NAME).with_logger_defs(loggers)
    print(f"Run {run_id[:8]}: {settings.landing_dir} -> {settings.warehouse_path}")
    started = time.monotonic()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    # dbt's own console lines (dagster-dbt echoes them to stdout) go to the run log as well.
    with (
        log_file.open("a", encoding="utf-8") as raw_output,
        plan_warnings_to_log(log_file, sys.stdout),
        contextlib.redirect_stdout(raw_output),
    ):
        result = job.execute_in_process(
            run_config=logger_config,
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            # This command alerts for its own failure (below); the daemon's sensor need not.
            tags={CLI_ALERTED_TAG: "true"},
        )
    elapsed = time.monotonic() - started
    progress.flush_not_supplied()

    print(f"Run {result.run_id} {'succeeded' if result.success else 'FAILED'} in {elapsed:.1f} s")
    index = settings.reports_dir / "index.html"
    if result.success:
        print(f"  warehouse: {settings.warehouse_path}")
        print(f"  reports:   {index}")
        print(f"  run log:   {log_file}")
        for line in _set_aside_lines(settings.warehouse_path, result.run_id):
            print(line)
        return 0
    cause = "\n".join(_failure_lines(result, settings, log_file)) or (
        f"  (see the run log {log_file})"
    )
    print("What stopped the run:")
    print(cause)
    print(f"  run log:   {log_file}")
    alert = failure_alert(result.run_id, WEEKLY_JOB_NAME, f"{cause}\nrun log: {log_file}")
    alert_with_settings(alert, settings)  # alerts.log always; e-mail/webhook when configured
    _discard_failed_run(settings, result.run_id)
    return 1


def dagster_instance() -> dg.DagsterInstance | None:
    """The DAGSTER_HOME instance (`make run` sets it) so CLI runs show in the UI; else ephemeral."""
    from dagster._core.instance.config import is_dagster_home_set

    return dg.DagsterInstance.get() if is_dagster_home_set() else None


def _set_aside_lines(warehouse: Path, run_id: str) -> list[str]:
    """What the gate quarantined or warned about in this (published) run, one line per source."""
    from pipelines.quality.blocked_run import run_decisions

    lines = [
        f"  {name}: {decision}, {count} row(s) set aside"
        for name, decision, count in run_decisions(warehouse, run_id)
        if decision not in ("passed", "not supplied")
    ]
    if lines:
        lines.insert(0, "Published with rows set aside by the quality gate (see quality.html):")
    return lines


def _discard_failed_run(settings: Settings, run_id: str) -> None:
    """Remove what the failed run built and say what analysts now see.

    Runs launched by the Dagster daemon get the same cleanup from the publish sensor.
    """
    from pipelines.publish.cleanup import discard_failed_run
    from pipelines.publish.retention import Retention

    cleanup = discard_failed_run(
        settings.warehouse_path,
        settings.reports_dir,
        run_id=run_id,
        retention=Retention.of(settings),
    )
    index = settings.reports_dir / "index.html"
    if cleanup.finished_publish:
        print("The warehouse had already been published; its reports were swapped in to match:")
    elif settings.warehouse_path.exists():
        print("Nothing was published; the last good warehouse and reports are unchanged:")
    else:
        print("Nothing was published (there is no published warehouse yet).")
    if settings.warehouse_path.exists():
        print(f"  warehouse: {settings.warehouse_path}")
        print(f"  reports:   {index}")
    for line in cleanup.done:
        print(f"  ({line})")


def run_export(
    settings: Settings,
    profile: str,
    export: Path,
    instance: dg.DagsterInstance | None = None,
) -> int:
    """Run the job on one real export under its source profile, in a folder of its own.

    The export is linked (never copied or edited) into the profile's landing folder, so a
    later export of the same family lands beside it and history accumulates. Folders the
    deployment set explicitly (PORTFOLIO_* variables) are kept; the others default to the
    profile's own under data/exports/<profile>/ and build/reports-<profile>/.
    """
    from pipelines.ingest.sources import profile_sources

    export = export.expanduser().resolve()
    if not export.is_file():
        print(f"{export}: no such file")
        return 2
    home = PROJECT_ROOT / "data" / "exports" / profile
    defaults = Settings()
    # Settings refuses a profile that is not in source_profiles/, naming the choices.
    settings = settings.with_changes(
        source_profile=profile,
        **{
            name: value
            for name, value in {
                "landing_dir": home / "landing",
                "warehouse_path": home / "portfolio.duckdb",
                "reports_dir": PROJECT_ROOT / "build" / f"reports-{profile}",
            }.items()
            if getattr(settings, name) == getattr(defaults, name)
        },
    )
    spec = next(s for s in profile_sources(settings.profiles_dir) if s.profile == profile)
    folder = settings.landing_dir / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / export.name
    if link.is_symlink() and link.resolve() != export:
        print(f"{link} already links to {link.resolve()}, not {export}: rename one of them")
        return 2
    if not link.exists():
        link.symlink_to(export)
    print(f"Source profile {profile}: {export} (linked into {folder})")
    return run_pipeline(settings, demo_if_empty=False, instance=instance)
