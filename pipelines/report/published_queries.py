"""Every read of the published-export marts, in one place (the contract may still shift).

A "source profile" is a real public export the pipeline ingests as it stands: the US Federal IT
Dashboard projects export (`us_itdashboard`) or the UK Government Major Projects Portfolio annual
data (`uk_gmpp`). Their marts (dbt models under dbt_project/models/marts/published/) are:

- marts.fct_published_projects: one row per (source_profile, project_id), the published values,
  a `<column>_null_reason` for each value a publisher may withhold, and our computed variances
  beside the published ones;
- marts.fct_published_figure_checks: one row per project x published figure, the published value
  against the value its own formula gives (status agrees / disagrees / not checkable);
- marts.fct_published_portfolio_summary: one row per profile x portfolio, plus portfolio '(all)'.

If a column is renamed, change it here only: every page reads these marts through this module.
A table that is not in the warehouse (an older one) reads as empty; a column that is missing
reads as null and is named in a note, so the page says "not in this warehouse" instead of
guessing. Results are frozen dataclasses of plain Python values, like pipelines.report.queries.

Sign conventions, as the publishers define them (the computed columns follow the same ones):
cost variance = planned - forecast cost (negative = forecast over plan); schedule variance =
planned - forecast finish in days (negative = late); financial-year variance % = (forecast -
baseline) / baseline x 100 (positive = forecast over baseline).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from pipelines.report.pages._shared import day, num
from pipelines.report.published_findings import DataFinding, load_findings
from pipelines.sql_helpers import fetch_dicts, quote_literal

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

SCHEMA = "marts"
PROJECTS_TABLE = "fct_published_projects"
CHECKS_TABLE = "fct_published_figure_checks"
SUMMARY_TABLE = "fct_published_portfolio_summary"
# The report marts dbt derives from those (models/marts/published/): every count the page shows.
PROFILES_TABLE = "fct_published_profiles"
CHECK_COUNTS_TABLE = "fct_published_figure_check_counts"
RATINGS_TABLE = "fct_published_rating_counts"
COLUMNS_TABLE = "fct_published_profile_columns"
# What the published exports' headline (load_overviews) is read from: the pages that show it
# name these marts in their note for the data engineer.
OVERVIEW_MARTS = (PROFILES_TABLE, PROJECTS_TABLE, SUMMARY_TABLE, CHECK_COUNTS_TABLE)

ALL_PORTFOLIOS = "(all)"  # the summary mart's whole-profile row
STATUS_AGREES = "agrees"
STATUS_DISAGREES = "disagrees"
STATUS_NOT_CHECKABLE = "not checkable"

# Shown for a profile whose mart rows do not name their publisher (and to order the profiles).
PROFILE_LABELS: dict[str, str] = {
    "us_itdashboard": "US Federal IT Dashboard projects export",
    "uk_gmpp": "UK Government Major Projects Portfolio annual data",
}

# Rows in the projects list of one profile, and disagreeing checks listed per profile and figure
# on the data-quality page; the rest are counted and one query away.
PROJECT_LIST_CAP = 5000
DISAGREEMENT_LIST_CAP = 200

# Without these a row cannot be shown at all: a table lacking one is treated as unavailable.
PROJECT_KEY_COLUMNS = ("source_profile", "project_id", "project_name", "portfolio")
# The values a publisher may withhold, each with `<name>_null_reason` (null when published).
REASON_FIELDS = (
    "start_date",
    "planned_finish",
    "planned_cost_m",
    "forecast_cost_m",
    "lifecycle_cost_m",
    "reported_rating",
    "sro_rating",
)
PROJECT_COLUMNS = (
    *PROJECT_KEY_COLUMNS,
    "publisher",
    "project_key",
    "program",
    "category",
    "start_date",
    "planned_finish",
    "forecast_finish",
    "currency",
    "money_unit",
    "cost_basis",
    "planned_cost_m",
    "forecast_cost_m",
    "lifecycle_cost_m",
    "benefits_m",
    "reported_rating",
    "reported_rating_source",
    "sro_rating",
    *(f"{name}_null_reason" for name in REASON_FIELDS),
    "cost_variance_m",
    "cost_variance_pct",
    "schedule_variance_days",
    "fy_variance_pct",
    "published_cost_variance_m",
    "published_cost_variance_pct",
    "published_schedule_variance_days",
    "published_fy_variance_pct",
    "extract_date",
    "source_file",
    "source_row",
)
CHECK_KEY_COLUMNS = ("source_profile", "figure", "status")
CHECK_COLUMNS = (
    *CHECK_KEY_COLUMNS,
    "project_key",
    "project_id",
    "project_name",
    "portfolio",
    "formula",
    "published_value",
    "computed_value",
    "difference",
    "tolerance",
    "reason",
    "source_file",
    "source_row",
)
SUMMARY_KEY_COLUMNS = ("source_profile", "portfolio", "projects")
# The summary's projects by rating and lateness, and its checks by status (counts, like
# `projects` and `projects_with_costs`: a profile's '(all)' row adds up its portfolios').
SUMMARY_TALLY_COLUMNS = (
    "rating_red",
    "rating_amber",
    "rating_green",
    "rating_not_rated",
    "projects_late",
    "checks_agreeing",
    "checks_disagreeing",
    "checks_not_checkable",
)
SUMMARY_COLUMNS = (
    *SUMMARY_KEY_COLUMNS,
    "projects_with_costs",
    "planned_cost_m",
    "forecast_cost_m",
    "cost_variance_m",
    *SUMMARY_TALLY_COLUMNS,
)

# Which displayed value a published figure is (matched on the check's `figure` text, lower case):
# the projects list shows the publisher's figure beside ours where the check says they disagree.
FIGURE_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("cost variance", "%"), "cost_variance_pct"),
    (("cost variance",), "cost_variance_m"),
    (("schedule variance", "%"), "schedule_variance_pct"),
    (("schedule variance",), "schedule_variance_days"),
    (("year variance",), "fy_variance_pct"),
)


def figure_kind(figure: str) -> str | None:
    text = figure.lower()
    for words, kind in FIGURE_KINDS:
        if all(word in text for word in words):
            return kind
    return None


# Ratings in the order a reader scans them (worst first); others follow alphabetically.
RATING_ORDER = ("Red", "Amber/Red", "Amber", "Amber/Green", "Green")


# --- reading a table that may be missing or drifted ----------------------------------------


@dataclass(frozen=True)
class TableRead:
    """How one published mart can be read: the select list, and what is missing from it."""

    table: str
    present: bool  # the table and its key columns exist
    select: str  # the key columns, then the others asked for; a missing one as `null as x`
    missing: tuple[str, ...]  # columns read as null
    note: str | None


def _columns_of(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        """
        select column_name from information_schema.columns
        where table_catalog = current_database() and table_schema = ? and table_name = ?
        """,
        [SCHEMA, table],
    ).fetchall()
    return {str(name) for (name,) in rows}


def table_read(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], keys: Sequence[str]
) -> TableRead:
    qualified = f"{SCHEMA}.{table}"
    present = _columns_of(con, table)
    if not present:
        return TableRead(qualified, False, "", (), None)
    lacking_keys = [c for c in keys if c not in present]
    if lacking_keys:
        return TableRead(
            qualified,
            False,
            "",
            tuple(lacking_keys),
            f"{qualified} lacks column(s) {', '.join(lacking_keys)}, so it cannot be shown "
            "(the warehouse is older or newer than this report; run dbt build).",
        )
    wanted = list(dict.fromkeys([*keys, *columns]))  # the keys always, then the columns asked
    missing = tuple(c for c in wanted if c not in present)
    select = ", ".join(c if c in present else f"null as {c}" for c in wanted)
    note: str | None = None
    if missing:
        note = (
            f"{qualified} lacks column(s) {', '.join(missing)}: those values are shown as not "
            "in this warehouse (run dbt build)."
        )
    return TableRead(qualified, True, select, missing, note)


def _int(value: object) -> int | None:
    number = num(value)
    return None if number is None else round(number)


def _count(value: object) -> int:
    return _int(value) or 0


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# How a mart value becomes a field of the values below, by the field's declared type.
_CONVERTERS: dict[str, Callable[[object], object]] = {
    "str | None": _text,
    "int | None": _int,
    "float | None": num,
    "date | None": day,
}
_Row = TypeVar("_Row", bound="DataclassInstance")


def _from_row(cls: type[_Row], r: Mapping[str, Any], **given: Any) -> _Row:
    """`cls` from a mart row: the fields in `given` as they are, every other field of a type above
    read from the column of its name and converted by its type."""
    values = {
        f.name: _CONVERTERS[str(f.type)](r[f.name])
        for f in fields(cls)
        if f.name not in given and str(f.type) in _CONVERTERS
    }
    return cls(**values, **given)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def row_anchor(source_profile: str, project_id: str) -> str:
    """An HTML id for a project's row: stable, unique per profile and safe whatever the id."""
    digest = hashlib.sha256(f"{source_profile}\x00{project_id}".encode()).hexdigest()[:10]
    stem = _UNSAFE.sub("-", project_id)[:40].strip("-") or "project"
    return f"pub-{_UNSAFE.sub('-', source_profile)}-{stem}-{digest}"


