"""The published exports' data-quality findings and their history, for the published page.

`marts.fct_published_data_findings` holds warnings about the latest extract that are not a
figure against its formula (an agency name that is not its code's, a lifecycle cost out of
proportion to the same row's planned cost); `marts.fct_published_earlier_extract_projects` the
projects of older extracts that the latest one no longer lists. Both are shown, never block.
A warehouse without these marts (built before them) reads as no findings and no history.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.sql_helpers import fetch_dicts

FINDINGS_TABLE = "marts.fct_published_data_findings"
FINDING_LIST_CAP = 200
_COLUMNS = (
    "source_profile", "project_id", "project_name", "finding_type", "evidence", "figure",
    "figure_value", "compared_figure", "compared_value", "ratio", "source_file", "source_row",
)  # fmt: skip


@dataclass(frozen=True)
class DataFinding:
    source_profile: str
    project_id: str | None
    project_name: str | None
    finding_type: str
    evidence: str
    figure: str | None
    figure_value: float | None
    compared_figure: str | None
    compared_value: float | None
    ratio: float | None
    source_file: str | None
    source_row: int | None


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {str(r[0]) for r in rows}


def load_findings(
    con: duckdb.DuckDBPyConnection, cap: int = FINDING_LIST_CAP
) -> dict[str, tuple[DataFinding, ...]]:
    """Per profile, its findings (out of proportion first, largest ratio first), at most cap."""
    if not set(_COLUMNS) <= _columns(con, FINDINGS_TABLE):
        return {}
    # One small query per profile (one or two), so the listing needs no window function.
    order = "ratio desc nulls last, finding_type, source_file, source_row"
    profiles = con.execute(
        f"select distinct source_profile from {FINDINGS_TABLE} order by source_profile"
    ).fetchall()
    rows = [
        row
        for (profile,) in profiles
        for row in fetch_dicts(
            con,
            f"select {', '.join(_COLUMNS)} from {FINDINGS_TABLE} "
            f"where source_profile is not distinct from ? order by {order} limit ?",
            [profile, cap],
        )
    ]
    found: dict[str, list[DataFinding]] = {}
    for r in rows:
        found.setdefault(str(r["source_profile"]), []).append(DataFinding(**r))
    return {profile: tuple(items) for profile, items in found.items()}
