"""The general ledger's monthly non-labour journal lines on project WBS codes.

One document per supplier invoice; now and then a credit note line reduces it (the net stays the
month's true spend). In the first published month, a project that started before the history
window gets one "brought forward" document carrying its earlier cost, labour included, because the
pipeline never sees those earlier timesheets (see DemoConfig.opening_balances).
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from datetime import date, timedelta

from pipelines.demo.catalogue import BROUGHT_FORWARD_ACCOUNT, COST_CENTRES, COST_ITEMS
from pipelines.demo.dates import month_start, period_label
from pipelines.demo.projects import Project
from pipelines.demo.seeds import rng_for

GL_HEADER: tuple[str, ...] = (
    "Document No",
    "Line",
    "Posting Date",
    "Period",
    "Cost Centre",
    "Project ID",
    "WBS Element",
    "Account",
    "Account Name",
    "Capex/Opex",
    "Amount",
    "Currency",
)
_ITEM_NUMBERS = {code: number for number, code in enumerate(COST_ITEMS, start=1)}


def _posting_date(month: int, rng: random.Random) -> date:
    year, month_number = month // 12, month % 12 + 1
    day = date(year, month_number, rng.randint(1, calendar.monthrange(year, month_number)[1]))
    if day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)  # weekend postings move back to Friday
    return day if day >= month_start(month) else _first_weekday(month)


def _first_weekday(month: int) -> date:
    day = month_start(month)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _amount(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


class LedgerMonth:
    """Builds one month's journal lines, numbering documents within the period."""

    def __init__(self, month: int, seed: int) -> None:
        self.month = month
        self.period = period_label(month)
        self._seed = seed
        self._document = 0

    def _next_document(self) -> str:
        self._document += 1
        return f"JE-{self.period}-{self._document:06d}"

    def brought_forward(self, project: Project) -> list[tuple[str, ...]]:
        """Cost before the history window: earlier labour plus earlier non-labour, split by the
        project's capex share for labour and by the items' own treatment for the rest."""
        labour = project.labour_before_window
        capex = project.non_labour_before.get(True, 0.0) + labour * project.capex_share
        opex = project.non_labour_before.get(False, 0.0) + labour * (1 - project.capex_share)
        lines = [(True, capex), (False, opex)]
        lines = [(is_capex, amount) for is_capex, amount in lines if round(amount, 2) > 0]
        if not lines:
            return []
        document = self._next_document()
        posted = _first_weekday(self.month).isoformat()
        account, account_name = BROUGHT_FORWARD_ACCOUNT
        return [
            (
                document,
                str(number),
                posted,
                self.period,
                COST_CENTRES[project.business_unit],
                project.project_id,
                f"{project.project_id}-{'C' if is_capex else 'O'}00",
                account,
                account_name,
                "CAPEX" if is_capex else "OPEX",
                _amount(amount),
                project.currency,
            )
            for number, (is_capex, amount) in enumerate(lines, start=1)
        ]

    def project_lines(self, project: Project) -> Iterator[tuple[str, ...]]:
        rng = rng_for(self._seed, "gl", project.index, self.month)
        for cost in project.non_labour.get(self.month, []):
            item = COST_ITEMS[cost.item]
            account, account_name = item.capex_account if cost.capex else item.opex_account
            wbs = f"{project.project_id}-{'C' if cost.capex else 'O'}{_ITEM_NUMBERS[cost.item]:02d}"
            posted = _posting_date(self.month, rng).isoformat()
            amounts = [cost.amount]
            if rng.random() < 0.06:
                # A credit note against the invoice: gross up the invoice so the net is unchanged.
                credit = cost.amount * rng.uniform(0.1, 0.4)
                amounts = [cost.amount + credit, -credit]
            document = self._next_document()
            for number, amount in enumerate(amounts, start=1):
                yield (
                    document,
                    str(number),
                    posted,
                    self.period,
                    COST_CENTRES[project.business_unit],
                    project.project_id,
                    wbs,
                    account,
                    account_name,
                    "CAPEX" if cost.capex else "OPEX",
                    _amount(amount),
                    project.currency,
                )


def gl_rows(
    projects: list[Project], month: int, seed: int, with_brought_forward: bool
) -> Iterator[tuple[str, ...]]:
    ledger = LedgerMonth(month, seed)
    if with_brought_forward:
        for project in projects:
            yield from ledger.brought_forward(project)
    for project in projects:
        yield from ledger.project_lines(project)
