"""Executive summary (summary.html): headline tiles, health, the first exceptions, the plan by
month, the investment mix and the CPI/SPI trend, on one printed page."""

from __future__ import annotations

from pipelines.report.charts import ChartImage
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.report.project_queries import PROJECT_FACT_MARTS
from pipelines.report.published_queries import OVERVIEW_MARTS
from pipelines.report.site import SUMMARY_PAGE
from pipelines.report.summary_charts import write_summary_charts
from pipelines.report.summary_queries import (
    MIX_DIMENSIONS,
    load_closed_projects,
    load_health_counts,
    load_mix,
    load_month_plan,
    load_tiles,
    load_trend,
)

# The summary lists the worst few; the exceptions page has them all.
EXCEPTIONS_ON_SUMMARY = 10

SPEC = PageSpec(
    template="summary.html.j2",
    marts=(
        "fct_portfolio_earned_value_monthly",  # tiles, closed projects, CPI/SPI trend
        "fct_project_health",  # health counts
        "fct_portfolio_financials_monthly",  # the plan by month
        "fct_financial_performance_by_dimension",  # the investment mix
        *(m for m in PROJECT_FACT_MARTS if m != "fct_project_health"),  # the exceptions
    ),
    published_marts=OVERVIEW_MARTS,
    charts=(
        "charts/summary_plan_by_month.svg",
        "charts/summary_cpi_spi_trend.svg",
        *(f"charts/summary_mix_{dimension}.svg" for dimension, _ in MIX_DIMENSIONS),
    ),
)


def render(inputs: PageInputs) -> str:
    con, common, site = inputs.con, inputs.common, inputs.site_data
    ppm_note = site.coverage.note("ppm")
    months, mix, trend = load_month_plan(con), load_mix(con), load_trend(con)
    charts: dict[str, ChartImage] = {}
    if ppm_note is None:  # no chart of nothing
        charts = write_summary_charts(
            months,
            mix,
            trend,
            fiscal_year_label=str(common["fiscal_year_label"]),
            currency=str(common["currency"]),
            out_dir=inputs.out_dir,
        )
    return inputs.render_template(
        SPEC,
        tiles=load_tiles(con),
        health=load_health_counts(con),
        closed=load_closed_projects(con),
        exceptions=site.exceptions,
        shown_exceptions=EXCEPTIONS_ON_SUMMARY,
        months=months,
        mix=mix,
        mix_dimensions=MIX_DIMENSIONS,
        trend=trend,
        charts=charts,
        ppm_note=ppm_note,
        published=site.coverage.profiles,
    )


PAGE = SitePage(
    file_name=SUMMARY_PAGE,
    label="Executive summary",
    description="headline figures, what needs attention, trends",
    spec=SPEC,
    render=render,
    board_pack=True,
)
