"""What the prioritisation page shows, read from the prioritisation marts (never recomputed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

TABLES = (
    "fct_prioritization_scores",
    "fct_prioritization_selections",
    "fct_prioritization_frontier",
    "fct_prioritization_sensitivity",
    "fct_prioritization_scenarios",
)
BASELINE = "baseline"


@dataclass(frozen=True)
class RankedRow:
    rank: int
    project_id: str
    project_name: str
    portfolio: str
    score: float
    cost: float
    cumulative_cost: float
    is_mandatory: bool
    waterline_funded: bool
    waterline_reason: str
    optimal_funded: bool
    is_fragile: bool


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
    value_delta: float | None
    cost_delta: float | None
    funded_in: tuple[str, ...]
    funded_out: tuple[str, ...]
    gain_over_waterline: float | None


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


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_prioritization(con: duckdb.DuckDBPyConnection) -> PrioritizationData:
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    missing = tuple(t for t in TABLES if t not in present)
    if missing:
        return PrioritizationData(None, "", "", (), None, (), (), (), 0, missing)
    scenarios = [
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
            value_delta=r["value_delta_vs_baseline"],
            cost_delta=r["cost_delta_vs_baseline"],
            funded_in=tuple(r["funded_in_vs_baseline"] or ()),
            funded_out=tuple(r["funded_out_vs_baseline"] or ()),
            gain_over_waterline=r["value_gain_over_waterline"],
        )
        for r in _rows(
            con,
            "select * from marts.fct_prioritization_scenarios "
            "order by is_baseline desc, scenario, method desc",
        )
    ]
    meta = con.execute(
        "select max(as_of_date), max(reporting_currency), max(scoring_model) "
        "from marts.fct_prioritization_scenarios where scenario = 'baseline'"
    ).fetchone()
    as_of, currency, model = meta if meta else (None, "", "")
    ranked_raw = _rows(
        con,
        """
        select
            w.score_rank, w.project_id, s.project_name, s.portfolio, w.score, w.cost,
            sum(w.cost) over (order by w.score_rank) as cumulative_cost,
            w.is_mandatory, w.is_funded as waterline_funded, w.decision_reason,
            o.is_funded as optimal_funded, coalesce(f.is_fragile, false) as is_fragile
        from marts.fct_prioritization_selections as w
        join marts.fct_prioritization_selections as o
            on o.scenario = w.scenario and o.project_id = w.project_id and o.method = 'optimal'
        join marts.fct_prioritization_scores as s
            on s.project_id = w.project_id and s.scoring_model = w.scoring_model
        left join marts.fct_prioritization_sensitivity as f
            on f.project_id = w.project_id and f.method = 'optimal'
        where w.scenario = 'baseline' and w.method = 'waterline'
        order by w.score_rank
        """,
    )
    ranked = tuple(
        RankedRow(
            rank=int(r["score_rank"]),
            project_id=r["project_id"],
            project_name=r["project_name"],
            portfolio=r["portfolio"],
            score=float(r["score"]),
            cost=float(r["cost"]),
            cumulative_cost=float(r["cumulative_cost"]),
            is_mandatory=bool(r["is_mandatory"]),
            waterline_funded=bool(r["waterline_funded"]),
            waterline_reason=r["decision_reason"] or "",
            optimal_funded=bool(r["optimal_funded"]),
            is_fragile=bool(r["is_fragile"]),
        )
        for r in ranked_raw
    )
    cut = next(
        (
            row.rank
            for row in ranked
            if row.waterline_reason.startswith("below the waterline (first")
        ),
        None,
    )
    frontier = tuple(
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
        for r in _rows(
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
    fragile_raw = _rows(
        con,
        """
        select f.project_id, s.project_name, f.method, f.is_funded_baseline, f.funded_share,
            f.flipped_by, f.perturbation_runs
        from marts.fct_prioritization_sensitivity as f
        join marts.fct_prioritization_scores as s
            on s.project_id = f.project_id and s.scoring_model = f.scoring_model
        where f.is_fragile
        order by f.method, abs(f.funded_share - 0.5), f.project_id
        """,
    )
    runs_row = con.execute(
        "select max(perturbation_runs) from marts.fct_prioritization_sensitivity"
    ).fetchone()
    return PrioritizationData(
        as_of_date=as_of,
        currency=str(currency or ""),
        scoring_model=str(model or ""),
        ranked=ranked,
        cut_after_rank=(cut - 1) if cut is not None else None,
        frontier=frontier,
        scenarios=tuple(scenarios),
        fragile=tuple(
            FragileRow(
                project_id=r["project_id"],
                project_name=r["project_name"],
                method=r["method"],
                is_funded_baseline=bool(r["is_funded_baseline"]),
                funded_share=float(r["funded_share"]),
                flipped_by=tuple(r["flipped_by"] or ()),
            )
            for r in fragile_raw
        ),
        perturbation_runs=int(runs_row[0] or 0) if runs_row else 0,
        missing_tables=(),
    )