def profile_label(source_profile: str, publisher: str | None = None) -> str:
    return PROFILE_LABELS.get(source_profile) or publisher or source_profile


def _profile_order(source_profile: str) -> tuple[int, str]:
    known = list(PROFILE_LABELS)
    return (known.index(source_profile) if source_profile in known else len(known), source_profile)


def rating_order(rating: str | None) -> tuple[int, str]:
    if rating is None:
        return (len(RATING_ORDER) + 1, "")
    if rating in RATING_ORDER:
        return (RATING_ORDER.index(rating), rating)
    return (len(RATING_ORDER), rating.lower())


# --- the page's values -----------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioSummary:
    """One row of fct_published_portfolio_summary (a portfolio, or '(all)' for the profile)."""

    portfolio: str
    projects: int
    projects_with_costs: int | None
    planned_cost_m: float | None
    forecast_cost_m: float | None
    cost_variance_m: float | None
    rating_red: int | None
    rating_amber: int | None
    rating_green: int | None
    rating_not_rated: int | None
    projects_late: int | None
    checks_agreeing: int | None
    checks_disagreeing: int | None
    checks_not_checkable: int | None

    @property
    def is_total(self) -> bool:
        return self.portfolio == ALL_PORTFOLIOS


@dataclass(frozen=True)
class PublishedProject:
    source_profile: str
    project_key: str | None
    project_id: str
    project_name: str | None
    portfolio: str | None
    program: str | None
    category: str | None
    start_date: date | None
    planned_finish: date | None
    forecast_finish: date | None
    currency: str | None
    money_unit: str | None
    cost_basis: str | None
    planned_cost_m: float | None
    forecast_cost_m: float | None
    lifecycle_cost_m: float | None
    benefits_m: float | None
    reported_rating: str | None
    reported_rating_source: str | None
    sro_rating: str | None
    cost_variance_m: float | None
    cost_variance_pct: float | None
    schedule_variance_days: int | None
    fy_variance_pct: float | None
    published_cost_variance_m: float | None
    published_cost_variance_pct: float | None
    published_schedule_variance_days: int | None
    published_fy_variance_pct: float | None
    extract_date: date | None
    source_file: str | None
    source_row: int | None
    # why a value is missing, by field name (only fields that are null and have a reason)
    reasons: Mapping[str, str] = field(default_factory=dict)
    disagreeing_figures: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return row_anchor(self.source_profile, self.project_id)

    def reason(self, name: str) -> str | None:
        return self.reasons.get(name)

    def disagrees(self, kind: str) -> bool:
        """Whether the publisher's own figure for this value disagrees with its formula."""
        return any(figure_kind(f) == kind for f in self.disagreeing_figures)


