"""The per-source data quality gate: Great Expectations suites run over the raw DuckDB tables.

Public API:

- `validate_source(con, source, *, chunk_rows=750_000, expectations_dir=None)` runs
  `expectations/<source>.json` over `raw.<source>` and returns a `ValidationOutcome`;
- `ValidationOutcome` (success, evaluated_expectations, failures: list[RuleFailure], results) and
  `RuleFailure.message()`, the sentence shown to the data engineer;
- `record_outcomes(con, outcomes, run_id)` appends every rule verdict to audit.quality_results.

GX runs on pandas batches pulled from DuckDB through Arrow (GX's SQL datasource returns no rows
against a DuckDB file here, GX issues 10738/11579), in chunks that keep uniqueness exact: whole
loads where every key holds the load's hash (load_chunks.py), hash partitions of the key
otherwise (chunking.py). Anything that stops a check from running counts as a failure (see
tally.py and validate.py). Measured cost: see DEFAULT_CHUNK_ROWS in validate.py.
"""

from pipelines.quality.audit import AUDIT_TABLE, record_outcomes
from pipelines.quality.outcome import RuleFailure, RuleResult, SampleRow, ValidationOutcome
from pipelines.quality.validate import DEFAULT_CHUNK_ROWS, SOURCES, validate_source

__all__ = [
    "AUDIT_TABLE",
    "DEFAULT_CHUNK_ROWS",
    "SOURCES",
    "RuleFailure",
    "RuleResult",
    "SampleRow",
    "ValidationOutcome",
    "record_outcomes",
    "validate_source",
]
