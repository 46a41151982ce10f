"""Static HTML reports rendered from the warehouse marts.

The entry point is `pipelines.report.render.render_portfolio_report`. It is not re-exported here so
that importing this package (for its errors or formatting helpers) does not pull in altair and the
Vega-Lite engine, which take a noticeable time to load.
"""
