"""The project one-pager (projects/<id>.html, one per project): what it reads and draws.

The one-pagers are written by pipelines/report/project_pages.py, many per run from the site's
data (site_data.py: every project's facts and its own rows, grouped in one pass), so they are
declared here for the protocol's checks (tests/test_report_page_protocol.py) without a render
of their own.
"""

from __future__ import annotations

from pipelines.report.pages.protocol import PageSpec

SPEC = PageSpec(
    template="project.html.j2",
    marts=(
        "dim_projects",
        "fct_project_health",
        "fct_project_earned_value",
        "fct_project_earned_value_curve",
        "fct_milestones",
        "fct_project_costs",
        "fct_project_status_history",
        "fct_project_rebaselines",
        "fct_project_actual_cost_lines",
    ),
    charts=("projects/*-s-curve.svg",),
)
