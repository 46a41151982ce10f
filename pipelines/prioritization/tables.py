"""The prioritisation marts as DataFrames (docs/marts.md, "Prioritisation"), and their writing.

Money is in the reporting currency; per-fiscal-year amounts are DuckDB MAPs keyed by fiscal year
(`cost_by_fiscal_year[2027]`), so the tables keep one shape whatever the horizon.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from pipelines.prioritization.config import BASELINE
from pipelines.prioritization.inputs import Candidate
from pipelines.prioritization.mart_names import SCHEMA, TABLES
from pipelines.prioritization.portfolio import FloatArray, Portfolio
from pipelines.prioritization.run import Prioritisation
from pipelines.prioritization.selection import Selection

CRITERIA = ("strategic_alignment", "business_value", "time_criticality", "risk")


def _by_year(portfolio: Portfolio, amounts: FloatArray) -> dict[int, float]:
    return {
        year: round(float(a), 2) for year, a in zip(portfolio.fiscal_years, amounts, strict=True)
    }


def scores_frame(result: Prioritisation, candidates: tuple[Candidate, ...]) -> pd.DataFrame:
    p = result.portfolio
    rows = []
    for model, scores in result.scores.items():
        for i, candidate in enumerate(candidates):
            row: dict[str, object] = {
                "scoring_model": model,
                "project_id": candidate.project_id,
                "project_name": candidate.project_name,
                "portfolio": candidate.portfolio,
                "status": candidate.status,
            }
            for name in CRITERIA:
                raw = p.criteria[name][i]
                row[f"{name}_score"] = None if np.isnan(raw) else int(raw)
                normalised = scores.normalised.get(name)
                row[f"{name}_normalised"] = None if normalised is None else float(normalised[i])
            row.update(
                score=float(scores.score[i]),
                value=float(scores.value[i]),
                score_rank=int(scores.rank[i]),
                total_cost=float(p.total_costs[i]),
                cost_by_fiscal_year=_by_year(p, p.costs[i]),
                is_mandatory=bool(p.is_mandatory[i]),
                depends_on_project_ids=[p.project_ids[b] for a, b in p.depends_on if a == i],
                exclusive_group=next(
                    (g for g, members in p.exclusive_groups.items() if i in members), None
                ),
            )
            rows.append(row)
    return pd.DataFrame(rows)


def waterline_cumulative_costs(
    portfolio: Portfolio, selection: Selection, rank: np.ndarray
) -> list[FloatArray | None]:
    """Per candidate, the cost per fiscal year the waterline has committed when it reaches it.

    The waterline funds the mandatory projects (and their prerequisites) first, so the running
    total starts at their cost; walking the rank order, a funded project adds its cost, a
    passed-over one adds nothing (its row shows the total unchanged). The cut row shows the total
    with its cost added: the total that breaks at least one fiscal year's budget, which is why the
    line is drawn there. Below the cut only the funded (mandatory) rows have a total. None for an
    infeasible selection, whose waterline was never drawn.
    """
    totals: list[FloatArray | None] = [None] * portfolio.size
    if not selection.feasible:
        return totals
    required = portfolio.required_closure()
    spent = portfolio.costs[required].sum(axis=0)
    cut = selection.cut_rank
    for i in np.lexsort((np.asarray(portfolio.project_ids), rank)):
        below = cut is not None and int(rank[i]) > cut
        if selection.funded[i] and not required[i]:
            spent = spent + portfolio.costs[i]
        if int(rank[i]) == cut:
            totals[i] = spent + portfolio.costs[i]
        elif not below or selection.funded[i]:
            totals[i] = spent
    return totals


def selections_frame(result: Prioritisation) -> pd.DataFrame:
    rows = []
    for name, scenario in result.scenarios.items():
        p = scenario.portfolio
        for method in ("waterline", "optimal"):
            selection = scenario.selection(method)
            cumulative = (
                waterline_cumulative_costs(p, selection, scenario.scores.rank)
                if method == "waterline"
                else [None] * p.size
            )
            for i, project_id in enumerate(p.project_ids):
                running = cumulative[i]
                rows.append(
                    {
                        "scenario": name,
                        "method": method,
                        "project_id": project_id,
                        "scoring_model": scenario.scores.model,
                        "score_rank": int(scenario.scores.rank[i]),
                        "score": float(scenario.scores.score[i]),
                        "is_feasible": selection.feasible,
                        "is_funded": bool(selection.funded[i]),
                        "is_mandatory": bool(p.is_mandatory[i]),
                        "decision_reason": selection.reasons[i] if selection.reasons else None,
                        "cost": float(p.total_costs[i]),
                        "cost_by_fiscal_year": _by_year(p, p.costs[i]),
                        "value": float(scenario.scores.value[i]),
                        # waterline only; no cut line = everything fitted the budget
                        "is_above_cut_line": (
                            selection.feasible
                            and (
                                selection.cut_rank is None
                                or int(scenario.scores.rank[i]) < selection.cut_rank
                            )
                        )
                        if method == "waterline"
                        else None,
                        # waterline only: what it has committed on reaching this row
                        "cumulative_cost": None if running is None else float(running.sum()),
                        "cumulative_cost_by_fiscal_year": (
                            None if running is None else _by_year(p, running)
                        ),
                    }
                )
    return pd.DataFrame(rows)


def frontier_frame(result: Prioritisation) -> pd.DataFrame:
    p = result.portfolio
    ids = np.asarray(p.project_ids)
    rows = []
    for number, point in enumerate(result.frontier, start=1):
        for method, selection in (("optimal", point.optimal), ("waterline", point.waterline)):
            rows.append(
                {
                    "point_number": number,
                    "budget_factor": point.budget_factor,
                    "method": method,
                    "budget": float(point.budgets.sum()),
                    "budget_by_fiscal_year": _by_year(p, point.budgets),
                    "is_feasible": selection.feasible,
                    "message": selection.message or None,
                    "value": selection.value if selection.feasible else None,
                    "cost": selection.total_cost if selection.feasible else None,
                    "cost_by_fiscal_year": _by_year(p, selection.cost_by_year),
                    "funded_count": int(selection.funded.sum()),
                    "funded_project_ids": [str(x) for x in ids[selection.funded]],
                    "proven_gap": selection.mip_gap if method == "optimal" else None,
                }
            )
    return pd.DataFrame(rows)


def sensitivity_frame(result: Prioritisation) -> pd.DataFrame:
    spread = result.sensitivity
    rows: list[dict[str, object]] = []
    if spread is None:  # the baseline is infeasible: nothing to perturb, but the same columns
        return pd.DataFrame(
            {
                "project_id": pd.Series(dtype="str"),
                "method": pd.Series(dtype="str"),
                "scoring_model": pd.Series(dtype="str"),
                "perturbation_runs": pd.Series(dtype="int64"),
                "is_funded_baseline": pd.Series(dtype="bool"),
                "funded_share": pd.Series(dtype="float64"),
                "is_fragile": pd.Series(dtype="bool"),
                "flipped_by": pd.Series(dtype="object"),
            }
        )
    for method in ("optimal", "waterline"):
        fragile = spread.is_fragile(method)
        for i, project_id in enumerate(result.portfolio.project_ids):
            rows.append(
                {
                    "project_id": project_id,
                    "method": method,
                    "scoring_model": result.baseline_model,
                    "perturbation_runs": spread.runs,
                    "is_funded_baseline": bool(spread.baseline[method][i]),
                    "funded_share": float(spread.funded_share[method][i]),
                    "is_fragile": bool(fragile[i]),
                    "flipped_by": list(spread.flipped_by[method][i]),
                }
            )
    return pd.DataFrame(rows)


def scenarios_frame(result: Prioritisation) -> pd.DataFrame:
    rows = []
    for name, scenario in result.scenarios.items():
        diff = result.diffs[name]
        p = scenario.portfolio
        for method in ("waterline", "optimal"):
            selection = scenario.selection(method)
            other = scenario.selection("waterline" if method == "optimal" else "optimal")
            rows.append(
                {
                    "scenario": name,
                    "scenario_label": scenario.scenario.label,
                    "description": scenario.scenario.description,
                    "is_baseline": name == BASELINE,
                    "scoring_model": scenario.scores.model,
                    "method": method,
                    "is_feasible": selection.feasible,
                    "message": selection.message or None,
                    "budget": float(p.budgets.sum()),
                    "budget_by_fiscal_year": _by_year(p, p.budgets),
                    "funded_count": int(selection.funded.sum()),
                    "value": selection.value if selection.feasible else None,
                    "cost": selection.total_cost if selection.feasible else None,
                    "cost_by_fiscal_year": _by_year(p, selection.cost_by_year),
                    "value_delta_vs_baseline": diff.value_delta[method],
                    "cost_delta_vs_baseline": diff.cost_delta[method],
                    "funded_in_vs_baseline": list(diff.funded_in[method]),
                    "funded_out_vs_baseline": list(diff.funded_out[method]),
                    "value_gain_over_waterline": (
                        selection.value - other.value
                        if method == "optimal" and selection.feasible and other.feasible
                        else None
                    ),
                    "proven_gap": selection.mip_gap if method == "optimal" else None,
                }
            )
    return pd.DataFrame(rows)


def drop_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Remove the five marts (a run with no candidates); returns those that existed."""
    existing = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
        ).fetchall()
    }
    dropped = [table for table in TABLES if table in existing]
    for table in dropped:
        con.execute(f"drop table {SCHEMA}.{table}")
    return dropped


