"""Pages other modules contribute to the site, found at render time and skipped when absent.

The finance, capacity, schedule and prioritization pages (pipelines.report.pages.<name>; the
prioritization page renders the tables the prioritisation step writes) are written separately;
each exposes `render(con, env, out_dir, common) -> str` (the contract is in
pipelines/report/site.py). They are imported lazily so a site without them still renders: the
index says which were not produced. A module that exists but fails to import or render is an
error, not a silently missing page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
from jinja2 import Environment

PageRender = Callable[[duckdb.DuckDBPyConnection, Environment, Path, dict[str, object]], str]


@dataclass(frozen=True)
class OptionalPage:
    file_name: str
    label: str
    module: str
    description: str


OPTIONAL_PAGES = (
    OptionalPage("finance.html", "Finance", "pipelines.report.pages.finance",
                 "budget, forecast and actual by fiscal month, capex/opex, findings"),
    OptionalPage("capacity.html", "Capacity", "pipelines.report.pages.capacity",
                 "team capacity against demand, over-allocation, timesheet compliance"),
    OptionalPage("schedule.html", "Schedule", "pipelines.report.pages.schedule",
                 "milestones due, overdue and slipped"),
    OptionalPage("prioritization.html", "Prioritization", "pipelines.report.pages.prioritization",
                 "scored projects, the funding waterline and scenarios"),
)  # fmt: skip


def _import_if_present(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only "this page's module (or its package) does not exist" means "not produced";
        # a missing dependency inside an existing module is a bug to surface.
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def available_pages() -> tuple[list[tuple[OptionalPage, PageRender]], list[str]]:
    """(pages whose module exists with their render function, notes on the missing ones)."""
    found: list[tuple[OptionalPage, PageRender]] = []
    missing: list[str] = []
    for page in OPTIONAL_PAGES:
        module = _import_if_present(page.module)
        render: Any = getattr(module, "render", None) if module is not None else None
        if callable(render):
            found.append((page, render))
        elif module is None:
            missing.append(f"{page.label} ({page.module} is not installed)")
        else:
            missing.append(f"{page.label} ({page.module} has no render(con, env, out_dir, common))")
    return found, missing
