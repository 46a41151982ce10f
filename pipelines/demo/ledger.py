"""The general ledger's monthly non-labour journal lines on project WBS codes.

One document per supplier invoice; now and then a credit note line reduces it (the net stays the
month's true spend). Months before the timesheet window are published too, as the ledger's history:
each project's cost of that month, labour recharged included, because the pipeline never sees those
earlier timesheets (see DemoConfig.gl_history). A history month's file exists only because a
project had cost in it.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from datetime import date, timedelta

from pipelines.demo.catalogue import COST_CENTRES, COST_ITEMS, HISTORY_ACCOUNT
from pipelines.demo.dates import month_end, month_start, period_label
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


def _last_weekday(month: int) -> date:
    day = month_end(month)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
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

    def history_lines(self, project: Project) -> list[tuple[str, ...]]:
        """The month's project cost from before the timesheet window, as finance booked it then:
        the labour recharged to the project (split by its capex share) plus that month's invoices
        (by the items' own treatment), one document posted on the month's last working day."""
        labour = project.labour_before_window.get(self.month, 0.0)
        capex_items, opex_items = project.non_labour_before.get(self.month, (0.0, 0.0))
        capex = capex_items + labour * project.capex_share
        opex = opex_items + labour * (1 - project.capex_share)
        lines = [(True, capex), (False, opex)]
        lines = [(is_capex, amount) for is_capex, amount in lines if round(amount, 2) > 0]
        if not lines:
            return []
        document = self._next_document()
        posted = _last_weekday(self.month).isoformat()
        account, account_name = HISTORY_ACCOUNT
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


def history_months(projects: list[Project]) -> list[int]:
    """Months before the timesheet window in which some project had cost."""
    months = {m for p in projects for m in (*p.labour_before_window, *p.non_labour_before)}
    return sorted(months)


def gl_rows(
    projects: list[Project], month: int, seed: int, with_history: bool
) -> Iterator[tuple[str, ...]]:
    ledger = LedgerMonth(month, seed)
    if with_history:
        for project in projects:
            yield from ledger.history_lines(project)
    for project in projects:
        yield from ledger.project_lines(project)
