"""Views that sum the load manifest and the quarantine for those who read them (the report).

They are defined by the side that writes the two tables, with their DDL (warehouse_tables.py),
and not as dbt marts: the quality page and the index must render on a blocked run too, where dbt
never ran. The report reads them as they are (it aggregates nothing itself,
tests/test_report_layer.py), so an analyst querying the warehouse gets the rows the page shows.
Their columns are described in docs/exports.md.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.values import DATE_RULES

NEWEST_EXTRACTS_VIEW = "raw.newest_loaded_extracts"
QUARANTINE_COUNTS_VIEW = "audit.quarantine_counts"
QUARANTINE_LISTING_VIEW = "audit.quarantine_listing"

# The rules that judge one cell against its column's type (pipelines/ingest/column_checks.py):
# their entries are failing cells; every other rule judges a whole row.
_CELL_RULES = ", ".join(f"'{rule}'" for rule in DATE_RULES)


def _newest_extracts(manifest: str) -> str:
    # A source whose loaded files carry no extract date keeps its row (newest date null): the
    # index still lists it, its data date unknown.
    return f"""
    select source, max(extract_date) as newest_extract_date
    from {manifest}
    where status = 'loaded'
    group by source
    """


def _quarantine_counts(quarantine: str) -> str:
    # One set-aside row has one entry per rule it broke, so entries, rows and cells are three
    # counts. A row is its file (name and content hash) and line; a file-level entry has no line.
    return f"""
    select
        run_id,
        source,
        count(*) as entries,
        count(distinct (source_file, source_file_hash, coalesce(source_row, -1)))
            as rows_set_aside,
        count(*) filter (
            where column_name is not null and rule in ({_CELL_RULES})
        ) as failing_cells
    from {quarantine}
    group by run_id, source
    """


def _quarantine_listing(quarantine: str) -> str:
    # The quality page lists each source's first entries in file and line order: the position
    # lets a reader take the first n of every source with a plain filter.
    return f"""
    select
        *,
        row_number() over (
            partition by run_id, source order by source_file, source_row, column_name, rule
        ) as position_in_source
    from {quarantine}
    """


def ensure_summary_views(con: duckdb.DuckDBPyConnection, *, manifest: str, quarantine: str) -> None:
    """(Re)define the views over the manifest and quarantine tables, which must exist.

    `create or replace`: a warehouse an earlier version built gets today's definitions.
    """
    for name, query in (
        (NEWEST_EXTRACTS_VIEW, _newest_extracts(manifest)),
        (QUARANTINE_COUNTS_VIEW, _quarantine_counts(quarantine)),
        (QUARANTINE_LISTING_VIEW, _quarantine_listing(quarantine)),
    ):
        con.execute(f"create or replace view {name} as {query}")
