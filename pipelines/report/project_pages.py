"""Write one one-pager per project: one template, compiled once, rendered for every project.

Charts: a one-pager has two, both drawn by Vega. The earned value S-curve over the project's
whole life (s_curve.py): for the one-pagers the board pack prints (`printed`) an SVG rendered here
by vl-convert, beside the page as `<id>-s-curve.svg`, since no script runs in a print; every other
one-pager's browser draws it from the page's table (s_curve_browser.py), which keeps ~20 ms of
CPU a project out of the run. Labour vs non-labour cost by month is drawn by the browser from the
page's table too (static/report.js). The tables are the charts' no-JavaScript fallback; each
chart's text alternative is computed here from the same numbers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path

from jinja2 import Environment

from pipelines.report.charts import svg_size
from pipelines.report.cost_lines import cost_lines_file_name
from pipelines.report.exceptions import rebaseline_summary
from pipelines.report.formatting import format_money
from pipelines.report.project_queries import ProjectPage
from pipelines.report.s_curve import AC, EV, PV, s_curve_alt, s_curve_svg
from pipelines.report.s_curve_browser import figure_data, write_spec_file
from pipelines.report.site import PROJECTS_DIRNAME, project_file_name

logger = logging.getLogger(__name__)

PROJECT_TEMPLATE = "project.html.j2"


def s_curve_file_name(project_id: str) -> str:
    """The S-curve's SVG beside the one-pager (projects/), named like it."""
    return project_file_name(project_id).removesuffix(".html") + "-s-curve.svg"


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
    cutoff: date,
    printed: Collection[str] = (),
    cost_lines: bool = True,
) -> int:
    """Render every page into out_dir/projects/; common is the `common` of a page at "../".

    printed: the projects whose one-pager the board pack prints; their S-curve is an SVG file,
    every other one is drawn by the browser. cost_lines: the per-project CSVs of the lines behind
    the actual cost are written beside the pages (cost_lines.py), so the pages link them.
    """
    template = env.get_template(PROJECT_TEMPLATE)
    folder = out_dir / PROJECTS_DIRNAME
    folder.mkdir(parents=True, exist_ok=True)
    currency = str(common["currency"])
    context: dict[str, object] = {
        **common,
        "vega_bundle": vega_bundle,
        "s_curve_spec": write_spec_file(out_dir / "static", currency),
        "s_curve_series": (PV, EV, AC),
    }
    started = time.perf_counter()
    svgs = 0
    for page in pages:
        pid = page.info.project_id
        s_curve = s_curve_data = ""
        size: tuple[int | None, int | None] = (None, None)
        if page.curve and pid in printed:
            svg = s_curve_svg(page, currency, cutoff)
            s_curve = s_curve_file_name(pid)
            (folder / s_curve).write_text(svg, encoding="utf-8")
            size = svg_size(svg)
            svgs += 1
        elif page.curve:
            s_curve_data = figure_data(page, currency, cutoff)
        context.update(
            page=page,
            reasons=reasons.get(pid, ()),
            first_baseline=rebaseline_summary(page.info, currency),
            s_curve_src=s_curve,
            s_curve_size=size,
            s_curve_data=s_curve_data,
            ev_alt=s_curve_alt(page, currency, cutoff),
            cost_alt=cost_alt(page, currency),
            cost_lines_href=cost_lines_file_name(pid) if cost_lines else "",
        )
        (folder / project_file_name(pid)).write_text(template.render(context), encoding="utf-8")
    logger.info(
        "wrote %d one-pager(s), %d S-curve(s) as SVG, in %.2fs",
        len(pages),
        svgs,
        time.perf_counter() - started,
    )
    return len(pages)
