"""validate_source: run one source's suite over its raw table and say, exactly, what is wrong.

Order of work, and why: the suite is loaded first (a broken suite must fail loudly, not check
nothing); then the table is looked up and counted (a missing or empty extract fails on its own);
rules whose columns (or derived columns) are missing fail without running; the rest run in GX
chunk by chunk (see chunking.py). Every exception on the way becomes a failure of the rules it
touches.
"""

from __future__ import annotations

import gc
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import settings
from pipelines.quality.checked_loads import suite_fingerprint
from pipelines.quality.chunking import (
    ChunkQuery,
    Pass,
    chunk_count,
    column_groups,
    fetched_ahead,
    pass_chunks,
    plan_passes,
)
from pipelines.quality.gx_runtime import BatchDefinition, gx, new_batch_definition
from pipelines.quality.load_chunks import LoadChunks, plan_load_chunks
from pipelines.quality.outcome import (
    GATE_DERIVED_COLUMNS,
    GATE_EVALUATED,
    GATE_RAN,
    GATE_SUITE_FILE,
    GATE_SUITE_NOT_EMPTY,
    GATE_TABLE_EXISTS,
    GATE_TABLE_NOT_EMPTY,
    RuleResult,
    ValidationOutcome,
    gate_failure,
)
from pipelines.quality.staging import (
    derived_column_errors,
    drop_gate_rows,
    gate_relation,
    stage_gate_rows,
    staged_loads,
    staging_select,
)
from pipelines.quality.suites import (
    Rule,
    Suite,
    SuiteError,
    equality_only_columns,
    load_suite,
    suite_path,
)
from pipelines.quality.tally import SAMPLE_ROWS, RuleTally
from pipelines.quality.warehouse import RAW_SCHEMA, row_count, table_columns

logger = logging.getLogger(__name__)

SOURCES = (
    "projects",
    "milestones",
    "resources",
    "timesheets",
    "gl_actuals",
    "finance_plan",
    "fx_rates",
    "resource_plan",
)

# Measured on 1M synthetic timesheet rows (20,000 known employees, 5,000 projects; shared 2-core
# box): one 1M chunk 9.5 s / 830 MB peak RSS, 500k chunks 12.3 s / 745 MB, 250k 14.3 s / 580 MB,
# 100k 24 s / 470 MB (about 290 MB of that is Python with GX imported). 10M rows at 500k: 99 s,
# 1.1 GB peak, flat across chunks. 500k keeps memory bounded for any table size at a small cost.
# Re-checked on 9.7 M timesheet rows at the 1.5GB DuckDB limit (2026-12-06, before the column
# groups of chunking.column_groups): 1M chunks 61.4 s against 65.2 s, for 350 MB more peak RSS.
# Since chunks are whole loads where exact (load_chunks.py), a chunk holds as many weekly loads as
# fit: the 10 M benchmark's weeks of about 285 k timesheet rows made 34 chunks of one load at 500k
# and 17 of two at 750k, and the per-chunk cost of GX's set-up went with them. Gate alone,
# alternating (2026-12-06 21:25): timesheets 17.4-17.8 s at 500k, 14.2-14.5 s at 750k, 13.6-14.5 s
# at 1M; the process's peak 0.90, 1.18-1.27 and 1.49-1.52 GB. The run's peak is dbt's (2.5 GB).
# Since the next chunk is read while GX checks this one (chunking.fetched_ahead), two chunks are
# in memory: the 10 M full run's gate peaked at 1,763 MB against 1,471 MB (2026-12-07), the
# run's peak still dbt's (2,635 MB).
DEFAULT_CHUNK_ROWS = 750_000

