"""Retention bounds each kind of file a run leaves, and never touches the current run's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.publish.paths import blocked_path, failed_path
from pipelines.publish.retention import DAY_SECONDS, Retention, apply_retention
from pipelines.publish.run_state import record_child, start_run_state
from pipelines.report.archive import carry_previous, list_entries
from pipelines.settings import Settings, SettingsError
from pipelines.site_folder import write_manifest

NOW = 2_000_000_000.0
KEEP = 3


def _aged(path: Path, days: float) -> Path:
    os.utime(path, (NOW - days * DAY_SECONDS, NOW - days * DAY_SECONDS))
    return path


def _retention(tmp_path: Path) -> Retention:
    return Retention(
        published=tmp_path / "wh" / "portfolio.duckdb",
        dbt_target_dir=tmp_path / "target",
        dbt_keep_runs=KEEP,
        log_dir=tmp_path / "logs",
        dagster_home=tmp_path / "dagster_home",
        log_keep_days=KEEP,
        kept_build_keep_days=KEEP,
        dagster_keep_runs=KEEP,
    )


def test_dbt_artifacts_keep_the_last_n_runs_and_the_current_one(tmp_path: Path) -> None:
    r = _retention(tmp_path)
    folders = []
    for run in range(KEEP + 5):  # run 0 is the oldest
        folder = r.dbt_target_dir / f"portfolio_dbt_models-{run:04d}"
        (folder / "run_results.json").parent.mkdir(parents=True)
        (folder / "run_results.json").write_text("{}")
        folders.append(_aged(folder, KEEP + 5 - run))
    (r.dbt_target_dir / "partial_parse.msgpack").write_text("dbt's own")
    # The current run's folder counts as current even if an older mtime says otherwise.
    r.published.parent.mkdir()
    start_run_state(r.published, "this-run")
    record_child(r.published, os.getpid(), dbt_target=folders[0])

    apply_retention(r, now=NOW)

    left = sorted(p.name for p in r.dbt_target_dir.glob("portfolio_dbt_models-*"))
    assert left == sorted([folders[0].name] + [f.name for f in folders[-KEEP:]])
    assert (r.dbt_target_dir / "partial_parse.msgpack").exists()


def test_logs_and_dagster_compute_logs_keep_n_days(tmp_path: Path) -> None:
    r = _retention(tmp_path)
    assert r.dagster_home is not None
    r.log_dir.mkdir()
    storage = r.dagster_home / "storage"
    for day in range(KEEP + 5):
        (r.log_dir / f"run-{day:02d}.log").write_text("log")
        _aged(r.log_dir / f"run-{day:02d}.log", day + 0.5)
        (storage / f"run{day:02d}" / "compute_logs").mkdir(parents=True)
        _aged(storage / f"run{day:02d}", day + 0.5)
    (r.log_dir / "notes.txt").write_text("not ours")
    _aged(r.log_dir / "notes.txt", 100)

    lines = apply_retention(r, now=NOW)

    assert sorted(p.name for p in r.log_dir.iterdir()) == [
        "notes.txt",
        *[f"run-{day:02d}.log" for day in range(KEEP)],
    ]
    assert sorted(p.name for p in storage.iterdir()) == [f"run{day:02d}" for day in range(KEEP)]
    assert "retention: removed 5 run log(s)" in lines


def test_kept_builds_go_after_n_days_and_the_published_warehouse_never(tmp_path: Path) -> None:
    r = _retention(tmp_path)
    r.published.parent.mkdir()
    for path, days in (
        (r.published, 100),
        (blocked_path(r.published), KEEP + 1),
        (failed_path(r.published), KEEP - 1),
    ):
        path.write_text("db")
        _aged(path, days)

    apply_retention(r, now=NOW)

    assert r.published.exists()
    assert not blocked_path(r.published).exists()
    assert failed_path(r.published).exists()


def test_the_report_archive_carries_only_the_newest_runs(tmp_path: Path) -> None:
    previous = tmp_path / "reports"
    previous.mkdir()
    write_manifest(previous, {})
    for run in range(KEEP + 5):
        entry = previous / "archive" / f"2026-01-{run + 1:02d}_run{run:05d}"
        entry.mkdir(parents=True)
        write_manifest(entry, {"generated_at": f"2026-01-{run + 1:02d}T06:00:00+00:00"})
    staging = tmp_path / "reports.staging"
    staging.mkdir()

    carry_previous(previous, staging, replace_entry="none", keep=KEEP - 1)

    carried = [e.name for e in list_entries(staging)]
    newest = sorted((p.name for p in (previous / "archive").iterdir()), reverse=True)
    assert carried == newest[: KEEP - 1]
    assert len(list((previous / "archive").iterdir())) == KEEP + 5  # published folder untouched


def test_retention_settings_come_from_the_environment_and_refuse_zero() -> None:
    settings = Settings.from_env(
        {"PORTFOLIO_DBT_ARTIFACTS_KEEP_RUNS": "4", "DAGSTER_HOME": "/tmp/dagster-home"}
    )
    assert Retention.of(settings).dbt_keep_runs == 4
    assert Retention.of(settings).dagster_home == Path("/tmp/dagster-home")
    assert Settings().dagster_home is None  # an ephemeral instance: no Dagster logs to bound
    with pytest.raises(SettingsError, match="PORTFOLIO_ARCHIVE_KEEP_RUNS must be at least 1"):
        Settings.from_env({"PORTFOLIO_ARCHIVE_KEEP_RUNS": "0"})


def test_dagster_run_history_keeps_the_newest_finished_runs(tmp_path: Path) -> None:
    """Each run's event log stays in the instance's database until retention deletes the run."""
    import dagster as dg

    r = _retention(tmp_path)
    assert r.dagster_home is not None
    r.dagster_home.mkdir(parents=True)

    @dg.op
    def step() -> int:
        return 1

    @dg.job
    def tiny() -> None:
        step()

    with dg.DagsterInstance.from_config(str(r.dagster_home)) as instance:
        run_ids = [tiny.execute_in_process(instance=instance).run_id for _ in range(KEEP + 2)]
        # A run not finished (this one, in progress) is never deleted, however old.
        unfinished = instance.create_run_for_job(tiny).run_id

    lines = apply_retention(r, now=NOW)

    assert "retention: removed 2 Dagster run(s) from the run history" in lines
    # The deleted runs' event logs went with them, files and all (read before Dagster is asked
    # for a deleted run's events: asking creates an empty file).
    event_logs = {p.stem for p in (r.dagster_home / "history" / "runs").glob("*.db")}
    assert event_logs == {"index", *run_ids[-KEEP:]}
    with dg.DagsterInstance.from_config(str(r.dagster_home)) as instance:
        left = {record.dagster_run.run_id for record in instance.get_run_records()}
        assert left == {*run_ids[-KEEP:], unfinished}