@dataclass(frozen=True)
class RatingCount:
    rating: str | None  # None: not rated
    count: int
    share_pct: float | None


@dataclass(frozen=True)
class FigureCheckCounts:
    figure: str
    formula: str | None
    agreeing: int
    disagreeing: int
    not_checkable: int

    @property
    def total(self) -> int:
        return self.agreeing + self.disagreeing + self.not_checkable


@dataclass(frozen=True)
class FigureCheck:
    """One published figure that disagrees with its own formula (or any check row)."""

    source_profile: str
    project_key: str | None
    project_id: str | None
    project_name: str | None
    portfolio: str | None
    figure: str
    formula: str | None
    published_value: float | None
    computed_value: float | None
    difference: float | None
    tolerance: float | None
    status: str
    reason: str | None
    source_file: str | None
    source_row: int | None

    @property
    def anchor(self) -> str | None:
        if self.project_id is None:
            return None
        return row_anchor(self.source_profile, self.project_id)


@dataclass(frozen=True)
class ProfileChecks:
    """The figure checks of one profile: counts per figure and the disagreeing rows (at most the
    cap per figure, largest difference first)."""

    source_profile: str
    label: str
    figures: tuple[FigureCheckCounts, ...]
    disagreements: tuple[FigureCheck, ...]
    disagreement_count: int
    sql: str  # the analyst's query for every disagreeing row

    @property
    def more(self) -> int:
        return self.disagreement_count - len(self.disagreements)


