"""What a run says of the prioritisation's marts (its materialization's metadata and warnings),
from the result it solved or read back from the marts it kept (kept_result.py)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.prioritization.config import BASELINE
from pipelines.prioritization.mart_names import SCHEMA, TABLES
from pipelines.prioritization.run import Prioritisation
from pipelines.sql_helpers import fetch_scalar


@dataclass(frozen=True)
class Outcome:
    """What a run reports of the marts: per table its rows, each infeasible scenario's reason
    (the optimal method's) and the baseline's total value by both methods."""

    rows: dict[str, int]
    scenarios: int
    infeasible: dict[str, str]  # by scenario name, in name order
    baseline_value: dict[str, float | None]


def outcome_of(result: Prioritisation, rows: dict[str, int]) -> Outcome:
    base = result.scenarios[BASELINE]
    return Outcome(
        rows=rows,
        scenarios=len(result.scenarios),
        infeasible={
            name: s.message for name, s in sorted(result.scenarios.items()) if not s.feasible
        },
        baseline_value={"waterline": base.waterline.value, "optimal": base.optimal.value},
    )


def read_outcome(con: duckdb.DuckDBPyConnection) -> Outcome:
    """The same, read back from the marts a run keeps."""
    rows = {
        table: int(fetch_scalar(con, f"select count(*) from {SCHEMA}.{table}")) for table in TABLES
    }
    scenarios = con.execute(
        f"select scenario, method, is_feasible, message, value, is_baseline "
        f"from {SCHEMA}.fct_prioritization_scenarios order by scenario, method"
    ).fetchall()
    return Outcome(
        rows=rows,
        scenarios=len({name for name, *_ in scenarios}),
        infeasible={
            str(name): str(message or "")
            for name, method, feasible, message, _, _ in scenarios
            if method == "optimal" and not feasible
        },
        baseline_value={
            str(method): 0.0 if value is None else float(value)
            for _, method, _, _, value, is_baseline in scenarios
            if is_baseline
        },
    )
