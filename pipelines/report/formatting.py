"""How numbers, dates and missing values read on the page.

One place for these rules so that a KPI tile, a table cell and a chart's text alternative never show
the same figure two different ways. Missing values (None, NaN) render as an em dash, which the
report's legend explains as "no value" - never as 0, which would be a claim about the data.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real

NO_VALUE = "\u2014"  # em dash: "there is no value", distinct from zero

CURRENCY_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "\u20ac",
    "GBP": "\u00a3",
    "JPY": "\u00a5",
    "INR": "\u20b9",
}

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

RAG_VALUES = ("Red", "Amber", "Green")

Number = int | float | Decimal


def _finite(value: object) -> Decimal | None:
    """The value as a Decimal, or None when there is nothing meaningful to show.

    Going through Decimal(str(x)) rounds what the user sees (e.g. 0.5 -> 1) the way an accountant
    expects (half up), not with binary floats' round-half-even surprises.
    """
    if isinstance(value, float):  # DuckDB's DOUBLE, most values of a report: no ABC check
        return Decimal(str(value)) if math.isfinite(value) else None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, Real):
        as_float = float(value)
        if math.isnan(as_float) or math.isinf(as_float):
            return None
        return Decimal(str(value))
    raise TypeError(f"expected a number or None, got {type(value).__name__}")


def currency_symbol(currency: str) -> tuple[str, str]:
    """(prefix, suffix) for a currency code; an unknown code is shown as a prefix: CHF 1,234."""
    code = currency.strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    return (symbol, "") if symbol else (f"{code}\u00a0", "")


def format_money(value: Number | None, currency: str) -> str:
    """Whole units of the reporting currency with thousands separators: $1,234,567 / -$5,000."""
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    rounded = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    prefix, suffix = currency_symbol(currency)
    sign = "-" if rounded < 0 else ""  # rounding -0.4 gives -0: shown as $0, not -$0
    return f"{sign}{prefix}{abs(rounded):,.0f}{suffix}"


def format_pct(value: Number | None) -> str:
    """A percentage already scaled to 0-100, with one decimal: 12.3%."""
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    rounded = amount.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{abs(rounded):,.1f}%"


def format_count(value: int | None) -> str:
    """A count with thousands separators."""
    if value is None:
        return NO_VALUE
    return f"{value:,d}"


def format_date(value: date | None) -> str:
    """ISO 8601 (2026-04-30): unambiguous for a readership spread across locales."""
    if value is None:
        return NO_VALUE
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def format_month(value: date | None) -> str:
    """A month as 'Apr 2026', independent of the process locale so output is reproducible."""
    if value is None:
        return NO_VALUE
    return f"{MONTH_ABBREVIATIONS[value.month - 1]} {value.year}"


def format_iso_month(value: date | None) -> str:
    """A month as ISO 'YYYY-MM' (for machine-readable <time datetime> attributes)."""
    if value is None:
        return ""
    return f"{value.year:04d}-{value.month:02d}"


def format_datetime(value: datetime | None) -> str:
    """'2026-04-30 07:15 UTC': ISO date and minutes plus the zone when known."""
    if value is None:
        return NO_VALUE
    text = value.strftime("%Y-%m-%d %H:%M")
    zone = value.tzname()
    return f"{text} {zone}" if zone else text


def format_text(value: object) -> str:
    """Free text from the data; empty or missing shows the no-value dash instead of a blank cell."""
    if value is None:
        return NO_VALUE
    text = str(value).strip()
    return text if text else NO_VALUE


def rag_class(value: str | None) -> str:
    """CSS class for a reported RAG; the cell always also carries the RAG as text."""
    if value is not None and value in RAG_VALUES:
        return f"rag-{value.lower()}"
    return "rag-none"


def sign_class(value: Number | None) -> str:
    """CSS class marking an unfavourable (negative) variance; the sign is also in the text."""
    amount = _finite(value)
    return "negative" if amount is not None and amount < 0 else ""


# The quality gate's decisions, worst first. Each reads as a symbol plus a word, so the page says
# the same thing in grey-scale print, to a screen reader (the word) and at a glance (the symbol).
DECISIONS: dict[str, tuple[str, str]] = {
    "blocked": ("\u2716", "Blocked"),  # heavy multiplication x
    "quarantined": ("\u29b8", "Quarantined"),  # circled reverse solidus
    "warned": ("\u26a0", "Warned"),  # warning sign
    "passed": ("\u2714", "Passed"),  # heavy check mark
    # An optional source this source profile does not supply (pipelines/quality/not_supplied.py).
    "not supplied": ("\u2013", "Not supplied"),  # en dash: nothing there
}

RAW_VALUE_MAX_CHARS = 300


def decision_severity(value: str | None) -> int:
    """Sort key: blocked (0) before quarantined, warned, passed, then anything unknown."""
    keys = list(DECISIONS)
    return keys.index(value) if value in DECISIONS else len(keys)


def decision_symbol(value: str | None) -> str:
    return DECISIONS[value][0] if value in DECISIONS else "?"


def decision_label(value: str | None) -> str:
    """The decision as a word; an unknown one is shown as recorded rather than hidden."""
    if value in DECISIONS:
        return DECISIONS[value][1]
    return format_text(value)


def decision_class(value: str | None) -> str:
    """CSS class for a gate decision; the badge always also carries the decision as text."""
    return f"decision-{value.replace(' ', '-')}" if value in DECISIONS else "decision-unknown"


def raw_number(value: Number | None) -> str:
    """The unrounded number for a cell's data-v (sorting, CSV and XLSX); "" when there is none."""
    amount = _finite(value)
    return "" if amount is None else str(value)


