"""Schedule page (schedule.html): which milestones are late, slipping or coming up.

Overdue milestones, milestones due in the next 30/60/90 days and open milestones forecast later
than their baseline (slips), per portfolio and as bounded lists, from the schedule marts. The
counts come from the marts' flags (fct_milestones: is_overdue, is_due_within_*_days) so the page
and an analyst's query never disagree about what "overdue" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import duckdb

from pipelines.report.chart_links import filtered_list_href
from pipelines.report.charts import ChartImage
from pipelines.report.coverage import topic_note
from pipelines.report.formatting import format_days
from pipelines.report.pages._shared import (
    day,
    mart_status,
    ratio_pct,
    text,
    whole,
)
from pipelines.report.pages.chart_helpers import (
    OVER_COLOUR,
    PAGE_CHART_WIDTH,
    SERIES_COLOURS,
    inline_data,
    styled,
    write_page_chart,
)
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.sql_helpers import fetch_dicts, fetch_scalar

# The page's charts are charts/schedule-<name>.svg (chart_helpers.write_page_chart).
SLUG = "schedule"
SPEC = PageSpec(
    template="schedule.html.j2",
    marts=(
        "fct_milestones",
        "fct_milestone_slip_bands",
        "fct_portfolio_milestone_summary",
        "dim_projects",
    ),
    charts=("charts/schedule-portfolios.svg", "charts/schedule-slips.svg"),
)

MILESTONE_COLUMNS = (
    "project_id",
    "milestone_id",
    "milestone_name",
    "baseline_date",
    "forecast_date",
    "due_date",
    "schedule_variance_days",
    "is_open",
    "days_until_due",
    "is_overdue",
    "is_due_within_30_days",
    "is_due_within_60_days",
    "is_due_within_90_days",
)
PORTFOLIO_COLUMNS = (
    "portfolio",
    "project_count",
    "milestone_count",
    "achieved_count",
    "achieved_on_time_count",
    "open_count",
    "overdue_count",
    "due_within_30_days_count",
    "due_within_60_days_count",
    "due_within_90_days_count",
    "on_time_pct",
    "overdue_pct",
)
PROJECT_COLUMNS = ("project_id", "project_name", "portfolio")

# Open milestones slipped against their baseline, grouped by how far (days late).
DUE_SERIES = (
    "Overdue",
    "Due in 0\u201330 days",
    "Due in 31\u201360 days",
    "Due in 61\u201390 days",
)


@dataclass(frozen=True)
class PortfolioRow:
    portfolio: str
    project_count: int
    milestone_count: int
    achieved_count: int
    achieved_on_time_count: int
    open_count: int
    overdue_count: int
    due_30: int
    due_60: int
    due_90: int

    @property
    def on_time_pct(self) -> float | None:
        return ratio_pct(float(self.achieved_on_time_count), float(self.achieved_count))

    @property
    def overdue_pct(self) -> float | None:
        return ratio_pct(float(self.overdue_count), float(self.open_count))


@dataclass(frozen=True)
class MilestoneRow:
    project_id: str
    project_name: str | None
    portfolio: str | None
    milestone_id: str
    milestone_name: str | None
    baseline_date: date | None
    due_date: date | None
    days_until_due: int | None
    slip_days: int | None  # days later than baseline (positive = late), from the mart's SV
    window: str  # one of DUE_SERIES, or "Due after 90 days"


@dataclass(frozen=True)
class SlipBand:
    label: str
    count: int


@dataclass(frozen=True)
class ScheduleData:
    notes: tuple[str, ...]
    as_of_date: date | None
    total: PortfolioRow | None
    portfolios: tuple[PortfolioRow, ...]
    portfolio_count: int
    overdue: tuple[MilestoneRow, ...]
    upcoming: tuple[MilestoneRow, ...]
    slips: tuple[MilestoneRow, ...]
    slip_count: int
    slip_bands: tuple[SlipBand, ...]


def _portfolio(r: dict[str, Any], label: str | None = None) -> PortfolioRow:
    return PortfolioRow(
        portfolio=label or str(r["portfolio"]),
        project_count=whole(r["project_count"]),
        milestone_count=whole(r["milestone_count"]),
        achieved_count=whole(r["achieved_count"]),
        achieved_on_time_count=whole(r["achieved_on_time_count"]),
        open_count=whole(r["open_count"]),
        overdue_count=whole(r["overdue_count"]),
        due_30=whole(r["due_within_30_days_count"]),
        due_60=whole(r["due_within_60_days_count"]),
        due_90=whole(r["due_within_90_days_count"]),
    )


def load_portfolios(
    con: duckdb.DuckDBPyConnection,
) -> tuple[PortfolioRow, tuple[PortfolioRow, ...], int]:
    """The all-portfolio total (sums of counts, rates as ratios of sums) and each portfolio."""
    counts = PORTFOLIO_COLUMNS[1:10]
    total = fetch_dicts(
        con,
        "select count(*) as portfolios, "
        + ", ".join(f"sum({c}) as {c}" for c in counts)
        + " from marts.fct_portfolio_milestone_summary",
    )[0]
    rows = fetch_dicts(
        con,
        f"""
        select {", ".join(PORTFOLIO_COLUMNS)}
        from marts.fct_portfolio_milestone_summary
        order by overdue_count desc, due_within_30_days_count desc, portfolio
        """,
    )
    return (
        _portfolio(total, "All portfolios"),
        tuple(_portfolio(r) for r in rows),
        whole(total["portfolios"]),
    )


def _window(r: dict[str, Any]) -> str:
    if r["is_overdue"]:
        return DUE_SERIES[0]
    if r["is_due_within_30_days"]:
        return DUE_SERIES[1]
    if r["is_due_within_60_days"]:
        return DUE_SERIES[2]
    if r["is_due_within_90_days"]:
        return DUE_SERIES[3]
    return "Due after 90 days"


def _milestones(con: duckdb.DuckDBPyConnection, where: str, order: str) -> tuple[MilestoneRow, ...]:
    """Open milestones matching `where` (fixed SQL from this module, never data), capped."""
    rows = fetch_dicts(
        con,
        f"""
        select m.project_id, p.project_name, p.portfolio, m.milestone_id, m.milestone_name,
            m.baseline_date, m.due_date, m.days_until_due, m.schedule_variance_days,
            m.is_overdue, m.is_due_within_30_days, m.is_due_within_60_days,
            m.is_due_within_90_days
        from marts.fct_milestones as m
        left join marts.dim_projects as p on p.project_id = m.project_id
        where m.is_open and ({where})
        order by {order}, m.milestone_id
        """,
    )
    return tuple(
        MilestoneRow(
            project_id=str(r["project_id"]),
            project_name=text(r["project_name"]),
            portfolio=text(r["portfolio"]),
            milestone_id=str(r["milestone_id"]),
            milestone_name=text(r["milestone_name"]),
            baseline_date=day(r["baseline_date"]),
            due_date=day(r["due_date"]),
            days_until_due=None if r["days_until_due"] is None else int(r["days_until_due"]),
            slip_days=None
            if r["schedule_variance_days"] is None
            else -int(r["schedule_variance_days"]),
            window=_window(r),
        )
        for r in rows
    )


def load_slip_bands(con: duckdb.DuckDBPyConnection) -> tuple[tuple[SlipBand, ...], int]:
    """Open milestones forecast later than baseline, counted by how many days late (dbt:
    fct_milestone_slip_bands holds every band, in order)."""
    bands = tuple(
        SlipBand(str(label), int(count))
        for label, count in con.execute(
            "select slip_band, open_milestone_count from marts.fct_milestone_slip_bands "
            "order by band_order"
        ).fetchall()
    )
    return bands, sum(b.count for b in bands)


def load_schedule(con: duckdb.DuckDBPyConnection) -> ScheduleData:
    milestones = mart_status(con, "fct_milestones", MILESTONE_COLUMNS, "milestones")
    summary = mart_status(
        con, "fct_portfolio_milestone_summary", PORTFOLIO_COLUMNS, "milestone summary"
    )
    projects = mart_status(con, "dim_projects", PROJECT_COLUMNS, "projects")
    notes = [s.note for s in (milestones, summary, projects) if s.note]
    if source_note := topic_note(con, "milestones"):
        notes.insert(0, source_note)  # a published export supplies none of it: say so first
    if milestones.available and not milestones.has_rows:
        notes[notes.index(milestones.note or "")] = (
            "No milestones: marts.fct_milestones has no rows (no milestone extract loaded), so "
            "overdue, upcoming and slipped milestones cannot be shown."
        )
    total, portfolios, portfolio_count = load_portfolios(con) if summary.has_rows else (None, (), 0)
    usable = milestones.has_rows and projects.available
    bands, slip_count = load_slip_bands(con) if usable else ((), 0)
    as_of = None
    if usable:
        as_of = day(fetch_scalar(con, "select max(as_of_date) from marts.fct_milestones"))
    return ScheduleData(
        notes=tuple(notes),
        as_of_date=as_of,
        total=total if milestones.has_rows else None,
        portfolios=portfolios if milestones.has_rows else (),
        portfolio_count=portfolio_count,
        overdue=_milestones(con, "m.is_overdue", "m.days_until_due asc") if usable else (),
        upcoming=_milestones(con, "m.is_due_within_90_days", "m.due_date asc") if usable else (),
        slips=_milestones(con, "m.schedule_variance_days < 0", "m.schedule_variance_days asc")
        if usable
        else (),
        slip_count=slip_count,
        slip_bands=bands,
    )


def portfolio_chart(data: ScheduleData) -> Any:
    """Stacked bars per portfolio: overdue and due in each window (counts of open milestones)."""
    records: list[dict[str, Any]] = []
    for p in data.portfolios:
        values = (p.overdue_count, p.due_30, p.due_60 - p.due_30, p.due_90 - p.due_60)
        for order, (series, value) in enumerate(zip(DUE_SERIES, values, strict=True)):
            if value:
                records.append(
                    {"portfolio": p.portfolio, "series": series, "count": value, "order": order,
                     "list": filtered_list_href("portfolio", p.portfolio)}
                )  # fmt: skip
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar()
        .encode(
            y=alt.Y(
                "portfolio:N",
                sort=[p.portfolio for p in data.portfolios],
                title=None,
                axis=alt.Axis(labelLimit=240),
            ),
            x=alt.X(
                "count:Q",
                title="Open milestones",
                axis=alt.Axis(tickMinStep=1, format="d", tickCount=6),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=list(DUE_SERIES), range=[OVER_COLOUR, *SERIES_COLOURS[::-1]]
                ),
            ),
            order=alt.Order("order:Q"),
            href=alt.Href("list:N"),  # a bar opens the projects list filtered to its portfolio
        )
        .properties(width=PAGE_CHART_WIDTH - 160, height=max(60, 28 * len(data.portfolios)))
    )
    return styled(chart)


def portfolio_alt(data: ScheduleData) -> str:
    t = data.total
    assert t is not None
    text_ = (
        f"Stacked bar chart of open milestones per portfolio for {len(data.portfolios)} "
        f"portfolio(s): {t.overdue_count} overdue, {t.due_30} due within 30 days, {t.due_60} "
        f"within 60 and {t.due_90} within 90 days."
    )
    worst = data.portfolios[0] if data.portfolios and data.portfolios[0].overdue_count else None
    if worst is not None:
        text_ += f" Most overdue: {worst.portfolio} with {worst.overdue_count}."
    return text_


def slip_chart(bands: tuple[SlipBand, ...]) -> Any:
    records = [{"band": b.label, "count": b.count} for b in bands]
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar(color=SERIES_COLOURS[2])
        .encode(
            x=alt.X(
                "band:N",
                sort=[b.label for b in bands],
                title="Forecast later than baseline by",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("count:Q", title="Open milestones", axis=alt.Axis(tickMinStep=1, format="d")),
        )
        .properties(width=PAGE_CHART_WIDTH - 240, height=200)
    )
    return styled(chart)


def slip_alt(data: ScheduleData) -> str:
    parts = ", ".join(f"{b.count} by {b.label}" for b in data.slip_bands)
    text_ = (
        f"Bar chart of {data.slip_count} open milestone(s) forecast later than their baseline: "
        f"{parts}."
    )
    if data.slips and data.slips[0].slip_days is not None:
        text_ += f" Largest slip: {format_days(data.slips[0].slip_days)}."
    return text_


def write_charts(data: ScheduleData, out_dir: Path, currency: str) -> dict[str, ChartImage]:
    charts: dict[str, ChartImage] = {}
    if data.portfolios:
        charts["portfolios"] = write_page_chart(
            portfolio_chart(data),
            page=SLUG,
            name="portfolios",
            alt_text=portfolio_alt(data),
            currency=currency,
            out_dir=out_dir,
        )
    if data.slip_count:
        charts["slips"] = write_page_chart(
            slip_chart(data.slip_bands),
            page=SLUG,
            name="slips",
            alt_text=slip_alt(data),
            currency=currency,
            out_dir=out_dir,
        )
    return charts


def render(inputs: PageInputs) -> str:
    """The schedule page's HTML; its charts are written to out_dir/charts/schedule-*.svg."""
    data = load_schedule(inputs.con)
    charts = write_charts(data, inputs.out_dir, str(inputs.common["currency"]))
    return inputs.render_template(SPEC, schedule=data, charts=charts, fmt_days=format_days)


PAGE = SitePage(
    file_name="schedule.html",
    label="Schedule",
    description="milestones due, overdue and slipped",
    spec=SPEC,
    render=render,
    topic="milestones",
)
