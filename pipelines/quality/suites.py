"""Read a versioned suite file (`expectations/<source>.json`) into rules the gate can plan with.

The JSON files are GX 1.x `ExpectationSuite.to_json_dict()` documents, kept in git so a reviewer
sees every rule change. Loading checks more than GX does, because a gate that silently checks less
than the reviewer approved is a failure: every expectation needs a unique `meta.rule` (it is how a
GX result is matched back to its rule and how the engineer is told what broke), and GX must accept
the whole suite.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.quality.gx_runtime import gx

# Checks that only look at the table's columns or dtypes: any chunk gives the whole-table answer.
SCHEMA_TYPES = frozenset(
    {
        "expect_table_columns_to_match_set",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_column_count_to_equal",
        "expect_table_column_count_to_be_between",
        "expect_column_to_exist",
    }
)
# Checks that judge each row on its own: the sum over chunks of unexpected rows is exact.
ROW_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_match_regex_list",
        "expect_column_values_to_match_like_pattern",
        "expect_column_values_to_not_match_like_pattern",
        "expect_column_values_to_match_strftime_format",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_be_in_type_list",
        "expect_column_pair_values_to_be_equal",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_in_set",
        "expect_multicolumn_sum_to_equal",
        "expect_select_column_values_to_be_unique_within_record",
    }
)
# Uniqueness needs every row of a key in the same chunk: the gate partitions rows by key hash.
KEY_TYPES = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})

# Checks that only ask whether a value is there or equals another: pandas answers them alike on a
# categorical column (dictionary-encoded strings) and on plain strings. Ordering, patterns, lengths
# and dtypes are not asked of categoricals (an unordered categorical cannot be compared with `<`,
# and its dtype is "category"), so a column any other check reads stays plain.
EQUALITY_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        *KEY_TYPES,
    }
)
# A row condition the gate lets read a categorical column: `name == "x"` or `name != 'x'` terms
# joined by and/or, nothing else (pandas.DataFrame.query syntax, see Rule.row_condition).
_EQUALITY_TERM = re.compile(r"""\s*\w+\s*(==|!=)\s*("[^"]*"|'[^']*')\s*""")
_CONNECTIVE = re.compile(r"\s+(?:and|or)\s+|\s*[&|]\s*")

# What a failed rule does (meta.action in the suite file; there is no default, a rule without one
# is a suite error): block stops the run; quarantine moves the failing rows to audit.quarantine
# and lets the rest through (a share above the suite's threshold blocks); warn only reports.
ACTIONS = ("block", "quarantine", "warn")
DEFAULT_QUARANTINE_THRESHOLD_PCT = 5.0

_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list",)


