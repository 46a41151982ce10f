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
AGGREGATION = re.compile(r"group\s+by|over\s*\(", re.IGNORECASE)

# Reads the report still aggregates itself, each with why it is not a mart yet; the list may only
# shrink. The quality page and the index read the gate's audit tables and the load manifest,
# which a blocked run (no dbt) renders too.
STILL_AGGREGATED: dict[str, int] = {
    "pipelines/report/quality_queries.py": 2,
    "pipelines/report/site_data.py": 1,
}


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


def test_the_report_holds_no_group_by_or_window_function() -> None:
    found = _aggregations()
    grown = {f: n for f, n in found.items() if n > STILL_AGGREGATED.get(f, 0)}
    assert not grown, (
        f"GROUP BY or window function in the report: {grown}. Give the page a dbt mart "
        "(beside its area, documented in its .yml, with a unit test) and read its rows."
    )


def test_prioritisation_never_imports_the_report() -> None:
    imported = _imports(ROOT / "pipelines" / "prioritization")
    assert not {m for m in imported if m.startswith("pipelines.report")}


def test_the_report_never_imports_the_publish_step() -> None:
    imported = _imports(REPORT)
    assert not {m for m in imported if m.split(".")[:2] == ["pipelines", "publish"]}
