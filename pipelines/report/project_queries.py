"""Everything the project one-pagers show, for every project at once.

Rendering 5,000 one-pagers must not mean 5,000 x 6 queries: each mart is read once, ordered by
project, and grouped in Python into one ProjectPage per project. The values are plain frozen
dataclasses (no cursor, no DataFrame), like the rest of the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import duckdb

from pipelines.report.queries import _fetch, _float, _text

T = TypeVar("T")


@dataclass(frozen=True)
class ProjectInfo:
    """Attributes (dim_projects), cost position (fct_project_cost_performance), health."""

    project_id: str
    project_name: str | None
    portfolio: str | None
    program: str | None
    sponsor: str | None
    project_manager: str | None
    business_unit: str | None
    category: str | None
    strategic_theme: str | None
    phase: str | None
    status: str | None
    percent_complete: float | None
    baseline_start_date: date | None
    baseline_finish_date: date | None
    forecast_start_date: date | None
    forecast_finish_date: date | None
    budget_at_completion: float | None
    capex_budget: float | None
    opex_budget: float | None
    forecast_at_completion: float | None
    labour_cost_to_date: float | None
    non_labour_cost_to_date: float | None
    actual_cost_to_date: float | None
    forecast_variance: float | None
    reported_rag: str | None
    computed_rag: str | None
    is_reported_green_computed_red: bool
    is_health_assessed: bool
    health_reasons: str | None
    unrated_measures: str | None
    cpi: float | None
    cpi_rag: str | None
    spi: float | None
    spi_rag: str | None
    finish_slip_days: int | None
    finish_slip_days_rag: str | None
    days_since_status_update: int | None
    days_since_status_update_rag: str | None
    last_status_update_date: date | None
    # the first-baseline view (fct_project_health): a re-baseline never hides what moved
    rebaseline_count: int
    rebaselined_budget_change: float | None
    rebaselined_finish_days: int | None
    finish_slip_days_vs_first_baseline: int | None
    original_baseline_finish_date: date | None
    # the time-based SPI and the PM forecast against BAC / CPI, rated like the others
    spi_t: float | None
    spi_t_rag: str | None
    forecast_optimism_pct: float | None
    forecast_optimism_pct_rag: str | None
    # earned value against the first baseline at the cut-off (fct_project_earned_value)
    cv_first_baseline: float | None
    sv_first_baseline: float | None
    # the S-curve's reference lines, at the cut-off (fct_project_earned_value, the figures the
    # exceptions and the summary use): BAC and the PM's forecast of the extract EV is measured on
    ev_bac: float | None
    eac: float | None
    ev_fac: float | None
    ev_extract_date: date | None


@dataclass(frozen=True)
class CurveMonth:
    """A month of the whole-life S-curve (fct_project_earned_value_curve)."""

    month_start_date: date
    pv: float | None
    ev: float | None
    ac: float | None
    is_after_cutoff: bool


@dataclass(frozen=True)
class Milestone:
    milestone_name: str | None
    baseline_date: date | None
    forecast_date: date | None
    actual_date: date | None
    schedule_variance_days: int | None  # negative = late (mart convention)
    is_achieved: bool
    is_overdue: bool
    first_baseline_date: date | None
    slip_days_vs_first_baseline: int | None  # positive = late against the first plan

    @property
    def slip_days(self) -> int | None:
        """Days late, positive = late: the sign the one-pager shows (opposite of the mart's)."""
        return None if self.schedule_variance_days is None else -self.schedule_variance_days


@dataclass(frozen=True)
class CostMonth:
    month_start_date: date
    labour_cost: float | None
    non_labour_cost: float | None
    total_cost: float | None


@dataclass(frozen=True)
class StatusExtract:
    extract_date: date
    status: str | None
    phase: str | None
    reported_rag: str | None
    percent_complete: float | None
    baseline_finish_date: date | None
    forecast_finish_date: date | None
    finish_slip_days: int | None
    budget_at_completion: float | None
    forecast_at_completion: float | None
    is_rebaselined: bool
    is_status_update: bool


@dataclass(frozen=True)
class Rebaseline:
    rebaseline_date: date
    previous_baseline_finish_date: date | None
    baseline_finish_date: date | None
    baseline_finish_moved_days: int | None
    finish_slip_days_hidden: int | None
    budget_at_completion_change: float | None


@dataclass(frozen=True)
class ProjectPage:
    info: ProjectInfo
    curve: tuple[CurveMonth, ...]
    milestones: tuple[Milestone, ...]
    costs: tuple[CostMonth, ...]
    history: tuple[StatusExtract, ...]
    rebaselines: tuple[Rebaseline, ...]


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _grouped(
    con: duckdb.DuckDBPyConnection, sql: str, build: Callable[[tuple[Any, ...]], T]
) -> dict[str, tuple[T, ...]]:
    """Run sql (first column project_id, ordered within a project) and group rows by project."""
    groups: dict[str, list[T]] = defaultdict(list)
    for row in _fetch(con, sql):
        groups[str(row[0])].append(build(row[1:]))
    return {pid: tuple(items) for pid, items in groups.items()}


# The marts every project's facts (ProjectInfo) are read from: the exceptions, the index's
# directory and the one-pagers show them.
PROJECT_FACT_MARTS = (
    "dim_projects",
    "fct_project_cost_performance",
    "fct_project_health",
    "fct_project_earned_value",
)

_INFO_SQL = """
select
    d.project_id, d.project_name, d.portfolio, d.program, d.sponsor, d.project_manager,
    d.business_unit, d.category, d.strategic_theme, d.phase, d.status, d.percent_complete,
    d.baseline_start_date, d.baseline_finish_date, d.forecast_start_date, d.forecast_finish_date,
    d.budget_at_completion, d.capex_budget, d.opex_budget, d.forecast_at_completion,
    c.labour_cost_to_date, c.non_labour_cost_to_date, c.actual_cost_to_date,
    c.forecast_variance,
    d.reported_rag, h.computed_rag, coalesce(h.is_reported_green_computed_red, false),
    coalesce(h.is_health_assessed, false), h.health_reasons, h.unrated_measures,
    h.cpi, h.cpi_rag, h.spi, h.spi_rag, h.finish_slip_days, h.finish_slip_days_rag,
    h.days_since_status_update, h.days_since_status_update_rag, h.last_status_update_date,
    coalesce(h.rebaseline_count, 0), h.rebaselined_budget_change, h.rebaselined_finish_days,
    h.finish_slip_days_vs_first_baseline, h.original_baseline_finish_date,
    h.spi_t, h.spi_t_rag, h.forecast_optimism_pct, h.forecast_optimism_pct_rag,
    e.cv_first_baseline, e.sv_first_baseline, e.bac, e.eac_cpi, e.fac, e.reporting_extract_date
from marts.dim_projects as d
left join marts.fct_project_cost_performance as c on d.project_id = c.project_id
left join marts.fct_project_health as h on d.project_id = h.project_id
left join marts.fct_project_earned_value as e on d.project_id = e.project_id
order by d.project_id
"""

# numbers: percent complete, money, the indices and ratios
_NUMBER_COLUMNS = {11} | set(range(16, 24)) | {30, 32, 40, 44, 46, 48, 49, 50, 51, 52}
_DATE_COLUMNS = {12, 13, 14, 15, 38, 43, 53}
_INT_COLUMNS = {34, 36, 39, 41, 42}


def _info(row: tuple[Any, ...]) -> ProjectInfo:
    values: list[Any] = []
    for i, value in enumerate(row):
        if i == 0:
            values.append(str(value))
        elif i in _NUMBER_COLUMNS:
            values.append(_float(value))
        elif i in _DATE_COLUMNS:
            values.append(_day(value))
        elif i in _INT_COLUMNS:
            values.append(_int(value))
        elif i in (26, 27):
            values.append(bool(value))
        else:
            values.append(_text(value))
    return ProjectInfo(*values)


def load_project_infos(con: duckdb.DuckDBPyConnection) -> tuple[ProjectInfo, ...]:
    return tuple(_info(row) for row in _fetch(con, _INFO_SQL))


def load_project_pages(
    con: duckdb.DuckDBPyConnection,
    infos: tuple[ProjectInfo, ...],
    rebaselines: dict[str, tuple[Rebaseline, ...]],
    cutoff: date,
) -> list[ProjectPage]:
    """One ProjectPage per project in infos, from four more queries in total.

    The cost months stop at the reporting cut-off, like every cost to date on the page: a month
    after it is "since close" (the page header states the since-close total).
    """
    curve = _grouped(
        con,
        """
        select project_id, month_start_date, pv, ev, ac, is_after_cutoff
        from marts.fct_project_earned_value_curve
        order by project_id, month_start_date
        """,
        lambda r: CurveMonth(r[0], _float(r[1]), _float(r[2]), _float(r[3]), bool(r[4])),
    )
    milestones = _grouped(
        con,
        """
        select project_id, milestone_name, baseline_date, forecast_date, actual_date,
            schedule_variance_days, is_achieved, is_overdue, first_baseline_date,
            slip_days_vs_first_baseline
        from marts.fct_milestones
        order by project_id, baseline_date nulls last, milestone_id
        """,
        lambda r: Milestone(_text(r[0]), _day(r[1]), _day(r[2]), _day(r[3]), _int(r[4]),
                            bool(r[5]), bool(r[6]), _day(r[7]), _int(r[8])),
    )  # fmt: skip
    costs = _grouped(
        con,
        """
        select project_id, month_start_date, labour_cost, non_labour_cost, total_cost
        from marts.fct_project_costs
        order by project_id, month_start_date
        """,
        lambda r: CostMonth(r[0], _float(r[1]), _float(r[2]), _float(r[3])),
    )
    history = _grouped(
        con,
        """
        select project_id, extract_date, status, phase, reported_rag, percent_complete,
            baseline_finish_date, forecast_finish_date, finish_slip_days, budget_at_completion,
            forecast_at_completion, coalesce(is_rebaselined, false),
            coalesce(is_status_update, false)
        from marts.fct_project_status_history
        order by project_id, extract_date desc
        """,
        lambda r: StatusExtract(r[0], _text(r[1]), _text(r[2]), _text(r[3]), _float(r[4]),
                                _day(r[5]), _day(r[6]), _int(r[7]), _float(r[8]),
                                _float(r[9]), bool(r[10]), bool(r[11])),
    )  # fmt: skip
    return [
        ProjectPage(
            info=info,
            curve=curve.get(info.project_id, ()),
            milestones=milestones.get(info.project_id, ()),
            costs=tuple(c for c in costs.get(info.project_id, ()) if c.month_start_date <= cutoff),
            history=history.get(info.project_id, ()),
            rebaselines=rebaselines.get(info.project_id, ()),
        )
        for info in infos
    ]


def load_rebaselines(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Rebaseline, ...]]:
    return _grouped(
        con,
        """
        select project_id, rebaseline_date, previous_baseline_finish_date, baseline_finish_date,
            baseline_finish_moved_days, finish_slip_days_hidden, budget_at_completion_change
        from marts.fct_project_rebaselines
        order by project_id, rebaseline_date desc
        """,
        lambda r: Rebaseline(r[0], _day(r[1]), _day(r[2]), _int(r[3]), _int(r[4]),
                             _float(r[5])),
    )  # fmt: skip
