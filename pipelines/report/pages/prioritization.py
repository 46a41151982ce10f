"""The prioritisation page (prioritization.html): the ranked list with the waterline and its
running cost per fiscal year, what the optimizer funds instead, the efficient frontier, the
scenarios side by side and the fragile decisions.

The prioritisation step computes and writes `marts.fct_prioritization_*`; this page only reads
them (pipelines/report/prioritization_queries.py) and renders. Prioritisation never imports the
report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import jinja2

from pipelines.report.charts import CHART_WIDTH, ChartImage, base_config, write_chart
from pipelines.report.formatting import format_money, format_points
from pipelines.report.pages.protocol import EngineersNote, PageInputs, PageSpec, SitePage
from pipelines.report.prioritization_queries import (
    FrontierRow,
    PrioritizationData,
    load_prioritization,
)
from pipelines.report.templating import build_environment

PAGE_NAME = "prioritization.html"
FRONTIER_CHART = "prioritization_frontier"
SPEC = PageSpec(
    template="prioritization.html.j2",
    marts=(
        "fct_prioritization_scores",
        "fct_prioritization_selections",
        "fct_prioritization_frontier",
        "fct_prioritization_scenarios",
        "fct_prioritization_sensitivity",
    ),
    charts=(f"charts/{FRONTIER_CHART}.svg",),
)
OPTIMAL_COLOUR = "#08519c"
WATERLINE_COLOUR = "#fd8d3c"
SERIES = ["Optimal selection", "Waterline (rank order)"]


def frontier_chart(frontier: Sequence[FrontierRow], currency: str) -> alt.Chart:
    """Value bought at each budget envelope: solid dark line = optimal, dashed orange = waterline
    (told apart by dash and lightness, not hue alone; the legend names both)."""
    records: list[dict[str, Any]] = []
    for row in frontier:
        for series, value in (
            ("Optimal selection", row.optimal_value),
            ("Waterline (rank order)", row.waterline_value),
        ):
            if value is not None:
                records.append(
                    {
                        "budget": row.budget,
                        "series": series,
                        "value": value,
                        "factor": f"{row.budget_factor:.0%}",
                    }
                )
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "budget:Q",
                title=f"Budget over the horizon ({currency})",
                axis=alt.Axis(format="$,.3~s"),
            ),
            y=alt.Y("value:Q", title="Total value funded (score points)"),
            color=alt.Color(
                "series:N",
                title=None,
                sort=SERIES,
                scale=alt.Scale(domain=SERIES, range=[OPTIMAL_COLOUR, WATERLINE_COLOUR]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                sort=SERIES,
                scale=alt.Scale(domain=SERIES, range=[[1, 0], [6, 3]]),
            ),
        )
        .properties(width=CHART_WIDTH, height=300)
    )
    return base_config(chart)


def frontier_alt(data: PrioritizationData) -> str:
    frontier, currency = data.frontier, data.currency
    feasible = [r for r in frontier if r.optimal_value is not None]
    if not feasible:
        return "Line chart of the efficient frontier: no budget envelope is feasible."
    low, high = feasible[0], feasible[-1]
    gap = data.largest_frontier_gap
    return (
        f"Line chart of the most value each budget can fund, {len(frontier)} budget envelopes "
        f"from {format_money(frontier[0].budget, currency)} to "
        f"{format_money(frontier[-1].budget, currency)}. The optimal selection rises from "
        f"{format_points(low.optimal_value)} to {format_points(high.optimal_value)} points; the "
        f"waterline funds up to {format_points(gap or 0)} points less for the same money. "
        "The table below lists every point."
    )


def render_prioritization_html(
    data: PrioritizationData,
    *,
    env: jinja2.Environment | None = None,
    charts: dict[str, ChartImage],
    root: str = "",
    generated_at: datetime | None = None,
    run_id: str | None = None,
    nav: Sequence[tuple[str, str]] = (),
    project_href: Callable[[str], str] = lambda _project_id: "",
) -> str:
    # Without the marts there is no currency, and no amount on the page either.
    env = env or build_environment(data.currency or "USD")
    # Marts it cannot read are named instead, for the engineer to build.
    note = EngineersNote(data.missing_tables or SPEC.marts)
    return env.get_template(SPEC.template).render(
        engineers=note,
        p=data,
        project_href=project_href,
        charts=charts,
        root=root,
        generated_at=generated_at or datetime.now(UTC),
        run_id=run_id,
        nav=list(nav),
        current=PAGE_NAME,
    )


def render_prioritization_page(
    con: duckdb.DuckDBPyConnection,
    output_dir: Path,
    *,
    root: str = "",
    generated_at: datetime | None = None,
    run_id: str | None = None,
    nav: Sequence[tuple[str, str]] = (),
    project_href: Callable[[str], str] = lambda _project_id: "",
    env: jinja2.Environment | None = None,
) -> Path:
    """Write output_dir/prioritization.html (and charts/prioritization_frontier.svg).

    `con` is any connection to the warehouse (read-only is enough). A warehouse without the
    prioritisation marts gets a page that says so, not an error. `nav` is the site's
    [(label, href from the site root)]; `root` the page's path to the site root.
    """
    html = _page_html(
        con,
        output_dir,
        root=root,
        generated_at=generated_at,
        run_id=run_id,
        nav=nav,
        project_href=project_href,
        env=env,
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / PAGE_NAME
    path.write_text(html, encoding="utf-8")
    return path


def _page_html(
    con: duckdb.DuckDBPyConnection,
    output_dir: Path,
    *,
    root: str,
    generated_at: datetime | None,
    run_id: str | None,
    nav: Sequence[tuple[str, str]],
    project_href: Callable[[str], str],
    env: jinja2.Environment | None,
) -> str:
    data = load_prioritization(con)
    charts: dict[str, ChartImage] = {}
    if data.frontier and any(r.optimal_value is not None for r in data.frontier):
        charts["frontier"] = write_chart(
            frontier_chart(data.frontier, data.currency),
            data.currency,
            output_dir,
            FRONTIER_CHART,
            frontier_alt(data),
        )
    return render_prioritization_html(
        data,
        env=env,
        charts=charts,
        root=root,
        generated_at=generated_at,
        run_id=run_id,
        nav=nav,
        project_href=project_href,
    )


def render(inputs: PageInputs) -> str:
    """The site's page: this page's HTML, its chart written (the page takes no data cut-off:
    the prioritisation states its own as-of date)."""
    common = inputs.common
    run_id = common["run_id"]
    project_href = common["project_href"]
    nav = common["nav"]
    assert isinstance(nav, list) and callable(project_href)
    return _page_html(
        inputs.con,
        inputs.out_dir,
        root=str(common["root"]),
        generated_at=inputs.generated_at,
        run_id=run_id if isinstance(run_id, str) else None,
        nav=nav,
        project_href=project_href,
        env=inputs.env,
    )


PAGE = SitePage(
    file_name=PAGE_NAME,
    label="Prioritization",
    description="scored projects, the funding waterline and scenarios",
    spec=SPEC,
    render=render,
    topic="prioritization",
)