class SuiteError(Exception):
    """The suite file is missing, unreadable or not a suite the gate can trust."""


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, with what the gate needs to plan and report it."""

    name: str
    description: str
    expectation_type: str
    config: dict[str, Any]
    columns: tuple[str, ...]
    row_condition: str | None
    action: str = "block"

    @property
    def quarantines(self) -> bool:
        return self.action == "quarantine"

    @property
    def label_column(self) -> str | None:
        """How the message names the column(s): `hours` or `(document_no, line)`."""
        if not self.columns:
            return None
        if len(self.columns) == 1:
            return self.columns[0]
        return "(" + ", ".join(self.columns) + ")"

    @property
    def is_schema_check(self) -> bool:
        return self.expectation_type in SCHEMA_TYPES

    @property
    def unique_key(self) -> tuple[str, ...] | None:
        return self.columns if self.expectation_type in KEY_TYPES else None

    @property
    def skips_all_null_keys(self) -> bool:
        """Whether GX ignores rows whose key is entirely null (so they may sit in any chunk).

        Column map checks skip nulls; compound uniqueness skips all-null keys unless the suite
        sets ignore_row_if to something else.
        """
        if self.expectation_type != "expect_compound_columns_to_be_unique":
            return True
        ignore = self.config.get("kwargs", {}).get("ignore_row_if", "all_values_are_missing")
        return bool(ignore == "all_values_are_missing")

    @property
    def chunk_safe(self) -> bool:
        """Whether per-chunk results add up to the whole-table answer (given key partitioning)."""
        return self.expectation_type in SCHEMA_TYPES | ROW_TYPES | KEY_TYPES

    def value_columns(self, table_columns: list[str]) -> set[str]:
        """Columns whose values GX must see: the rule's own, and any named in its row condition.

        A row condition is a pandas expression; any table column name appearing in it as a word
        is fetched (fetching one column too many is harmless, one too few makes GX error).
        """
        if self.is_schema_check:
            return set()
        return set(self.columns) | self.condition_columns(table_columns)

    def condition_columns(self, table_columns: list[str]) -> set[str]:
        """The table columns named in the row condition (as words; none without a condition)."""
        if not self.row_condition:
            return set()
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", self.row_condition))
        return words & set(table_columns)


@dataclass(frozen=True)
class Suite:
    path: Path
    name: str
    rules: list[Rule]
    # Share of this run's new rows a source may quarantine before the gate blocks it instead.
    quarantine_threshold_pct: float = DEFAULT_QUARANTINE_THRESHOLD_PCT
    # Extra columns the gate computes in SQL before GX sees the rows (name -> SQL expression over
    # the raw row `r`), so cross-row and cross-source rules stay row-level GX checks: a person's
    # hours that day, the project's start date, whether an fx rate exists for the row's month.
    derived_columns: dict[str, str] = field(default_factory=dict)
    # sha256 of the file's bytes: loads checked under another version of the suite are re-checked.
    digest: str = ""


def suite_path(expectations_dir: Path, source: str) -> Path:
    return expectations_dir / f"{source}.json"


def load_suite(path: Path) -> Suite:
    """Parse and check a suite file; raise SuiteError saying what is wrong with it.

    Needs a current GX context (see gx_runtime.new_batch_definition), because GX validates each
    expectation's kwargs when the suite is constructed.
    """
    try:
        content = path.read_bytes()
        document = json.loads(content.decode("utf-8"))
    except FileNotFoundError as exc:
        raise SuiteError(f"suite file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteError(f"cannot read suite file {path}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("expectations"), list):
        raise SuiteError(f"{path} is not a GX suite: expected an object with an expectations list")
    try:
        gx.ExpectationSuite(**document)
    except Exception as exc:
        raise SuiteError(f"Great Expectations rejects {path}: {exc}") from exc

    rules: list[Rule] = []
    seen: set[str] = set()
    for position, config in enumerate(document["expectations"], start=1):
        rule = _rule_from_config(path, position, config)
        if rule.name in seen:
            raise SuiteError(
                f"{path}: rule name {rule.name!r} is used twice; rule names must be unique"
            )
        seen.add(rule.name)
        rules.append(rule)
    meta = document.get("meta") or {}
    return Suite(
        path=path,
        name=str(document.get("name") or path.stem),
        rules=rules,
        quarantine_threshold_pct=_threshold(path, meta),
        derived_columns=_derived_columns(path, meta),
        digest=hashlib.sha256(content).hexdigest(),
    )


def _threshold(path: Path, meta: dict[str, Any]) -> float:
    value = meta.get("quarantine_threshold_pct", DEFAULT_QUARANTINE_THRESHOLD_PCT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise SuiteError(f"{path}: meta.quarantine_threshold_pct must be a number 0..100")
    return float(value)


def _derived_columns(path: Path, meta: dict[str, Any]) -> dict[str, str]:
    derived = meta.get("derived_columns") or {}
    if not isinstance(derived, dict) or not all(
        isinstance(k, str) and re.match(r"^[a-z_][a-z0-9_]*$", k) and isinstance(v, str)
        for k, v in derived.items()
    ):
        raise SuiteError(f"{path}: meta.derived_columns must map column names to SQL text")
    bounds = _plausible_dates(path, meta)
    return {
        name: sql.replace("{earliest_plausible_date}", f"'{bounds[0].isoformat()}'").replace(
            "{plausible_years_after_extract}", str(bounds[1])
        )
        for name, sql in derived.items()
    }


def _plausible_dates(path: Path, meta: dict[str, Any]) -> tuple[date, int]:
    """meta.plausible_dates: the earliest date and the years after the extract a date may be.

    Dates outside are typos (1900 for 2026) that would fail dbt far from their file and line.
    """
    given = meta.get("plausible_dates") or {}
    try:
        earliest = date.fromisoformat(str(given.get("earliest", "2000-01-01")))
        years = int(given.get("years_after_extract", 10))
    except (TypeError, ValueError):
        raise SuiteError(
            f"{path}: meta.plausible_dates needs earliest (YYYY-MM-DD) and years_after_extract"
        ) from None
    return earliest, years


def _rule_from_config(path: Path, position: int, config: object) -> Rule:
    if not isinstance(config, dict):
        raise SuiteError(f"{path}: expectation #{position} is not an object")
    expectation_type = config.get("type")
    kwargs = config.get("kwargs") or {}
    meta = config.get("meta") or {}
    if not isinstance(expectation_type, str) or not isinstance(kwargs, dict):
        raise SuiteError(f"{path}: expectation #{position} needs a type and a kwargs object")
    name = meta.get("rule") if isinstance(meta, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise SuiteError(
            f"{path}: expectation #{position} ({expectation_type}) has no meta.rule; every "
            "expectation needs a short rule name to report failures by"
        )
    columns: list[str] = []
    for key in _COLUMN_KWARGS:
        if isinstance(kwargs.get(key), str):
            columns.append(kwargs[key])
    for key in _COLUMN_LIST_KWARGS:
        if isinstance(kwargs.get(key), list):
            columns.extend(str(c) for c in kwargs[key])
    if parameters := sorted(_parameter_names(kwargs)):
        raise SuiteError(
            f"{path}: rule {name.strip()!r} uses the run-time parameter {parameters[0]!r}; the "
            "gate fills none: check a reference to another table through a derived column "
            "(meta.derived_columns, see expectations/README.md)"
        )
    action = meta.get("action")
    if action not in ACTIONS:
        raise SuiteError(
            f"{path}: rule {name.strip()!r} needs meta.action, one of {', '.join(ACTIONS)} "
            f"(found {action!r}): what a failure does must be decided, not defaulted"
        )
    if action == "quarantine" and expectation_type not in ROW_TYPES | KEY_TYPES:
        raise SuiteError(
            f"{path}: rule {name.strip()!r} ({expectation_type}) cannot quarantine: only checks "
            "that judge rows one by one name the rows to set aside; use block or warn"
        )
    return Rule(
        action=str(action),
        name=name.strip(),
        description=str(meta.get("description", "")),
        expectation_type=expectation_type,
        config=config,
        columns=tuple(columns),
        row_condition=_row_condition_text(kwargs.get("row_condition")),
    )


def _parameter_names(value: object) -> set[str]:
    """Names of `{"$PARAMETER": name}` placeholders anywhere in an expectation's kwargs."""
    if isinstance(value, dict):
        if isinstance(value.get("$PARAMETER"), str):
            return {value["$PARAMETER"]}
        return set().union(*(_parameter_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_parameter_names(v) for v in value))
    return set()


