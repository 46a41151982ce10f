"""Data quality (quality.html): the quality gate's decision per source, failed rules and the rows
set aside. The page itself is pipelines/report/quality_page.py, which a blocked run renders too."""

from __future__ import annotations

from pipelines.report.pages.protocol import PageInputs, SitePage
from pipelines.report.published_queries import load_published_checks
from pipelines.report.quality_page import QUALITY_PAGE_NAME, SPEC, render_quality_html


def render(inputs: PageInputs) -> str:
    site = inputs.site_data
    return render_quality_html(
        site.quality,
        generated_at=inputs.generated_at,
        published_checks=load_published_checks(inputs.con) if site.coverage.has_published else None,
    )


PAGE = SitePage(
    file_name=QUALITY_PAGE_NAME,
    label="Data quality",
    description="the quality gate's decision per source, failed rules, set-aside rows",
    spec=SPEC,
    render=render,
)
