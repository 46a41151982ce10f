"""Set aside a row whose entry key was already loaded from another file.

A time tracker's `Entry ID` (a ledger's `Document No` + `Line`) names one entry for good. A new
week repeating an old week's ids used to replace the old week in the marts with no rule saying
so. The first file to bring a key keeps it; a later file's row with that key is quarantined
(rule `key already loaded`) with a reason naming both files and lines, so a person decides.
A corrected re-send under the same file name is not "another file" and is left to the marts.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.spec import SourceSpec
from pipelines.sql_helpers import quote_identifier as ident

RULE = "key already loaded"


def mark_reused_keys(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, typed: str, source_file: str
) -> None:
    """Mark `typed`'s good rows whose key is in `spec.table` from another file (bad, with rule)."""
    if not spec.entry_key:
        return
    keys = ", ".join(ident(k) for k in spec.entry_key)
    joined = " and ".join(
        f"{typed}.{ident('v__' + k)} = earlier.{ident(k)}" for k in spec.entry_key
    )
    con.execute(
        f"""
        update {typed} set row_rule = '{RULE}', bad = true,
               earlier_file = earlier.source_file, earlier_line = earlier.source_row
        from (
            select {keys}, arg_min(source_file, loaded_at) as source_file,
                   arg_min(source_row, loaded_at) as source_row
            from {spec.table} where source_file <> ?
            group by {keys}
        ) as earlier
        where not {typed}.bad and {joined}
        """,
        [source_file],
    )


def reason_case(spec: SourceSpec, source_file: str) -> str:
    """The CASE branch with the reason for a row `mark_reused_keys` marked (none without a key)."""
    if not spec.entry_key:
        return ""
    return f"when '{RULE}' then {_reason_sql(spec, source_file)}"


def _reason_sql(spec: SourceSpec, source_file: str) -> str:
    """The reason: the key, both files and lines."""
    shown = " || ' ' || ".join(f"coalesce({ident('v__' + k)}::varchar, '')" for k in spec.entry_key)
    names = " + ".join(spec.entry_key)
    here = source_file.replace("'", "''")
    return (
        f"'{names} ' || {shown} || ' was already loaded from ' || earlier_file || ' line ' "
        f"|| earlier_line || '; this row ({here} line ' || source_row || ') is set aside and "
        "the earlier one kept: an id names one entry, so a repeat from another file is not "
        "loaded over it'"
    )
