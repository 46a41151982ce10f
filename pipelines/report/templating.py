"""The one jinja2 environment every report page is rendered with.

Kept apart from render.py so the quality page and the blocked-run notice (which the quality gate
calls) can render templates without importing altair and the Vega-Lite engine the charts need.
"""

from __future__ import annotations

from functools import partial

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipelines.report.formatting import (
    NO_VALUE,
    decision_class,
    decision_label,
    decision_symbol,
    format_count,
    format_date,
    format_datetime,
    format_delta_points,
    format_iso_month,
    format_money,
    format_month,
    format_pct,
    format_points,
    format_raw_value,
    format_text,
    rag_class,
    raw_number,
    sign_class,
)
from pipelines.report.pages._shared import ROW_CAP
from pipelines.report.wording import (
    fiscal_period_label,
    fiscal_range_label,
    source_label,
    source_text,
)
from pipelines.settings import REPORT_TEMPLATES_DIR

TEMPLATES_DIR = REPORT_TEMPLATES_DIR / "templates"
STATIC_DIR = REPORT_TEMPLATES_DIR / "static"


def build_environment(reporting_currency: str | None = None) -> Environment:
    """A jinja2 environment that escapes everything and fails loudly on a missing variable.

    Autoescaping is on for every template (project names come from a PPM export anyone can type
    into), and StrictUndefined turns a typo in a template into an error at render time instead of a
    silently blank cell in a report people make decisions on. The money filter is bound to the
    reporting currency so templates cannot mix currencies; pages without money (the quality page)
    pass no currency and get no money filter, so using it there fails when the template compiles.

    `root` is the path from the page to the report folder ("" for index.html, "../" for a page in
    a subfolder); templates prefix every local link with it.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        pct=format_pct,
        points=format_points,
        dpoints=format_delta_points,
        count=format_count,
        isodate=format_date,
        isodatetime=format_datetime,
        month=format_month,
        isomonth=format_iso_month,
        text=format_text,
        raw=format_raw_value,
        raw_number=raw_number,
        rag_class=rag_class,
        sign_class=sign_class,
        decision_class=decision_class,
        decision_label=decision_label,
        decision_symbol=decision_symbol,
        source_label=source_label,
        source_text=source_text,
    )
    if reporting_currency is not None:
        env.filters["money"] = partial(format_money, currency=reporting_currency)
    env.globals["NO_VALUE"] = NO_VALUE
    env.globals["fiscal_period"] = fiscal_period_label  # "P1 (Apr 2026)" on every page
    env.globals["fiscal_range"] = fiscal_range_label
    env.globals["ROW_CAP"] = ROW_CAP  # a long table's rows past it go to its CSV only
    env.globals["root"] = ""
    return env
