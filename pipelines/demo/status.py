"""What the PPM tool says about a project on a given Monday: the reported view of its true schedule.

Project managers learn of slips late and in steps, optimistic ones report Green for too long, and a
re-baseline resets the yardstick. Everything here is a pure function of the project and the week, so
any extract (or the finance workbook's view at its preparation date) can be rebuilt on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pipelines.demo.dates import monday_of, to_business_day
from pipelines.demo.projects import Milestone, Project
from pipelines.demo.seeds import derive_seed

RAG_LEVELS = ("Green", "Amber", "Red")


@dataclass(frozen=True, slots=True)
class ProjectState:
    status: str
    phase: str
    percent_complete: float
    baseline_finish: date
    forecast_start: date
    forecast_finish: date
    bac: int
    capex_budget: int
    fac: int
    rag: str


@dataclass(frozen=True, slots=True)
class MilestoneState:
    milestone: Milestone
    baseline: date
    forecast: date
    actual: date | None


def is_cancelled(project: Project, week: int) -> bool:
    return project.cancel_week is not None and week >= project.cancel_week


def is_completed(project: Project, week: int) -> bool:
    return not is_cancelled(project, week) and week > project.finish_week


def is_on_hold(project: Project, week: int) -> bool:
    hold = project.hold
    return hold is not None and hold[0] <= week < hold[1] and not is_cancelled(project, week)


def _reported_week(project: Project, week: int) -> int:
    """A cancelled project's plan stops moving: report it as it stood the week before."""
    if project.cancel_week is not None and week >= project.cancel_week:
        return project.cancel_week - 1
    return week


def _hold_applies(project: Project, unheld: date) -> bool:
    return project.hold is not None and unheld >= monday_of(project.hold[0])


def _truth_date(project: Project, baseline: date, fraction: float) -> date:
    if fraction == 0.0:
        return baseline
    unheld = baseline + timedelta(
        days=project.start_delay_days + round(project.exec_slip_days * fraction)
    )
    if _hold_applies(project, unheld):
        unheld += timedelta(days=7 * project.hold_weeks)
    return to_business_day(unheld)


def _forecast_date(project: Project, baseline: date, fraction: float, week: int) -> date:
    """The truth date with only the part of the slip the PM has owned up to by `week`."""
    if fraction == 0.0:
        return baseline
    full = baseline + timedelta(
        days=project.start_delay_days + round(project.exec_slip_days * fraction)
    )
    shift = round(project.exec_slip_days * fraction * project.reveal(week))
    if week >= project.start_delay_known_week:
        shift += project.start_delay_days
    if project.hold is not None and week >= project.hold[0] and _hold_applies(project, full):
        shift += 7 * project.hold_weeks
    return to_business_day(baseline + timedelta(days=shift))


def milestone_actual(project: Project, milestone: Milestone) -> date | None:
    """When the milestone is really achieved; None if the project is cancelled before it."""
    truth = _truth_date(project, milestone.baseline, milestone.fraction)
    cancelled = project.cancel_date
    if cancelled is not None and truth >= cancelled and milestone.fraction > 0.0:
        return None
    return truth


def forecast_finish(project: Project, week: int) -> date:
    week = _reported_week(project, week)
    if week > project.finish_week:
        return project.actual_finish
    return _forecast_date(project, project.baseline_finish, 1.0, week)


def _forecast_start(project: Project, week: int) -> date:
    week = _reported_week(project, week)
    if week >= project.start_delay_known_week:
        return project.actual_start
    return project.baseline_start


def progress(project: Project, week: int) -> float:
    return project.weeks_worked_before(week) / project.working_weeks_full


def forecast_at_completion(project: Project, week: int) -> float:
    """The PM's estimate: the budget, drifting towards the true outturn as the truth comes out."""
    if is_cancelled(project, week) or week > project.finish_week:
        return project.spent_total
    if week < project.start_week:
        return float(project.bac)
    admitted = project.reveal(week) * (0.7 if project.optimistic else 1.0)
    share = min(1.0, max(admitted, progress(project, week)))
    return project.bac + (project.eac_full - project.bac) * share


def _baseline_finish(project: Project, week: int) -> date:
    rebaselined = project.rebaseline_week is not None and week >= project.rebaseline_week
    if rebaselined and project.rebaseline_finish is not None:
        return project.rebaseline_finish
    return project.baseline_finish


def _budget(project: Project, week: int) -> tuple[int, int]:
    if project.rebaseline_week is not None and week >= project.rebaseline_week:
        return project.rebaseline_bac, project.rebaseline_capex
    return project.bac, project.capex_budget


