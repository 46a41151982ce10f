"""The prioritisation page adds up (issue 17, item 9): the waterline's running cost per fiscal
year follows the cut as drawn, the weights column says for which method a decision is fragile,
and a difference shown beside its parts is the difference of the parts as shown."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import numpy as np

from pipelines.prioritization.portfolio import Portfolio
from pipelines.prioritization.tables import waterline_cumulative_costs
from pipelines.prioritization.waterline import waterline
from pipelines.report.formatting import displayed_difference, format_delta_points, format_points
from pipelines.report.pages.prioritization import render_prioritization_page
from pipelines.report.prioritization_queries import RankedRow
from tests.test_prioritization_asset import build_warehouse, materialize_prioritization


def test_a_shown_difference_is_the_difference_of_the_shown_parts() -> None:
    """4,277.46 and 3,906.24 show as 4,277.5 and 3,906.2: the gain shown is +371.3 (their
    difference), not +371.2 (the unrounded 371.22 rounded). Half up: 0.25 -> 0.3, 0.05 -> 0.1."""
    optimal, waterline_value = 4277.46, 3906.24
    shown = (format_points(optimal), format_points(waterline_value))
    assert shown == ("4,277.5", "3,906.2")
    gain = displayed_difference(optimal, waterline_value, 1)
    assert gain == Decimal("371.3")
    assert format_delta_points(gain) == "+371.3"
    parts = [Decimal(s.replace(",", "")) for s in shown]
    assert Decimal(format_delta_points(gain)) == parts[0] - parts[1]
    assert format_points(0.25) == "0.3" and format_points(0.05) == "0.1"  # never half-even
    assert format_points(-0.04) == "0.0" and format_delta_points(0) == "0.0"
    assert displayed_difference(None, 1.0, 1) is None


def test_weights_column_names_the_fragile_method() -> None:
    def row(methods: tuple[str, ...]) -> RankedRow:
        return RankedRow(1, "P", "P", "X", 1.0, 1.0, (), (), False, True, "", True, methods)

    assert row(()).weights_label == "stable"
    assert row(("waterline",)).weights_label == "fragile (waterline)"
    assert row(("optimal",)).weights_label == "fragile (optimal)"
    assert row(("waterline", "optimal")).weights_label == "fragile (waterline, optimal)"


def test_cumulative_cost_follows_the_cut_year_by_year() -> None:
    """Budgets 100 in FY2027 and FY2028. M (rank 4) is mandatory: funded first, 20 + 0.
    A (rank 1) 40 + 10 -> 60, 10; B (2) 30 + 30 -> 90, 40; C (3) is B's alternative, passed
    over: 90, 40 unchanged; M (4) already counted: 90, 40; D (5) 20 + 50 -> 110, 90 breaks
    FY2027's budget: the cut row; E (6) is below the line: no running total."""
    costs = np.array([[40, 10], [30, 30], [10, 10], [20, 0], [20, 50], [5, 5]], dtype=float)
    portfolio = Portfolio(
        project_ids=("A", "B", "C", "M", "D", "E"),
        project_names=("A", "B", "C", "M", "D", "E"),
        criteria={},
        fiscal_years=(2027, 2028),
        costs=costs,
        budgets=np.array([100.0, 100.0]),
        is_mandatory=np.array([False, False, False, True, False, False]),
        exclusive_groups={"G": (1, 2)},
    )
    rank = np.array([1, 2, 3, 4, 5, 6])
    scores = SimpleNamespace(rank=rank, value=np.ones(6))
    selection = waterline(portfolio, scores)  # type: ignore[arg-type]
    assert selection.cut_rank == 5
    totals = waterline_cumulative_costs(portfolio, selection, rank)
    shown = [None if t is None else t.tolist() for t in totals]
    assert shown == [[60, 10], [90, 40], [90, 40], [90, 40], [110, 90], None]
    # the last funded row's total is what the waterline spends in each year
    assert shown[3] == selection.cost_by_year.tolist()


def test_page_figures_add_up(tmp_path: Path) -> None:
    """On the hand-made warehouse: the gain shown is the optimum shown less the waterline shown,
    every weights cell names its method from the sensitivity mart, and the cut row is the first
    whose running total is over a fiscal year's budget."""
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    materialize_prioritization(path)
    with duckdb.connect(str(path), read_only=True) as con:
        page = render_prioritization_page(con, tmp_path / "site")
        fragile = {
            (pid, method)
            for pid, method in con.execute(
                "select project_id, method from marts.fct_prioritization_sensitivity "
                "where is_fragile"
            ).fetchall()
        }
    html = page.read_text(encoding="utf-8")
    values = [
        Decimal(v.replace(",", ""))
        for v in re.findall(r'<dd class="kpi-value">([-+0-9.,]+) points</dd>', html)
    ]
    waterline_shown, optimal_shown, gain_shown = values
    assert gain_shown == optimal_shown - waterline_shown
    for pid in ("PRJ-0001", "PRJ-0002", "PRJ-0003", "PRJ-0004", "PRJ-0005"):
        methods = [m for m in ("waterline", "optimal") if (pid, m) in fragile]
        label = f"fragile ({', '.join(methods)})" if methods else "stable"
        row = re.search(rf"<code>{pid}</code>.*?</tr>", html, re.S)
        assert row is not None and label in row.group(0), pid