@dataclass(frozen=True)
class PublishedChecks:
    """What the data-quality page shows about published figures; None-free, possibly empty."""

    profiles: tuple[ProfileChecks, ...]
    notes: tuple[str, ...]
    cap: int


@dataclass(frozen=True)
class ProfileOverview:
    """A profile's headline: enough for the index and the summary (no project rows)."""

    source_profile: str
    label: str
    publisher: str | None
    currencies: tuple[str, ...]
    money_unit: str | None
    cost_bases: tuple[str, ...]
    extract_date: date | None
    source_files: tuple[str, ...]
    project_count: int
    total: PortfolioSummary | None  # the '(all)' row of the summary mart
    checks_disagreeing: int
    checks_total: int
    earlier_extract_projects: int = 0  # of older extracts, left out of the latest period

    @property
    def currency(self) -> str | None:
        """The profile's one currency, or None when its rows mix currencies (none expected)."""
        return self.currencies[0] if len(self.currencies) == 1 else None


@dataclass(frozen=True)
class PublishedProfile:
    overview: ProfileOverview
    portfolios: tuple[PortfolioSummary, ...]  # without the '(all)' row, largest planned cost first
    ratings: tuple[RatingCount, ...]
    sro_ratings: tuple[RatingCount, ...]
    projects: tuple[PublishedProject, ...]
    figures: tuple[FigureCheckCounts, ...]
    # the optional columns with a value in at least one of this profile's rows
    supplies: frozenset[str]
    # columns with no value in any row but a reason: (column, the reasons given)
    withheld: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # warnings about the published data beyond the figure checks (published_findings.py)
    findings: tuple[DataFinding, ...] = ()
    # projects of older extracts that the latest extract no longer lists (not in these totals)
    earlier_extract_projects: int = 0

    @property
    def more_projects(self) -> int:
        return self.overview.project_count - len(self.projects)

    @property
    def rating_source(self) -> str | None:
        """Who gave the reported rating (e.g. the IPA's delivery confidence assessment)."""
        sources = Counter(
            p.reported_rating_source for p in self.projects if p.reported_rating_source
        )
        return sources.most_common(1)[0][0] if sources else None


