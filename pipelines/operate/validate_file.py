"""`portfolio validate FILE`: the quality gate's verdict on one file, before anyone lands it.

The file is read with the ingest reader into a throw-away DuckDB file in a temporary folder
(linked, never copied or edited), then checked with its source's expectation suite. Nothing
touches the warehouse. Every problem is one line: file, line, rule, what is wrong.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.loader import load_source
from pipelines.ingest.spec import SourceSpec
from pipelines.ingest.warehouse_tables import QUARANTINE_TABLE
from pipelines.quality.outcome import SampleRow, format_value
from pipelines.quality.validate import validate_source
from pipelines.sql_helpers import quote_literal


class UnknownSource(ValueError):
    """The file's name matches no source (or several); the message lists the choices."""


@dataclass
class FileVerdict:
    source: str
    rows_read: int = 0
    problems: list[str] = field(default_factory=list)  # block or quarantine: the file is invalid
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def identify_source(
    path: Path, sources: tuple[SourceSpec, ...], name: str | None = None
) -> SourceSpec:
    """The source named `name`, else the one whose file pattern the file's name matches."""
    if name is not None:
        for spec in sources:
            if spec.name == name:
                return spec
        raise UnknownSource(
            f"--source {name!r} is not a source; choose one of "
            + ", ".join(sorted(s.name for s in sources))
        )
    matches = [spec for spec in sources if spec.file_pattern.match(path.name)]
    # The native exports' names are exact (projects_<date>.csv); the profiles' patterns are
    # loose (publishers name files freely), so a native match wins.
    native = [spec for spec in matches if spec.profile is None]
    if len(native) == 1:
        return native[0]
    if len(matches) == 1:
        return matches[0]
    found = "matches " + ", ".join(s.name for s in matches) if matches else "matches no source"
    raise UnknownSource(
        f"{path.name} {found}; name it as its source's exports are named (docs/exports.md) or "
        "give --source (one of " + ", ".join(sorted(s.name for s in sources)) + ")"
    )


def validate_file(
    path: Path, spec: SourceSpec, *, reporting_currency: str, reference: Path | None
) -> FileVerdict:
    """Load `path` alone into a scratch DuckDB and run its suite.

    `reference`: the published warehouse, attached read-only, whose other raw tables the
    cross-source rules (a known project, an FX rate for the month) check against. None (or
    no such file) leaves those rules failing with "table does not exist".
    """
    path = path.resolve()
    verdict = FileVerdict(spec.name)
    with tempfile.TemporaryDirectory(prefix="portfolio-validate-") as scratch:
        landing = Path(scratch) / "landing"
        (landing / spec.folder).mkdir(parents=True)
        (landing / spec.folder / path.name).symlink_to(path)
        with duckdb.connect(str(Path(scratch) / "validate.duckdb")) as con:
            if reference is not None and reference.exists():
                _reference_tables(con, reference, spec.name)
            summary = load_source(con, spec, landing)
            verdict.rows_read = summary.rows_loaded + summary.rows_quarantined
            for reason in summary.files_rejected.values():
                verdict.problems.append(f"{path}: file rejected: {reason}")
            for line in _ingest_quarantine(con, path):
                verdict.problems.append(line)
            if summary.rows_loaded:
                outcome = validate_source(con, spec.name, reporting_currency=reporting_currency)
                for failure in outcome.failures:
                    lines = _failure_lines(path, failure.rule, failure.message(), failure.sample)
                    if failure.effective_action == "warn":
                        verdict.warnings.extend(lines)
                    else:
                        verdict.problems.extend(lines)
    return verdict


def _reference_tables(con: duckdb.DuckDBPyConnection, warehouse: Path, source: str) -> None:
    """Every other raw table of the published warehouse as a view: read, never copied."""
    con.execute(f"attach {quote_literal(str(warehouse))} as published (read_only)")
    con.execute("create schema if not exists raw")
    tables = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'published' and table_schema = 'raw' and table_name <> ?",
        [source],
    ).fetchall()
    for (table,) in tables:
        if table != "load_manifest":
            con.execute(f'create view raw."{table}" as select * from published.raw."{table}"')


def _ingest_quarantine(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    rows = con.execute(
        f"select source_row, rule, action, reason from {QUARANTINE_TABLE} order by source_row"
    ).fetchall()
    return [
        f"{path}:{line}: rule {rule!r} ({action}): {reason}" for line, rule, action, reason in rows
    ]


def _failure_lines(path: Path, rule: str, message: str, sample: list[SampleRow]) -> list[str]:
    """One line per offending row shown (the gate samples a few), else one for the rule."""
    lines = [
        f"{path}:{row['source_row']}: rule {rule!r}: value {format_value(row['value'])}"
        for row in sample
        if row["source_row"] is not None
    ]
    return [*lines, f"{path}: {message}"]
