"""The marts the prioritisation step writes (tables.py) and its report page reads
(pipelines/report/prioritization_queries.py): one list, so neither side can miss a table."""

SCHEMA = "marts"
TABLES = (
    "fct_prioritization_scores",
    "fct_prioritization_selections",
    "fct_prioritization_frontier",
    "fct_prioritization_sensitivity",
    "fct_prioritization_scenarios",
)
