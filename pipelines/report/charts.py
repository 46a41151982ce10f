"""The report's charts: altair specs rendered to static SVG files by vl-convert.

Why SVG files: the page must work offline, without JavaScript and under a strict CSP, so charts are
rendered ahead of time by vl-convert's embedded Vega engine (no browser, no network) and linked
with <img>. An SVG shown through <img> cannot run script or fetch anything, and vl-convert escapes
data-derived text (project and portfolio names), so no chart markup is ever written by hand.
Every chart gets a text alternative built from the same numbers, and the page repeats those numbers
in a table.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert
from markupsafe import Markup

from pipelines.report.chart_links import filtered_list_href, for_inlining, has_links
from pipelines.report.errors import ReportError
from pipelines.report.formatting import (
    currency_symbol,
    format_money,
    format_month,
    format_text,
)
from pipelines.report.queries import BudgetVsActual, PortfolioReportData, PortfolioRow

logger = logging.getLogger(__name__)

CHARTS_DIRNAME = "charts"

# Light vs dark blue: told apart by lightness too, so it survives grey-scale printing and the
# common colour-vision deficiencies; the legend names each series in text.
BUDGET_COLOUR = "#9ecae1"
ACTUAL_COLOUR = "#08519c"
OVERRUN_COLOUR = "#b2182b"
UNDERRUN_COLOUR = "#2166ac"

CHART_WIDTH = 720


@dataclass(frozen=True)
class ChartImage:
    """A chart written to disk, as the template needs it."""

    src: str  # relative to index.html, e.g. charts/budget_vs_actual.svg
    alt: str
    width: int | None
    height: int | None
    # The SVG itself when its marks are links (chart_links.py): <img> would not follow them.
    # vl-convert wrote it and escaped every text in it; no data is pasted into it here.
    inline: Markup | None = None


def format_locale(currency: str) -> dict[str, Any]:
    """d3-format locale so axis labels use the reporting currency's symbol ($1.2M, €300k)."""
    prefix, suffix = currency_symbol(currency)
    return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": [prefix, suffix]}


def base_config(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=12, grid=True, gridColor="#e5e5e5")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="top")
        # vl-convert measures label text with its own font, the browser draws the SVG with a
        # system font that may be wider: without room on the left a long category name
        # ("Regulatory Compliance") is cut at the image's edge.
        .properties(background="white", padding={"left": 24, "top": 5, "right": 12, "bottom": 5})
    )


def budget_vs_actual_chart(bva: BudgetVsActual, currency: str) -> alt.Chart:
    """Grouped bars per fiscal month: budget next to actual; months not yet reached show budget."""
    records: list[dict[str, Any]] = []
    for month in bva.months:
        label = format_month(month.month_start_date)
        if month.budget is not None:
            records.append({"month": label, "series": "Budget", "amount": month.budget})
        if month.actual is not None:
            records.append({"month": label, "series": "Actual", "amount": month.actual})
    month_order = [format_month(m.month_start_date) for m in bva.months]
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            x=alt.X("month:N", sort=month_order, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=["Budget", "Actual"]),
            y=alt.Y(
                "amount:Q",
                title=f"Amount ({currency})",
                axis=alt.Axis(format="$,.3~s"),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["Budget", "Actual"], range=[BUDGET_COLOUR, ACTUAL_COLOUR]),
            ),
        )
        .properties(width=CHART_WIDTH, height=280)
    )
    return base_config(chart)


def portfolio_variance_chart(portfolios: tuple[PortfolioRow, ...], currency: str) -> alt.Chart:
    """Horizontal bars of forecast variance (BAC - FAC) per portfolio, overruns (negative) first."""
    records: list[dict[str, Any]] = []
    order: list[str] = []
    for p in portfolios:
        if p.forecast_variance is None:
            continue
        label = format_text(p.portfolio)
        order.append(label)
        overrun = p.forecast_variance < 0
        record = {
            "portfolio": label,
            "variance": p.forecast_variance,
            "direction": "Forecast overrun" if overrun else "Within budget",
        }
        if p.portfolio:  # a bar without a portfolio has no list to open
            record["list"] = filtered_list_href("portfolio", p.portfolio)
        records.append(record)
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            y=alt.Y("portfolio:N", sort=order, title=None),
            href=alt.Href("list:N"),  # a bar opens the projects list filtered to its portfolio
            x=alt.X(
                "variance:Q",
                title=f"Forecast variance, BAC - FAC ({currency}; negative = forecast overrun)",
                axis=alt.Axis(format="$,.3~s"),
            ),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(
                    domain=["Forecast overrun", "Within budget"],
                    range=[OVERRUN_COLOUR, UNDERRUN_COLOUR],
                ),
            ),
        )
        .properties(width=CHART_WIDTH - 160, height=max(60, 28 * len(records)))
    )
    return base_config(chart)


