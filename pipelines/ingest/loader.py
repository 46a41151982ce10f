"""Load every new landing file of one source into its raw table, exactly once.

A file is identified by its content hash: the same bytes delivered again, under any name, are
recorded as a duplicate and add no rows, so re-running on the same landing folder changes nothing.
Each file is loaded in its own transaction, so a crash never leaves half a file in the warehouse.

A file that is still being written is *deferred*: recorded as `deferred` for this run only (the
once-only check ignores such rows), so the next run retries it. That is a file under a temporary
name (`.part`, `.tmp`...), one modified within the settle window
(`PORTFOLIO_LANDING_SETTLE_SECONDS`, default 30), or one whose size or modification time changed
while we read it (its load is rolled back, even when the half-written bytes looked truncated).
Files no source reads are recorded as `ignored` with the reason (`unclaimed.py`); a name that is
not valid UTF-8 is `rejected`, named by its bytes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.ingest.csv_file import load_csv_file
from pipelines.ingest.file_outcome import FileDeferred, FileLoadResult, FileRejected
from pipelines.ingest.finance_plan_xlsx import load_finance_plan_file
from pipelines.ingest.quarantine import FileContext
from pipelines.ingest.readiness import not_ready_reason
from pipelines.ingest.resend import replaced_load
from pipelines.ingest.rules import action_of
from pipelines.ingest.sources import SourceSpec, month_end
from pipelines.ingest.unclaimed import UnclaimedFile, shown_name, valid_utf8
from pipelines.ingest.warehouse_tables import (
    MANIFEST_TABLE,
    ensure_audit_tables,
    ensure_raw_table,
)
from pipelines.sql_helpers import fetch_row

log = logging.getLogger(__name__)
_HASH_CHUNK = 1 << 20
# Statuses that settle a file for good; `deferred` and `ignored` are recorded again each run.
_FINAL_STATUSES = "('loaded', 'duplicate', 'rejected')"
_NOT_UTF8 = (
    "the file name is not valid UTF-8 (shown as its bytes); rename it so it can be named in "
    "the manifest and the reports"
)
_MANIFEST_COLUMNS = (
    "source, source_file, source_file_hash, file_size_bytes, extract_date, status, duplicate_of, "
    "rows_read, rows_loaded, rows_quarantined, reason, loaded_at, rule, action, run_id, "
    "failing_cells, date_orders"
)


@dataclass
class SourceLoadSummary:
    source: str
    files_loaded: list[str] = field(default_factory=list)
    files_duplicate: list[str] = field(default_factory=list)
    files_rejected: dict[str, str] = field(default_factory=dict)
    files_deferred: list[str] = field(default_factory=list)
    files_resent: dict[str, str] = field(default_factory=dict)  # name -> the load it replaces
    files_ignored: dict[str, str] = field(default_factory=dict)  # name -> why no source reads it
    files_already_seen: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    failing_cells: int = 0  # cells that failed their type; one quarantined row may hold several


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def landing_files(spec: SourceSpec, landing_dir: Path) -> list[Path]:
    """The source's files in name order (= extract order, since names carry the date)."""
    folder = landing_dir / spec.folder
    if not folder.is_dir():
        return []
    if spec.profile:
        # A profile's folder holds only its exports, named as the publisher names them.
        return sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and spec.file_pattern.match(p.name)
        )
    prefix = spec.file_pattern.pattern.lstrip("^").split("_")[0]
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.startswith(prefix)
    )


def _year_in_name(spec: SourceSpec, name: str) -> date:
    """An annual publication (GMPP) is as of its profile's month-day in the year its name gives."""
    assert spec.extract_month_day is not None
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", name)
    if len(set(years)) != 1:
        found = f"it has {sorted(set(years))}" if years else "it has none"
        raise FileRejected(
            "file name",
            f"the {spec.profile} profile dates a file by the one year in its name "
            f"(as of {spec.extract_month_day} that year); {found}: rename the file, e.g. "
            f"gmpp_annual_report_2022.csv",
        )
    return date.fromisoformat(f"{years[0]}-{spec.extract_month_day}")


