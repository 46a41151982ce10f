"""Write one one-pager per project: one template, compiled once, rendered for every project.

Charts: a one-pager has two (the earned value S-curve, labour vs non-labour cost by month).
Rendering 5,000 x 2 SVGs with vl-convert (~18 ms each) would take three minutes, so the pages
carry the numbers as an accessible table (always shown, the no-JavaScript fallback) and the
browser draws the chart from that table with the local Vega bundle (static/report.js). The text
alternative is computed here from the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment

from pipelines.report.cost_lines import cost_lines_file_name
from pipelines.report.exceptions import rebaseline_summary
from pipelines.report.formatting import format_money, format_month, format_ratio
from pipelines.report.project_queries import ProjectPage
from pipelines.report.site import PROJECTS_DIRNAME, project_file_name

PROJECT_TEMPLATE = "project.html.j2"


def ev_alt(page: ProjectPage, currency: str) -> str:
    months = page.ev_months
    if not months:
        return "Earned value S-curve: no earned value for this project yet."
    last = months[-1]
    return (
        f"Line chart of cumulative planned value, earned value and actual cost, "
        f"{format_month(months[0].month_start_date)} to {format_month(last.month_start_date)}: "
        f"in {format_month(last.month_start_date)} PV {format_money(last.pv, currency)}, "
        f"EV {format_money(last.ev, currency)}, AC {format_money(last.ac, currency)} "
        f"(CPI {format_ratio(last.cpi)}, SPI {format_ratio(last.spi)}). "
        "The table below lists every month."
    )


def cost_alt(page: ProjectPage, currency: str) -> str:
    if not page.costs:
        return "Cost by month: no cost booked yet."
    labour = sum(c.labour_cost or 0.0 for c in page.costs)
    other = sum(c.non_labour_cost or 0.0 for c in page.costs)
    return (
        f"Stacked bar chart of labour and non-labour cost over {len(page.costs)} month(s): "
        f"labour {format_money(labour, currency)}, non-labour {format_money(other, currency)}. "
        "The table below lists every month."
    )


def write_project_pages(
    env: Environment,
    pages: list[ProjectPage],
    reasons: Mapping[str, tuple[str, ...]],
    out_dir: Path,
    common: dict[str, object],
    vega_bundle: str,
    *,
    cost_lines: bool = True,
) -> int:
    """Render every page into out_dir/projects/; common is the `common` of a page at "../".

    cost_lines: the per-project CSVs of the lines behind the actual cost are written beside the
    pages (cost_lines.py), so the pages link them.
    """
    template = env.get_template(PROJECT_TEMPLATE)
    folder = out_dir / PROJECTS_DIRNAME
    folder.mkdir(parents=True, exist_ok=True)
    currency = str(common["currency"])
    context: dict[str, object] = {**common, "vega_bundle": vega_bundle}
    for page in pages:
        pid = page.info.project_id
        context.update(
            page=page,
            reasons=reasons.get(pid, ()),
            first_baseline=rebaseline_summary(page.info, currency),
            ev_alt=ev_alt(page, currency),
            cost_alt=cost_alt(page, currency),
            cost_lines_href=cost_lines_file_name(pid) if cost_lines else "",
        )
        (folder / project_file_name(pid)).write_text(template.render(context), encoding="utf-8")
    return len(pages)