def budget_vs_actual_alt(bva: BudgetVsActual, fiscal_year_label: str, currency: str) -> str:
    """Text alternative that states the chart's message, not just its type."""
    if not bva.months:
        return f"Bar chart of budget versus actual cost for {fiscal_year_label}: no months."
    first = format_month(bva.months[0].month_start_date)
    last = format_month(bva.months[-1].month_start_date)
    return (
        f"Bar chart of monthly budget versus actual cost for {fiscal_year_label}, "
        f"{first} to {last}. Budget for the months to date "
        f"{format_money(bva.budget_to_date, currency)}, actual cost to date "
        f"{format_money(bva.actual_to_date, currency)}; full-year budget "
        f"{format_money(bva.budget_total, currency)}. "
        "The table below lists every month."
    )


def portfolio_variance_alt(portfolios: tuple[PortfolioRow, ...], currency: str) -> str:
    known = [p.forecast_variance for p in portfolios if p.forecast_variance is not None]
    overruns = [p for p in portfolios if (p.forecast_variance or 0) < 0]
    text = (
        f"Bar chart of forecast variance (BAC - FAC) for {len(known)} portfolio(s); "
        f"{len(overruns)} forecast an overrun."
    )
    if overruns:
        worst = overruns[0]  # portfolios arrive worst variance first
        text += (
            f" Largest overrun: {format_text(worst.portfolio)} at "
            f"{format_money(worst.forecast_variance, currency)}."
        )
    return text + " The portfolio table below lists every figure."


_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="(?P<w>[\d.]+)"[^>]*?\bheight="(?P<h>[\d.]+)"')


def svg_size(svg: str) -> tuple[int | None, int | None]:
    """The SVG's intrinsic size, so the <img> reserves its space before the file loads."""
    match = _SVG_SIZE.search(svg[:2000])
    if not match:
        return None, None
    return round(float(match["w"])), round(float(match["h"]))


def chart_to_svg(chart: alt.Chart, currency: str) -> str:
    """Render with vl-convert; allowed_base_urls=[] forbids any data fetch (data is inline)."""
    svg = vl_convert.vegalite_to_svg(
        chart.to_json(),
        format_locale=format_locale(currency),
        allowed_base_urls=[],
    )
    if not svg.lstrip().startswith("<svg"):
        raise ReportError("vl-convert did not return an SVG document")
    return svg


def write_chart(
    chart: alt.Chart, currency: str, output_dir: Path, name: str, alt_text: str
) -> ChartImage:
    """Render chart to output_dir/charts/<name>.svg; the returned image carries alt_text."""
    started = time.perf_counter()
    svg = chart_to_svg(chart, currency)
    charts_dir = output_dir / CHARTS_DIRNAME
    charts_dir.mkdir(parents=True, exist_ok=True)
    (charts_dir / f"{name}.svg").write_text(svg, encoding="utf-8")
    logger.info("rendered chart %s in %.2fs", name, time.perf_counter() - started)
    width, height = svg_size(svg)
    return ChartImage(
        src=f"{CHARTS_DIRNAME}/{name}.svg",
        alt=alt_text,
        width=width,
        height=height,
        inline=Markup(for_inlining(svg)) if has_links(svg) else None,  # vl-convert's own SVG
    )


def write_charts(data: PortfolioReportData, output_dir: Path) -> dict[str, ChartImage]:
    """Write every chart of the portfolio summary under output_dir/charts/."""
    currency = data.context.reporting_currency
    charts = {
        "budget_vs_actual": write_chart(
            budget_vs_actual_chart(data.budget_vs_actual, currency),
            currency,
            output_dir,
            "budget_vs_actual",
            budget_vs_actual_alt(data.budget_vs_actual, data.context.fiscal_year_label, currency),
        )
    }
    if any(p.forecast_variance is not None for p in data.portfolios):
        charts["portfolio_variance"] = write_chart(
            portfolio_variance_chart(data.portfolios, currency),
            currency,
            output_dir,
            "portfolio_variance",
            portfolio_variance_alt(data.portfolios, currency),
        )
    return charts
