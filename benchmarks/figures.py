"""The figures the floor, the peer and the pipeline's marts are compared on: names, keys, the
marts they come from, and how they are passed between processes (one parquet file each).

Each figure's mart is the one the report pages read; docs/benchmarks.md says what each measures.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Figure:
    keys: tuple[str, ...]
    values: tuple[str, ...]
    mart: str  # the mart table in schema `marts` that holds the same figure

    def mart_query(self) -> str:
        return f"select {', '.join(self.keys + self.values)} from marts.{self.mart}"


FIGURES: dict[str, Figure] = {
    # cost to the cut-off per project: labour at the rate of the work date, ledger, both in FX
    "project_cost": Figure(
        ("project_id",),
        ("labour_cost_to_date", "non_labour_cost_to_date", "actual_cost_to_date"),
        "fct_project_cost_performance",
    ),
    # hours booked per team (of the work date's rate period) and month
    "team_hours": Figure(
        ("team", "month_start_date"),
        ("actual_project_hours", "actual_non_project_hours"),
        "fct_capacity_demand_monthly",
    ),
    # earned value and actual cost per project at the cut-off
    "earned_value": Figure(("project_id",), ("ev", "ac"), "fct_project_earned_value"),
}


def write_figures(figures: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in figures.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def read_figures(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in FIGURES}


def figures_main(compute: Callable[[Path, str], dict[str, pd.DataFrame]], doc: str | None) -> None:
    """The command line of the floor and the peer: LANDING --out DIR [--currency USD]."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("landing", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--currency", default="USD")
    args = parser.parse_args()
    write_figures(compute(args.landing, args.currency), args.out)
