"""Operating the pipeline unattended: the landing sensor, freshness, run-failure alerts."""
