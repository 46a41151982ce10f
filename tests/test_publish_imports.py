"""Write-audit-publish lives in pipelines/publish: the stages never import it.

Parsed with `ast`, so an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PIPELINES = Path(__file__).resolve().parent.parent / "pipelines"
STAGES = ("ingest", "quality", "report")


def imported_modules(source: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_never_imports_publish(stage: str) -> None:
    offenders = sorted(
        f"{path.relative_to(PIPELINES)}: {module}"
        for path in (PIPELINES / stage).rglob("*.py")
        for module in imported_modules(path)
        if module == "pipelines.publish" or module.startswith("pipelines.publish.")
    )
    assert offenders == []


def test_the_check_sees_an_import_of_publish(tmp_path: Path) -> None:
    # The test above must be able to fail: a function-level import is found too.
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from pipelines.publish.paths import build_path\n")
    assert "pipelines.publish.paths" in imported_modules(module)