def _extract_date_from_name(spec: SourceSpec, name: str) -> tuple[date | None, int | None]:
    if spec.extract_month_day:
        return _year_in_name(spec, name), None
    if spec.profile:
        return None, None  # dated by a column once read (csv_file)
    match = spec.file_pattern.match(name)
    if match is None:
        raise FileRejected(
            "file name",
            f"the file name does not match the {spec.name} pattern {spec.file_pattern.pattern}",
        )
    groups = match.groupdict()
    if groups.get("date"):
        return date.fromisoformat(groups["date"]), None
    if groups.get("month") and groups["month"] != "all":
        year, month = (int(p) for p in groups["month"].split("-"))
        return month_end(year, month), None
    if groups.get("fiscal_year"):
        return None, int(groups["fiscal_year"])
    return None, None


def _load_one(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, context: FileContext
) -> FileLoadResult:
    extract_date, fiscal_year = _extract_date_from_name(spec, path.name)
    if spec.file_format == "finance_plan_xlsx":
        assert fiscal_year is not None, "the finance plan pattern always captures a fiscal year"
        return load_finance_plan_file(con, spec, path, context, fiscal_year)
    return load_csv_file(con, spec, path, context, extract_date)


@dataclass(frozen=True)
class _Outcome:
    status: str
    result: FileLoadResult | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    rule: str | None = None
    action: str | None = None
    replaced: bool = False  # a re-send of a file name loaded before (resend.py)


def _record(
    con: duckdb.DuckDBPyConnection, context: FileContext, size: int, outcome: _Outcome
) -> None:
    result = outcome.result
    con.execute(
        f"insert into {MANIFEST_TABLE} ({_MANIFEST_COLUMNS}) values ({', '.join('?' * 17)})",
        [
            context.source,
            context.source_file,
            context.source_file_hash,
            size,
            result.extract_date if result else None,
            outcome.status,
            outcome.duplicate_of,
            result.rows_read if result else 0,
            result.rows_loaded if result else 0,
            result.rows_quarantined if result else 0,
            outcome.reason or (result.note if result else None),
            context.at,
            outcome.rule,
            outcome.action,
            context.run_id,
            result.failing_cells if result else 0,
            result.date_orders if result else None,
        ],
    )


def _earlier_copy(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, name: str, file_hash: str
) -> tuple[str] | None:
    """The loaded file this one repeats, if its rows would be counted twice by loading it: the
    same source's only (another source's rows are in another table, and that source may be
    loading beside this one, side_by_side.py)."""
    sql = (
        f"select source_file from {MANIFEST_TABLE} "
        "where source = ? and source_file_hash = ? and status = 'loaded'"
    )
    params: list[object] = [spec.name, file_hash]
    if spec.is_snapshot and not spec.extract_date_column:
        # An unchanged snapshot under a new date is a new extract; the same date is a re-send.
        try:
            extract_date, _ = _extract_date_from_name(spec, name)
        except FileRejected:
            extract_date = None
        sql += " and extract_date is not distinct from ?"
        params.append(extract_date)
    return fetch_row(con, sql + " order by loaded_at, source_file limit 1", params)


def _signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _refuse_if_unready(path: Path, settle: float, ready_marker: str) -> None:
    why = not_ready_reason(
        path, path.stat().st_mtime, time.time(), settle_seconds=settle, ready_marker=ready_marker
    )
    if why:
        raise FileDeferred(why)


def _ensure_unchanged(path: Path, before: tuple[int, int]) -> None:
    after = _signature(path)
    if after != before:
        raise FileDeferred(
            f"its size or modification time changed while it was read "
            f"({before[0]} -> {after[0]} bytes)"
        )


def _loaded_or_rejected(result: FileLoadResult, context: FileContext) -> _Outcome:
    """A file whose every row was set aside is rejected, its quarantined rows kept with reasons."""
    if result.rejection is None:
        return _Outcome("loaded", result=result)
    rule, reason = result.rejection
    return _Outcome(
        "rejected",
        result=result,
        reason=f"{context.source_file}: {reason}",
        rule=rule,
        action=action_of(rule),
    )


