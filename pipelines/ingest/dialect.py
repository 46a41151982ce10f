"""Read a CSV's header: which delimiter it uses, and which file column is which declared column.

Exports are matched to the contract by header *name*, never by position: reordered columns load
correctly, extra columns are noted and ignored, and a missing or renamed column rejects the file
naming what was expected and what was found. Names match ignoring case and runs of whitespace
(`project  id` is `Project ID`), which is how spreadsheets mangle them, not a different column.

The delimiter is the one that splits the header line into the expected names; a `;` file is the
European Excel dialect, where the decimal separator is `,` and `.` groups thousands.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.file_outcome import FileRejected
from pipelines.ingest.header_match import match_profile_header, normalise_text
from pipelines.ingest.spec import SourceSpec

_DELIMITERS = (",", ";", "\t", "|")
_HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class Header:
    delimiter: str
    decimal: str  # "." or ","
    header_lines: int  # physical lines the header spans (more than 1 only if a name holds "\n")
    found: list[str]  # the header cells as written
    names: list[str]  # the name DuckDB gives each file column: the declared header, or _extra_N
    note: str | None
    # Optional columns (profiles) the file does not have: read as NULL in every row.
    absent: tuple[str, ...] = ()

    @property
    def extras(self) -> list[str]:
        return [name for name in self.names if name.startswith("_extra_")]


def normalise(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def _first_record(text: str, delimiter: str) -> tuple[list[str], int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    row = next(reader, [])
    return row, reader.line_num


def _delimiter(text: str, spec: SourceSpec) -> str:
    """The candidate whose split of the header matches most expected names (`,` on a tie)."""
    # A profile's headers compare the way its matcher folds them; the native ones by name.
    fold = normalise_text if spec.profile else normalise
    names = [h for c in spec.columns for h in (c.header, *c.aliases)]
    expected = {fold(name) for name in names}
    scores = {
        d: sum(fold(cell) in expected for cell in _first_record(text, d)[0]) for d in _DELIMITERS
    }
    best = max(_DELIMITERS, key=lambda d: (scores[d], d == ","))
    return best if scores[best] else ","


def _describe(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[delimiter]


def read_header(spec: SourceSpec, path: Path) -> Header:
    with path.open("rb") as handle:
        text = handle.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
    delimiter = _delimiter(text, spec)
    found, header_lines = _first_record(text, delimiter)
    if not any(cell.strip() for cell in found):
        raise FileRejected(
            "missing columns",
            "line 1 (the header) is blank; the header must be the first line, "
            f"expected {list(spec.headers)}",
        )
    if spec.profile:
        return _profile_header(spec, delimiter, header_lines, found)
    expected = {normalise(h): h for h in spec.headers}
    names: list[str] = []
    extras: list[str] = []
    for cell in found:
        declared = expected.get(normalise(cell))
        if declared is None:
            extras.append(cell)
            names.append(f"_extra_{len(extras)}")
        else:
            names.append(declared)
    repeated = sorted({n for n in names if not n.startswith("_extra_") and names.count(n) > 1})
    if repeated:
        raise FileRejected(
            "duplicate columns",
            f"the header (line 1) names column(s) {', '.join(map(repr, repeated))} more than once",
        )
    missing = [h for h in spec.headers if h not in names]
    if missing:
        unexpected = f"; not expected: {', '.join(map(repr, extras))}" if extras else ""
        raise FileRejected(
            "missing columns",
            f"the header (line 1) is missing column(s) {', '.join(map(repr, missing))}"
            f"{unexpected}; expected {list(spec.headers)}, found {found} "
            f"({_describe(delimiter)}-delimited)",
        )
    notes = []
    if delimiter != ",":
        decimal = "," if delimiter == ";" else "."
        notes.append(f"{_describe(delimiter)}-delimited, decimal separator '{decimal}'")
    if extras:
        notes.append(f"ignored extra column(s) {', '.join(map(repr, extras))}")
    if [n for n in names if not n.startswith("_extra_")] != list(spec.headers):
        notes.append("columns in another order than the contract, matched by name")
    return Header(
        delimiter=delimiter,
        decimal="," if delimiter == ";" else ".",
        header_lines=header_lines,
        found=found,
        names=names,
        note="; ".join(notes) or None,
    )


def _profile_header(
    spec: SourceSpec, delimiter: str, header_lines: int, found: list[str]
) -> Header:
    matched = match_profile_header(spec, found)
    notes = []
    if delimiter != ",":
        notes.append(f"{_describe(delimiter)}-delimited")
    if matched.reworded:
        notes.append("matched by meaning: " + "; ".join(matched.reworded))
    if matched.missing_optional:
        absent = ", ".join(repr(c.header) for c in matched.missing_optional)
        notes.append(f"optional column(s) not in this file, read as empty: {absent}")
    if matched.extras:
        notes.append(f"ignored extra column(s) {', '.join(map(repr, matched.extras))}")
    return Header(
        delimiter=delimiter,
        decimal="," if delimiter == ";" else ".",
        header_lines=header_lines,
        found=found,
        names=matched.names,
        note="; ".join(notes) or None,
        absent=tuple(c.header for c in matched.missing_optional),
    )
