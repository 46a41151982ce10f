"""Needs attention (exceptions.html): every project that needs attention, with its reasons
(which projects and why: pipelines/report/exceptions.py)."""

from __future__ import annotations

from pipelines.report.pages.protocol import PageInputs, PageSpec, SitePage
from pipelines.report.project_queries import PROJECT_FACT_MARTS

SPEC = PageSpec(template="exceptions.html.j2", marts=PROJECT_FACT_MARTS)


def render(inputs: PageInputs) -> str:
    site = inputs.site_data
    return inputs.render_template(
        SPEC,
        exceptions=site.exceptions,
        ppm_note=site.coverage.note("ppm"),
        published=site.coverage.profiles,
    )


PAGE = SitePage(
    file_name="exceptions.html",
    label="Needs attention",
    description="every project that needs attention, with its reasons",
    spec=SPEC,
    render=render,
    topic="ppm",
    board_pack=True,
)