def settle_rebaseline(project: Project) -> None:
    """Freeze the re-baselined plan: finish and open milestones move to their forecasts, and the
    budget rises to the forecast at completion of that week (budgets are only ever raised)."""
    week = project.rebaseline_week
    if week is None:
        return
    project.rebaseline_finish = forecast_finish(project, week)
    bac = max(project.bac, round(forecast_at_completion(project, week), -3))
    project.rebaseline_bac = int(bac)
    project.rebaseline_capex = int(round(bac * project.capex_share, -3))
    rebaselined_on = monday_of(week)
    for milestone in project.milestones:
        actual = milestone_actual(project, milestone)
        if actual is None or actual >= rebaselined_on:
            project.rebaseline_milestones[milestone.number] = _forecast_date(
                project, milestone.baseline, milestone.fraction, week
            )


def _noise(project: Project, week: int) -> float:
    return (derive_seed(project.noise_seed, week) % 10_000) / 10_000


def _rag_level(project: Project, week: int) -> int:
    if is_cancelled(project, week):
        before = project.cancel_week - 1 if project.cancel_week is not None else week
        return _rag_level(project, before) if before >= project.created_week else 1
    bac, _capex = _budget(project, week)
    if is_completed(project, week):
        overrun = (project.spent_total - bac) / bac
        return 0 if overrun < 0.1 else 1 if overrun < 0.25 else 2
    if week < project.start_week:
        late = week >= project.start_delay_known_week and project.start_delay_days > 0
        return 1 if late else 0
    baseline_finish = _baseline_finish(project, week)
    planned_days = max(28, (baseline_finish - project.baseline_start).days)
    schedule = (forecast_finish(project, week) - baseline_finish).days / planned_days
    cost = (forecast_at_completion(project, week) - bac) / bac
    variance = max(schedule, cost)
    level = 0 if variance < 0.05 else 1 if variance < 0.15 else 2
    if is_on_hold(project, week):
        level = max(level, 1)
    if project.optimistic and level > 0 and progress(project, week) < 0.7:
        level -= 1  # the watermelon: green outside, red inside
    noise = _noise(project, week)
    if noise < 0.06:
        level = min(2, level + 1)
    elif noise > 0.97:
        level = max(0, level - 1)
    return level


def _phase(project: Project, week: int) -> str:
    if is_cancelled(project, week) or is_completed(project, week):
        return "Closed"
    if week < project.start_week:
        return "Initiation"
    done = progress(project, week)
    if done < project.planning_fraction:
        return "Planning"
    return "Closing" if done >= 0.88 else "Execution"


def _status(project: Project, week: int) -> str:
    if is_cancelled(project, week):
        return "Cancelled"
    if is_completed(project, week):
        return "Completed"
    return "On Hold" if is_on_hold(project, week) else "Active"


def state_at(project: Project, week: int) -> ProjectState:
    """The project's row in the extract dated on the Monday of `week`."""
    bac, capex = _budget(project, week)
    if is_completed(project, week):
        percent = 100.0
    else:
        done = progress(project, _reported_week(project, week))
        percent = min(99.0, round(100.0 * done**project.progress_exponent, 1))
    fac = max(0, int(round(forecast_at_completion(project, week), -2)))
    return ProjectState(
        status=_status(project, week),
        phase=_phase(project, week),
        percent_complete=percent,
        baseline_finish=_baseline_finish(project, week),
        forecast_start=_forecast_start(project, week),
        forecast_finish=forecast_finish(project, week),
        bac=bac,
        capex_budget=capex,
        fac=fac,
        rag=RAG_LEVELS[_rag_level(project, week)],
    )


def milestone_states(project: Project, week: int) -> list[MilestoneState]:
    extract_day = monday_of(week)
    reported = _reported_week(project, week)
    rebaselined = project.rebaseline_week is not None and week >= project.rebaseline_week
    states: list[MilestoneState] = []
    for milestone in project.milestones:
        actual = milestone_actual(project, milestone)
        achieved = actual is not None and actual < extract_day
        baseline = milestone.baseline
        if rebaselined:
            baseline = project.rebaseline_milestones.get(milestone.number, baseline)
        if achieved and actual is not None:
            forecast = actual
        else:
            forecast = _forecast_date(project, milestone.baseline, milestone.fraction, reported)
        states.append(MilestoneState(milestone, baseline, forecast, actual if achieved else None))
    return states
