"""What a reader can find and filter a project table by: each project's facets.

The values are the project's own attributes (dim_projects, and the computed RAG of
fct_project_health, both read once into ProjectInfo): no figure is derived here. Templates write
them on the project's row (macro project_row_attrs), static/tables.js builds the search box and
drop-downs from them, and the keys are the URL parameters that open a filtered list
(projects.html?portfolio=Infrastructure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipelines.report.project_queries import ProjectInfo

# key (data-<key> attribute and URL parameter) -> the ProjectInfo field it shows
FACET_FIELDS = {
    "name": "project_name",
    "portfolio": "portfolio",
    "program": "program",
    "sponsor": "sponsor",
    "manager": "project_manager",
    "reported": "reported_rag",
    "computed": "computed_rag",
    "status": "status",
}


def project_facets(infos: Iterable[ProjectInfo]) -> Mapping[str, Mapping[str, str]]:
    """project_id -> {key: value} for every project; a missing value is left out, not blank."""
    facets: dict[str, Mapping[str, str]] = {}
    for info in infos:
        values = ((key, getattr(info, field)) for key, field in FACET_FIELDS.items())
        facets[info.project_id] = {key: str(value) for key, value in values if value}
    return facets
