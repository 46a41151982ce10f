"""What the pages share: reading marts defensively and rendering a page template.

A page reads a handful of marts. When one is missing (an older warehouse) or empty (no timesheets
loaded yet) the page must say so in words rather than crash or print zeros, so every read goes
through `Mart` availability first and the templates get a list of notes to show instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import jinja2

from pipelines.report.errors import MartsInconsistentError
from pipelines.report.formatting import NO_VALUE
from pipelines.sql_helpers import fetch_scalar, missing_columns

MARTS_SCHEMA = "marts"

# At most this many rows in any list of projects, milestones or team-months: the page stays
# readable (and renders in well under a second) at 5,000 projects; the rest are counted.
ROW_CAP = 50


@dataclass(frozen=True)
class MartStatus:
    """Whether a mart can be read and has rows; `note` says why not, in the reader's terms."""

    table: str
    available: bool
    row_count: int
    note: str | None

    @property
    def has_rows(self) -> bool:
        return self.available and self.row_count > 0


def mart_status(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], what: str
) -> MartStatus:
    """Check one mart's columns and count its rows; `what` names the content for the note."""
    qualified = f"{MARTS_SCHEMA}.{table}"
    gaps = missing_columns(con, {qualified: columns})
    if qualified in gaps:
        missing = gaps[qualified]
        detail = "is not in the warehouse" if missing is None else "lacks " + ", ".join(missing)
        return MartStatus(
            qualified, False, 0, f"{what} cannot be shown: {qualified} {detail} (run dbt build)."
        )
    count = int(fetch_scalar(con, f"select count(*) from {qualified}") or 0)
    if count == 0:
        return MartStatus(qualified, True, 0, f"No {what}: {qualified} has no rows.")
    return MartStatus(qualified, True, count, None)


def num(value: object) -> float | None:
    """DECIMAL and DOUBLE as float (the formatters and the chart JSON both take floats)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise MartsInconsistentError(f"expected a number from the marts, got {value!r}")
    if isinstance(value, float | int | Decimal):
        return float(value)
    raise MartsInconsistentError(f"expected a number from the marts, got {value!r}")


def whole(value: object) -> int:
    """A count; null counts as 0 only where the mart documents counts as not null."""
    if value is None:
        return 0
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return int(value)
    raise MartsInconsistentError(f"expected a count from the marts, got {value!r}")


def day(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise MartsInconsistentError(f"expected a date from the marts, got {value!r}")


def text(value: object) -> str | None:
    return None if value is None else str(value)


def ratio_pct(numerator: float | None, denominator: float | None) -> float | None:
    """Ratio of sums as a percentage; None (shown as a dash) when the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def render_page(
    env: jinja2.Environment,
    template_name: str,
    common: Mapping[str, object],
    **context: object,
) -> str:
    """Render a page template with the site's common variables plus the page's own."""
    clash = set(common) & set(context)
    if clash:
        raise ValueError(f"page context overrides common variables: {sorted(clash)}")
    return env.get_template(template_name).render(**common, **context)


def format_hours(value: float | None) -> str:
    """Whole hours with thousands separators (1,234), half up; the em dash when missing."""
    if value is None:
        return NO_VALUE
    rounded = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{'-' if rounded < 0 else ''}{abs(rounded):,.0f}"
