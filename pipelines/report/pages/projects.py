"""Projects (projects.html): the cost overview of every project and portfolio."""

from __future__ import annotations

from pipelines.report.charts import ChartImage, write_charts
from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.report.published_queries import OVERVIEW_MARTS
from pipelines.report.queries import load_cost_overview
from pipelines.report.site import PROJECTS_PAGE

SPEC = PageSpec(
    template="projects.html.j2",
    marts=(
        "fct_project_cost_performance",  # key figures and the project table
        "fct_portfolio_cost_performance",
        "fct_portfolio_budget_actual_monthly",  # budget vs actual this fiscal year
    ),
    published_marts=OVERVIEW_MARTS,
    charts=("charts/budget_vs_actual.svg", "charts/portfolio_variance.svg"),
)


def render(inputs: PageInputs) -> str:
    site = inputs.site_data
    overview = load_cost_overview(inputs.con, site.context)
    ppm_note = site.coverage.note("ppm")
    charts: dict[str, ChartImage] = {}
    if ppm_note is None:  # no chart of nothing
        charts = write_charts(overview, inputs.out_dir)
    return inputs.render_template(
        SPEC,
        data=overview,
        context=overview.context,
        totals=overview.totals,
        bva=overview.budget_vs_actual,
        portfolios=overview.portfolios,
        projects=overview.projects,
        charts=charts,
        ppm_note=ppm_note,
        published=site.coverage.profiles,
    )


PAGE = SitePage(
    file_name=PROJECTS_PAGE,
    label="Projects",
    description="cost performance of every project and portfolio",
    spec=SPEC,
    render=render,
    topic="ppm",
)
