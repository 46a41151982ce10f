"""Check that a set of figures (the floor's, the peer's) equals the pipeline's marts.

Amounts and hours agree when they differ by at most a cent (the marts round every entry to six
decimals before summing; the peer sums floats). A row on one side only must be zero throughout
(a team-month with planned demand but no timesheets is in the mart, not in the floor).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from benchmarks.figures import FIGURES

TOLERANCE = 0.01
_SHOWN = 5  # differing rows listed per figure


def mart_figures(warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.execute(figure.mart_query()).df() for name, figure in FIGURES.items()}


def differences(
    marts: dict[str, pd.DataFrame], other: dict[str, pd.DataFrame], label: str
) -> list[str]:
    """One line per differing row (up to a few per figure); none when all figures agree."""
    problems: list[str] = []
    for name, figure in FIGURES.items():
        keys = list(figure.keys)
        mart, theirs = _normalised(marts[name], keys), _normalised(other[name], keys)
        joined = mart.merge(theirs, on=keys, how="outer", suffixes=("_mart", "_other"))
        bad = np.zeros(len(joined), dtype=bool)
        for column in figure.values:
            expected = joined[f"{column}_mart"].astype(float).fillna(0.0)
            actual = joined[f"{column}_other"].astype(float).fillna(0.0)
            bad |= ~np.isclose(actual, expected, rtol=0, atol=TOLERANCE)
        if len(mart) == 0:
            problems.append(f"{label} {name}: the mart {figure.mart} is empty")
        for row in joined[bad].head(_SHOWN).itertuples(index=False):
            problems.append(f"{label} {name}: {row}")
        if bad.sum() > _SHOWN:
            problems.append(f"{label} {name}: ... {bad.sum() - _SHOWN} more rows differ")
    return problems


def _normalised(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keys of one type on both sides (dates as dates), so the merge matches them."""
    frame = frame.copy()
    for key in keys:
        if key.endswith("_date"):
            frame[key] = pd.to_datetime(frame[key]).dt.date
    return frame
