"""The S-curve the reader's browser draws: every one-pager the board pack does not print.

Why in the browser: an SVG per project costs ~20 ms of vl-convert, ~100 s of CPU for a portfolio
of 5,000 projects, for pages most readers never open. The browser draws the very Vega spec
vl-convert would (s_curve.compiled, one per axis style) with the site's local Vega bundle:
static/report.js fills in the three data sets and runs Vega's expression interpreter (`ast`), so
the pages' CSP needs no 'unsafe-eval' and nothing is fetched.

Where the data come from: the months from the page's own table (#ev-table, each row's data-x and
each value cell's data-v, the way the cost chart reads its table), BAC, EAC, the PM's forecast and
the cut-off from the figure's data-s-curve attribute. The two compiled specs and the currency's
number format are one static file per site, named after its content (a browser that cached
another run's file never draws with it). Without JavaScript the figure's caption (the span, the
figures at the cut-off, the reference lines) and the table below it are the chart's content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from pipelines.report.charts import format_locale
from pipelines.report.project_queries import ProjectPage
from pipelines.report.s_curve import compiled, is_long, reference_data

SPEC_GLOBAL = "portfolioSCurve"  # the name static/report.js reads the specs under


def write_spec_file(static_dir: Path, currency: str) -> str:
    """Write static/s-curve-spec-<hash>.js (both axis styles, the number format); its name."""
    specs = {
        # the $schema URL is documentation only, and no page should name a remote address
        "short": {k: v for k, v in compiled(False, currency).items() if k != "$schema"},
        "long": {k: v for k, v in compiled(True, currency).items() if k != "$schema"},
        "locale": format_locale(currency),
    }
    text = f"window.{SPEC_GLOBAL} = {json.dumps(specs, sort_keys=True, separators=(',', ':'))};\n"
    name = f"s-curve-spec-{hashlib.sha256(text.encode()).hexdigest()[:12]}.js"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / name).write_text(text, encoding="utf-8")
    return name


def figure_data(page: ProjectPage, currency: str, cutoff: date) -> str:
    """The figure's data-s-curve: the axis style, the reference lines and the cut-off, as JSON."""
    return json.dumps(
        {"long": is_long(page), **reference_data(page, currency, cutoff)},
        separators=(",", ":"),
    )
