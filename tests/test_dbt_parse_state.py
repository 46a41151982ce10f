"""A successful dbt build leaves its parse state for the next run with the same settings
(transform/parse_state.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.settings import Settings
from pipelines.transform import spark_exchange
from pipelines.transform.parse_state import (
    DEFAULTS_KEY,
    KEEP_PINNED,
    KEEP_STATES,
    PARSE_STATE_FILE,
    STATES_DIR,
    keep_parse_state,
    parse_options,
    parse_state_key,
    run_parse_key,
    start_from_kept_state,
)

pytestmark = pytest.mark.unit

DEMO = {"warehouse_path": "/srv/portfolio.duckdb", "reporting_currency": "USD"}
EXPORT = {"warehouse_path": "/srv/exports/us_itdashboard.duckdb", "reporting_currency": "USD"}


def _build(target: Path, name: str, state: bytes | None) -> Path:
    invocation = target / name
    invocation.mkdir(parents=True)
    if state is not None:
        (invocation / PARSE_STATE_FILE).write_bytes(state)
    return invocation


def test_a_run_starts_from_the_state_of_the_last_run_with_its_settings(tmp_path: Path) -> None:
    target = tmp_path / "target"
    demo, export = parse_state_key("build", DEMO), parse_state_key("build", EXPORT)
    assert keep_parse_state(_build(target, "run-1", b"parsed for the demo"), target, demo)
    # A run-export in between keeps its own state; it does not replace the demo's.
    assert keep_parse_state(_build(target, "run-2", b"parsed for the export"), target, export)

    assert start_from_kept_state(target, demo, target / "run-3")
    assert (target / "run-3" / PARSE_STATE_FILE).read_bytes() == b"parsed for the demo"
    assert start_from_kept_state(target, export, target / "run-4")
    assert (target / "run-4" / PARSE_STATE_FILE).read_bytes() == b"parsed for the export"


def test_settings_never_built_start_from_nothing(tmp_path: Path) -> None:
    target = tmp_path / "target"
    keep_parse_state(
        _build(target, "run-1", b"parsed for the demo"), target, parse_state_key("build", DEMO)
    )
    other = parse_state_key("spark", DEMO)
    assert not start_from_kept_state(target, other, target / "run-2")
    assert not (target / "run-2" / PARSE_STATE_FILE).exists()


def test_a_run_that_wrote_no_parse_state_keeps_nothing(tmp_path: Path) -> None:
    target = tmp_path / "target"
    key = parse_state_key("build", DEMO)
    assert not keep_parse_state(_build(target, "run-1", None), target, key)
    assert not start_from_kept_state(target, key, target / "run-2")


def test_the_key_is_the_target_and_the_vars_whatever_their_order() -> None:
    assert parse_state_key("build", DEMO) == parse_state_key("build", dict(reversed(DEMO.items())))
    assert parse_state_key("build", DEMO) != parse_state_key("build", EXPORT)
    assert parse_state_key("build", DEMO) != parse_state_key("spark", DEMO)


def test_only_the_most_recently_used_states_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "target"
    keys = [
        parse_state_key("build", {"warehouse_path": f"/tmp/w{i}"}) for i in range(KEEP_STATES + 1)
    ]
    for age, key in enumerate(keys[:KEEP_STATES]):
        keep_parse_state(_build(target, f"run-{age}", key.encode()), target, key)
        kept = target / STATES_DIR / f"{key}.msgpack"
        os.utime(kept, (1_000_000 + age, 1_000_000 + age))  # each newer than the one before
    # The oldest state is used again, so the second oldest is the least recently used now.
    assert start_from_kept_state(target, keys[0], target / "reuse")
    keep_parse_state(_build(target, "run-new", b"new settings"), target, keys[-1])

    left = {p.stem for p in (target / STATES_DIR).glob("*.msgpack")}
    assert left == set(keys) - {keys[1]}
    assert len(left) == KEEP_STATES


def test_the_state_make_parsed_for_outlives_other_settings_runs(tmp_path: Path) -> None:
    """`portfolio parse` pins its state: a test suite's runs, many with settings of their own,
    keep theirs after it and must not push it out; only the newest KEEP_PINNED pinned stay."""
    target = tmp_path / "target"
    pinned = [
        parse_state_key("build", {"warehouse_path": f"/srv/p{i}"}) for i in range(KEEP_PINNED + 1)
    ]
    for age, key in enumerate(pinned):
        keep_parse_state(_build(target, f"parse-{age}", key.encode()), target, key, pin=True)
        for marker in (target / STATES_DIR).glob(f"{key}*"):
            os.utime(marker, (1_000_000 + age, 1_000_000 + age))
    for i in range(KEEP_STATES + 3):  # runs with other settings, each newer than the parses
        key = parse_state_key("build", {"warehouse_path": f"/tmp/run{i}"})
        keep_parse_state(_build(target, f"run-{i}", key.encode()), target, key)

    left = {p.stem for p in (target / STATES_DIR).glob("*.msgpack")}
    assert set(pinned[-KEEP_PINNED:]) <= left  # the newest pinned, though least recently used
    assert pinned[0] not in left  # the oldest pin lapsed; its state went with the others
    assert len(left) == KEEP_PINNED + KEEP_STATES


def test_a_parse_for_settings_uses_a_runs_options_or_dbts_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`portfolio parse` and `dagster dev`'s parse (transform/project.py) parse as a run does, so
    they share its kept state; without usable settings, with dbt's defaults and their own key."""
    settings = Settings(warehouse_path=tmp_path / "portfolio.duckdb", reporting_currency="EUR")
    options, key = parse_options(settings)
    assert options[:2] == ["--target", "build"]
    assert options[options.index("--vars") + 1] == settings.dbt_arguments()[-1]
    assert key == run_parse_key(settings)
    assert parse_options(None) == ([], DEFAULTS_KEY)
    monkeypatch.setattr(spark_exchange, "dbt_spark_installed", lambda: False)
    assert parse_options(settings.with_changes(dbt_engine="spark")) == ([], DEFAULTS_KEY)
