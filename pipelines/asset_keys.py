"""Asset keys that one stage's assets depend on and another stage defines.

Here, not in the defining stage, so ingest can depend on the publish step's first asset without
importing pipelines.publish (write-audit-publish stays in one package that the stages never import).
"""

import dagster as dg

# pipelines/publish/assets.py: this run's build file, the first step every ingest asset waits for.
WAREHOUSE_BUILD_KEY = dg.AssetKey("warehouse_build")
