"""What the board pack's "decisions required" page lists, read from the marts the site reads.

Two kinds of decision: the projects that need one (the exceptions the pack has one-pagers for,
with the same reasons as exceptions.html: exceptions.find_exceptions on the same marts), and next
year's funding decisions from the prioritisation (pipelines/prioritization writes its marts; its
page's loader reads them, and so does this page, so the two never differ): mandatory projects
the waterline leaves unfunded, funding decisions that flip when the scoring weights move, and
each scenario that cuts the budget, with the projects it drops.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb

from pipelines.report.exceptions import ProjectException, find_exceptions
from pipelines.report.prioritization_queries import (
    BASELINE,
    FragileRow,
    RankedRow,
    load_prioritization,
)
from pipelines.report.project_queries import load_project_infos
from pipelines.report.site import project_path

WATERLINE = "waterline"


@dataclass(frozen=True)
class FundingCut:
    """A scenario with less money than the baseline, funded to the waterline."""

    label: str
    description: str
    budget: float
    baseline_budget: float
    funded_count: int
    baseline_funded_count: int
    dropped: tuple[str, ...]  # project ids the baseline funds and this scenario does not
    value_delta: Decimal | None  # points, as the prioritisation page shows it


@dataclass(frozen=True)
class Decisions:
    projects: tuple[ProjectException, ...]  # the exceptions with a one-pager in the pack
    exception_count: int
    unfunded_mandatory: tuple[RankedRow, ...]
    fragile: tuple[FragileRow, ...]
    cuts: tuple[FundingCut, ...]
    project_names: dict[str, str]  # every prioritised project's name, for the ids above
    prioritization_missing: tuple[str, ...]  # marts the warehouse lacks: no funding decisions


def load_decisions(
    con: duckdb.DuckDBPyConnection, currency: str, pack_pages: set[str]
) -> Decisions:
    """pack_pages: the pack's pages as paths in the site (projects/<file>.html are one-pagers)."""
    exceptions = find_exceptions(load_project_infos(con), currency)
    prioritization = load_prioritization(con)
    baseline = prioritization.baseline.get(WATERLINE)
    cuts = tuple(
        FundingCut(
            label=row.label,
            description=row.description,
            budget=row.budget,
            baseline_budget=baseline.budget,
            funded_count=row.funded_count,
            baseline_funded_count=baseline.funded_count,
            dropped=row.funded_out,
            value_delta=row.value_delta,
        )
        for row in prioritization.scenarios
        if baseline is not None
        and row.scenario != BASELINE
        and row.method == WATERLINE
        and row.budget < baseline.budget
    )
    return Decisions(
        projects=tuple(e for e in exceptions if project_path(e.info.project_id) in pack_pages),
        exception_count=len(exceptions),
        unfunded_mandatory=tuple(
            r for r in prioritization.ranked if r.is_mandatory and not r.waterline_funded
        ),
        fragile=tuple(f for f in prioritization.fragile if f.method == WATERLINE),
        cuts=cuts,
        project_names={r.project_id: r.project_name for r in prioritization.ranked},
        prioritization_missing=prioritization.missing_tables,
    )
