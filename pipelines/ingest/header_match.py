"""Match a profiled export's header cells to the profile's columns by meaning, not exact text.

Publishers re-word headers from one year to the next, wrap them over lines, add an explanation in
brackets or move them. A cell maps to a column when its normalised text equals the column's header
or an alias, or contains every phrase of one of the column's phrase sets and none of its excluded
words. An exact name always wins over a phrase match. Anything that cannot be decided is refused
with what was expected and what was found: a cell two columns claim, a column two cells claim, or
a required column no cell claims. Guessing would load a figure into the wrong column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.ingest.file_outcome import FileRejected
from pipelines.ingest.spec import Column, SourceSpec

_KEPT_SYMBOLS = "$%£€"


def normalise_text(text: str) -> str:
    """Case, line breaks, punctuation and spacing removed; `$ % £ €` kept, they carry units."""
    lowered = text.replace("\ufeff", "").casefold()
    kept = "".join(ch if ch.isalnum() or ch in _KEPT_SYMBOLS else " " for ch in lowered)
    spaced = re.sub(f"([{re.escape(_KEPT_SYMBOLS)}])", r" \1 ", kept)
    return " ".join(spaced.split())


def _contains(text: str, phrase: str) -> bool:
    """The phrase starts at a word boundary (`cost` finds `costs`, not `accost`)."""
    wanted = normalise_text(phrase)
    return bool(wanted) and re.search(r"(?<![0-9a-z])" + re.escape(wanted), text) is not None


def _exact(column: Column, text: str) -> bool:
    return text in {normalise_text(name) for name in (column.header, *column.aliases)}


def _by_meaning(column: Column, text: str) -> bool:
    if any(_contains(text, word) for word in column.exclude):
        return False
    return any(all(_contains(text, phrase) for phrase in phrases) for phrases in column.match)


def describe(column: Column) -> str:
    sets = " or ".join("+".join(repr(p) for p in phrases) for phrases in column.match)
    unless = f", without {', '.join(map(repr, column.exclude))}" if column.exclude else ""
    return f"{column.header!r}" + (f" (a header with {sets}{unless})" if sets else "")


@dataclass(frozen=True)
class HeaderMatch:
    names: list[str]  # per file cell: the column's declared header, or _extra_N
    extras: list[str]
    missing_optional: list[Column]
    reworded: list[str]  # "file text -> column" for cells matched by meaning


def _claims(spec: SourceSpec, text: str) -> list[Column]:
    exact = [c for c in spec.columns if _exact(c, text)]
    return exact or [c for c in spec.columns if _by_meaning(c, text)]


def match_profile_header(spec: SourceSpec, found: list[str]) -> HeaderMatch:
    texts = [normalise_text(cell) for cell in found]
    owner: dict[str, int] = {}
    names: list[str] = []
    extras: list[str] = []
    reworded: list[str] = []
    for position, (cell, text) in enumerate(zip(found, texts, strict=True)):
        claims = _claims(spec, text) if text else []
        if len(claims) > 1:
            raise FileRejected(
                "ambiguous columns",
                f"header cell {position + 1} {_short(cell)} could be any of "
                f"{', '.join(describe(c) for c in claims)}; the {spec.profile} profile "
                "(source_profiles/) must tell them apart",
            )
        if not claims:
            extras.append(cell)
            names.append(f"_extra_{len(extras)}")
            continue
        column = claims[0]
        if column.header in owner:
            first = owner[column.header]
            raise FileRejected(
                "duplicate columns",
                f"header cells {first + 1} {_short(found[first])} and {position + 1} "
                f"{_short(cell)} both look like {describe(column)}",
            )
        owner[column.header] = position
        names.append(column.header)
        if not _exact(column, text):
            reworded.append(f"{_short(cell)} as {column.header!r}")
    missing = [c for c in spec.columns if c.header not in owner]
    required = [c for c in missing if c.required]
    if required:
        raise FileRejected(
            "missing columns",
            f"the {spec.profile} profile (source_profiles/{spec.profile}.yml) found no header "
            f"for {'; '.join(describe(c) for c in required)}; the file's header has "
            f"{[_flat(cell, 80) for cell in found]}",
        )
    return HeaderMatch(names, extras, [c for c in missing if not c.required], reworded)


def _flat(cell: str, limit: int) -> str:
    flat = " ".join(cell.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _short(cell: str, limit: int = 60) -> str:
    return repr(_flat(cell, limit))
