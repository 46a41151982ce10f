"""The sources we ingest: where their files land, what their columns are, and their types.

This is the code side of docs/exports.md. Types are explicit so a reader never guesses: DuckDB's
sniffer decides from the first rows and has silently rounded a later `7.5` into `8`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from pipelines.ingest.profiles import load_profile_sources
from pipelines.ingest.spec import Column, FileFormat, SourceSpec, snake_case
from pipelines.settings import SOURCE_PROFILES_DIR

__all__ = ["Column", "FileFormat", "SourceSpec", "snake_case"]


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(header, snake_case(header), sql_type) for header, sql_type in pairs)


_DAILY = r"(?P<date>\d{4}-\d{2}-\d{2})"

PROJECTS = SourceSpec(
    is_snapshot=True,
    name="projects",
    folder="projects",
    file_pattern=re.compile(rf"^projects_{_DAILY}\.csv$"),
    file_format="csv",
    description="Weekly project extract from the PPM tool; every extract is kept.",
    columns=_columns(
        ("Project ID", "VARCHAR"),
        ("Project Name", "VARCHAR"),
        ("Portfolio", "VARCHAR"),
        ("Program", "VARCHAR"),
        ("Sponsor", "VARCHAR"),
        ("Project Manager", "VARCHAR"),
        ("Business Unit", "VARCHAR"),
        ("Category", "VARCHAR"),
        ("Strategic Theme", "VARCHAR"),
        ("Phase", "VARCHAR"),
        ("Status", "VARCHAR"),
        ("Reported RAG", "VARCHAR"),
        ("Percent Complete", "DOUBLE"),
        ("Baseline Start", "DATE"),
        ("Baseline Finish", "DATE"),
        ("Forecast Start", "DATE"),
        ("Forecast Finish", "DATE"),
        ("Budget at Completion", "DOUBLE"),
        ("Capex Budget", "DOUBLE"),
        ("Opex Budget", "DOUBLE"),
        ("Forecast at Completion", "DOUBLE"),
        ("Currency", "VARCHAR"),
        ("Strategic Alignment", "INTEGER"),
        ("Business Value", "INTEGER"),
        ("Risk Score", "INTEGER"),
        ("Urgency Score", "INTEGER"),
        # Prioritisation inputs (docs/exports.md): Y/N, `;`-separated project ids, a group name.
        ("Is Mandatory", "VARCHAR"),
        ("Depends On", "VARCHAR"),
        ("Exclusive Group", "VARCHAR"),
    ),
)

MILESTONES = SourceSpec(
    is_snapshot=True,
    name="milestones",
    folder="milestones",
    file_pattern=re.compile(rf"^milestones_{_DAILY}\.csv$"),
    file_format="csv",
    description="Weekly milestone extract from the PPM tool; every extract is kept.",
    columns=_columns(
        ("Project ID", "VARCHAR"),
        ("Milestone ID", "VARCHAR"),
        ("Milestone Name", "VARCHAR"),
        ("Baseline Date", "DATE"),
        ("Forecast Date", "DATE"),
        ("Actual Date", "DATE"),
    ),
)

RESOURCES = SourceSpec(
    is_snapshot=True,
    name="resources",
    folder="resources",
    file_pattern=re.compile(rf"^resources_{_DAILY}\.csv$"),
    file_format="csv",
    description="People, teams, capacity and effective-dated cost rates from HR.",
    columns=_columns(
        ("Employee ID", "VARCHAR"),
        ("Employee Name", "VARCHAR"),
        ("Team", "VARCHAR"),
        ("Role", "VARCHAR"),
        ("FTE", "DOUBLE"),
        ("Weekly Capacity Hours", "DOUBLE"),
        ("Cost Rate", "DOUBLE"),
        ("Currency", "VARCHAR"),
        ("Active From", "DATE"),
        ("Active To", "DATE"),
    ),
)

RESOURCE_PLAN = SourceSpec(
    is_snapshot=True,
    name="resource_plan",
    folder="resource_plan",
    file_pattern=re.compile(rf"^resource_plan_{_DAILY}\.csv$"),
    file_format="csv",
    description="Weekly resource plan from the PPM tool: planned hours per project, team, role "
    "and month; every extract is kept.",
    columns=_columns(
        ("Project ID", "VARCHAR"),
        ("Team", "VARCHAR"),
        ("Role", "VARCHAR"),  # empty when the demand is planned at team level
        ("Month", "VARCHAR"),  # YYYY-MM, like the ledger's Period
        ("Planned Hours", "DOUBLE"),
    ),
)

TIMESHEETS = SourceSpec(
    name="timesheets",
    folder="timesheets",
    file_pattern=re.compile(rf"^timesheets_{_DAILY}\.csv$"),
    file_format="csv",
    description="One week of time-tracker entries per file, project and non-project time.",
    entry_key=("entry_id",),
    columns=_columns(
        ("Entry ID", "VARCHAR"),
        ("Employee ID", "VARCHAR"),
        ("Work Date", "DATE"),
        ("Project ID", "VARCHAR"),
        ("Time Category", "VARCHAR"),
        ("Hours", "DOUBLE"),
        ("Comment", "VARCHAR"),
    ),
)

GL_ACTUALS = SourceSpec(
    name="gl_actuals",
    folder="finance",
    file_pattern=re.compile(r"^gl_actuals_(?P<month>\d{4}-\d{2})\.csv$"),
    file_format="csv",
    description="Monthly non-labour general-ledger actuals on project codes.",
    entry_key=("document_no", "line"),
    columns=_columns(
        ("Document No", "VARCHAR"),
        ("Line", "INTEGER"),
        ("Posting Date", "DATE"),
        ("Period", "VARCHAR"),
        ("Cost Centre", "VARCHAR"),
        ("Project ID", "VARCHAR"),
        ("WBS Element", "VARCHAR"),
        ("Account", "VARCHAR"),
        ("Account Name", "VARCHAR"),
        ("Capex/Opex", "VARCHAR"),
        ("Amount", "DOUBLE"),
        ("Currency", "VARCHAR"),
    ),
)

FINANCE_PLAN = SourceSpec(
    name="finance_plan",
    folder="finance",
    file_pattern=re.compile(r"^finance_plan_FY(?P<fiscal_year>\d{4})\.xlsx$"),
    file_format="finance_plan_xlsx",
    description="Finance's annual budget and quarterly re-forecast workbook, unpivoted to months.",
    # The workbook is wide (one column per month); these are the columns after unpivoting.
    columns=(
        Column("Project ID", "project_id", "VARCHAR"),
        Column("Project Name", "project_name", "VARCHAR"),
        Column("Capex/Opex", "capex_opex", "VARCHAR"),
        Column("Currency", "currency", "VARCHAR"),
        Column("(sheet name)", "plan_version", "VARCHAR"),
        Column("(file name)", "fiscal_year", "INTEGER"),
        Column("(month header)", "period_month", "DATE"),
        Column("(month cell)", "amount", "DOUBLE"),
        Column("(sheet name)", "source_sheet", "VARCHAR"),
    ),
)

FX_RATES = SourceSpec(
    name="fx_rates",
    folder="fx",
    file_pattern=re.compile(r"^fx_rates_(?P<month>\d{4}-\d{2}|all)\.csv$"),
    file_format="csv",
    description="Treasury's monthly average exchange rates.",
    columns=_columns(
        ("Period", "VARCHAR"),
        ("From Currency", "VARCHAR"),
        ("To Currency", "VARCHAR"),
        ("Average Rate", "DOUBLE"),
    ),
)

NATIVE_SOURCES: tuple[SourceSpec, ...] = (
    PROJECTS,
    MILESTONES,
    RESOURCES,
    TIMESHEETS,
    GL_ACTUALS,
    FINANCE_PLAN,
    FX_RATES,
    RESOURCE_PLAN,
)


@cache
def profile_sources(profiles_dir: Path = SOURCE_PROFILES_DIR) -> tuple[SourceSpec, ...]:
    """Real tools' exports, each described by a mapping file in source_profiles/ (docs/profiles.md).

    Read when first asked for (not at import), once per folder.
    """
    return load_profile_sources(profiles_dir)


def all_sources(profiles_dir: Path = SOURCE_PROFILES_DIR) -> tuple[SourceSpec, ...]:
    return NATIVE_SOURCES + profile_sources(profiles_dir)


def source_named(name: str, profiles_dir: Path = SOURCE_PROFILES_DIR) -> SourceSpec:
    for spec in all_sources(profiles_dir):
        if spec.name == name:
            return spec
    raise KeyError(f"no source named {name!r}")


LINEAGE_COLUMNS = (
    Column("", "source_file", "VARCHAR"),
    Column("", "source_file_hash", "VARCHAR"),
    Column("", "source_row", "BIGINT"),
    Column("", "extract_date", "DATE"),
    Column("", "loaded_at", "TIMESTAMP"),
)


def month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)
