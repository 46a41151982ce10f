"""The site's local static files: the stylesheet and script from reports/static, and the Vega
bundle the one-pagers draw their charts with.

vl-convert builds the bundle (Vega, Vega-Lite, Vega-Embed; about 900 KB) in 1-1.5 s here, the same
bytes every time for one vl-convert version, so it is built at most once per installation: when
the previously published folder already has it, it is hard-linked from there (the archive then
shares one copy); otherwise it is copied from the installation's cache, `share/portfolio-pipeline/`
under the interpreter's prefix (the virtual environment), which the first build writes. An
installation that cannot be written to builds it once per process instead.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from functools import cache
from pathlib import Path

import vl_convert

from pipelines.report.archive import link_or_copy
from pipelines.report.templating import STATIC_DIR
from pipelines.site_folder import write_atomic

VEGA_BUNDLE = f"vega-bundle-{getattr(vl_convert, '__version__', 'unknown')}.js"


# What vl-convert's default snippet does: expose the three libraries to static/report.js.
_BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


@cache
def _vega_bundle_text() -> str:
    return vl_convert.javascript_bundle(_BUNDLE_SNIPPET)


def bundle_cache_file() -> Path:
    """The installation's copy of the bundle, named for vl-convert's version and the snippet."""
    snippet = hashlib.sha256(_BUNDLE_SNIPPET.encode()).hexdigest()[:12]
    name = VEGA_BUNDLE.removesuffix(".js") + f"-{snippet}.js"
    return Path(sys.prefix) / "share" / "portfolio-pipeline" / name


def _write_bundle(target: Path) -> None:
    """The bundle at target: from the installation's cache, else built (and cached)."""
    cached = bundle_cache_file()
    try:
        shutil.copyfile(cached, target)
        return
    except OSError:  # not built yet here, or not readable: build it
        target.unlink(missing_ok=True)
    text = _vega_bundle_text()
    target.write_text(text, encoding="utf-8")
    try:  # whole or not at all: another process may be reading or writing it too
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, text)
    except OSError:  # a read-only installation: built again by the next process
        pass


def write_static(staging: Path, previous: Path | None) -> str:
    """Copy reports/static into staging/static and add the Vega bundle; return its file name."""
    static = staging / "static"
    shutil.copytree(STATIC_DIR, static, dirs_exist_ok=True)
    target = static / VEGA_BUNDLE
    carried = previous / "static" / VEGA_BUNDLE if previous is not None else None
    if carried is not None and carried.is_file():
        link_or_copy(carried, target)
    else:
        _write_bundle(target)
    return VEGA_BUNDLE
