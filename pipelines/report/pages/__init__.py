"""The report's topic pages: financial performance, resource capacity and schedule.

Each page is one module with the same entry point,
`render(con, env, out_dir, common) -> str`, so the site renderer (pipelines/report/site.py) can
write them all the same way: it passes a read-only warehouse connection, the shared jinja2
environment, the staging folder (charts go to `out_dir/charts/<page>-<name>.svg`) and the
site-wide template variables, and writes the returned HTML to `page.filename` (see `pages()`)
at the site root. The pages read only the documented marts (docs/marts.md) and degrade to an
explanatory note when a mart is missing or empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2

PageRenderer = Callable[
    [duckdb.DuckDBPyConnection, jinja2.Environment, Path, dict[str, object]], str
]


@dataclass(frozen=True)
class Page:
    """A topic page: its file at the site root, its label in the navigation, its renderer."""

    slug: str
    filename: str
    label: str
    render: PageRenderer


def pages() -> tuple[Page, ...]:
    """The three pages in navigation order (imported here, not at package import, so that
    `pipelines.report.pages._shared` stays importable without altair)."""
    from pipelines.report.pages import capacity, finance, schedule

    return (
        Page("finance", "finance.html", "Financial performance", finance.render),
        Page("capacity", "capacity.html", "Resource capacity", capacity.render),
        Page("schedule", "schedule.html", "Schedule", schedule.render),
    )


__all__ = ["Page", "PageRenderer", "pages"]