def write_tables(
    con: duckdb.DuckDBPyConnection,
    result: Prioritisation,
    candidates: tuple[Candidate, ...],
    as_of_date: date,
    reporting_currency: str,
) -> dict[str, int]:
    """Replace the five marts; returns rows written per table."""
    frames = dict(
        zip(
            TABLES,
            (
                scores_frame(result, candidates),
                selections_frame(result),
                frontier_frame(result),
                sensitivity_frame(result),
                scenarios_frame(result),
            ),
            strict=True,
        )
    )
    con.execute(f"create schema if not exists {SCHEMA}")
    written: dict[str, int] = {}
    for table, frame in frames.items():
        frame = frame.assign(as_of_date=as_of_date, reporting_currency=reporting_currency)
        columns = []
        for column in frame.columns:
            if column.endswith("_by_fiscal_year"):
                # A MAP keyed by fiscal year: built from key and value lists, since pandas
                # dicts would reach DuckDB as structs with text keys.
                # A row without amounts (None) stays null rather than an empty map.
                amounts = list(frame[column])
                frame[f"{column}__keys"] = pd.Series(
                    [None if d is None else list(d) for d in amounts], dtype="object"
                )
                frame[f"{column}__values"] = pd.Series(
                    [None if d is None else list(d.values()) for d in amounts], dtype="object"
                )
                columns.append(
                    f"case when {column}__keys is not null then map(cast({column}__keys as "
                    f"integer[]), cast({column}__values as double[])) end as {column}"
                )
            else:
                columns.append(column)
        con.register("_prioritization_frame", frame)
        try:
            con.execute(
                f"create or replace table {SCHEMA}.{table} as "
                f"select {', '.join(columns)} from _prioritization_frame"
            )
        finally:
            con.unregister("_prioritization_frame")
        written[table] = len(frame)
    return written
