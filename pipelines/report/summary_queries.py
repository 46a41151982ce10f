"""What the executive summary shows, read from the marts in a handful of set-based queries.

Each figure names the mart it comes from, so a reader (and the tests) can check a tile against
the warehouse:

- total BAC and its change: fct_portfolio_kpi_trend, newest extract vs the one before;
- actual to date, EAC (CPI-based), CPI, SPI and their change: fct_portfolio_earned_value_monthly
  (rollup 'portfolio_total'), the as-of month vs the month before. The marts keep no per-extract
  CPI/SPI, so "the period" of these tiles, and the CPI/SPI trend, is the calendar month;
- projects by computed health: fct_project_health (the mart keeps no history, so no change);
- budget vs actual vs latest forecast by fiscal month: fct_project_financials_monthly;
- investment mix: fct_financial_performance_by_dimension (category, capex_opex, strategic_theme).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.report.queries import _date, _fetch, _float, _text

PORTFOLIO_TOTAL = "portfolio_total"
MIX_DIMENSIONS = (
    ("category", "Run / grow / transform"),
    ("capex_opex", "Capex / opex"),
    ("strategic_theme", "Strategic theme"),
)


@dataclass(frozen=True)
class Tile:
    """A headline figure, its value one period earlier and the change (value - previous)."""

    key: str
    label: str
    kind: str  # money | ratio
    value: float | None
    previous: float | None
    since: str  # what "previous" is, e.g. "since the 2026-11-09 extract"
    source: str
    worse_when: str | None = None  # "up" / "down": which change the page marks as a concern

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def is_worse(self) -> bool:
        delta = self.delta
        if delta is None or self.worse_when is None:
            return False
        return delta > 0 if self.worse_when == "up" else delta < 0


@dataclass(frozen=True)
class HealthCounts:
    red: int
    amber: int
    green: int
    not_rated: int  # closed projects and projects with no rated measure
    reported_green_computed_red: int


@dataclass(frozen=True)
class MonthPlan:
    month_start_date: date
    fiscal_period: int
    budget: float | None
    forecast: float | None
    actual: float | None  # None for months after the fiscal year to date


@dataclass(frozen=True)
class MixRow:
    dimension: str
    value: str
    project_count: int
    budget_at_completion: float | None
    budget_fy: float | None
    actual_ytd: float | None


@dataclass(frozen=True)
class TrendPoint:
    month_start_date: date
    cpi: float | None
    spi: float | None


def load_tiles(con: duckdb.DuckDBPyConnection) -> tuple[Tile, ...]:
    kpi = _fetch(
        con,
        """
        select extract_date, previous_extract_date, budget_at_completion,
            budget_at_completion - budget_at_completion_delta
        from marts.fct_portfolio_kpi_trend
        order by extract_date desc
        limit 1
        """,
    )
    bac = prev_bac = None
    bac_since = "no earlier extract"
    if kpi:
        _, prev_extract, bac_raw, prev_raw = kpi[0]
        bac, prev_bac = _float(bac_raw), _float(prev_raw)
        if prev_extract is not None:
            bac_since = f"since the {_date(prev_extract).isoformat()} extract"
    ev = _fetch(
        con,
        """
        select month_start_date, ac, eac_cpi, cpi, spi
        from marts.fct_portfolio_earned_value_monthly
        where rollup_level = ?
        order by month_start_date desc
        limit 2
        """,
        [PORTFOLIO_TOTAL],
    )
    now = ev[0] if ev else (None, None, None, None, None)
    before = ev[1] if len(ev) > 1 else (None, None, None, None, None)
    ev_since = f"since {_date(before[0]):%b %Y}" if before[0] is not None else "no earlier month"
    source_ev = "fct_portfolio_earned_value_monthly"

    def ev_tile(key: str, label: str, kind: str, column: int, worse: str | None) -> Tile:
        value, previous = _float(now[column]), _float(before[column])
        return Tile(key, label, kind, value, previous, ev_since, source_ev, worse)

    return (
        Tile("bac", "Total budget at completion (BAC)", "money", bac, prev_bac, bac_since,
             "fct_portfolio_kpi_trend"),
        ev_tile("ac", "Actual cost to date (AC)", "money", 1, None),
        ev_tile("eac", "Estimate at completion (EAC = BAC / CPI)", "money", 2, "up"),
        ev_tile("cpi", "Portfolio CPI (EV / AC)", "ratio", 3, "down"),
        ev_tile("spi", "Portfolio SPI (EV / PV)", "ratio", 4, "down"),
    )  # fmt: skip


def load_health_counts(con: duckdb.DuckDBPyConnection) -> HealthCounts:
    red, amber, green, total, watermelons = _fetch(
        con,
        """
        select
            count(*) filter (where computed_rag = 'Red'),
            count(*) filter (where computed_rag = 'Amber'),
            count(*) filter (where computed_rag = 'Green'),
            count(*),
            count(*) filter (where is_reported_green_computed_red)
        from marts.fct_project_health
        """,
    )[0]
    return HealthCounts(
        red=int(red),
        amber=int(amber),
        green=int(green),
        not_rated=int(total) - int(red) - int(amber) - int(green),
        reported_green_computed_red=int(watermelons),
    )


def load_month_plan(con: duckdb.DuckDBPyConnection) -> tuple[MonthPlan, ...]:
    rows = _fetch(
        con,
        """
        select
            month_start_date,
            min(fiscal_period),
            sum(budget),
            sum(forecast),
            case when bool_or(is_ytd) then sum(actual) end
        from marts.fct_project_financials_monthly
        group by month_start_date
        order by month_start_date
        """,
    )
    return tuple(
        MonthPlan(_date(m), int(p), _float(b), _float(f), _float(a)) for m, p, b, f, a in rows
    )


def load_mix(con: duckdb.DuckDBPyConnection) -> tuple[MixRow, ...]:
    dims = [d for d, _ in MIX_DIMENSIONS]
    rows = _fetch(
        con,
        f"""
        select dimension, dimension_value, project_count, budget_at_completion, budget_fy,
            actual_ytd
        from marts.fct_financial_performance_by_dimension
        where dimension in ({", ".join("?" for _ in dims)})
        order by dimension, budget_at_completion desc nulls last, dimension_value
        """,
        dims,
    )
    return tuple(
        MixRow(str(d), _text(v) or "(none)", int(n or 0), _float(bac), _float(fy), _float(ytd))
        for d, v, n, bac, fy, ytd in rows
    )


def load_trend(con: duckdb.DuckDBPyConnection) -> tuple[TrendPoint, ...]:
    rows = _fetch(
        con,
        """
        select month_start_date, cpi, spi
        from marts.fct_portfolio_earned_value_monthly
        where rollup_level = ?
        order by month_start_date
        """,
        [PORTFOLIO_TOTAL],
    )
    return tuple(TrendPoint(_date(m), _float(c), _float(s)) for m, c, s in rows)
