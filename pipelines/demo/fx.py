"""Treasury's monthly average rates to USD, as a random walk anchored at the as-of month.

Walking backwards from a fixed anchor (rather than forwards from the earliest month needed) keeps
the published rates of a month the same however far back a run's project history reaches. Months
after the as-of month repeat its rate: that is the planning rate finance uses for future months.
"""

from __future__ import annotations

from pipelines.demo.catalogue import CURRENCIES, FX_ANCHOR_TO_USD, REPORTING_CURRENCY
from pipelines.demo.seeds import rng_for

_MONTHLY_VOLATILITY = 0.012


class FxRates:
    def __init__(self, seed: int, anchor_month: int) -> None:
        self._seed = seed
        self._anchor = anchor_month
        self._rates: dict[str, dict[int, float]] = {
            currency: {anchor_month: FX_ANCHOR_TO_USD[currency]} for currency in CURRENCIES
        }
        self._earliest = anchor_month
        self._factors: dict[tuple[str, str, int], float] = {}

    def _extend_back_to(self, month: int) -> None:
        while self._earliest > month:
            previous = self._earliest - 1
            for currency in CURRENCIES:
                series = self._rates[currency]
                if currency == REPORTING_CURRENCY:
                    series[previous] = 1.0
                    continue
                step = rng_for(self._seed, "fx", currency, previous).gauss(0.0, _MONTHLY_VOLATILITY)
                series[previous] = round(series[self._earliest] * (1.0 + step), 6)
            self._earliest = previous

    def to_usd(self, currency: str, month: int) -> float:
        """Average rate: amount in USD = amount in `currency` * rate."""
        month = min(month, self._anchor)
        if month < self._earliest:
            self._extend_back_to(month)
        return self._rates[currency][month]

    def factor(self, from_currency: str, to_currency: str, month: int) -> float:
        """Multiplier from one currency to another in a month (cached: costing asks often)."""
        key = (from_currency, to_currency, month)
        cached = self._factors.get(key)
        if cached is None:
            cached = self.to_usd(from_currency, month) / self.to_usd(to_currency, month)
            self._factors[key] = cached
        return cached

    def rows(self, first_month: int, last_month: int) -> list[tuple[int, str, float]]:
        """(month, currency, rate to USD) for every month in the range and every currency."""
        return [
            (month, currency, self.to_usd(currency, month))
            for month in range(first_month, last_month + 1)
            for currency in CURRENCIES
        ]