def format_raw_value(value: object) -> str:
    """A value as it stood in the export: not stripped (stray spaces are often the problem).

    Missing is the no-value dash, an empty string says so, and very long values are cut so one
    broken record cannot swamp the page (the full record is in the warehouse).
    """
    if value is None:
        return NO_VALUE
    text = str(value)
    if text == "":
        return "(empty)"
    if len(text) > RAW_VALUE_MAX_CHARS:
        return text[:RAW_VALUE_MAX_CHARS] + "\u2026"
    return text


def format_ratio(value: Number | None) -> str:
    """An index such as CPI or SPI with two decimals: 0.94 (1.00 is on plan)."""
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def _signed(text: str, amount: Decimal) -> str:
    """Put an explicit + in front of a positive change; "-" is already there for a negative."""
    return f"+{text}" if amount > 0 else text


def format_delta_money(value: Number | None, currency: str) -> str:
    """A change in money with its sign: +$1,234 / -$5,000 / $0."""
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    rounded = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _signed(format_money(value, currency), rounded)


def format_delta_ratio(value: Number | None) -> str:
    """A change in an index with its sign: +0.03 / -0.10 / 0.00."""
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _signed(format_ratio(value), rounded) if rounded != 0 else "0.00"


def half_up(value: Number | None, places: int = 0) -> Decimal | None:
    """The value rounded half up to `places` decimals, as the page shows it (None: no value)."""
    amount = _finite(value)
    if amount is None:
        return None
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def displayed_difference(
    minuend: Number | None, subtrahend: Number | None, places: int = 0
) -> Decimal | None:
    """minuend - subtrahend computed from the two figures as displayed (each rounded half up to
    `places`), so that a shown difference always equals the difference of the shown parts:
    4,277.46 - 3,906.24 is shown as 4,277.5 - 3,906.2 = +371.3, never +371.2."""
    high, low = half_up(minuend, places), half_up(subtrahend, places)
    if high is None or low is None:
        return None
    return high - low


def format_points(value: Number | None) -> str:
    """Score points, one decimal, half up: 4,277.5."""
    rounded = half_up(value, 1)
    return NO_VALUE if rounded is None else f"{abs(rounded) if rounded == 0 else rounded:,.1f}"


def format_delta_points(value: Number | None) -> str:
    """A change in score points with its sign: +371.3 / -2.0 / 0.0."""
    rounded = half_up(value, 1)
    if rounded is None:
        return NO_VALUE
    return _signed(format_points(rounded), rounded)


def format_delta_count(value: int | None) -> str:
    """A change in a count with its sign: +3 / -1 / 0."""
    if value is None:
        return NO_VALUE
    return f"+{value:,d}" if value > 0 else f"{value:,d}"


def format_days(value: int | None) -> str:
    """A number of days: '45 days', '1 day', '-3 days'."""
    if value is None:
        return NO_VALUE
    return f"{value:,d} day" if abs(value) == 1 else f"{value:,d} days"


# RAG as a symbol and a word, so it survives grey-scale print and colour-vision deficiency.
RAG_SYMBOLS: dict[str, str] = {"Red": "\u25b2", "Amber": "\u25c6", "Green": "\u25cf"}


def rag_symbol(value: str | None) -> str:
    """Red ▲, Amber ◆, Green ● (shape differs, not only colour); anything else ○."""
    return RAG_SYMBOLS.get(value or "", "\u25cb")


# --- published exports (pipelines/report/published_queries.py) -------------------------------

# How a publisher writes "millions" after a currency symbol: $15.3M (US), £2,607m (UK).
MILLION_SUFFIXES: dict[str, str] = {"GBP": "m"}
NOT_PUBLISHED = "not published"
REASON_SHORT_CHARS = 48


def _plain_decimal(amount: Decimal, max_decimals: int) -> str:
    """|amount| with thousands separators and at most max_decimals, trailing zeros dropped.

    A non-zero amount never rounds to a bare 0: more decimals are kept until it shows.
    """
    places = max_decimals
    while True:
        rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if rounded != 0 or amount == 0 or places >= 9:
            break
        places += 1
    text = f"{abs(rounded):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_published_money(
    value: Number | None, currency: str | None, unit: str | None = "millions", max_decimals: int = 3
) -> str:
    """A published amount with its currency and unit: $15.3M, £2,607m, -$0.25M.

    Shown to the precision it was published with (up to max_decimals), so a figure that
    disagrees with its formula in the second decimal can be seen to. Missing: the em dash.
    """
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    code = (currency or "").strip().upper()
    prefix, suffix = currency_symbol(code) if code else ("", "")
    digits = _plain_decimal(amount, max_decimals)
    sign = "-" if amount < 0 and digits.strip("0.,") else ""
    if (unit or "millions").strip().lower() == "millions":
        unit_text = MILLION_SUFFIXES.get(code, "M")
    else:
        unit_text = f"\u00a0{unit}"
    return f"{sign}{prefix}{digits}{unit_text}{suffix}"


def format_figure_value(value: Number | None, max_decimals: int = 3) -> str:
    """A published or computed figure in its own unit (named by the figure): -12.5, 1,234."""
    amount = _finite(value)
    if amount is None:
        return NO_VALUE
    digits = _plain_decimal(amount, max_decimals)
    return f"-{digits}" if amount < 0 and digits.strip("0.,") else digits


def short_text(value: str | None, limit: int = REASON_SHORT_CHARS) -> str:
    """The start of a long text, cut at a word and marked with an ellipsis (full text elsewhere)."""
    text = " ".join((value or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "\u2026"