@dataclass(frozen=True)
class PublishedData:
    profiles: tuple[PublishedProfile, ...]
    notes: tuple[str, ...]


# --- queries ----------------------------------------------------------------------------------


def _first_rows(
    con: duckdb.DuckDBPyConnection,
    read: TableRead,
    *,
    per: Sequence[str],
    order_by: str,
    cap: int,
    where: str | None = None,
    params: Sequence[object] = (),
) -> list[dict[str, Any]]:
    """At most `cap` rows of each combination of the columns `per`, the first by `order_by`, the
    combinations in order: one small query per combination (a handful: profiles, or profiles x
    figures), so the listing needs no window function. `where` keeps only some rows, its `?`
    bound to `params`."""
    keys = ", ".join(per)
    condition = f"{where} and " if where else ""
    combinations = con.execute(
        f"select distinct {keys} from {read.table} where {condition}true order by {keys}",
        list(params),
    ).fetchall()
    match = " and ".join(f"{column} is not distinct from ?" for column in per)
    rows: list[dict[str, Any]] = []
    for combination in combinations:
        rows += fetch_dicts(
            con,
            f"select {read.select} from {read.table} where {condition}{match} "
            f"order by {order_by} limit ?",
            [*params, *combination, cap],
        )
    return rows


def _summary(r: Mapping[str, Any]) -> PortfolioSummary:
    return _from_row(
        PortfolioSummary,
        r,
        portfolio=_text(r["portfolio"]) or "(no portfolio)",
        projects=_count(r["projects"]),
    )


def _load_summaries(
    con: duckdb.DuckDBPyConnection, notes: list[str]
) -> dict[str, list[PortfolioSummary]]:
    read = table_read(con, SUMMARY_TABLE, SUMMARY_COLUMNS, SUMMARY_KEY_COLUMNS)
    if read.note:
        notes.append(read.note)
    if not read.present:
        return {}
    by_profile: dict[str, list[PortfolioSummary]] = {}
    for r in fetch_dicts(
        con,
        f"""
        select {read.select} from {read.table}
        order by source_profile, planned_cost_m desc nulls last, projects desc, portfolio
        """,
    ):
        by_profile.setdefault(str(r["source_profile"]), []).append(_summary(r))
    return by_profile


def _load_check_counts(
    con: duckdb.DuckDBPyConnection, notes: list[str] | None = None
) -> dict[str, list[FigureCheckCounts]]:
    read = table_read(
        con,
        CHECK_COUNTS_TABLE,
        ("formula", "agreeing_count", "disagreeing_count", "not_checkable_count"),
        ("source_profile", "figure"),
    )
    if read.note and notes is not None:
        notes.append(read.note)
    if not read.present or not _columns_of(con, CHECKS_TABLE):
        return {}  # no checks mart: nothing was checked, whatever an older tally says
    by_profile: dict[str, list[FigureCheckCounts]] = {}
    for r in fetch_dicts(
        con, f"select {read.select} from {read.table} order by source_profile, figure"
    ):
        by_profile.setdefault(str(r["source_profile"]), []).append(
            FigureCheckCounts(
                figure=_text(r["figure"]) or "(unnamed figure)",
                formula=_text(r["formula"]),
                agreeing=_count(r["agreeing_count"]),
                disagreeing=_count(r["disagreeing_count"]),
                not_checkable=_count(r["not_checkable_count"]),
            )
        )
    return by_profile


def _distinct_values(
    con: duckdb.DuckDBPyConnection, read: TableRead, column: str
) -> dict[str, tuple[str, ...]]:
    """Per profile, the column's distinct values in order (a listing, not a count)."""
    if column in read.missing:
        return {}
    values: dict[str, list[str]] = {}
    for profile, value in con.execute(
        f"select distinct source_profile, {column} from {read.table} "
        f"where {column} is not null order by source_profile, {column}"
    ).fetchall():
        values.setdefault(str(profile), []).append(str(value))
    return {profile: tuple(items) for profile, items in values.items()}


