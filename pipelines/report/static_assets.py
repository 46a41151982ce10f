"""The site's local static files: the stylesheet and script from reports/static, and the Vega
bundle the one-pagers draw their charts with.

vl-convert builds the bundle (Vega, Vega-Lite, Vega-Embed; about 900 KB) in about 5 s, so it is
built at most once per process and, when the previously published folder already has the bundle
of this vl-convert version, hard-linked from there instead (the archive then shares one copy).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import vl_convert

from pipelines.report.archive import link_or_copy
from pipelines.report.templating import STATIC_DIR

VEGA_BUNDLE = f"vega-bundle-{getattr(vl_convert, '__version__', 'unknown')}.js"


# What vl-convert's default snippet does: expose the three libraries to static/report.js.
_BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


@cache
def _vega_bundle_text() -> str:
    return vl_convert.javascript_bundle(_BUNDLE_SNIPPET)


def write_static(staging: Path, previous: Path | None) -> str:
    """Copy reports/static into staging/static and add the Vega bundle; return its file name."""
    static = staging / "static"
    shutil.copytree(STATIC_DIR, static, dirs_exist_ok=True)
    target = static / VEGA_BUNDLE
    carried = previous / "static" / VEGA_BUNDLE if previous is not None else None
    if carried is not None and carried.is_file():
        link_or_copy(carried, target)
    else:
        target.write_text(_vega_bundle_text(), encoding="utf-8")
    return VEGA_BUNDLE