_SOURCE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def validate_source(
    con: duckdb.DuckDBPyConnection,
    source: str,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    expectations_dir: Path | None = None,
    reporting_currency: str = settings.Settings.reporting_currency,
) -> ValidationOutcome:
    """Validate `raw.<source>` against `expectations/<source>.json`.

    `reporting_currency` is the currency the suite's derived amounts are converted to.

    Never raises for bad data, a bad suite or a missing table: those are failures in the returned
    outcome, with messages naming the rule, the landing file and the line. It raises only for a
    source name that is not an identifier, which is a bug in the caller.
    """
    if not _SOURCE_NAME.match(source):
        raise ValueError(f"source must be a lower-case identifier, got {source!r}")
    started = time.perf_counter()
    directory = expectations_dir if expectations_dir is not None else settings.EXPECTATIONS_DIR
    try:
        return _validate(con, source, chunk_rows, directory, started, reporting_currency)
    except Exception as exc:
        # Whatever broke (a closed connection, a GX bug), the gate did not check the table.
        logger.exception("raw.%s: the quality gate itself failed", source)
        detail = f"the quality gate could not run: {type(exc).__name__}: {exc}"
        failed = [gate_failure(source, GATE_RAN, detail)]
        return _finish(source, failed, evaluated=0, rows=0, chunks=0, started=started)


def _validate(
    con: duckdb.DuckDBPyConnection,
    source: str,
    chunk_rows: int,
    directory: Path,
    started: float,
    reporting_currency: str,
    *,
    by_load_allowed: bool = True,
) -> ValidationOutcome:
    batch_definition = new_batch_definition(source)
    results: list[RuleResult] = []

    suite: Suite | None = None
    try:
        suite = load_suite(suite_path(directory, source))
    except SuiteError as exc:
        results.append(gate_failure(source, GATE_SUITE_FILE, str(exc)))
    if suite is not None and not suite.rules:
        detail = f"{suite.path} defines no expectations, so nothing would be checked"
        results.append(gate_failure(source, GATE_SUITE_NOT_EMPTY, detail))

    columns = table_columns(con, RAW_SCHEMA, source)
    if columns is None:
        detail = f"table {RAW_SCHEMA}.{source} does not exist in the warehouse"
        results.append(gate_failure(source, GATE_TABLE_EXISTS, detail))
        return _finish(source, results, evaluated=0, rows=0, chunks=0, started=started, suite=suite)

    rows = row_count(con, RAW_SCHEMA, source)
    if rows == 0:
        detail = f"{RAW_SCHEMA}.{source} has 0 rows: an empty extract is not valid data"
        results.append(gate_failure(source, GATE_TABLE_NOT_EMPTY, detail))
    if suite is None or not suite.rules:
        return _finish(
            source, results, evaluated=0, rows=rows, chunks=0, started=started, suite=suite
        )

    tallies = {rule.name: RuleTally(source=source, rule=rule) for rule in suite.rules}
    fingerprint = suite_fingerprint(suite.digest, reporting_currency)
    by_load = (
        plan_load_chunks(
            con, source, columns, suite.rules, suite.derived_columns, fingerprint, chunk_rows
        )
        if by_load_allowed
        else None
    )
    prepare = _preparation(con, source, fingerprint, by_load)
    columns, derived, derived_errors = _stage(
        con, source, suite, columns, reporting_currency, prepare
    )
    if derived_errors:
        by_error: dict[str, list[str]] = {}
        for name, error in derived_errors.items():
            by_error.setdefault(error, []).append(name)
        detail = "the suite's derived columns could not be computed: " + "; ".join(
            f"{', '.join(names)}: {error}" for error, names in by_error.items()
        )
        results.append(gate_failure(source, GATE_DERIVED_COLUMNS, detail))
    try:
        loads = staged_loads(con, source) if by_load is None else by_load.loads
        rows_to_check = sum(load_rows for _, _, load_rows in loads)
        if rows and not rows_to_check:
            return _finish(
                source, results, evaluated=0, rows=0, chunks=0, started=started, suite=suite,
                already_checked=rows, fingerprint=fingerprint,
            )  # fmt: skip
        n_chunks = (
            chunk_count(rows_to_check, chunk_rows) if by_load is None else len(by_load.groups)
        )
        runnable = _runnable_rules(suite.rules, columns, derived_errors, tallies, n_chunks)
        # The collection after each chunk (see _run_pass) need not walk the objects alive before
        # the first (GX, dbt and Dagster modules): frozen, they are skipped. On the 9.7 M-row
        # timesheet gate the 60 collections took 8.8 s before; the gate went from 77 s to 65 s.
        # No collection before the freeze: it walks that whole heap (0.3 s or more, once per
        # source and run); what is garbage now is only kept until the unfreeze below.
        gc.freeze()
        # Whole loads keep every key's copies together whatever the key: one pass is enough.
        for pass_ in plan_passes(runnable, n_chunks if by_load is None else 1, columns):
            chunks = _chunks(
                con, source, pass_, columns, n_chunks, by_load, derived, reporting_currency
            )
            _run_pass(
                con, source, pass_, columns, n_chunks, chunks, batch_definition, tallies,
                by_load=by_load is not None,
            )  # fmt: skip
    except _LoadReadFailed as failed:
        # Only the data raised it (the query was planned): staging knows which derived columns
        # to leave out and still runs the other rules, so the source is checked again that way.
        logger.warning("raw.%s: reading whole loads failed (%s); staging the rows", source, failed)
        by_load_failed = True
    else:
        by_load_failed = False
    finally:
        gc.unfreeze()
        drop_gate_rows(con, source)  # the staged path's table; reading by loads made none
    if by_load_failed:
        return _validate(
            con, source, chunk_rows, directory, started, reporting_currency, by_load_allowed=False
        )

    evaluated = sum(1 for t in tallies.values() if t.evaluated_chunks > 0)
    results.extend(t.to_result() for t in tallies.values())
    if evaluated == 0:
        detail = (
            f"Great Expectations evaluated 0 of {len(suite.rules)} expectations, so nothing "
            "was checked"
        )
        results.append(gate_failure(source, GATE_EVALUATED, detail))
    return _finish(
        source,
        results,
        evaluated=evaluated,
        rows=rows_to_check,
        chunks=n_chunks,
        started=started,
        suite=suite,
        fingerprint=fingerprint,
        loads=loads,
    )


