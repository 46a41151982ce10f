"""What the prioritisation page shows, read from the tables the prioritisation step writes.

Nothing is recomputed here: ranks, selections, the waterline's running cost per fiscal year, the
frontier, the scenarios and each method's fragility are columns of `marts.fct_prioritization_*`
(pipelines/prioritization/tables.py, docs/marts.md "Prioritisation"). The only arithmetic is on
what the page displays: a difference shown beside its parts is the difference of the parts as
shown (rounded half up), so the page always adds up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from pipelines.prioritization.mart_names import TABLES
from pipelines.report.formatting import displayed_difference
from pipelines.sql_helpers import fetch_dicts

BASELINE = "baseline"
METHODS = ("waterline", "optimal")
POINT_PLACES = 1  # score points are shown with one decimal
MONEY_PLACES = 0  # money in whole units of the reporting currency


@dataclass(frozen=True)
class RankedRow:
    rank: int
    project_id: str
    project_name: str
    portfolio: str
    score: float
    cost: float
    # what the waterline has committed on reaching this row, per fiscal year (page's years)
    cumulative_cost: tuple[float | None, ...]
    breaks_budget: tuple[bool, ...]  # the cut row: the fiscal years whose budget it breaks
    is_mandatory: bool
    waterline_funded: bool
    waterline_reason: str
    optimal_funded: bool
    fragile_methods: tuple[str, ...]  # the methods whose decision flips under moved weights

    @property
    def weights_label(self) -> str:
        """ "stable", or for which method the decision is fragile: "fragile (waterline)"."""
        if not self.fragile_methods:
            return "stable"
        return f"fragile ({', '.join(self.fragile_methods)})"


@dataclass(frozen=True)
class FrontierRow:
    budget_factor: float
    budget: float
    optimal_value: float | None
    optimal_cost: float | None
    optimal_count: int
    waterline_value: float | None
    proven_gap: float | None
    message: str | None

    @property
    def shown_gap(self) -> Decimal | None:
        """Optimal less waterline value, from the values as shown."""
        return displayed_difference(self.optimal_value, self.waterline_value, POINT_PLACES)


@dataclass(frozen=True)
class ScenarioRow:
    scenario: str
    label: str
    description: str
    scoring_model: str
    method: str
    is_feasible: bool
    message: str | None
    budget: float
    funded_count: int
    value: float | None
    cost: float | None
    value_delta: Decimal | None  # against the baseline, same method, from the shown values
    cost_delta: Decimal | None
    funded_in: tuple[str, ...]
    funded_out: tuple[str, ...]
    gain_over_waterline: Decimal | None  # optimal rows, from the shown values


@dataclass(frozen=True)
class FragileRow:
    project_id: str
    project_name: str
    method: str
    is_funded_baseline: bool
    funded_share: float
    flipped_by: tuple[str, ...]


@dataclass(frozen=True)
class PrioritizationData:
    as_of_date: date | None
    currency: str
    scoring_model: str
    fiscal_years: tuple[int, ...]  # the baseline's horizon, in order
    budget_by_year: tuple[float | None, ...]  # the baseline budget of each of those years
    ranked: tuple[RankedRow, ...]
    cut_after_rank: int | None  # the waterline falls below this rank
    frontier: tuple[FrontierRow, ...]
    scenarios: tuple[ScenarioRow, ...]
    fragile: tuple[FragileRow, ...]
    perturbation_runs: int
    missing_tables: tuple[str, ...]

    @property
    def baseline(self) -> dict[str, ScenarioRow]:
        return {row.method: row for row in self.scenarios if row.scenario == BASELINE}

    @property
    def largest_frontier_gap(self) -> Decimal | None:
        gaps = [gap for row in self.frontier if (gap := row.shown_gap) is not None]
        return max(gaps, default=None)


def _by_year(
    amounts: Mapping[int, float] | None, years: tuple[int, ...]
) -> tuple[float | None, ...]:
    if amounts is None:
        return tuple(None for _ in years)
    return tuple(None if amounts.get(y) is None else float(amounts[y]) for y in years)


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }


def _scenarios(con: duckdb.DuckDBPyConnection) -> list[ScenarioRow]:
    rows = fetch_dicts(
        con,
        "select * from marts.fct_prioritization_scenarios "
        "order by is_baseline desc, scenario, method desc",
    )
    base = {r["method"]: r for r in rows if r["scenario"] == BASELINE}
    by_scenario = {(r["scenario"], r["method"]): r for r in rows}
    scenarios = []
    for r in rows:
        same = base.get(r["method"], {})
        waterline = by_scenario.get((r["scenario"], "waterline"), {})
        scenarios.append(
            ScenarioRow(
                scenario=r["scenario"],
                label=r["scenario_label"],
                description=r["description"],
                scoring_model=r["scoring_model"],
                method=r["method"],
                is_feasible=bool(r["is_feasible"]),
                message=r["message"],
                budget=float(r["budget"]),
                funded_count=int(r["funded_count"]),
                value=r["value"],
                cost=r["cost"],
                value_delta=None
                if r["value_delta_vs_baseline"] is None
                else displayed_difference(r["value"], same.get("value"), POINT_PLACES),
                cost_delta=None
                if r["cost_delta_vs_baseline"] is None
                else displayed_difference(r["cost"], same.get("cost"), MONEY_PLACES),
                funded_in=tuple(r["funded_in_vs_baseline"] or ()),
                funded_out=tuple(r["funded_out_vs_baseline"] or ()),
                gain_over_waterline=None
                if r["value_gain_over_waterline"] is None
                else displayed_difference(r["value"], waterline.get("value"), POINT_PLACES),
            )
        )
    return scenarios


def _ranked(con: duckdb.DuckDBPyConnection, years: tuple[int, ...]) -> tuple[RankedRow, ...]:
    rows = fetch_dicts(
        con,
        """
        select
            w.score_rank, w.project_id, s.project_name, s.portfolio, w.score, w.cost,
            w.cumulative_cost_by_fiscal_year, b.budget_by_fiscal_year,
            w.is_mandatory, w.is_funded as waterline_funded, w.decision_reason,
            o.is_funded as optimal_funded,
            coalesce(fw.is_fragile, false) as is_fragile_waterline,
            coalesce(fo.is_fragile, false) as is_fragile_optimal
        from marts.fct_prioritization_selections as w
        join marts.fct_prioritization_selections as o
            on o.scenario = w.scenario and o.project_id = w.project_id and o.method = 'optimal'
        join marts.fct_prioritization_scores as s
            on s.project_id = w.project_id and s.scoring_model = w.scoring_model
        join marts.fct_prioritization_scenarios as b
            on b.scenario = w.scenario and b.method = w.method
        left join marts.fct_prioritization_sensitivity as fw
            on fw.project_id = w.project_id and fw.method = 'waterline'
        left join marts.fct_prioritization_sensitivity as fo
            on fo.project_id = w.project_id and fo.method = 'optimal'
        where w.scenario = 'baseline' and w.method = 'waterline'
        order by w.score_rank
        """,
    )
    ranked = []
    for r in rows:
        cumulative = _by_year(r["cumulative_cost_by_fiscal_year"], years)
        budgets = _by_year(r["budget_by_fiscal_year"], years)
        is_cut = str(r["decision_reason"] or "").startswith("below the waterline (first")
        ranked.append(
            RankedRow(
                rank=int(r["score_rank"]),
                project_id=r["project_id"],
                project_name=r["project_name"],
                portfolio=r["portfolio"],
                score=float(r["score"]),
                cost=float(r["cost"]),
                cumulative_cost=cumulative,
                breaks_budget=tuple(
                    is_cut and c is not None and b is not None and c > b
                    for c, b in zip(cumulative, budgets, strict=True)
                ),
                is_mandatory=bool(r["is_mandatory"]),
                waterline_funded=bool(r["waterline_funded"]),
                waterline_reason=r["decision_reason"] or "",
                optimal_funded=bool(r["optimal_funded"]),
                fragile_methods=tuple(m for m in METHODS if r[f"is_fragile_{m}"]),
            )
        )
    return tuple(ranked)


def _frontier(con: duckdb.DuckDBPyConnection) -> tuple[FrontierRow, ...]:
    return tuple(
        FrontierRow(
            budget_factor=float(r["budget_factor"]),
            budget=float(r["budget"]),
            optimal_value=r["optimal_value"],
            optimal_cost=r["optimal_cost"],
            optimal_count=int(r["optimal_count"]),
            waterline_value=r["waterline_value"],
            proven_gap=r["proven_gap"],
            message=r["message"],
        )
        for r in fetch_dicts(
            con,
            """
            select
                o.budget_factor, o.budget, o.value as optimal_value, o.cost as optimal_cost,
                o.funded_count as optimal_count, w.value as waterline_value, o.proven_gap,
                o.message
            from marts.fct_prioritization_frontier as o
            join marts.fct_prioritization_frontier as w
                on w.point_number = o.point_number and w.method = 'waterline'
            where o.method = 'optimal'
            order by o.point_number
            """,
        )
    )


def _fragile(con: duckdb.DuckDBPyConnection) -> tuple[FragileRow, ...]:
    return tuple(
        FragileRow(
            project_id=r["project_id"],
            project_name=r["project_name"],
            method=r["method"],
            is_funded_baseline=bool(r["is_funded_baseline"]),
            funded_share=float(r["funded_share"]),
            flipped_by=tuple(r["flipped_by"] or ()),
        )
        for r in fetch_dicts(
            con,
            """
            select f.project_id, s.project_name, f.method, f.is_funded_baseline, f.funded_share,
                f.flipped_by
            from marts.fct_prioritization_sensitivity as f
            join marts.fct_prioritization_scores as s
                on s.project_id = f.project_id and s.scoring_model = f.scoring_model
            where f.is_fragile
            order by f.method, abs(f.funded_share - 0.5), f.project_id
            """,
        )
    )


def load_prioritization(con: duckdb.DuckDBPyConnection) -> PrioritizationData:
    missing = tuple(t for t in TABLES if t not in _present(con))
    if missing:
        return PrioritizationData(None, "", "", (), (), (), None, (), (), (), 0, missing)
    meta: Any = con.execute(
        "select as_of_date, reporting_currency, scoring_model, budget_by_fiscal_year "
        "from marts.fct_prioritization_scenarios "
        "where scenario = 'baseline' and method = 'waterline'"
    ).fetchone()
    as_of, currency, model, budgets = meta if meta else (None, "", "", None)
    years = tuple(sorted(budgets or {}))
    ranked = _ranked(con, years)
    cut = next(
        (
            row.rank
            for row in ranked
            if row.waterline_reason.startswith("below the waterline (first")
        ),
        None,
    )
    runs: Any = con.execute(  # the same on every row
        "select perturbation_runs from marts.fct_prioritization_sensitivity limit 1"
    ).fetchone()
    return PrioritizationData(
        as_of_date=as_of,
        currency=str(currency or ""),
        scoring_model=str(model or ""),
        fiscal_years=years,
        budget_by_year=_by_year(budgets, years),
        ranked=ranked,
        cut_after_rank=(cut - 1) if cut is not None else None,
        frontier=_frontier(con),
        scenarios=tuple(_scenarios(con)),
        fragile=_fragile(con),
        perturbation_runs=int(runs[0] or 0) if runs else 0,
        missing_tables=(),
    )
