"""Chart marks that open the projects list filtered to what they show (a portfolio's bar).

Vega-Lite's `href` channel makes each mark an SVG <a>. Two things stand between that and a link
a reader can follow offline:
- vl-convert resolves a relative href against its own base URL (a web address), which a site
  read from disk must never hold. Vega's loader keeps a `file://` URL as it is and strips the
  scheme, so `file://projects.html?...` comes out as the relative `projects.html?...`.
- An SVG shown by <img> draws its links but never follows them: a chart with links is inlined in
  the page (ChartImage.inline, charts.write_chart), the SVG file stays beside it for the board
  pack and for readers who open it alone.
tests/test_report_chart_links.py follows such a link in Chromium.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from pipelines.report.site import PROJECTS_PAGE

# The Vega loader's scheme for a local file: it survives resolution, and is stripped from the
# href written into the SVG (see the module docstring).
_KEEP_RELATIVE = "file://"


def filtered_list_href(
    facet: str, value: str, page: str = PROJECTS_PAGE, section: str = "projects"
) -> str:
    """The href channel's value for a mark of `value`: the list filtered to it (static/tables.js
    reads the URL parameter), as the tables' links write it (macro filtered_list_link)."""
    return f"{_KEEP_RELATIVE}{page}?{facet}={quote(value, safe='/')}#{section}"


_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')


def has_links(svg: str) -> bool:
    """Whether vl-convert wrote any link into the SVG (an <a> element)."""
    return "<a " in svg


def for_inlining(svg: str) -> str:
    """The SVG as a page holds it: without its namespace declarations, the only web addresses
    in it (an HTML parser puts an inline <svg> in the SVG namespace and reads xlink:href by
    itself), so a page still names nothing outside the site."""
    head, sep, rest = svg.partition(">")
    return _NAMESPACES.sub("", head) + sep + rest
