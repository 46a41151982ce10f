"""Generic chart plumbing for the topic pages, on top of pipelines.report.charts.

The pages write their SVGs with the same vl-convert call, base styling and size sniffing as the
portfolio summary (imported from charts.py, not copied), named `charts/<page>-<name>.svg` so the
pages cannot overwrite each other's or the summary's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt

from pipelines.report.charts import ChartImage, base_config, write_chart

# Blues of clearly different lightness for the series of one chart (grey-scale safe; the legend
# names every series in text), plus the report's overrun red.
SERIES_COLOURS = ("#9ecae1", "#4292c6", "#08306b")
OVER_COLOUR = "#b2182b"
WITHIN_COLOUR = "#2166ac"

PAGE_CHART_WIDTH = 640


def styled(chart: alt.TopLevelMixin) -> Any:
    """The summary's chart styling (no frame, light grid, legend on top, white background).

    The extra left padding is there because vl-convert measures label text with its own font
    while the browser draws the SVG with a system font that may be wider: without it a long
    portfolio or team name can be cut at the image's left edge.
    """
    return base_config(chart).properties(  # type: ignore[arg-type]
        padding={"left": 24, "top": 5, "right": 12, "bottom": 5}
    )


def inline_data(records: list[dict[str, Any]]) -> alt.Data:
    """Data inline in the spec: vl-convert runs with no base URL, so nothing can be fetched."""
    return alt.Data(values=records)


def write_page_chart(
    chart: Any, *, page: str, name: str, alt_text: str, currency: str, out_dir: Path
) -> ChartImage:
    """Render to out_dir/charts/<page>-<name>.svg; src is relative to a page at the site root."""
    return write_chart(chart, currency, out_dir, f"{page}-{name}", alt_text)
