"""How far each source's data runs, and the one cut-off every cost figure is measured to.

Read from marts.fct_reporting_cutoff (one row). Every page states it, so a reader sees that the
ledger closed earlier than the timesheets run and that labour after the close is kept apart.
A warehouse without the mart (one that holds only a published export) has no cut-off to state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.report.queries import _fetch, _float


@dataclass(frozen=True)
class DataCutoff:
    cutoff_date: date
    ledger_closed_through: date | None
    timesheets_through: date | None
    projects_extract_date: date | None
    labour_cost_since_close: float | None
    non_labour_cost_since_close: float | None


def load_data_cutoff(con: duckdb.DuckDBPyConnection) -> DataCutoff | None:
    exists = _fetch(
        con,
        "select 1 from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'fct_reporting_cutoff'",
    )
    if not exists:
        return None
    rows = _fetch(
        con,
        """
        select cutoff_date, ledger_closed_through, timesheets_through,
            latest_projects_extract_date, labour_cost_since_close, non_labour_cost_since_close
        from marts.fct_reporting_cutoff
        """,
    )
    if not rows or rows[0][0] is None:
        return None
    cutoff, ledger, timesheets, extract, labour, non_labour = rows[0]
    return DataCutoff(cutoff, ledger, timesheets, extract, _float(labour), _float(non_labour))
