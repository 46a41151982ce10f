"""Prioritisation support: scoring, the budget waterline, optimal selection, the efficient
frontier, scenarios and the sensitivity of each funding decision (docs/marts.md, "Prioritisation").

The maths is pure Python/numpy/scipy on a `Portfolio`; only `inputs.py` (reads), `tables.py` and
`outcome.py` (the marts), `kept_result.py` (its record) and `assets.py` touch the warehouse, so
every method is unit-tested on hand-made portfolios.
"""
