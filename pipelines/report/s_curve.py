"""The one-pager's S-curve: the project's whole life, drawn by Vega from one compiled template.

PV is the plan curve from before the baseline start to the forecast finish, EV and AC run to the
cut-off (fct_project_earned_value_curve); BAC, EAC and the PM's forecast at the cut-off
(fct_project_earned_value) are flat reference lines, each labelled with its amount. Each month is
plotted at its first day with the cumulative figures of its end (the table's rows). Why one tick
per month on a UTC scale: the months are dates at midnight UTC, and a local-time axis put two
ticks into one month ("May, May, Jun") west of Greenwich.

Why a compiled template: a report has one S-curve per project (5,000 at scale). Building an
altair chart and compiling it to Vega costs ~80 ms a project; the chart's shape is the same for
every project, so it is built and compiled once (per axis style) and only the three named data
sets are filled in per project. Who fills them: vl-convert, into an SVG (~20 ms a chart), for
the one-pagers the board pack prints (no script runs in a print); the reader's browser for every
other one-pager (s_curve_browser.py), which costs the report run nothing.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import altair as alt
import vl_convert

from pipelines.report.charts import ACTUAL_COLOUR, base_config, format_locale
from pipelines.report.errors import ReportError
from pipelines.report.formatting import format_money, format_month
from pipelines.report.project_queries import CurveMonth, ProjectPage

PV = "PV (planned)"
EV = "EV (earned)"
AC = "AC (actual cost)"
SERIES_COLOURS = {PV: "#6baed6", EV: "#e6550d", AC: ACTUAL_COLOUR}
WIDTH = 600
HEIGHT = 210
# Reference lines: told apart by dash pattern as well as colour, and labelled in text, each label
# at its own place along the line (BAC and the PM's forecast are often close).
Align = Literal["left", "center", "right"]
REFERENCE_STYLES: dict[str, tuple[str, str, list[int], Align, int]] = {
    # key: (label, colour, dash, text align, text x)
    "BAC": ("BAC", "#525252", [1, 0], "left", 4),
    "EAC": ("EAC (BAC / CPI)", "#b2182b", [6, 3], "center", WIDTH // 2),
    "PM": ("PM forecast", "#6a51a3", [2, 2], "right", WIDTH - 4),
}
# Beyond this many months a label on every tick would overlap: label each quarter, tick each month.
MONTH_LABELS_MAX = 18
MONEY_AXIS = "$,.3~s"  # $200k, $1.25M: the locale's currency symbol (charts.format_locale)
DATASETS = ("curve", "refs", "cut")


@dataclass(frozen=True)
class Reference:
    key: str  # BAC, EAC or PM
    label: str
    amount: float


def references(page: ProjectPage) -> list[Reference]:
    """BAC, EAC (BAC / CPI) and the PM's forecast at the cut-off, those that exist."""
    info = page.info
    amounts = {"BAC": info.ev_bac, "EAC": info.eac, "PM": info.ev_fac}
    return [
        Reference(key, REFERENCE_STYLES[key][0], amount)
        for key, amount in amounts.items()
        if amount is not None
    ]


def _month_axis(long: bool) -> alt.Axis:
    """A tick on the first of every month; every month labelled when they fit, else quarters."""
    label = "utcFormat(datum.value, '%b %Y')"
    if long:
        label = f"utcmonth(datum.value) % 3 == 0 ? {label} : ''"
    return alt.Axis(
        title=None,
        tickCount={"interval": "month", "step": 1},
        labelExpr=label,
        labelAngle=-45,
        labelOverlap=False,
        grid=False,
    )


def s_curve_chart(long: bool, currency: str) -> alt.Chart:
    """The chart's shape; its data are the named data sets curve, refs and cut (s_curve_data)."""
    x = alt.X("month:T", scale=alt.Scale(type="utc"), axis=_month_axis(long))
    lines = (
        alt.Chart(alt.NamedData("curve"))
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=x,
            y=alt.Y("amount:Q", axis=alt.Axis(format=MONEY_AXIS, title=f"Cumulative ({currency})")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=list(SERIES_COLOURS), range=list(SERIES_COLOURS.values())),
            ),
        )
    )
    layers: list[Any] = [lines]
    refs = alt.Chart(alt.NamedData("refs"))
    for key, (_, colour, dash, align, at) in REFERENCE_STYLES.items():
        mine = refs.transform_filter(alt.datum.key == key)
        layers.append(
            mine.mark_rule(color=colour, strokeDash=dash, strokeWidth=1.2).encode(y="amount:Q")
        )
        layers.append(
            mine.mark_text(align=align, dy=-6, fontSize=10, color=colour, x=at).encode(
                y="amount:Q", text="text:N"
            )
        )
    cut = alt.Chart(alt.NamedData("cut"))
    layers.append(cut.mark_rule(color="#969696", strokeDash=[2, 3]).encode(x=x))
    layers.append(
        cut.mark_text(
            align="left", dx=3, y=HEIGHT - 4, baseline="bottom", fontSize=9, color="#737373"
        ).encode(x=x, text="text:N")
    )
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    configured = base_config(chart)  # type: ignore[arg-type]  # a layer configures alike
    return configured.properties(padding={"left": 24, "top": 5, "right": 34, "bottom": 5})