def _load_overviews(
    con: duckdb.DuckDBPyConnection, notes: list[str]
) -> tuple[tuple[ProfileOverview, ...], dict[str, list[PortfolioSummary]], dict[str, Any]]:
    read = table_read(
        con,
        PROJECTS_TABLE,
        ("publisher", "currency", "money_unit", "cost_basis", "extract_date", "source_file"),
        PROJECT_KEY_COLUMNS,
    )
    if read.note:
        notes.append(read.note)
    if not read.present:
        return (), {}, {}
    profiles = table_read(
        con,
        PROFILES_TABLE,
        (
            "publisher",
            "money_unit",
            "extract_date",
            "project_count",
            "earlier_extract_project_count",
        ),
        ("source_profile",),
    )
    if profiles.note:
        notes.append(profiles.note)
    if not profiles.present:
        return (), {}, {}
    rows = fetch_dicts(con, f"select {profiles.select} from {profiles.table}")
    currencies = _distinct_values(con, read, "currency")
    cost_bases = _distinct_values(con, read, "cost_basis")
    source_files = _distinct_values(con, read, "source_file")
    summaries = _load_summaries(con, notes)
    checks = _load_check_counts(con, notes)
    overviews = []
    for r in rows:
        profile = str(r["source_profile"])
        total = next((s for s in summaries.get(profile, []) if s.is_total), None)
        figures = checks.get(profile, [])
        publisher = _text(r["publisher"])
        overviews.append(
            ProfileOverview(
                source_profile=profile,
                label=profile_label(profile, publisher),
                publisher=publisher,
                currencies=currencies.get(profile, ()),
                money_unit=_text(r["money_unit"]),
                cost_bases=cost_bases.get(profile, ()),
                extract_date=day(r["extract_date"]),
                source_files=source_files.get(profile, ()),
                project_count=_count(r["project_count"]),
                total=total,
                checks_disagreeing=sum(f.disagreeing for f in figures),
                checks_total=sum(f.total for f in figures),
                earlier_extract_projects=_count(r["earlier_extract_project_count"]),
            )
        )
    overviews.sort(key=lambda o: _profile_order(o.source_profile))
    return tuple(overviews), summaries, checks


def load_overviews(con: duckdb.DuckDBPyConnection) -> tuple[ProfileOverview, ...]:
    """Each profile present in fct_published_projects, with its headline (index, summary)."""
    return _load_overviews(con, [])[0]


def _ratings(con: duckdb.DuckDBPyConnection, rating_kind: str) -> dict[str, list[Any]]:
    """Per profile, its projects by rating ('reported' or 'sro'), with each rating's share."""
    if not _columns_of(con, RATINGS_TABLE):
        return {}
    rows = con.execute(
        f"select source_profile, rating, project_count from {SCHEMA}.{RATINGS_TABLE} "
        "where rating_kind = ?",
        [rating_kind],
    ).fetchall()
    counts: dict[str, list[tuple[str | None, int]]] = {}
    for profile, rating, n in rows:
        counts.setdefault(str(profile), []).append((_text(rating), int(n)))
    result: dict[str, list[Any]] = {}
    for profile, pairs in counts.items():
        if all(rating is None for rating, _ in pairs):
            continue  # the profile supplies no such rating at all: no mix to show
        total = sum(n for _, n in pairs)  # the profile's projects: the share's denominator
        pairs.sort(key=lambda p: rating_order(p[0]))
        result[profile] = [
            RatingCount(rating, n, n / total * 100 if total else None) for rating, n in pairs
        ]
    return result


def _project(
    r: Mapping[str, Any], disagreeing: Mapping[tuple[str, str], tuple[str, ...]]
) -> PublishedProject:
    profile, project_id = str(r["source_profile"]), str(r["project_id"])
    reasons = {
        name: str(r[f"{name}_null_reason"]).strip()
        for name in REASON_FIELDS
        if r[name] is None and _text(r[f"{name}_null_reason"])
    }
    return _from_row(
        PublishedProject,
        r,
        source_profile=profile,
        project_id=project_id,
        reasons=reasons,
        disagreeing_figures=disagreeing.get((profile, project_id), ()),
    )


