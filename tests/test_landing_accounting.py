"""What comes in: the landing folder is checked before a run, and every file in it is accounted for.

Each test is a case a user met: a mistyped landing folder, a week under a near-miss name, a
file still copying, a new week re-using old entry ids, a `1e999`, a file name that is not UTF-8,
UTF-16 without a byte-order mark.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.ingest import landing
from pipelines.ingest.assets import unclaimed_by_owner
from pipelines.ingest.loader import load_source
from pipelines.ingest.sources import GL_ACTUALS, TIMESHEETS, all_sources
from pipelines.settings import Settings
from pipelines.weekly_run import run_pipeline

pytestmark = pytest.mark.unit

HEADER = "Entry ID,Employee ID,Work Date,Project ID,Time Category,Hours,Comment\n"
GL_HEADER = (
    "Document No,Line,Posting Date,Period,Cost Centre,Project ID,WBS Element,Account,"
    "Account Name,Capex/Opex,Amount,Currency\n"
)


@pytest.fixture
def con(tmp_path: Path) -> Any:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def _write(landing_dir: Path, name: str, text: str, *, age: float = 3600) -> Path:
    path = landing_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _manifest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Any, ...]]:
    rows = con.execute(
        "select source_file, source, status, rule, reason, rows_read, rows_loaded, "
        "rows_quarantined from raw.load_manifest"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _load_all(con: duckdb.DuckDBPyConnection, landing_dir: Path, settle: float = 0.0) -> None:
    """What the ingest assets of one run do: every source, each recording its unclaimed files."""
    sources = all_sources()
    unclaimed = unclaimed_by_owner(sources, landing_dir)
    for spec in sources:
        load_source(
            con,
            spec,
            landing_dir,
            run_id="run-1",
            settle_seconds=settle,
            ignored=unclaimed.get(spec.name, []),
        )


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select source_file, source_row, column_name, rule, reason from audit.quarantine "
        "order by source_file, source_row"
    ).fetchall()


# --- the landing folder itself -------------------------------------------------------------


def _settings(tmp_path: Path, landing_dir: Path) -> Settings:
    return Settings(
        landing_dir=landing_dir,
        warehouse_path=tmp_path / "wh" / "portfolio.duckdb",
        reports_dir=tmp_path / "reports",
        log_dir=tmp_path / "logs",
        board_pack="off",
    )


@pytest.mark.parametrize("state", ["missing", "empty"])
def test_a_configured_landing_folder_that_is_missing_or_empty_refuses_the_run(
    tmp_path: Path, state: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "landng"  # the typo
    if state == "empty":
        folder.mkdir()
    settings = _settings(tmp_path, folder)
    settings.warehouse_path.parent.mkdir(parents=True)
    settings.warehouse_path.write_bytes(b"30 real projects")

    assert run_pipeline(settings) != 0

    err = capsys.readouterr().err
    assert str(folder) in err and "PORTFOLIO_LANDING_DIR" in err
    assert folder.exists() == (state == "empty")  # never created, never written into
    assert not folder.exists() or not any(folder.iterdir())
    assert settings.warehouse_path.read_bytes() == b"30 real projects"
    assert sorted(p.name for p in settings.warehouse_path.parent.iterdir()) == ["portfolio.duckdb"]
    assert not settings.reports_dir.exists()


def test_the_demo_is_written_only_on_a_first_run_in_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "data" / "landing"
    monkeypatch.setattr(landing, "default_landing_dir", lambda: default)
    settings = _settings(tmp_path, default)

    assert landing.decide_landing(settings).write_demo  # make run on a fresh clone
    assert landing.decide_landing(settings, demo_allowed=False).refusal  # --no-demo
    settings.warehouse_path.parent.mkdir(parents=True)
    settings.warehouse_path.write_bytes(b"published")
    published = landing.decide_landing(settings)
    assert not published.write_demo and "already published" in (published.refusal or "")
    _write(default, "timesheets/timesheets_2026-11-09.csv", HEADER)
    assert landing.decide_landing(settings) == landing.LandingDecision()


# --- every file accounted for --------------------------------------------------------------


ROW = "E1,EMP1,2026-11-09,,BAU,4,\n"


def test_every_file_that_no_source_reads_is_ignored_with_its_reason(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    land = tmp_path / "landing"
    _write(land, "timesheets/timesheets_2026-11-09.csv", HEADER + ROW)
    _write(land, "timesheets/Timesheets_2026-11-16.csv", HEADER + ROW.replace("E1", "E2"))
    _write(land, "timesheets/timesheet_2026-11-23.csv", HEADER + ROW.replace("E1", "E3"))
    _write(land, "timesheets/late/timesheets_2026-11-30.csv", HEADER + ROW.replace("E1", "E4"))
    _write(land, "projects/timesheets_2026-12-07.csv", HEADER + ROW.replace("E1", "E5"))
    _write(land, "README.txt", "notes\n")

    _load_all(con, land)

    manifest = _manifest(con)
    assert manifest["timesheets/timesheets_2026-11-09.csv"][1] == "loaded"
    expected = {
        "timesheets/Timesheets_2026-11-16.csv": (
            "timesheets",
            "looks like timesheets (timesheets/timesheets_*.csv) but the case differs",
        ),
        "timesheets/timesheet_2026-11-23.csv": ("timesheets", "singular"),
        "timesheets/late/timesheets_2026-11-30.csv": ("timesheets", "sub-folder of timesheets/"),
        "projects/timesheets_2026-12-07.csv": ("timesheets", "not in its folder timesheets/"),
        "README.txt": ("projects", "not recognised by any source"),
    }
    for name, (source, why) in expected.items():
        got_source, status, rule, reason, *_ = manifest[name]
        assert (got_source, status, rule) == (source, "ignored", "unrecognised file name"), name
        assert why in reason and name in reason, reason
    assert len(manifest) == 6  # every file under the landing folder, none twice
    entries = con.execute("select entry_id from raw.timesheets").fetchall()
    assert entries == [("E1",)]


def test_a_growing_file_is_deferred_then_loaded_whole_by_a_later_run(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    land = tmp_path / "landing"
    path = _write(land, "timesheets/timesheets_2026-11-09.csv", HEADER + ROW, age=0)

    _load_all(con, land, settle=30)  # the default settle window: the copy is still running
    name = "timesheets/timesheets_2026-11-09.csv"
    status, rule, reason = _manifest(con)[name][1:4]
    assert (status, rule) == ("deferred", "not settled")
    assert "settle window" in reason and "retried next run" in reason
    assert con.execute("select count(*) from raw.timesheets").fetchall() == [(0,)]

    with path.open("a", encoding="utf-8") as handle:  # the copy finishes
        handle.write("E2,EMP1,2026-11-10,,BAU,3,\n")
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    _load_all(con, land, settle=30)

    loaded = con.execute(
        "select status, rows_read, rows_loaded from raw.load_manifest where status <> 'deferred'"
    ).fetchall()
    assert loaded == [("loaded", 2, 2)]


def test_settings_default_to_a_settle_window() -> None:
    assert Settings().landing_settle_seconds >= 30


# --- entry ids, values, names and encodings -------------------------------------------------


def test_a_reused_entry_id_is_quarantined_naming_both_files(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    land = tmp_path / "landing"
    _write(land, "timesheets/timesheets_2026-11-09.csv", HEADER + ROW)
    _write(
        land,
        "timesheets/timesheets_2026-11-16.csv",
        HEADER + "E1,EMP1,2026-11-16,,BAU,8,\nE9,EMP1,2026-11-17,,BAU,2,\n",
    )

    _load_all(con, land)

    first, second = "timesheets/timesheets_2026-11-09.csv", "timesheets/timesheets_2026-11-16.csv"
    ((file, line, _, rule, reason),) = _quarantine(con)
    assert (file, line, rule) == (second, 2, "key already loaded")
    assert first in reason and second in reason and "E1" in reason
    rows = con.execute("select entry_id, source_file, hours from raw.timesheets order by 1")
    assert rows.fetchall() == [("E1", first, 4.0), ("E9", second, 2.0)]
    assert _manifest(con)[second][4:] == (2, 1, 1)  # rows in = accepted + quarantined


def test_a_reused_ledger_line_is_quarantined_naming_both_files(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    land = tmp_path / "landing"
    line = "D1,1,2026-10-15,2026-10,CC1,PRJ-1,W1,6000,Travel,OPEX,100.00,USD\n"
    _write(land, "finance/gl_actuals_2026-10.csv", GL_HEADER + line)
    _write(land, "finance/gl_actuals_2026-11.csv", GL_HEADER + line.replace("10-15", "11-15"))

    load_source(con, GL_ACTUALS, land, run_id="run-1")

    ((file, row, _, rule, reason),) = _quarantine(con)
    assert (file, row, rule) == ("finance/gl_actuals_2026-11.csv", 2, "key already loaded")
    assert "finance/gl_actuals_2026-10.csv" in reason and "D1 1" in reason


def test_1e999_is_quarantined_with_file_line_and_rule_never_infinity(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    land = tmp_path / "landing"
    bad = [
        "E2,EMP1,2026-11-10,,BAU,1e999,",
        "E3,EMP1,2026-11-11,,BAU,-1e999,",
        "E4,EMP1,2026-11-12,,BAU,nan,",
    ]
    _write(land, "timesheets/timesheets_2026-11-09.csv", HEADER + ROW + "\n".join(bad) + "\n")

    load_source(con, TIMESHEETS, land, run_id="run-1")

    quarantined = _quarantine(con)
    assert [(q[1], q[2], q[3]) for q in quarantined] == [
        (3, "Hours", "type"),
        (4, "Hours", "type"),
        (5, "Hours", "type"),
    ]
    assert "'1e999' is not a finite number" in quarantined[0][4]
    infinite = con.execute("select count(*) from raw.timesheets where not isfinite(hours)")
    assert infinite.fetchall() == [(0,)]


def test_a_file_name_that_is_not_utf8_is_rejected_naming_its_bytes(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    land = tmp_path / "landing"
    folder = land / "timesheets"
    folder.mkdir(parents=True)
    for name in (b"timesheets_2026-11-09\xe9.csv", b"notes-\xff.txt"):
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        path.write_text(HEADER + ROW, encoding="utf-8")
        os.utime(path, (time.time() - 3600,) * 2)

    _load_all(con, land)

    manifest = _manifest(con)
    assert set(manifest) == {
        repr(b"timesheets/timesheets_2026-11-09\xe9.csv"),
        repr(b"timesheets/notes-\xff.txt"),
    }
    for name, (source, status, rule, reason, *_) in manifest.items():
        assert (source, status, rule) == ("timesheets", "rejected", "file name")
        assert name in reason and "not valid UTF-8" in reason


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, codec: str
) -> None:
    land = tmp_path / "landing"
    path = land / "timesheets" / "timesheets_2026-11-09.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes((HEADER + ROW.replace(",,", ",Café,")).encode(codec))
    os.utime(path, (time.time() - 3600,) * 2)

    load_source(con, TIMESHEETS, land, run_id="run-1")

    ((status, reason),) = con.execute("select status, reason from raw.load_manifest").fetchall()
    assert status == "loaded" and "without a byte-order mark" in reason
    assert con.execute("select project_id from raw.timesheets").fetchall() == [("Café",)]


def test_the_run_output_warns_of_each_ignored_and_deferred_file() -> None:
    from pipelines.run_progress import _ingest_line

    why = "timesheets/timesheet_2026-11-23.csv: looks like timesheets but names it in the singular"
    line = _ingest_line(
        "timesheets",
        {
            "files_loaded": 1,
            "rows_loaded": 5,
            "files_deferred": ["t.csv"],
            "files_ignored": {"x": why},
        },
    )
    assert line is not None
    assert "WARNING 1 file(s) not complete yet, deferred to the next run" in line
    assert f"WARNING ignored {why}" in line
    assert _ingest_line("projects", {"files_ignored": {"README.txt": "not recognised"}})


def test_an_ignored_or_deferred_file_does_not_make_an_optional_source_supplied(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    from pipelines.quality.not_supplied import was_supplied

    land = tmp_path / "landing"
    _write(land, "timesheets/notes.txt", "not an export\n")
    _write(land, "timesheets/timesheets_2026-11-09.csv", HEADER + ROW, age=0)
    _load_all(con, land, settle=30)

    statuses = sorted(row[1] for row in _manifest(con).values())
    assert statuses == ["deferred", "ignored"]
    assert not was_supplied(con, "timesheets")
