"""Published portfolio page (published.html): a real public export, as its publisher printed it.

One section per source profile present in marts.fct_published_projects (the US Federal IT
Dashboard projects export, the UK GMPP annual data): key figures, planned against forecast cost
by portfolio (chart, text alternative, table), the mix of reported ratings, how many published
figures agree with the publisher's own formula, and every project. A value the publisher withheld
reads "not published" with the publisher's reason (shortened, the full text one click away),
never a zero or a blank. Amounts keep their publisher's currency and unit ($15.3M, £2,607m).
Everything is read through pipelines.report.published_queries.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import altair as alt

from pipelines.report.chart_links import filtered_list_href
from pipelines.report.charts import ChartImage
from pipelines.report.formatting import (
    NOT_PUBLISHED,
    format_days,
    format_figure_value,
    format_published_money,
    short_text,
)
from pipelines.report.pages.chart_helpers import (
    PAGE_CHART_WIDTH,
    SERIES_COLOURS,
    inline_data,
    styled,
    write_page_chart,
)
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.report.published_findings import FINDINGS_TABLE
from pipelines.report.published_queries import (
    CHECK_COUNTS_TABLE,
    CHECKS_TABLE,
    COLUMNS_TABLE,
    FIELD_LABELS,
    PROFILES_TABLE,
    PROJECTS_TABLE,
    RATINGS_TABLE,
    SUMMARY_TABLE,
    PublishedData,
    PublishedProfile,
    load_published,
)

SLUG = "published"  # its charts: charts/published-<profile>-portfolios.svg
FILE_NAME = "published.html"
SPEC = PageSpec(
    template="published.html.j2",
    marts=(
        PROJECTS_TABLE,
        SUMMARY_TABLE,
        CHECKS_TABLE,
        PROFILES_TABLE,
        CHECK_COUNTS_TABLE,
        RATINGS_TABLE,
        COLUMNS_TABLE,
        FINDINGS_TABLE.removeprefix("marts."),
    ),
    charts=("charts/published-*-portfolios.svg",),
)
SERIES = ("Planned", "Forecast")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def money_title(profile: PublishedProfile) -> str:
    """'USD millions' for an axis or a caption."""
    o = profile.overview
    unit = o.money_unit or "millions"
    return f"{o.currency or 'mixed currencies'} {unit}"


def portfolio_chart(profile: PublishedProfile) -> Any:
    """Planned against forecast cost per portfolio, largest planned cost at the top.

    Ticks are plain numbers: the axis title names the currency and unit once.
    """
    records: list[dict[str, Any]] = []
    order: list[str] = []
    section = f"pub-{profile.overview.source_profile}-projects"  # published.html.j2's pid
    for p in profile.portfolios:
        if p.planned_cost_m is None and p.forecast_cost_m is None:
            continue
        order.append(p.portfolio)
        for series, value in zip(SERIES, (p.planned_cost_m, p.forecast_cost_m), strict=True):
            if value is not None:
                records.append(
                    {"portfolio": p.portfolio, "series": series, "amount": value,
                     # a bar opens this page's projects table filtered to its portfolio
                     "list": filtered_list_href("portfolio", p.portfolio, FILE_NAME, section)}
                )  # fmt: skip
    largest = max((abs(r["amount"]) for r in records), default=0)
    chart = (
        alt.Chart(inline_data(records))
        .mark_bar()
        .encode(
            y=alt.Y("portfolio:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("series:N", sort=list(SERIES)),
            href=alt.Href("list:N"),
            x=alt.X(
                "amount:Q",
                title=f"Cost ({money_title(profile)})",
                axis=alt.Axis(format=",.0f" if largest >= 100 else ",.1f", tickCount=5),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                sort=list(SERIES),
                scale=alt.Scale(domain=list(SERIES), range=[SERIES_COLOURS[0], SERIES_COLOURS[2]]),
            ),
        )
        .properties(width=PAGE_CHART_WIDTH - 200, height=max(80, 26 * len(order)))
    )
    # Agency and department names are long: more room on the left than the other pages' charts
    # (see chart_helpers.styled on why the browser's font needs it).
    return styled(chart).properties(padding={"left": 72, "top": 5, "right": 16, "bottom": 5})


def portfolio_alt(profile: PublishedProfile) -> str:
    o = profile.overview
    cur, unit = o.currency, o.money_unit
    shown = [p for p in profile.portfolios if p.planned_cost_m is not None]
    text = (
        f"Bar chart of planned and forecast cost for {len(shown)} portfolio(s) of the "
        f"{o.label}, in {money_title(profile)}"
    )
    if o.cost_bases:
        text += f" ({'; '.join(o.cost_bases)})"
    text += "."
    if shown:
        top = shown[0]
        text += (
            f" Largest planned cost: {top.portfolio}, planned "
            f"{format_published_money(top.planned_cost_m, cur, unit, 1)}, forecast "
            f"{format_published_money(top.forecast_cost_m, cur, unit, 1)}."
        )
    if o.total is not None:
        planned = format_published_money(o.total.planned_cost_m, cur, unit, 1)
        forecast = format_published_money(o.total.forecast_cost_m, cur, unit, 1)
        text += f" All portfolios: planned {planned}, forecast {forecast}."
    return text + " The table below lists every portfolio."


def chart_name(source_profile: str) -> str:
    return f"{_UNSAFE.sub('_', source_profile)}-portfolios"


def write_charts(data: PublishedData, out_dir: Path, currency: str) -> dict[str, ChartImage]:
    """One chart per profile with any portfolio cost, keyed by source_profile."""
    charts: dict[str, ChartImage] = {}
    for profile in data.profiles:
        if not any(
            p.planned_cost_m is not None or p.forecast_cost_m is not None
            for p in profile.portfolios
        ):
            continue
        charts[profile.overview.source_profile] = write_page_chart(
            portfolio_chart(profile),
            page=SLUG,
            name=chart_name(profile.overview.source_profile),
            alt_text=portfolio_alt(profile),
            currency=profile.overview.currency or currency,
            out_dir=out_dir,
        )
    return charts


# How each finding type and currency reads on the page (the marts keep the codes).
FINDING_LABELS = {
    "out_of_proportion": "out of proportion to the same row",
    "agency_name_differs": "agency name is not its code's",
    "unknown_agency_code": "unknown agency code",
}
CURRENCY_MARKS = {"GBP": "£m", "USD": "$ M"}


def render(inputs: PageInputs) -> str:
    """The page's HTML; its charts are written to out_dir/charts/published-*.svg."""
    data = load_published(inputs.con)
    charts = write_charts(data, inputs.out_dir, str(inputs.common["currency"]))
    return inputs.render_template(
        SPEC,
        published=data,
        charts=charts,
        pmoney=format_published_money,
        pfigure=format_figure_value,
        short=short_text,
        not_published=NOT_PUBLISHED,
        fmt_days=format_days,
        field_labels=FIELD_LABELS,
        finding_labels=FINDING_LABELS,
        currency_marks=CURRENCY_MARKS,
    )


PAGE = SitePage(
    file_name=FILE_NAME,
    label="Published portfolio",
    description=(
        "a public export as published: cost and ratings by portfolio, every project, "
        "what was not published and why"
    ),
    spec=SPEC,
    render=render,
    only_with_published=True,
)
