"""What a quality gate run tells the data engineer: per-rule verdicts and readable failure messages.

The messages are the product here. When a load is blocked, the person on call needs the rule, the
table, how many rows, and the landing file and line to open, in one sentence, without reading GX's
result JSON. So every failure, whether rows broke a rule, a check errored, or there was nothing to
check, is a `RuleFailure` with a `message()` in the same shape.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypedDict

# Rule names for failures that are about the gate itself rather than one expectation.
GATE_SUITE_FILE = "suite file valid"
GATE_SUITE_NOT_EMPTY = "suite has expectations"
GATE_TABLE_EXISTS = "table exists"
GATE_TABLE_NOT_EMPTY = "table not empty"
GATE_EVALUATED = "expectations evaluated"
GATE_RAN = "quality gate ran"
GATE_DERIVED_COLUMNS = "derived columns computed"

MESSAGE_SAMPLE_ROWS = 3
MESSAGE_MAX_TEXT = 40


class SampleRow(TypedDict):
    """One offending row, named the way the engineer finds it: landing file and line number."""

    source_file: str | None
    source_row: int | None
    value: object


@dataclass(frozen=True)
class RuleFailure:
    """One rule that did not pass, with enough context to fix the data without rerunning GX.

    `detail` carries the reason when the failure is not about rows (an errored check, a missing
    column or table, a wrong column type); `errored` marks failures where the check itself could
    not run, which must block the load exactly like bad data does.
    """

    source: str
    rule: str
    expectation_type: str
    column: str | None
    unexpected_count: int
    sample: list[SampleRow] = field(default_factory=list)
    detail: str | None = None
    errored: bool = False
    description: str = ""
    action: str = "block"
    unexpected_rowids: tuple[int, ...] = ()
    # Aligned with unexpected_rowids for a rule on one column: the failing values, as text.
    unexpected_values: tuple[str | None, ...] = ()

    @property
    def effective_action(self) -> str:
        """A check that could not run blocks, whatever its rule would do with bad rows."""
        return "block" if self.errored else self.action

    def message(self) -> str:
        """One sentence naming table, rule, expectation, count and where to look."""
        head = f'raw.{self.source} failed rule "{self.rule}"'
        if self.expectation_type:
            on = f" on {self.column}" if self.column else ""
            head += f" ({self.expectation_type}{on})"
        parts: list[str] = []
        if self.detail:
            parts.append(self.detail)
        if self.unexpected_count:
            rows = "1 row" if self.unexpected_count == 1 else f"{self.unexpected_count} rows"
            examples = "; ".join(_describe_sample(row) for row in self.sample[:MESSAGE_SAMPLE_ROWS])
            parts.append(f"{rows}, e.g. {examples}" if examples else rows)
        return f"{head}: {'; '.join(parts)}" if parts else head


@dataclass(frozen=True)
class RuleResult:
    """A rule's verdict over the whole table (all chunks merged); `failure` set when it failed."""

    rule: str
    expectation_type: str
    column: str | None
    success: bool
    unexpected_count: int
    failure: RuleFailure | None = None
    action: str = "block"

    def __post_init__(self) -> None:
        if self.success == (self.failure is not None):
            raise ValueError(f"rule {self.rule!r}: success={self.success} contradicts failure")


