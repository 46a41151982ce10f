"""Turn GX's per-chunk results into one verdict per rule, treating every doubt as a failure.

GX does not always say "failed" when a check could not run: an exception during metric computation
lands in `exception_info` (sometimes flat, sometimes keyed by metric) and `success` may be False,
None or, in some versions, absent from the results altogether. A check that passes because it
errored is the worst bug a quality gate can ship, so a rule only passes when GX returned a result
for it in every chunk, each said `success is True`, and none carried an exception.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.quality.outcome import RuleFailure, RuleResult, SampleRow
from pipelines.quality.suites import Rule

SAMPLE_ROWS = 5


@dataclass
class RuleTally:
    """One rule's results accumulated over all chunks of its pass."""

    source: str
    rule: Rule
    evaluated_chunks: int = 0
    failed: bool = False
    errored: bool = False
    unexpected_count: int = 0
    sample: list[SampleRow] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    # The raw rows (DuckDB rowids, the frames' index) a quarantine rule sets aside.
    unexpected_rowids: list[int] = field(default_factory=list)
    # For a rule on one column, the value each of those rows failed on, as text (None: null).
    unexpected_values: list[str | None] = field(default_factory=list)

    def add_error(self, detail: str) -> None:
        """The rule could not be evaluated (missing or broken column, GX or SQL error)."""
        self.failed = True
        self.errored = True
        self._add_detail(detail)

    def add_gx_result(self, result: Any, frame: pd.DataFrame) -> None:
        """Fold in one chunk's ExpectationValidationResult; `frame` is the chunk GX saw."""
        self.evaluated_chunks += 1
        errors = exception_messages(_as_mapping(getattr(result, "exception_info", None)))
        if errors:
            self.add_error(f"the check raised an error instead of running: {errors[0]}")
        payload = _as_mapping(getattr(result, "result", None))
        success = getattr(result, "success", None)
        if success is True:
            return
        self.failed = True
        if success is not False:
            self._add_detail(f"Great Expectations reported no verdict (success={success!r})")
        count = payload.get("unexpected_count")
        if isinstance(count, int | np.integer) and count > 0:
            self.unexpected_count += int(count)
            self._add_samples(payload.get("partial_unexpected_index_list"), frame)
            if self.rule.quarantines:
                self._add_rowids(payload.get("unexpected_index_list"), int(count), frame)
        elif not errors:
            self._add_detail(self._describe_observed(payload))

    def to_result(self) -> RuleResult:
        failed = self.failed or self.evaluated_chunks == 0
        details = list(self.details)
        if self.evaluated_chunks == 0 and not details:
            details.append("the check was never evaluated")
        failure = None
        if failed:
            failure = RuleFailure(
                source=self.source,
                rule=self.rule.name,
                expectation_type=self.rule.expectation_type,
                column=self.rule.label_column,
                unexpected_count=self.unexpected_count,
                sample=list(self.sample),
                detail="; ".join(details) or None,
                errored=self.errored,
                description=self.rule.description,
                action=self.rule.action,
                unexpected_rowids=tuple(self.unexpected_rowids),
                unexpected_values=tuple(self.unexpected_values),
            )
        return RuleResult(
            rule=self.rule.name,
            expectation_type=self.rule.expectation_type,
            column=self.rule.label_column,
            success=not failed,
            unexpected_count=self.unexpected_count,
            failure=failure,
            action=self.rule.action,
        )

    def _add_rowids(self, index_list: object, expected: int, frame: pd.DataFrame) -> None:
        """Every failing row's id; if GX did not list them all, the rule cannot quarantine.

        A rule on one column also keeps each row's value: a derived column (the unknown
        project id) is not in the raw table the quarantine copies from.
        """
        labels = [] if not isinstance(index_list, Sequence) else list(index_list)
        rowids = [int(label) for label in labels if isinstance(label, int | np.integer)]
        if len(rowids) != expected:
            self.add_error(
                f"Great Expectations named {len(rowids)} of the {expected} failing rows, so they "
                "cannot be quarantined exactly"
            )
            return
        self.unexpected_rowids.extend(rowids)
        (column, *others) = self.rule.columns or ("",)
        if not others and column in frame.columns:
            values = frame.loc[rowids, column].tolist()
            self.unexpected_values.extend(None if pd.isna(v) else str(v) for v in values)

    def _add_detail(self, detail: str) -> None:
        if detail and detail not in self.details:
            self.details.append(detail)

    def _add_samples(self, index_list: object, frame: pd.DataFrame) -> None:
        if not isinstance(index_list, Sequence) or isinstance(index_list, str):
            return
        for label in index_list:
            if len(self.sample) >= SAMPLE_ROWS:
                return
            if label not in frame.index:
                continue
            row = frame.loc[label]
            if len(self.rule.columns) == 1:
                value: object = to_python(row.get(self.rule.columns[0]))
            else:
                value = {c: to_python(row.get(c)) for c in self.rule.columns}
            source_row = to_python(row.get("source_row"))
            self.sample.append(
                SampleRow(
                    source_file=_optional_str(to_python(row.get("source_file"))),
                    source_row=int(source_row) if isinstance(source_row, int | float) else None,
                    value=value,
                )
            )

    def _describe_observed(self, payload: Mapping[str, Any]) -> str:
        """Why a non-row check failed: missing columns, a wrong dtype, or GX's observed value."""
        details = _as_mapping(payload.get("details"))
        mismatched = _as_mapping(details.get("mismatched"))
        missing = mismatched.get("missing")
        if missing:
            return "missing columns " + ", ".join(str(c) for c in missing)
        observed = payload.get("observed_value")
        type_list = self.rule.config.get("kwargs", {}).get("type_list")
        if observed is not None and type_list:
            expected = ", ".join(str(t) for t in type_list)
            return f"column type is {observed}, expected one of {expected}"
        if observed is not None:
            return f"observed {observed}"
        return "Great Expectations reported a failure without details"


def exception_messages(info: Mapping[str, Any]) -> list[str]:
    """Exception messages in GX's exception_info, flat or nested per metric; [] when none raised."""
    if not info:
        return []
    flat_keys = {"raised_exception", "exception_message", "exception_traceback"}
    if flat_keys & set(info):
        raised = bool(info.get("raised_exception"))
        message = info.get("exception_message")
        if raised or message or info.get("exception_traceback"):
            return [str(message or "unknown error (see GX traceback in the debug log)")]
        return []
    messages: list[str] = []
    for value in info.values():
        messages.extend(exception_messages(_as_mapping(value)))
    return messages


def to_python(value: object) -> object:
    """A JSON-friendly plain value: numpy scalars unwrapped, missing as None, dates as ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        is_midnight = value.time() == dt.time(0) and value.tzinfo is None
        return value.date().isoformat() if is_midnight else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _as_mapping(value: object) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    to_json = getattr(value, "to_json_dict", None)
    if callable(to_json):
        converted = to_json()
        if isinstance(converted, Mapping):
            return converted
    return {}


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
