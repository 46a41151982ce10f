"""The one place that imports Great Expectations, so it is always configured the same way.

GX must never phone home (the pipeline runs without network, and a portfolio office does not want
usage data leaving the building), so analytics is switched off in the environment *before* GX is
imported, and again in each context's config. Progress bars are switched off because a scheduled
run's log is read by people, and tqdm bars from every chunk would bury the failure messages.
"""

from __future__ import annotations

import os

os.environ["GX_ANALYTICS_ENABLED"] = "false"

# These imports must come after the environment variable above.
import great_expectations as gx
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import pandas_execution_engine

# GX fingerprints every pandas batch under this many bytes (an md5 of a full-row hash, kept as batch
# metadata the gate never reads); on 1.5 M timesheet rows that was a quarter of the gate's CPU
# time (19.1/17.6 s -> 15.5/12.7 s, two pairs). 0: no batch is fingerprinted; checks are unchanged.
pandas_execution_engine.HASH_THRESHOLD = 0

__all__ = ["BatchDefinition", "gx", "new_batch_definition"]


def new_batch_definition(name: str) -> BatchDefinition:
    """A fresh in-memory GX context with one pandas batch definition that accepts any DataFrame.

    A new context per validation keeps runs independent (nothing is persisted, and a suite or
    datasource left over from another source can never leak into this one). The datasource is
    pandas, not SQL: GX's SQLAlchemy path returns no rows against a DuckDB file here (GX issues
    10738/11579), so rows are pulled from DuckDB through Arrow and validated as DataFrames.
    """
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas(f"{name}_frames").add_dataframe_asset(name)
    return asset.add_batch_definition_whole_dataframe(f"{name}_chunk")