# How the page names the columns a publisher may withhold.
FIELD_LABELS: dict[str, str] = {
    "start_date": "Start date",
    "planned_finish": "Planned finish",
    "planned_cost_m": "Planned cost",
    "forecast_cost_m": "Forecast cost",
    "lifecycle_cost_m": "Whole-life cost",
    "reported_rating": "Reported rating",
    "sro_rating": "Senior responsible owner's rating",
}

# Optional columns a profile may not supply at all; the projects table shows only those it does.
OPTIONAL_FIELDS = (
    "program",
    "category",
    "start_date",
    "planned_finish",
    "forecast_finish",
    "planned_cost_m",
    "forecast_cost_m",
    "lifecycle_cost_m",
    "benefits_m",
    "reported_rating",
    "sro_rating",
    "cost_variance_m",
    "schedule_variance_days",
    "fy_variance_pct",
    "published_cost_variance_m",
    "published_schedule_variance_days",
    "published_fy_variance_pct",
)


def _supplies(
    con: duckdb.DuckDBPyConnection, read: TableRead
) -> tuple[dict[str, frozenset[str]], dict[str, list[tuple[str, tuple[str, ...]]]]]:
    """Per profile: the optional columns with a value in some row, and those with none at all
    but a null reason (shown once as "not published for any project", not on every row)."""
    present = [c for c in OPTIONAL_FIELDS if c not in read.missing]
    if not present or not _columns_of(con, COLUMNS_TABLE):
        return {}, {}
    supplied: dict[str, set[str]] = {}
    empty: dict[str, set[str]] = {}
    for profile, column, with_value in con.execute(
        f"select source_profile, column_name, projects_with_value from {SCHEMA}.{COLUMNS_TABLE}"
    ).fetchall():
        if column in present:
            (supplied if with_value else empty).setdefault(str(profile), set()).add(str(column))
    with_reason = [
        c for c in present if c in REASON_FIELDS and f"{c}_null_reason" not in read.missing
    ]
    reasons: dict[tuple[str, str], list[str]] = {}
    if with_reason:
        listing = " union all ".join(
            f"select distinct source_profile, '{c}' as column_name, {c}_null_reason as reason "
            f"from {read.table} where {c} is null and {c}_null_reason is not null"
            for c in with_reason
        )
        for profile, column, reason in con.execute(
            f"{listing} order by source_profile, column_name, reason"
        ).fetchall():
            reasons.setdefault((str(profile), str(column)), []).append(str(reason))
    withheld: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for profile in sorted(set(supplied) | set(empty)):
        for name in with_reason:
            given = reasons.get((profile, name))
            if name in empty.get(profile, set()) and given:
                withheld.setdefault(profile, []).append((name, tuple(given)))
    return {p: frozenset(c) for p, c in supplied.items()} | {
        p: frozenset() for p in empty if p not in supplied
    }, withheld


