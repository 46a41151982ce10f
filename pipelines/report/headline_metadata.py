"""The executive summary's headline figures as asset metadata, for the Dagster UI.

An engineer looking at the report asset in the UI sees the same figures the board sees on
summary.html (the same loaders, so they cannot differ): the cut-off, the active projects' BAC,
EAC, VAC, CPI and SPI, the released budget, and how many projects need attention.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.report.cutoff_queries import load_data_cutoff
from pipelines.report.queries import connect_read_only
from pipelines.report.summary_queries import load_closed_projects, load_health_counts, load_tiles


def headline_metadata(warehouse_path: Path) -> dict[str, dg.RawMetadataValue]:
    """Metadata entries named after the tiles; a figure the marts do not have is left out."""
    con = connect_read_only(warehouse_path)
    try:
        cutoff = load_data_cutoff(con)
        tiles = load_tiles(con)
        health = load_health_counts(con)
        closed = load_closed_projects(con)
    finally:
        con.close()
    metadata: dict[str, dg.RawMetadataValue] = {}
    if cutoff is not None:
        metadata["cutoff_date"] = cutoff.cutoff_date.isoformat()
    for tile in tiles:
        if tile.value is not None:
            metadata[f"headline_{tile.key}"] = dg.MetadataValue.float(round(tile.value, 4))
    if closed is not None:
        metadata["active_projects"] = closed.active_count
        if closed.released_budget is not None:
            metadata["released_budget"] = dg.MetadataValue.float(round(closed.released_budget, 2))
    metadata["computed_red_projects"] = health.red
    return metadata
