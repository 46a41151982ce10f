"""The exceptions list: which projects need the portfolio manager's attention, and why.

The measures and their ratings come from fct_project_health (thresholds in the dbt seed
health_thresholds); re-baselines from fct_project_rebaselines. Only projects the health mart
assesses (open: Active or On Hold, in the newest extract) can be exceptions. A project is listed
when any of these holds, each becoming one stated reason:

1. reported Green but computed Red (the mart's is_reported_green_computed_red);
2. CPI below 0.90, when the mart rates CPI (it waits for 10 % complete);
3. forecast finish slipped more than 30 days past the baseline;
4. re-baselined this period: a re-baseline first seen in the newest extract (as_of_date);
5. status stale: the mart rates days since the last status update Red.

The list is computed here, not in a mart: the health mart has the measures but no "needs
attention" flag combining them with re-baselines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines.report.formatting import format_ratio
from pipelines.report.project_queries import ProjectInfo, Rebaseline

CPI_LIMIT = 0.9
SLIP_LIMIT_DAYS = 30


@dataclass(frozen=True)
class ProjectException:
    info: ProjectInfo
    reasons: tuple[str, ...]


def reasons_for(
    info: ProjectInfo, rebaselines: tuple[Rebaseline, ...], as_of_date: date
) -> tuple[str, ...]:
    """Every reason the project is an exception, in the order of the module docstring."""
    if not info.is_health_assessed:
        return ()
    reasons: list[str] = []
    if info.is_reported_green_computed_red:
        reasons.append("reported Green but computed Red")
    if info.cpi is not None and info.cpi_rag is not None and info.cpi < CPI_LIMIT:
        reasons.append(f"CPI {format_ratio(info.cpi)} < {format_ratio(CPI_LIMIT)}")
    if info.finish_slip_days is not None and info.finish_slip_days > SLIP_LIMIT_DAYS:
        reasons.append(
            f"finish slipped {info.finish_slip_days} days (> {SLIP_LIMIT_DAYS}) past the baseline"
        )
    for rebaseline in rebaselines:
        if rebaseline.rebaseline_date == as_of_date:
            moved = rebaseline.baseline_finish_moved_days
            detail = f": baseline finish moved {moved:+d} days" if moved else ""
            reasons.append(f"re-baselined this period ({as_of_date.isoformat()}){detail}")
            break
    if info.days_since_status_update_rag == "Red":
        reasons.append(f"status stale: {info.days_since_status_update} days since the last update")
    return tuple(reasons)


def find_exceptions(
    infos: tuple[ProjectInfo, ...],
    rebaselines: dict[str, tuple[Rebaseline, ...]],
    as_of_date: date,
) -> tuple[ProjectException, ...]:
    """Exceptions, the watermelons first, then most reasons, then by BAC (largest first)."""
    found = [
        ProjectException(info, reasons)
        for info in infos
        if (reasons := reasons_for(info, rebaselines.get(info.project_id, ()), as_of_date))
    ]
    found.sort(
        key=lambda e: (
            not e.info.is_reported_green_computed_red,
            -len(e.reasons),
            -(e.info.budget_at_completion or 0.0),
            e.info.project_id,
        )
    )
    return tuple(found)