def is_long(page: ProjectPage) -> bool:
    """Whether the plan has too many months to label each one (the axis labels quarters)."""
    return len(page.curve) > MONTH_LABELS_MAX


@functools.cache
def compiled(long: bool, currency: str) -> dict[str, Any]:
    """The Vega spec of the chart's shape, compiled once per axis style and currency."""
    spec = s_curve_chart(long, currency).to_dict()
    spec["datasets"] = {name: [] for name in DATASETS}
    vega: dict[str, Any] = vl_convert.vegalite_to_vega(spec)
    if {d.get("name") for d in vega.get("data", [])} < set(DATASETS):
        raise ReportError("the S-curve template lost a data set when compiled to Vega")
    return vega


def s_curve_data(page: ProjectPage, currency: str, cutoff: date) -> dict[str, list[Any]]:
    """The three data sets of one project's chart."""
    curve: list[dict[str, Any]] = []
    for month in page.curve:
        day = month.month_start_date.isoformat()
        for series, value in ((PV, month.pv), (EV, month.ev), (AC, month.ac)):
            if value is not None:
                curve.append({"month": day, "series": series, "amount": value})
    return {"curve": curve, **reference_data(page, currency, cutoff)}


def reference_data(page: ProjectPage, currency: str, cutoff: date) -> dict[str, list[Any]]:
    """The data sets refs (BAC, EAC, PM forecast) and cut (the cut-off's month)."""
    refs = [
        {"key": r.key, "amount": r.amount, "text": f"{r.label} {format_money(r.amount, currency)}"}
        for r in references(page)
    ]
    # The cut-off's month: its points are the last EV and AC (each month is read at its end).
    cut_month = _cutoff_month(page.curve)
    cut = []
    if cut_month is not None:
        cut.append({"month": cut_month.isoformat(), "text": f"cut-off {cutoff}"})
    return {"refs": refs, "cut": cut}


def _cutoff_month(curve: tuple[CurveMonth, ...]) -> date | None:
    return max((m.month_start_date for m in curve if not m.is_after_cutoff), default=None)


def _svg_from_data(long_axis: bool, currency: str, data: dict[str, list[dict[str, Any]]]) -> str:
    vega = copy.deepcopy(compiled(long_axis, currency))
    for entry in vega["data"]:
        if entry.get("name") in data:
            entry["values"] = data[entry["name"]]
    svg: str = vl_convert.vega_to_svg(
        vega, format_locale=format_locale(currency), allowed_base_urls=[]
    )
    if not svg.lstrip().startswith("<svg"):
        raise ReportError("vl-convert did not return an SVG document")
    return svg


def s_curve_svg(page: ProjectPage, currency: str, cutoff: date) -> str:
    """The project's S-curve as an SVG document (the page must have a curve)."""
    return _svg_from_data(is_long(page), currency, s_curve_data(page, currency, cutoff))


def s_curve_alt(page: ProjectPage, currency: str, cutoff: date) -> str:
    """The chart's message in words: the span, the figures at the cut-off, the reference lines."""
    curve = page.curve
    if not curve:
        return "Earned value S-curve: no earned value for this project yet."
    measured = [m for m in curve if not m.is_after_cutoff]
    text = (
        f"S-curve of cumulative planned value from {format_month(curve[0].month_start_date)} "
        f"to {format_month(curve[-1].month_start_date)}, earned value and actual cost to the "
        f"cut-off ({cutoff.isoformat()})"
    )
    if measured:
        last = measured[-1]
        text += (
            f": PV {format_money(last.pv, currency)}, EV {format_money(last.ev, currency)}, "
            f"AC {format_money(last.ac, currency)}"
        )
    refs = "; ".join(f"{r.label} {format_money(r.amount, currency)}" for r in references(page))
    if refs:
        text += f". Reference lines at the cut-off: {refs}"
    return text + ". The table below lists every month."
