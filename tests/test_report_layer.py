"""The report layer reads marts and renders (issue 17): every aggregation a page shows is a dbt
mart (tested, documented, queryable by an analyst), never a GROUP BY or a window function in
pipelines/report/; prioritisation computes and the report renders its page; the report never
imports the publish step."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "pipelines" / "report"
# GROUP BY, a window (`over (`, a named one's `window w as (`) or a filter on one (`qualify`).
# The quality page and the index, which a blocked run (no dbt) renders too, read the views the
# ingest defines over its load manifest and quarantine (pipelines/ingest/summary_views.py).
AGGREGATION = re.compile(
    r"\bgroup\s+by\b|\bover\s*\(|\bqualify\b|\bwindow\s+\w+\s+as\s*\(", re.IGNORECASE
)


def _aggregations() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(REPORT.rglob("*.py")):
        hits = len(AGGREGATION.findall(path.read_text(encoding="utf-8")))
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    return found


def _imports(package: Path) -> set[str]:
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    return names


def test_the_pattern_finds_every_form_of_aggregation() -> None:
    found = [
        "select source, count(*) from t GROUP\n BY source",
        "row_number() over (partition by source order by line)",
        "sum(x) over w from t window w as (order by d)",
        "select * from t qualify rank() <= 3",
    ]
    assert all(AGGREGATION.search(sql) for sql in found)
    prose = "sum(over_allocation_hours), the window as drawn, group members; over budget (5%)"
    assert not AGGREGATION.search(prose)


def test_the_report_holds_no_group_by_or_window_function() -> None:
    found = _aggregations()
    assert not found, (
        f"GROUP BY or window function in the report: {found}. Give the page a dbt mart "
        "(beside its area, documented in its .yml, with a unit test), or for the audit tables "
        "a view where they are written (pipelines/ingest/summary_views.py), and read its rows."
    )


def test_prioritisation_never_imports_the_report() -> None:
    imported = _imports(ROOT / "pipelines" / "prioritization")
    assert not {m for m in imported if m.startswith("pipelines.report")}


def test_the_report_never_imports_the_publish_step() -> None:
    imported = _imports(REPORT)
    assert not {m for m in imported if m.split(".")[:2] == ["pipelines", "publish"]}