def _row_condition_text(condition: object) -> str | None:
    if condition is None:
        return None
    if isinstance(condition, str):
        return condition
    return json.dumps(condition)


def equality_only_columns(rules: list[Rule], table_columns: list[str]) -> frozenset[str]:
    """The columns these rules read only through equality checks (see EQUALITY_TYPES).

    The gate hands GX such a column dictionary-encoded when its values repeat (see
    chunking.fetch_frame): on the 9.7 M timesheet rows of the benchmark's 10 M scale the gate took
    12.4 s instead of 14.6 s.
    """
    readers: dict[str, bool] = {}  # column -> only equality checks read it so far
    for rule in rules:
        if rule.is_schema_check:
            continue
        equality = rule.expectation_type in EQUALITY_TYPES
        for column in rule.columns:
            readers[column] = readers.get(column, True) and equality
        if rule.row_condition:
            condition = _pandas_filter(rule.row_condition)
            simple = condition is not None and all(
                _EQUALITY_TERM.fullmatch(term) for term in _CONNECTIVE.split(condition)
            )
            for column in rule.condition_columns(table_columns):  # its own column too, if named
                readers[column] = readers.get(column, True) and simple
    return frozenset(column for column, only_equality in readers.items() if only_equality)


def _pandas_filter(row_condition: str) -> str | None:
    """The pandas expression of a row condition (a string, or GX's pass-through filter object
    as _row_condition_text keeps it); None for any other form."""
    try:
        condition = json.loads(row_condition)
    except json.JSONDecodeError:
        return row_condition
    if isinstance(condition, dict) and condition.get("type") == "pass_through":
        text = condition.get("pass_through_filter")
        return text if isinstance(text, str) else None
    return None
