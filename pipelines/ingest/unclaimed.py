"""The landing files no source reads, each with the reason, so none goes missing unnoticed.

A `Timesheets_2026-11-16.csv` (capital T), a `timesheet_2026-11-23.csv` (singular) or a file in a
sub-folder used to reach neither the manifest nor the log, and the run said "succeeded" with a
week missing. Every file under the landing folder is either read by a source (`loader.py`) or
listed here, assigned to the one source whose raw asset records it as `ignored` in the manifest:
the source it nearly matches, else the first source of its folder, else the run's first source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.readiness import is_marker
from pipelines.ingest.spec import SourceSpec

# The `file_pattern`'s fixed start, e.g. `timesheets_` of `^timesheets_(?P<date>...)\.csv$`.
_LITERAL_START = re.compile(r"^\^?([A-Za-z_]+)")


@dataclass(frozen=True)
class UnclaimedFile:
    path: Path
    rel_name: str  # relative to the landing folder, as the manifest names files
    owner: str  # the source whose raw asset records it
    reason: str


def valid_utf8(name: str) -> bool:
    """A name read from disk with bytes that are not UTF-8 holds lone surrogates."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(rel_name: str) -> str:
    """A printable, storable name: the bytes' repr when the name is not valid UTF-8."""
    return rel_name if valid_utf8(rel_name) else repr(rel_name.encode("utf-8", "surrogateescape"))


def _display(spec: SourceSpec) -> str:
    match = _LITERAL_START.match(spec.file_pattern.pattern)
    start = match.group(1) if match else spec.name + "_"
    suffix = ".xlsx" if spec.file_format == "finance_plan_xlsx" else ".csv"
    return f"{spec.folder}/{start}*{suffix}" if not spec.profile else f"{spec.folder}/"


def _near_miss(spec: SourceSpec, name: str) -> str | None:
    """Why `name` looks like one of `spec`'s files but is not read, or None."""
    if re.compile(spec.file_pattern.pattern, re.IGNORECASE).match(name):
        return f"looks like {spec.name} ({_display(spec)}) but the case differs"
    match = _LITERAL_START.match(spec.file_pattern.pattern)
    if match is None or spec.profile:
        return None
    stem = match.group(1).rstrip("_")
    variants = {stem[:-1]: "singular", stem + "s": "plural"} if stem.endswith("s") else {}
    variants.setdefault(stem + "s", "plural")
    for variant, kind in variants.items():
        if name.lower().startswith(variant.lower() + "_"):
            return (
                f"looks like {spec.name} ({_display(spec)}) but names it in the {kind} "
                f"('{variant}_', not '{stem}_')"
            )
    return None


def _reason(path: Path, rel: Path, sources: tuple[SourceSpec, ...]) -> tuple[str, str]:
    """(owner source, reason) for a file no source reads."""
    name = path.name
    in_folder = [s for s in sources if rel.parts[0] == s.folder] if len(rel.parts) > 1 else []
    if in_folder and len(rel.parts) > 2:
        spec = in_folder[0]
        return spec.name, (
            f"is in a sub-folder of {spec.folder}/; files are read only from {spec.folder}/ "
            "itself, not from its sub-folders (move it up, or out of the landing folder)"
        )
    if name.startswith("."):
        return (in_folder or list(sources))[0].name, "a hidden file (its name starts with '.')"
    for spec in in_folder:
        why = _near_miss(spec, name)
        if why:
            return spec.name, why
    for spec in sources:  # the right name in the wrong folder
        if not spec.profile and spec.file_pattern.match(name):
            return spec.name, f"is named like {spec.name} but is not in its folder {spec.folder}/"
    if in_folder:
        expected = ", ".join(_display(s) for s in in_folder)
        return in_folder[0].name, f"the name is not recognised: {rel.parts[0]}/ holds {expected}"
    for spec in sources:
        why = _near_miss(spec, name)
        if why:
            return spec.name, f"{why}, and is not in its folder {spec.folder}/"
    return sources[0].name, (
        "the name is not recognised by any source (each source reads its own sub-folder: "
        "docs/exports.md)"
    )


def unclaimed_files(
    landing_dir: Path,
    sources: tuple[SourceSpec, ...],
    claimed: Iterable[Path],
    ready_marker: str = "",
) -> list[UnclaimedFile]:
    """Every file under `landing_dir` (recursively) not in `claimed`, with owner and reason.

    A marker file beside its export (`readiness.py`) belongs to that export's delivery: not listed.
    """
    if not landing_dir.is_dir() or not sources:
        return []
    taken = {p.resolve() for p in claimed}
    found = []
    for path in sorted(landing_dir.rglob("*")):
        if not path.is_file() or path.resolve() in taken or is_marker(path, ready_marker):
            continue
        rel = path.relative_to(landing_dir)
        owner, reason = _reason(path, rel, sources)
        found.append(UnclaimedFile(path, rel.as_posix(), owner, reason))
    return found
