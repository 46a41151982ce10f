"""The report site's pages, one module each, all on one protocol (protocol.py): a page names its
marts, its template and its charts, and renders from `PageInputs` to HTML. Every template
extends base.html.j2, which holds the header, the navigation and the footer with the page's note
for the data engineer.

    index          index.html          the entry page (written last: it lists the others)
    summary        summary.html        executive summary
    exceptions     exceptions.html     every project that needs attention
    projects       projects.html       cost overview of every project and portfolio
    published      published.html      a published export (only when the warehouse holds one)
    finance        finance.html        budget, forecast and actual by fiscal month
    capacity       capacity.html       team capacity, demand, utilisation, timesheet compliance
    schedule       schedule.html       milestones due, overdue and slipped
    prioritization prioritization.html what the prioritisation step computed
    quality        quality.html        the quality gate's record (also a blocked run's page)
    one_pager      projects/<id>.html  declared here, written by pipelines/report/project_pages.py
"""

from __future__ import annotations

from pipelines.report.pages.protocol import SitePage


def site_pages() -> tuple[SitePage, ...]:
    """Every page but the index, in navigation order.

    Imported here, not at package import: the page modules import the protocol from this
    package, and `_shared` must stay importable without altair.
    """
    from pipelines.report.pages import (
        capacity,
        exceptions,
        finance,
        prioritization,
        projects,
        published,
        quality,
        schedule,
        summary,
    )

    return (
        summary.PAGE,
        exceptions.PAGE,
        projects.PAGE,
        published.PAGE,
        finance.PAGE,
        capacity.PAGE,
        schedule.PAGE,
        prioritization.PAGE,
        quality.PAGE,
    )


def index_page() -> SitePage:
    from pipelines.report.pages import index

    return index.PAGE


__all__ = ["SitePage", "index_page", "site_pages"]
