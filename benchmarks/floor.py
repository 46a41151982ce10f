"""THE FLOOR: `floor.sql`, bare DuckDB on the landing files, and its figures as data frames.

Usage (the harness runs it in a subprocess to measure it):
    .venv/bin/python -m benchmarks.floor LANDING --out DIR [--currency USD]
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.figures import FIGURES, figures_main

_SQL = Path(__file__).with_name("floor.sql")


def floor_figures(landing: Path, currency: str = "USD") -> dict[str, pd.DataFrame]:
    script = _SQL.read_text().format(landing=landing.as_posix(), currency=currency)
    with duckdb.connect(":memory:") as con:
        con.execute(script)
        return {name: con.execute(f"select * from floor_{name}").df() for name in FIGURES}


if __name__ == "__main__":
    figures_main(floor_figures, __doc__)
