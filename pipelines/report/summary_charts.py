"""The executive summary's charts: altair specs rendered once per run to SVG by vl-convert.

Only the summary's handful of charts are rendered here (about 50 ms each); the 5,000 one-pagers
draw theirs in the browser from their own data tables (see project_pages.py). Each chart comes
with a text alternative that states its message; the page repeats every number in a table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt

from pipelines.report.charts import (
    ACTUAL_COLOUR,
    BUDGET_COLOUR,
    ChartImage,
    base_config,
    write_chart,
)
from pipelines.report.formatting import format_money, format_month, format_ratio
from pipelines.report.summary_queries import MIX_DIMENSIONS, MixRow, MonthPlan, TrendPoint

FORECAST_COLOUR = "#e6550d"
CPI_COLOUR = "#08519c"
SPI_COLOUR = "#e6550d"
WIDTH = 640


def plan_chart(months: tuple[MonthPlan, ...], currency: str) -> alt.Chart:
    """Budget and forecast as bars, actual as a dark line with points, per fiscal month."""
    order = [format_month(m.month_start_date) for m in months]
    records: list[dict[str, Any]] = []
    for m in months:
        label = format_month(m.month_start_date)
        for name, amount in (("Budget", m.budget), ("Latest forecast", m.forecast),
                             ("Actual", m.actual)):  # fmt: skip
            if amount is not None:
                records.append({"month": label, "series": name, "amount": amount})
    series = ["Budget", "Latest forecast", "Actual"]
    chart = (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            x=alt.X("month:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40)),
            xOffset=alt.XOffset("series:N", sort=series),
            y=alt.Y("amount:Q", title=f"Amount ({currency})", axis=alt.Axis(format="$,.3~s")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[BUDGET_COLOUR, FORECAST_COLOUR,
                                                       ACTUAL_COLOUR]),
            ),
        )
        .properties(width=WIDTH, height=240)
    )  # fmt: skip
    return base_config(chart)


def plan_alt(months: tuple[MonthPlan, ...], fiscal_year_label: str, currency: str) -> str:
    actual = sum(m.actual for m in months if m.actual is not None)
    budget_ytd = sum(m.budget or 0.0 for m in months if m.actual is not None)
    forecast = sum(m.forecast or 0.0 for m in months)
    return (
        f"Bar chart of budget, latest forecast and actual cost per fiscal month of "
        f"{fiscal_year_label}. Actual to date {format_money(actual, currency)} against a budget "
        f"to date of {format_money(budget_ytd, currency)}; full-year forecast "
        f"{format_money(forecast, currency)}. The table below lists every month."
    )


def mix_chart(rows: list[MixRow], title: str, currency: str) -> alt.Chart:
    records = [{"value": r.value, "bac": r.budget_at_completion or 0.0} for r in rows]
    order = [r.value for r in rows]
    chart = (
        alt.Chart(alt.Data(values=records), title=title)
        .mark_bar(color=ACTUAL_COLOUR)
        .encode(
            y=alt.Y("value:N", sort=order, title=None),
            x=alt.X(
                "bac:Q", title=f"Budget at completion ({currency})", axis=alt.Axis(format="$,.3~s")
            ),
        )
        .properties(width=260, height=max(40, 22 * len(records)))
    )
    return base_config(chart)


def mix_alt(rows: list[MixRow], title: str, currency: str) -> str:
    if not rows:
        return f"Bar chart of budget at completion by {title.lower()}: no data."
    total = sum(r.budget_at_completion or 0.0 for r in rows)
    top = rows[0]
    share = (top.budget_at_completion or 0.0) / total * 100 if total else 0.0
    return (
        f"Bar chart of budget at completion by {title.lower()}: largest is {top.value} with "
        f"{format_money(top.budget_at_completion, currency)} ({share:.0f}% of "
        f"{format_money(total, currency)}). The table below lists every value."
    )


def trend_chart(points: tuple[TrendPoint, ...]) -> alt.Chart:
    # One ordinal tick per month, labelled as the table is: a time axis would pick its own ticks
    # (weekly on a short range, each labelled with its month: "May, May, Jun").
    order = [format_month(p.month_start_date) for p in points]
    records: list[dict[str, Any]] = []
    for p in points:
        month = format_month(p.month_start_date)
        if p.cpi is not None:
            records.append({"month": month, "index": "CPI", "value": p.cpi})
        if p.spi is not None:
            records.append({"month": month, "index": "SPI", "value": p.spi})
    lines = (
        alt.Chart(alt.Data(values=records))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", sort=order, title=None, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("value:Q", title="Index (1.00 = on plan)", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "index:N", title=None,
                scale=alt.Scale(domain=["CPI", "SPI"], range=[CPI_COLOUR, SPI_COLOUR]),
            ),
            strokeDash=alt.StrokeDash(
                "index:N", title=None,
                scale=alt.Scale(domain=["CPI", "SPI"], range=[[1, 0], [6, 3]]),
            ),
        )
    )  # fmt: skip
    on_plan = alt.Chart(alt.Data(values=[{"y": 1.0}])).mark_rule(color="#555").encode(y="y:Q")
    layered = alt.layer(on_plan, lines).properties(width=WIDTH, height=200)
    return base_config(layered)  # type: ignore[arg-type]


def trend_alt(points: tuple[TrendPoint, ...]) -> str:
    if not points:
        return "Line chart of portfolio CPI and SPI: no months with earned value."
    first, last = points[0], points[-1]
    return (
        f"Line chart of portfolio CPI and SPI per month, {format_month(first.month_start_date)} "
        f"to {format_month(last.month_start_date)}: CPI from {format_ratio(first.cpi)} to "
        f"{format_ratio(last.cpi)}, SPI from {format_ratio(first.spi)} to "
        f"{format_ratio(last.spi)} (1.00 is on plan). The table below lists every month."
    )


def write_summary_charts(
    months: tuple[MonthPlan, ...],
    mix: tuple[MixRow, ...],
    trend: tuple[TrendPoint, ...],
    *,
    fiscal_year_label: str,
    currency: str,
    out_dir: Path,
) -> dict[str, ChartImage]:
    charts = {
        "plan": write_chart(
            plan_chart(months, currency), currency, out_dir, "summary_plan_by_month",
            plan_alt(months, fiscal_year_label, currency),
        ),
        "trend": write_chart(
            trend_chart(trend), currency, out_dir, "summary_cpi_spi_trend", trend_alt(trend)
        ),
    }  # fmt: skip
    for dimension, title in MIX_DIMENSIONS:
        rows = [r for r in mix if r.dimension == dimension]
        charts[f"mix_{dimension}"] = write_chart(
            mix_chart(rows, title, currency), currency, out_dir, f"summary_mix_{dimension}",
            mix_alt(rows, title, currency),
        )  # fmt: skip
    return charts