@dataclass(frozen=True)
class ValidationOutcome:
    """The gate's verdict for one raw table.

    `success` is only true when at least one expectation was evaluated, every evaluated one
    passed, none errored, and the table had rows; `__post_init__` enforces that, so no code path
    can build a passing outcome that hides a failure. The one success without an evaluated
    expectation is a table whose every row belongs to a load already checked under the same
    suite (`already_checked_rows`, see checked_loads.py): nothing new arrived to check.
    """

    source: str
    success: bool
    evaluated_expectations: int
    failures: list[RuleFailure]
    results: list[RuleResult]
    row_count: int = 0
    chunks: int = 0
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The suite's meta.quarantine_threshold_pct; None when the suite could not be read.
    quarantine_threshold_pct: float | None = None
    # Rows of loads an earlier run checked under this suite, left out of this run's check.
    already_checked_rows: int = 0
    # The suite version the rows were checked under, and the loads checked: (file, hash, rows).
    suite_fingerprint: str | None = None
    checked_loads: tuple[tuple[str, str, int], ...] = ()

    def __post_init__(self) -> None:
        if self.success and (self.failures or not (self.evaluated_expectations or self.up_to_date)):
            raise ValueError(
                f"raw.{self.source}: an outcome with failures or zero evaluated expectations "
                "cannot be a success"
            )

    @property
    def up_to_date(self) -> bool:
        """Nothing to check: no row is new, and every row was checked by an earlier run."""
        return _nothing_new(self.row_count, self.already_checked_rows)

    @classmethod
    def from_results(
        cls,
        source: str,
        results: list[RuleResult],
        *,
        evaluated_expectations: int,
        row_count: int,
        chunks: int,
        quarantine_threshold_pct: float | None = None,
        already_checked_rows: int = 0,
        suite_fingerprint: str | None = None,
        checked_loads: tuple[tuple[str, str, int], ...] = (),
    ) -> ValidationOutcome:
        """Derive success and the failure list from the rule results, so they cannot disagree."""
        failures = [r.failure for r in results if r.failure is not None]
        up_to_date = _nothing_new(row_count, already_checked_rows)
        return cls(
            source=source,
            success=not failures and (evaluated_expectations > 0 or up_to_date),
            evaluated_expectations=evaluated_expectations,
            failures=failures,
            results=results,
            row_count=row_count,
            chunks=chunks,
            quarantine_threshold_pct=quarantine_threshold_pct,
            already_checked_rows=already_checked_rows,
            suite_fingerprint=suite_fingerprint,
            checked_loads=checked_loads,
        )

    def failures_by_action(self, action: str) -> list[RuleFailure]:
        return [f for f in self.failures if f.effective_action == action]

    def message(self) -> str:
        """All failure messages, one per line, or a one-line pass summary."""
        if self.success and self.up_to_date:
            return (
                f"raw.{self.source}: no new load to check; its {self.already_checked_rows} rows "
                "were checked when they were loaded, under this version of the suite"
            )
        if self.success:
            return (
                f"raw.{self.source} passed {self.evaluated_expectations} expectations "
                f"on {self.row_count} rows"
            )
        return "\n".join(f.message() for f in self.failures)


def _nothing_new(rows_checked: int, already_checked_rows: int) -> bool:
    return rows_checked == 0 and already_checked_rows > 0


def gate_failure(source: str, rule: str, detail: str) -> RuleResult:
    """A failing result for a problem with the gate itself (no suite, no table, no rows...)."""
    failure = RuleFailure(
        source=source,
        rule=rule,
        expectation_type="",
        column=None,
        unexpected_count=0,
        detail=detail,
        errored=rule != GATE_TABLE_NOT_EMPTY,
    )
    return RuleResult(rule, "", None, success=False, unexpected_count=0, failure=failure)


def _describe_sample(row: SampleRow) -> str:
    where = row["source_file"] or "unknown file"
    line = f" line {row['source_row']}" if row["source_row"] is not None else ""
    return f"{where}{line} value {format_value(row['value'])}"


def format_value(value: object) -> str:
    """Numbers bare (27.0), text quoted ("PRJ-9999"), missing as null, keys as k=v pairs."""
    if value is None:
        return "null"
    if isinstance(value, float) and math.isnan(value):
        return "null"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={format_value(v)}" for k, v in value.items()) + ")"
    if isinstance(value, str):
        # A sha256 in a key would drown the message; the audit sample keeps the full value.
        shown = value if len(value) <= MESSAGE_MAX_TEXT else value[:12] + "…"
        return json.dumps(shown, ensure_ascii=False)
    return str(value)
