"""Words for a manager: no mart names, run ids or source ids in a page's text.

The warehouse's names (marts, the dbt docs), the landing sources' ids and the pipeline run id are
for the data engineer: each page keeps them in its folded "For the data engineer" note
(details.for-engineers) and nowhere else. The data-quality page too names its sources in words;
its note lists each id beside them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.pipeline_runs import RunOutcome, RunPaths

pytestmark = [pytest.mark.integration]

MANAGER_PAGES = (
    "index.html", "summary.html", "exceptions.html", "projects.html", "finance.html",
    "capacity.html", "schedule.html", "prioritization.html", "quality.html",
)  # fmt: skip
WAREHOUSE_NAME = re.compile(r"\b(?:fct|dim|int|stg)_[a-z_]+|\bmarts\.[a-z_]+")
RUN_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
# A landing source's id as a word of its own (gl_actuals, resource_plan): an id with an underscore
SOURCE_ID = re.compile(
    r"(?<![\w.-])(?:gl_actuals|finance_plan|fx_rates|resource_plan|"
    r"\w+_time_entries|gmpp_projects|itdashboard_projects)(?![\w.-])"
)


class _ManagerText(HTMLParser):
    """The text a reader sees, less the data engineer's note (and scripts, styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._skip or "for-engineers" in classes or tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def manager_text(path: Path) -> str:
    parser = _ManagerText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.text)


def test_pages_speak_to_a_manager_and_keep_the_warehouse_names_for_the_engineer(
    demo_run: tuple[RunPaths, RunOutcome],
) -> None:
    paths, outcome = demo_run
    assert outcome.success
    pages = [paths.reports / p for p in MANAGER_PAGES]
    pages += sorted((paths.reports / "projects").glob("*.html"))[:3]
    for page in pages:
        text = manager_text(page)
        assert not WAREHOUSE_NAME.findall(text), (page.name, WAREHOUSE_NAME.findall(text))
        assert outcome.run_id not in text and not RUN_ID.search(text), page.name
        assert not SOURCE_ID.findall(text), (page.name, SOURCE_ID.findall(text))
        html = page.read_text(encoding="utf-8")
        note = re.search(r'<details class="for-engineers">.*?</details>', html, re.S)
        assert note and outcome.run_id in note.group(0), page.name  # kept for the engineer


# One period convention (pipelines/report/wording.py): "P1 (Apr 2026)", and a range
# "P1-P7 (Apr-Oct 2026)" with en dashes.
PERIOD_WITH_MONTH = re.compile(
    r"\bP\d{1,2}(?:\u2013P\d{1,2})? \([A-Z][a-z]{2}(?: \d{4})?(?:\u2013[A-Z][a-z]{2})? \d{4}\)"
)
BARE_PERIOD = re.compile(r"\bP\d{1,2}\b")


def test_a_fiscal_period_always_names_its_month(demo_run: tuple[RunPaths, RunOutcome]) -> None:
    paths, _ = demo_run
    pages = [paths.reports / p for p in MANAGER_PAGES]
    pages += sorted((paths.reports / "projects").glob("*.html"))[:3]
    for page in pages:
        text = manager_text(page)
        assert not BARE_PERIOD.findall(PERIOD_WITH_MONTH.sub(" ", text)), page.name
    capacity = manager_text(paths.reports / "capacity.html")
    assert PERIOD_WITH_MONTH.search(capacity)  # its months table, as the finance page's