def _preparation(
    con: duckdb.DuckDBPyConnection, source: str, fingerprint: str, by_load: LoadChunks | None
) -> Callable[[dict[str, str], str], list[str]]:
    """How the rows to check are prepared, given the derived columns and the currency: staged
    into a temp table (chunked by hash partition, chunking.py), or, when they are read by whole
    loads from the raw table (load_chunks.py), only planned. Either returns their columns."""
    if by_load is None:
        return lambda derived, currency: stage_gate_rows(
            con, source, derived, currency, fingerprint
        )
    return lambda derived, currency: _planned_columns(
        con, staging_select(source, derived, currency)
    )


def _planned_columns(con: duckdb.DuckDBPyConnection, select: str) -> list[str]:
    """The columns of `select`, planned by DuckDB without reading a row (raises duckdb.Error)."""
    description = con.execute(f"SELECT * FROM ({select}) LIMIT 0").description or []
    return [str(column[0]) for column in description]


class _LoadReadFailed(Exception):
    """A chunk of whole loads could not be read: the data broke a derived column."""


def _chunks(
    con: duckdb.DuckDBPyConnection,
    source: str,
    pass_: Pass,
    columns: list[str],
    n_chunks: int,
    by_load: LoadChunks | None,
    derived: dict[str, str],
    reporting_currency: str,
) -> AbstractContextManager[list[ChunkQuery]]:
    """The chunk queries of one pass: by whole loads from the raw table, or from the staged rows."""
    if by_load is None:
        return pass_chunks(con, gate_relation(source), pass_, columns, n_chunks)
    select = staging_select(source, derived, reporting_currency)
    return nullcontext(by_load.queries(pass_, columns, select))