def _noting_resend(
    con: duckdb.DuckDBPyConnection, context: FileContext, outcome: _Outcome
) -> _Outcome:
    """A loaded file whose name was loaded before with other bytes says which copy it replaces."""
    if outcome.status != "loaded" or outcome.result is None:
        return outcome
    replaced = replaced_load(con, context.source_file, context.source_file_hash)
    if replaced is None:
        return outcome
    notes = [replaced.note(outcome.result.rows_loaded), outcome.result.note]
    result = replace(outcome.result, note="; ".join(n for n in notes if n))
    return _Outcome("loaded", result=result, replaced=True)


def _load_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    context: FileContext,
    before: tuple[int, int],
) -> _Outcome:
    """Load and record one new file in its own transaction; FileDeferred leaves no trace."""
    first = _earlier_copy(con, spec, path.name, context.source_file_hash)
    con.execute("begin transaction")
    try:
        if first:
            outcome = _Outcome("duplicate", duplicate_of=first[0])
        else:
            outcome = _loaded_or_rejected(_load_one(con, spec, path, context), context)
            outcome = _noting_resend(con, context, outcome)
        _ensure_unchanged(path, before)
        _record(con, context, before[0], outcome)
        con.execute("commit")
        return outcome
    except FileRejected as rejected:
        con.execute("rollback")  # a refused file adds nothing but its manifest row
        _ensure_unchanged(path, before)  # half-written bytes look broken: retry, not reject
        outcome = _Outcome(
            "rejected",
            reason=f"{context.source_file}: {rejected}",
            rule=rejected.rule,
            action=rejected.action,
        )
        con.execute("begin transaction")
        _record(con, context, before[0], outcome)
        con.execute("commit")
        return outcome
    except BaseException:
        con.execute("rollback")
        raise


def prepare_tables(con: duckdb.DuckDBPyConnection, specs: Sequence[SourceSpec]) -> None:
    """The audit tables and these sources' raw tables, created or brought up to date. Done before
    sources load side by side (pipelines/ingest/side_by_side.py): two connections altering the
    catalog at once conflict, while appends to one table from two transactions do not."""
    ensure_audit_tables(con)
    for spec in specs:
        ensure_raw_table(con, spec)


def load_source(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    landing_dir: Path,
    loaded_at: datetime | None = None,
    run_id: str | None = None,
    settle_seconds: float = 0.0,
    ignored: Sequence[UnclaimedFile] = (),
    ready_marker: str = "",
    tables_ready: bool = False,
) -> SourceLoadSummary:
    """Load the source's new files; a file not yet complete waits a run (`readiness.py`: modified
    less than `settle_seconds` ago, or without its `ready_marker` file when one is configured).

    `ignored`: the landing files no source reads that this source records (`unclaimed.py`).
    `tables_ready`: `prepare_tables` has been called for it (a source loading beside others
    must not change the catalog).
    """
    if not tables_ready:
        prepare_tables(con, [spec])
    loaded_at = loaded_at or datetime.now()
    summary = SourceLoadSummary(source=spec.name)
    for path in landing_files(spec, landing_dir):
        rel_name = path.relative_to(landing_dir).as_posix()
        try:
            _refuse_if_unready(path, settle_seconds, ready_marker)
            before = _signature(path)
            context = FileContext(spec.name, rel_name, file_sha256(path), run_id, loaded_at)
            if not valid_utf8(rel_name):
                raise FileRejected("file name", _NOT_UTF8)
            seen = fetch_row(
                con,
                f"select 1 from {MANIFEST_TABLE} where source_file = ? and source_file_hash = ? "
                f"and status in {_FINAL_STATUSES}",  # deferred and ignored are per run
                [rel_name, context.source_file_hash],
            )
            if seen:
                summary.files_already_seen += 1
                continue
            outcome = _load_file(con, spec, path, context, before)
        except (FileNotFoundError, FileDeferred) as problem:
            deferred = (
                problem
                if isinstance(problem, FileDeferred)
                else FileDeferred("it disappeared while it was read (moved or replaced)")
            )
            _defer(
                con,
                spec,
                path,
                rel_name,
                FileContext(spec.name, rel_name, "", run_id, loaded_at),
                deferred,
                summary,
            )
            continue
        except FileRejected as rejected:  # a name that cannot be stored: rejected by its bytes
            shown = shown_name(rel_name)
            context = FileContext(spec.name, shown, file_sha256(path), run_id, loaded_at)
            outcome = _Outcome(
                "rejected",
                reason=f"{shown}: {rejected}",
                rule=rejected.rule,
                action=rejected.action,
            )
            _record(con, context, path.stat().st_size, outcome)
            rel_name = shown
        _summarise(summary, spec, rel_name, outcome)
    for unclaimed in ignored:
        _ignore(con, spec, unclaimed, run_id, loaded_at, summary)
    return summary


