"""The exceptions list: which projects need the portfolio manager's attention, and why.

Every rating comes from fct_project_health (thresholds in the dbt seed health_thresholds), so
the list can never disagree with the health counts: only projects the mart assesses (open:
Active or On Hold, in the newest extract) can be exceptions, and a project is listed when

1. it is computed Red: every computed-Red project is listed (the "Red" count on the summary
   equals the rows of this list that are Red), with the mart's own reasons, whose digits prove
   each comparison ("CPI 0.8996 < 0.90 (red)"); reported Green but computed Red comes first;
2. it was ever re-baselined: "re-baselined N times, +X budget, +Y days", with the forecast
   finish against the first baseline, so a re-baseline never makes a variance vanish from the
   board's view.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.report.formatting import format_money
from pipelines.report.project_queries import ProjectInfo


@dataclass(frozen=True)
class ProjectException:
    info: ProjectInfo
    reasons: tuple[str, ...]


def rebaseline_summary(info: ProjectInfo, currency: str) -> str | None:
    """'re-baselined 2 times, +$87,000 budget, +75 days; forecast finish 75 days past the first
    baseline', or None when the project was never re-baselined."""
    if info.rebaseline_count == 0:
        return None
    times = "once" if info.rebaseline_count == 1 else f"{info.rebaseline_count} times"
    parts = [f"re-baselined {times}"]
    if info.rebaselined_budget_change is None:
        parts.append("budget change unknown (no exchange rate)")
    elif info.rebaselined_budget_change:
        sign = "+" if info.rebaselined_budget_change > 0 else ""
        parts.append(f"{sign}{format_money(info.rebaselined_budget_change, currency)} budget")
    if info.rebaselined_finish_days:
        parts.append(f"{info.rebaselined_finish_days:+d} days")
    text = ", ".join(parts)
    slip = info.finish_slip_days_vs_first_baseline
    if slip is not None and slip > 0:
        text += f"; forecast finish {slip} days past the first baseline"
    return text


def reasons_for(info: ProjectInfo, currency: str) -> tuple[str, ...]:
    """Every reason the project is an exception, in the order of the module docstring."""
    if not info.is_health_assessed:
        return ()
    reasons: list[str] = []
    if info.computed_rag == "Red":
        if info.is_reported_green_computed_red:
            reasons.append("reported Green but computed Red")
        reasons.extend(r.strip() for r in (info.health_reasons or "").split(";") if r.strip())
    rebaselined = rebaseline_summary(info, currency)
    if rebaselined:
        reasons.append(rebaselined)
    return tuple(reasons)


def find_exceptions(infos: tuple[ProjectInfo, ...], currency: str) -> tuple[ProjectException, ...]:
    """Exceptions, the watermelons first, then most reasons, then by BAC (largest first)."""
    found = [
        ProjectException(info, reasons)
        for info in infos
        if (reasons := reasons_for(info, currency))
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