def _stage(
    con: duckdb.DuckDBPyConnection,
    source: str,
    suite: Suite,
    raw_columns: list[str],
    reporting_currency: str,
    prepare: Callable[[dict[str, str], str], list[str]],
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Prepare the rows to check with `prepare` (stage them, or only plan them: _preparation);
    returns their columns, the derived columns used and the derived columns that failed.

    A derived column DuckDB cannot plan is left out and the rest are staged; if staging still
    fails (an error only the data raises), every derived column is left out. Either way the
    rules that read a missing one fail below, with its error; the other rules still run.
    A derived column named like a raw column is refused: DuckDB would rename it, and its rules
    would check the raw column instead.
    """
    clashes = {
        name: f"its name is a column of {RAW_SCHEMA}.{source}; give it another"
        for name in suite.derived_columns
        if name in raw_columns
    }
    derived = {name: sql for name, sql in suite.derived_columns.items() if name not in clashes}
    try:
        return prepare(derived, reporting_currency), derived, clashes
    except duckdb.Error as exc:
        failure = str(exc)
    errors = derived_column_errors(con, source, derived, reporting_currency)
    if errors:
        usable = {name: sql for name, sql in derived.items() if name not in errors}
        try:
            return prepare(usable, reporting_currency), usable, {**clashes, **errors}
        except duckdb.Error as exc:
            failure = str(exc)
    columns = prepare({}, "")
    return columns, {}, {**clashes, **dict.fromkeys(derived, failure), **errors}


def _runnable_rules(
    rules: list[Rule],
    columns: list[str],
    derived_errors: dict[str, str],
    tallies: dict[str, RuleTally],
    n_chunks: int,
) -> list[Rule]:
    """Rules GX can evaluate; every other rule gets a failure saying why it could not run."""
    runnable: list[Rule] = []
    for rule in rules:
        tally = tallies[rule.name]
        missing = [c for c in rule.columns if c not in columns]
        if broken := [c for c in rule.columns if c in derived_errors]:
            tally.add_error(
                "; ".join(
                    f"derived column {c} could not be computed: {derived_errors[c]}" for c in broken
                )
            )
        elif missing and not rule.is_schema_check:
            names = ", ".join(missing)
            tally.add_error(f"column {names} does not exist in {RAW_SCHEMA}.{tally.source}")
        elif n_chunks > 1 and not rule.chunk_safe:
            tally.add_error(
                f"{rule.expectation_type} cannot be evaluated exactly over {n_chunks} chunks; "
                "raise chunk_rows or rewrite the rule as a row-level check"
            )
        else:
            runnable.append(rule)
    return runnable


def _run_pass(
    con: duckdb.DuckDBPyConnection,
    source: str,
    pass_: Pass,
    columns: list[str],
    n_chunks: int,
    chunks: AbstractContextManager[list[ChunkQuery]],
    batch_definition: BatchDefinition,
    tallies: dict[str, RuleTally],
    *,
    by_load: bool,
) -> None:
    """Validate every chunk of one pass, folding each chunk's results into the rule tallies."""
    name = f"{source}:{'+'.join(pass_.partition) or 'all'}"
    groups = [
        _RuleGroup(
            columns=group_columns,
            rules=rules,
            suite=gx.ExpectationSuite(
                name=f"{name}:{number}", expectations=[rule.config for rule in rules]
            ),
        )
        for number, (group_columns, rules) in enumerate(column_groups(pass_, columns))
    ]
    categorical = equality_only_columns(pass_.rules, columns)
    try:
        with chunks as queries, fetched_ahead(con, queries, categorical=categorical) as frames:
            for index, fetched in enumerate(frames):
                where = f"chunk {index + 1} of {n_chunks}"
                _validate_chunk(
                    source, fetched, where, pass_, groups, batch_definition, tallies,
                    by_load=by_load,
                )  # fmt: skip
                # GX leaves reference cycles around each batch; without a collection here every
                # chunk's DataFrame stays alive until Python's next full GC (RSS grew ~60 MB a
                # chunk).
                gc.collect()
    except duckdb.Error as exc:  # the pass's rows could not be split into chunks
        logger.exception("raw.%s: the chunks of pass %s failed", source, name)
        for rule in pass_.rules:
            tallies[rule.name].add_error(f"validation could not run (splitting into chunks): {exc}")


@dataclass(frozen=True)
class _RuleGroup:
    """Rules of a pass that read the same columns, and their GX suite (see column_groups)."""

    columns: tuple[str, ...] | None
    rules: list[Rule]
    suite: Any


def _validate_chunk(
    source: str,
    fetched: Future[pd.DataFrame],
    where: str,
    pass_: Pass,
    groups: list[_RuleGroup],
    batch_definition: BatchDefinition,
    tallies: dict[str, RuleTally],
    *,
    by_load: bool,
) -> None:
    """Validate each rule group of one fetched chunk on its columns; an error fails its rules.

    A chunk of whole loads that cannot be read raises _LoadReadFailed instead (see _validate).
    """
    started = time.perf_counter()
    try:
        frame = fetched.result()
    except Exception as exc:
        if by_load and isinstance(exc, duckdb.Error):
            raise _LoadReadFailed(f"{where}: {exc}") from exc
        logger.exception("raw.%s: %s could not be fetched", source, where)
        for rule in pass_.rules:
            tallies[rule.name].add_error(f"validation could not run ({where}): {exc}")
        return
    for group in groups:
        names = [rule.name for rule in group.rules]
        try:
            view = frame if group.columns is None else frame[list(group.columns)]
            batch = batch_definition.get_batch(batch_parameters={"dataframe": view})
            validation = batch.validate(
                group.suite,
                # COMPLETE lists every failing row's index (= raw rowid) for quarantine rules.
                result_format={
                    "result_format": "COMPLETE",
                    "partial_unexpected_count": SAMPLE_ROWS,
                },
            )
        except Exception as exc:
            # Any error here means these rules were not checked: fail them, never skip them.
            logger.exception("raw.%s: %s failed to validate", source, where)
            for name in names:
                tallies[name].add_error(f"validation could not run ({where}): {exc}")
            continue
        # The samples name the landing file and line, which only the whole chunk holds.
        _fold_results(validation, frame, names, tallies, where)
    logger.debug(
        "raw.%s %s: %d rows, %d rules in %.2fs",
        source,
        where,
        len(frame),
        len(pass_.rules),
        time.perf_counter() - started,
    )


def _fold_results(
    validation: Any,
    frame: pd.DataFrame,
    names: list[str],
    tallies: dict[str, RuleTally],
    where: str,
) -> None:
    """Match GX results back to rules by meta.rule; a rule GX returned nothing for fails."""
    seen: set[str] = set()
    for result in getattr(validation, "results", None) or []:
        config = getattr(result, "expectation_config", None)
        meta = getattr(config, "meta", None) or {}
        name = meta.get("rule") if isinstance(meta, dict) else None
        if not isinstance(name, str) or name.strip() not in tallies:
            logger.warning("ignoring a GX result that matches no rule: %r", meta)
            continue
        seen.add(name.strip())
        tallies[name.strip()].add_gx_result(result, frame)
    for name in names:
        if name not in seen:
            tallies[name].add_error(f"Great Expectations returned no result for it ({where})")


def _finish(
    source: str,
    results: list[RuleResult],
    *,
    evaluated: int,
    rows: int,
    chunks: int,
    started: float,
    suite: Suite | None = None,
    already_checked: int = 0,
    fingerprint: str | None = None,
    loads: tuple[tuple[str, str, int], ...] = (),
) -> ValidationOutcome:
    outcome = ValidationOutcome.from_results(
        source,
        results,
        evaluated_expectations=evaluated,
        row_count=rows,
        chunks=chunks,
        quarantine_threshold_pct=suite.quarantine_threshold_pct if suite else None,
        already_checked_rows=already_checked,
        suite_fingerprint=fingerprint,
        checked_loads=loads,
    )
    elapsed = time.perf_counter() - started
    if outcome.success:
        logger.info("%s (%d chunks, %.1fs)", outcome.message(), chunks, elapsed)
    else:
        logger.warning(
            "raw.%s failed %d rules (%.1fs):\n%s",
            source,
            len(outcome.failures),
            elapsed,
            outcome.message(),
        )
    return outcome