def _defer(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    rel_name: str,
    context: FileContext,
    deferred: FileDeferred,
    summary: SourceLoadSummary,
) -> None:
    """Recorded for this run (no hash: the bytes are not final), retried by the next run."""
    summary.files_deferred.append(rel_name)
    size = path.stat().st_size if path.exists() else 0
    reason = f"{rel_name}: not complete yet: {deferred}; not loaded, it will be retried next run"
    _record(
        con,
        context,
        size,
        _Outcome("deferred", reason=reason, rule="not settled", action=action_of("not settled")),
    )
    log.warning(
        "%s: %s is still being written: %s; not loaded, it will be retried next run",
        spec.name,
        rel_name,
        deferred,
    )


def _ignore(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    unclaimed: UnclaimedFile,
    run_id: str | None,
    loaded_at: datetime,
    summary: SourceLoadSummary,
) -> None:
    """A file no source reads: `ignored` with why (a name that is not UTF-8: `rejected`)."""
    shown = shown_name(unclaimed.rel_name)
    try:
        file_hash, size = file_sha256(unclaimed.path), unclaimed.path.stat().st_size
    except FileNotFoundError:
        return  # gone since the folder was listed: nothing left to account for
    context = FileContext(spec.name, shown, file_hash, run_id, loaded_at)
    if not valid_utf8(unclaimed.rel_name):
        rejected = FileRejected("file name", _NOT_UTF8)
        outcome = _Outcome(
            "rejected", reason=f"{shown}: {rejected}", rule=rejected.rule, action=rejected.action
        )
        _record(con, context, size, outcome)
        _summarise(summary, spec, shown, outcome)
        return
    reason = f"{shown}: {unclaimed.reason}; not loaded"
    _record(
        con,
        context,
        size,
        _Outcome(
            "ignored",
            reason=reason,
            rule="unrecognised file name",
            action=action_of("unrecognised file name"),
        ),
    )
    summary.files_ignored[shown] = reason
    log.warning("%s: file ignored: %s", spec.name, reason)


def _summarise(summary: SourceLoadSummary, spec: SourceSpec, name: str, outcome: _Outcome) -> None:
    if outcome.status == "duplicate":
        summary.files_duplicate.append(name)
    elif outcome.status == "rejected":
        assert outcome.reason is not None
        summary.files_rejected[name] = outcome.reason
        shown = outcome.result.examples if outcome.result else []
        log.warning(
            "%s: file rejected by rule %r (%s): %s%s",
            spec.name,
            outcome.rule,
            outcome.action,
            outcome.reason,
            f", e.g. {'; '.join(shown)}" if shown else "",
        )
        if outcome.result:  # every row was read and set aside: the rows are counted as such
            summary.rows_quarantined += outcome.result.rows_quarantined
            summary.failing_cells += outcome.result.failing_cells
    else:
        assert outcome.result is not None
        summary.files_loaded.append(name)
        if outcome.replaced:
            summary.files_resent[name] = outcome.result.note or ""
            log.warning("%s: %s %s", spec.name, name, outcome.result.note)
        summary.rows_loaded += outcome.result.rows_loaded
        summary.rows_quarantined += outcome.result.rows_quarantined
        summary.failing_cells += outcome.result.failing_cells
        if outcome.result.rows_quarantined:
            log.warning(
                "%s: %s: %d of %d row(s) quarantined (%d failing cell(s)), e.g. %s",
                spec.name,
                name,
                outcome.result.rows_quarantined,
                outcome.result.rows_read,
                outcome.result.failing_cells,
                "; ".join(outcome.result.examples),
            )
