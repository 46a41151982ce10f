"""The PPM tool's weekly project and milestone extracts.

Every extract lists every project the tool knows on that Monday (created on or before it), including
finished and cancelled ones, exactly as the tool would export "all projects".
"""

from __future__ import annotations

from collections.abc import Iterator

from pipelines.demo.dates import monday_of
from pipelines.demo.projects import Project
from pipelines.demo.status import milestone_states, state_at

PROJECTS_HEADER: tuple[str, ...] = (
    "Project ID",
    "Project Name",
    "Portfolio",
    "Program",
    "Sponsor",
    "Project Manager",
    "Business Unit",
    "Category",
    "Strategic Theme",
    "Phase",
    "Status",
    "Reported RAG",
    "Percent Complete",
    "Baseline Start",
    "Baseline Finish",
    "Forecast Start",
    "Forecast Finish",
    "Budget at Completion",
    "Capex Budget",
    "Opex Budget",
    "Forecast at Completion",
    "Currency",
    "Strategic Alignment",
    "Business Value",
    "Risk Score",
    "Urgency Score",
    "Is Mandatory",
    "Depends On",
    "Exclusive Group",
)
MILESTONES_HEADER: tuple[str, ...] = (
    "Project ID",
    "Milestone ID",
    "Milestone Name",
    "Baseline Date",
    "Forecast Date",
    "Actual Date",
)


def _money(amount: int) -> str:
    return f"{amount:.2f}"


def visible_projects(projects: list[Project], week: int) -> Iterator[Project]:
    extract_day = monday_of(week)
    for project in projects:
        if project.created <= extract_day:
            yield project


def project_rows(projects: list[Project], week: int) -> Iterator[tuple[str, ...]]:
    for project in visible_projects(projects, week):
        state = state_at(project, week)
        yield (
            project.project_id,
            project.name,
            project.portfolio.name,
            project.program,
            project.sponsor,
            project.manager,
            project.business_unit,
            project.category,
            project.theme,
            state.phase,
            state.status,
            state.rag,
            f"{state.percent_complete:.1f}",
            project.baseline_start.isoformat(),
            state.baseline_finish.isoformat(),
            state.forecast_start.isoformat(),
            state.forecast_finish.isoformat(),
            _money(state.bac),
            _money(state.capex_budget),
            _money(state.bac - state.capex_budget),
            _money(state.fac),
            project.currency,
            str(project.alignment),
            str(project.value),
            str(project.risk),
            str(project.urgency),
            "Y" if project.is_mandatory else "N",
            ";".join(project.depends_on),
            project.exclusive_group,
        )


def milestone_rows(projects: list[Project], week: int) -> Iterator[tuple[str, ...]]:
    for project in visible_projects(projects, week):
        for state in milestone_states(project, week):
            yield (
                project.project_id,
                f"{project.project_id}-M{state.milestone.number:02d}",
                state.milestone.name,
                state.baseline.isoformat(),
                state.forecast.isoformat(),
                state.actual.isoformat() if state.actual else "",
            )