def load_published(
    con: duckdb.DuckDBPyConnection, *, project_cap: int = PROJECT_LIST_CAP
) -> PublishedData:
    """Everything the published-portfolio page shows, for every profile present."""
    notes: list[str] = []
    overviews, summaries, checks = _load_overviews(con, notes)
    if not overviews:
        return PublishedData((), tuple(notes))
    read = table_read(con, PROJECTS_TABLE, PROJECT_COLUMNS, PROJECT_KEY_COLUMNS)
    if read.note and read.note not in notes:
        notes.append(read.note)
    disagreeing: dict[tuple[str, str], tuple[str, ...]] = {}
    check_read = table_read(con, CHECKS_TABLE, ("project_id",), CHECK_KEY_COLUMNS)
    if check_read.present and not check_read.missing:
        figures: dict[tuple[str, str], list[str]] = {}
        for profile, project_id, figure in con.execute(
            f"""
            select distinct source_profile, project_id, figure
            from {check_read.table}
            where status = ? and project_id is not null and figure is not null
            order by source_profile, project_id, figure
            """,
            [STATUS_DISAGREES],
        ).fetchall():
            figures.setdefault((str(profile), str(project_id)), []).append(str(figure))
        disagreeing = {key: tuple(names) for key, names in figures.items()}
    rows = _first_rows(
        con,
        read,
        per=("source_profile",),
        order_by="portfolio nulls last, lower(project_name) nulls last, project_id",
        cap=project_cap,
    )
    projects: dict[str, list[PublishedProject]] = {}
    for r in rows:
        projects.setdefault(str(r["source_profile"]), []).append(_project(r, disagreeing))
    ratings = {} if "reported_rating" in read.missing else _ratings(con, "reported")
    sro = {} if "sro_rating" in read.missing else _ratings(con, "sro")
    supplies, withheld = _supplies(con, read)
    findings = load_findings(con)
    profiles = tuple(
        PublishedProfile(
            overview=o,
            portfolios=tuple(s for s in summaries.get(o.source_profile, []) if not s.is_total),
            ratings=tuple(ratings.get(o.source_profile, ())),
            sro_ratings=tuple(sro.get(o.source_profile, ())),
            projects=tuple(projects.get(o.source_profile, ())),
            figures=tuple(checks.get(o.source_profile, ())),
            supplies=supplies.get(o.source_profile, frozenset()),
            withheld=tuple(withheld.get(o.source_profile, ())),
            findings=findings.get(o.source_profile, ()),
            earlier_extract_projects=o.earlier_extract_projects,
        )
        for o in overviews
    )
    return PublishedData(profiles, tuple(notes))


def _check(r: Mapping[str, Any]) -> FigureCheck:
    return _from_row(
        FigureCheck,
        r,
        source_profile=str(r["source_profile"]),
        figure=_text(r["figure"]) or "(unnamed figure)",
        status=str(r["status"]),
    )


def load_published_checks(
    con: duckdb.DuckDBPyConnection, *, cap: int = DISAGREEMENT_LIST_CAP
) -> PublishedChecks | None:
    """The figure checks for the data-quality page; None when no profile has any check."""
    notes: list[str] = []
    read = table_read(con, CHECKS_TABLE, CHECK_COLUMNS, CHECK_KEY_COLUMNS)
    if read.note:
        notes.append(read.note)
    counts = _load_check_counts(con)
    if not read.present or not counts:
        return PublishedChecks((), tuple(notes), cap) if notes else None
    labels = {o.source_profile: o.label for o in load_overviews(con)}
    rows = _first_rows(
        con,
        read,
        per=("source_profile", "figure"),
        order_by="abs(difference) desc nulls last, source_file, source_row, project_id",
        cap=cap,
        where="status = ?",
        params=[STATUS_DISAGREES],
    )
    listed: dict[str, list[FigureCheck]] = {}
    for r in rows:
        listed.setdefault(str(r["source_profile"]), []).append(_check(r))
    # every disagreeing figure of the profile: the per-figure counts shown beside the list
    totals = {profile: sum(f.disagreeing for f in figures) for profile, figures in counts.items()}
    profiles = []
    for profile in sorted(counts, key=_profile_order):
        profiles.append(
            ProfileChecks(
                source_profile=profile,
                label=labels.get(profile) or profile_label(profile),
                figures=tuple(counts[profile]),
                disagreements=tuple(listed.get(profile, ())),
                disagreement_count=totals.get(profile, 0),
                sql=(
                    f"select * from {read.table}\n"
                    f"where source_profile = {quote_literal(profile)} "
                    f"and status = '{STATUS_DISAGREES}'\n"
                    "order by figure, source_file, source_row;"
                ),
            )
        )
    return PublishedChecks(tuple(profiles), tuple(notes), cap)
