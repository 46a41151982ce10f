"""What the executive summary shows, read from the marts in a handful of set-based queries.

Each figure names the mart it comes from, so a reader (and the tests) can check a tile against
the warehouse:

- the headline tiles: fct_portfolio_earned_value_monthly (rollup 'portfolio_total'), the
  reporting cut-off's month against the month before. Every tile covers the same set, the
  active projects (neither completed nor cancelled): BAC, AC, EAC = BAC / CPI, VAC = BAC - EAC,
  CPI and SPI, so each tile equals its stated formula on the others;
- completed and cancelled projects apart (ClosedProjects): final cost, and the budget that
  cancellations released (never an underrun);
- projects by computed health: fct_project_health (the mart keeps no history, so no change);
- budget vs actual vs latest forecast by fiscal month: fct_portfolio_financials_monthly;
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


@dataclass(frozen=True)
class ClosedProjects:
    """Completed and cancelled projects at the cut-off, shown apart from the headline set."""

    active_count: int
    active_rebaselined_budget: float | None  # what re-baselines added to the active projects' BAC
    completed_count: int
    completed_bac: float | None
    completed_ac: float | None
    cancelled_count: int
    cancelled_bac: float | None
    cancelled_ac: float | None
    released_budget: float | None  # cancelled BAC - cancelled AC


# (key, label, mart column, kind, which change is worse); every column covers the active projects
HEADLINE_TILES = (
    ("bac", "Budget at completion (BAC), active projects", "active_bac", "money", None),
    ("ac", "Actual cost to date (AC), active projects", "active_ac", "money", None),
    ("eac", "Estimate at completion (EAC = BAC / CPI)", "eac_cpi", "money", "up"),
    ("vac", "Variance at completion (VAC = BAC - EAC)", "vac", "money", "down"),
    ("cpi", "CPI (EV / AC)", "active_cpi", "ratio", "down"),
    ("spi", "SPI (EV / PV)", "active_spi", "ratio", "down"),
)


def load_tiles(con: duckdb.DuckDBPyConnection) -> tuple[Tile, ...]:
    columns = ", ".join(column for _, _, column, _, _ in HEADLINE_TILES)
    ev = _fetch(
        con,
        f"""
        select month_start_date, {columns}
        from marts.fct_portfolio_earned_value_monthly
        where rollup_level = ?
        order by month_start_date desc
        limit 2
        """,
        [PORTFOLIO_TOTAL],
    )
    empty = (None,) * (len(HEADLINE_TILES) + 1)
    now = ev[0] if ev else empty
    before = ev[1] if len(ev) > 1 else empty
    since = f"since {_date(before[0]):%b %Y}" if before[0] is not None else "no earlier month"
    return tuple(
        Tile(key, label, kind, _float(now[i]), _float(before[i]), since,
             "fct_portfolio_earned_value_monthly", worse)
        for i, (key, label, _, kind, worse) in enumerate(HEADLINE_TILES, start=1)
    )  # fmt: skip


def load_closed_projects(con: duckdb.DuckDBPyConnection) -> ClosedProjects | None:
    rows = _fetch(
        con,
        """
        select active_project_count, active_rebaselined_budget, completed_project_count,
            completed_bac, completed_ac, cancelled_project_count, cancelled_bac, cancelled_ac,
            released_budget
        from marts.fct_portfolio_earned_value_monthly
        where rollup_level = ? and is_as_of_month
        """,
        [PORTFOLIO_TOTAL],
    )
    if not rows:
        return None
    active, rebaselined, completed, c_bac, c_ac, cancelled, x_bac, x_ac, released = rows[0]
    return ClosedProjects(
        int(active), _float(rebaselined), int(completed), _float(c_bac), _float(c_ac),
        int(cancelled), _float(x_bac), _float(x_ac), _float(released),
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
        select month_start_date, fiscal_period, budget, forecast, actual_ytd
        from marts.fct_portfolio_financials_monthly
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
        select month_start_date, active_cpi, active_spi
        from marts.fct_portfolio_earned_value_monthly
        where rollup_level = ?
        order by month_start_date
        """,
        [PORTFOLIO_TOTAL],
    )
    return tuple(TrendPoint(_date(m), _float(c), _float(s)) for m, c, s in rows)
