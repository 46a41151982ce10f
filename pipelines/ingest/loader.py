"""Load every new landing file of one source into its raw table, exactly once.

A file is identified by its content hash: the same bytes delivered again, under any name, are
recorded as a duplicate and add no rows, so re-running on the same landing folder changes nothing.
Each file is loaded in its own transaction, so a crash never leaves half a file in the warehouse.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.ingest.csv_file import load_csv_file
from pipelines.ingest.file_outcome import FileLoadResult, FileRejected
from pipelines.ingest.finance_plan_xlsx import load_finance_plan_file
from pipelines.ingest.sources import SourceSpec, month_end
from pipelines.ingest.warehouse_tables import (
    MANIFEST_TABLE,
    ensure_audit_tables,
    ensure_raw_table,
)
from pipelines.sql_helpers import fetch_row

log = logging.getLogger(__name__)
_HASH_CHUNK = 1 << 20


@dataclass
class SourceLoadSummary:
    source: str
    files_loaded: list[str] = field(default_factory=list)
    files_duplicate: list[str] = field(default_factory=list)
    files_rejected: dict[str, str] = field(default_factory=dict)
    files_already_seen: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0


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
    prefix = spec.file_pattern.pattern.lstrip("^").split("_")[0]
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.startswith(prefix)
    )


def _extract_date_from_name(spec: SourceSpec, name: str) -> tuple[date | None, int | None]:
    match = spec.file_pattern.match(name)
    if match is None:
        raise FileRejected(
            f"file name does not match the {spec.name} pattern {spec.file_pattern.pattern}"
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
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    path: Path,
    rel_name: str,
    file_hash: str,
    loaded_at: datetime,
) -> FileLoadResult:
    extract_date, fiscal_year = _extract_date_from_name(spec, path.name)
    if spec.file_format == "finance_plan_xlsx":
        assert fiscal_year is not None, "the finance plan pattern always captures a fiscal year"
        return load_finance_plan_file(con, spec, path, rel_name, file_hash, fiscal_year, loaded_at)
    return load_csv_file(con, spec, path, rel_name, file_hash, extract_date, loaded_at)


def _record(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    rel_name: str,
    file_hash: str,
    size: int,
    status: str,
    loaded_at: datetime,
    *,
    result: FileLoadResult | None = None,
    duplicate_of: str | None = None,
    reason: str | None = None,
) -> None:
    con.execute(
        f"insert into {MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            spec.name,
            rel_name,
            file_hash,
            size,
            result.extract_date if result else None,
            status,
            duplicate_of,
            result.rows_read if result else 0,
            result.rows_loaded if result else 0,
            result.rows_rejected if result else 0,
            reason or (result.note if result else None),
            loaded_at,
        ],
    )


def _earlier_copy(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, name: str, file_hash: str
) -> tuple[str] | None:
    """The loaded file this one repeats, if its rows would be counted twice by loading it."""
    sql = (
        f"select source_file from {MANIFEST_TABLE} where source_file_hash = ? and status = 'loaded'"
    )
    params: list[object] = [file_hash]
    if spec.is_snapshot:
        # An unchanged snapshot under a new date is a new extract; the same date is a re-send.
        try:
            extract_date, _ = _extract_date_from_name(spec, name)
        except FileRejected:
            extract_date = None
        sql += " and extract_date is not distinct from ?"
        params.append(extract_date)
    return fetch_row(con, sql + " order by loaded_at, source_file limit 1", params)


def load_source(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    landing_dir: Path,
    loaded_at: datetime | None = None,
) -> SourceLoadSummary:
    loaded_at = loaded_at or datetime.now()
    ensure_audit_tables(con)
    ensure_raw_table(con, spec)
    summary = SourceLoadSummary(source=spec.name)
    for path in landing_files(spec, landing_dir):
        rel_name = path.relative_to(landing_dir).as_posix()
        file_hash = file_sha256(path)
        seen = fetch_row(
            con,
            f"select 1 from {MANIFEST_TABLE} where source_file = ? and source_file_hash = ?",
            [rel_name, file_hash],
        )
        if seen:
            summary.files_already_seen += 1
            continue
        size = path.stat().st_size
        first = _earlier_copy(con, spec, path.name, file_hash)
        con.execute("begin transaction")
        try:
            if first:
                _record(
                    con,
                    spec,
                    rel_name,
                    file_hash,
                    size,
                    "duplicate",
                    loaded_at,
                    duplicate_of=first[0],
                )
                summary.files_duplicate.append(rel_name)
            else:
                result = _load_one(con, spec, path, rel_name, file_hash, loaded_at)
                _record(con, spec, rel_name, file_hash, size, "loaded", loaded_at, result=result)
                summary.files_loaded.append(rel_name)
                summary.rows_loaded += result.rows_loaded
                summary.rows_rejected += result.rows_rejected
            con.execute("commit")
        except FileRejected as rejected:
            # Keep whatever the reader recorded about the bad rows, and say why the file failed.
            con.execute("commit")
            con.execute("begin transaction")
            _record(
                con, spec, rel_name, file_hash, size, "rejected", loaded_at, reason=str(rejected)
            )
            con.execute("commit")
            summary.files_rejected[rel_name] = str(rejected)
            log.warning("%s: rejected %s: %s", spec.name, rel_name, rejected)
        except BaseException:
            con.execute("rollback")
            raise
    return summary
