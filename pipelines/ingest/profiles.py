"""Source profiles: a real tool's export mapped onto a raw table by a declarative file.

Each `source_profiles/<profile>.yml` names one source (raw table, landing folder, file names, how
its files are dated) and its columns: the canonical name, the header as the publisher writes it,
how to recognise that header when the wording drifts, and how to read the cells. docs/profiles.md
is the reader's guide to the format. A mistake in a profile file stops the import with the file
and the field, because a half-understood mapping would load wrong figures.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any, get_args

import yaml  # type: ignore[import-untyped,unused-ignore]  # typed in some PyYAML builds only

from pipelines.ingest.spec import Column, Parse, SourceSpec

_TYPES = {
    "text": "VARCHAR",
    "number": "DOUBLE",
    "whole number": "BIGINT",
    "date": "DATE",
    "percent": "DOUBLE",
}
_COLUMN_KEYS = {
    "name",
    "header",
    "aliases",
    "match",
    "exclude",
    "type",
    "required",
    "date_formats",
    "decode_html",
    "keeps_null_reason",
    "description",
}
_SOURCE_KEYS = {"name", "folder", "files", "snapshot", "description", "extract_date"}


class ProfileError(ValueError):
    """A profile file that cannot be understood; the message names the file and the field."""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ProfileError(f"{where}: expected a string or a list of strings, got {value!r}")


def _phrase_sets(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    """`match` is a list of phrase sets; a bare string or list of strings is one set each."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ProfileError(f"{where}: expected a list of phrase lists, got {value!r}")
    return tuple(_strings(item, where) for item in value)


def _column(raw: Any, where: str) -> Column:
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: a column must be a mapping, got {raw!r}")
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise ProfileError(
            f"{where}: unknown key(s) {sorted(unknown)}; allowed {sorted(_COLUMN_KEYS)}"
        )
    for key in ("name", "header", "type"):
        if not isinstance(raw.get(key), str):
            raise ProfileError(f"{where}: `{key}` is required and must be a string")
    kind = raw["type"]
    if kind not in _TYPES:
        raise ProfileError(f"{where}: type {kind!r} is not one of {sorted(_TYPES)}")
    name = raw["name"]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ProfileError(f"{where}: name {name!r} must be snake_case")
    parse: Parse | None = "percent" if kind == "percent" else None
    assert parse is None or parse in get_args(Parse)
    formats = _strings(raw.get("date_formats"), f"{where}.date_formats")
    if formats and kind != "date":
        raise ProfileError(f"{where}: date_formats only apply to a date column")
    return Column(
        header=raw["header"],
        name=name,
        sql_type=_TYPES[kind],
        aliases=_strings(raw.get("aliases"), f"{where}.aliases"),
        match=_phrase_sets(raw.get("match"), f"{where}.match"),
        exclude=_strings(raw.get("exclude"), f"{where}.exclude"),
        required=bool(raw.get("required", True)),
        parse=parse,
        date_formats=formats,
        decode_html=bool(raw.get("decode_html", False)),
        keeps_null_reason=bool(raw.get("keeps_null_reason", False)),
        description=str(raw.get("description", "")),
        date_shapes=kind == "date",
    )


def _extract_date(
    raw: Any, columns: tuple[Column, ...], where: str
) -> tuple[str | None, str | None]:
    """(date column, month-day): dated by a column's latest value, or by the year in the name."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ProfileError(
            f"{where}: extract_date must be {{latest_of: <date column>}} or "
            f"{{year_in_file_name: MM-DD}}, got {raw!r}"
        )
    if "latest_of" in raw:
        column = raw["latest_of"]
        if not any(c.name == column and c.sql_type == "DATE" for c in columns):
            raise ProfileError(f"{where}: latest_of {column!r} is not a date column of the profile")
        return column, None
    month_day = raw.get("year_in_file_name")
    if not isinstance(month_day, str) or not re.fullmatch(r"\d{2}-\d{2}", month_day):
        raise ProfileError(f"{where}: year_in_file_name must be a month-day like 03-31")
    return None, month_day


def load_profile(path: Path) -> SourceSpec:
    where = path.name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ProfileError(f"{where}: cannot be read as YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("source"), dict):
        raise ProfileError(f"{where}: expected a mapping with `profile`, `source` and `columns`")
    source = document["source"]
    unknown = set(source) - _SOURCE_KEYS
    if unknown:
        raise ProfileError(f"{where}: source has unknown key(s) {sorted(unknown)}")
    raw_columns = document.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise ProfileError(f"{where}: `columns` must be a non-empty list")
    columns = tuple(_column(c, f"{where}: columns[{i}]") for i, c in enumerate(raw_columns))
    names = [c.name for c in columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ProfileError(f"{where}: column name(s) {repeated} declared twice")
    profile = document.get("profile")
    if profile != path.stem:
        raise ProfileError(f"{where}: `profile` must be the file's name, {path.stem!r}")
    for key in ("name", "folder", "files", "description"):
        if not isinstance(source.get(key), str):
            raise ProfileError(f"{where}: source.{key} is required and must be a string")
    date_column, month_day = _extract_date(source.get("extract_date"), columns, f"{where}: source")
    return SourceSpec(
        name=source["name"],
        folder=source["folder"],
        file_pattern=re.compile(fnmatch.translate(source["files"]), re.IGNORECASE),
        file_format="csv",
        columns=columns,
        description=source["description"],
        is_snapshot=bool(source.get("snapshot", False)),
        profile=profile,
        extract_date_column=date_column,
        extract_month_day=month_day,
    )


def load_profile_sources(directory: Path) -> tuple[SourceSpec, ...]:
    return tuple(load_profile(path) for path in sorted(directory.glob("*.yml")))
