"""The quality gate in Dagster: one asset per source whose blocking checks stop the run.

Each `validated_<source>` asset runs the source's Great Expectations suite on its raw table, moves
the rows that failed a quarantine rule to `audit.quarantine`, adds what ingestion set aside this
run, and decides: passed, warned, quarantined (within the suite's threshold) or blocked. Two
blocking checks follow: the decision, and the row accounting (rows in = accepted + quarantined).
If either fails, nothing downstream (dbt, reports, publishing) runs.
"""

from datetime import datetime

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.ingest.assets import raw_asset_key
from pipelines.ingest.sources import SourceSpec
from pipelines.quality import record_outcomes, validate_source
from pipelines.quality.accounting import account_for_rows
from pipelines.quality.audit import record_decision
from pipelines.quality.checked_loads import record_checked_loads
from pipelines.quality.decision import decide
from pipelines.quality.ingest_findings import ingest_findings
from pipelines.quality.not_supplied import not_supplied_decision, was_supplied
from pipelines.quality.quarantine import quarantine_failed_rows
from pipelines.quality.suites import DEFAULT_QUARANTINE_THRESHOLD_PCT
from pipelines.settings import Settings

CHECK_NAME = "passes_quality_gate"
ACCOUNTING_CHECK_NAME = "every_row_accounted_for"

# Cross-source rules read these sources' raw tables, so those load first (and, for the
# reference data, pass their own gate first: a quarantined project is not a known project).
_REFERENCED_SOURCES: dict[str, tuple[str, ...]] = {
    "projects": ("fx_rates",),
    "milestones": ("projects",),
    "timesheets": ("projects", "resources", "fx_rates"),
    "gl_actuals": ("projects", "fx_rates"),
    "finance_plan": ("projects", "fx_rates"),
    "resource_plan": ("projects",),
    "harvest_time_entries": ("projects", "resources"),
    "clockify_time_entries": ("projects", "resources"),
}


def validated_asset_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(f"validated_{source}")


def _build_gate(spec: SourceSpec) -> dg.AssetsDefinition:
    key = validated_asset_key(spec.name)
    upstream = [raw_asset_key(spec.name)]
    upstream += [validated_asset_key(ref) for ref in _REFERENCED_SOURCES.get(spec.name, ())]

    @dg.asset(
        key=key,
        deps=upstream,
        group_name="quality",
        kinds={"great_expectations"},
        description=f"`{spec.table}` after its Great Expectations suite "
        f"(expectations/{spec.name}.json): failing rows quarantined, the rest checked.",
        check_specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=key,
                blocking=True,
                description="No block rule failed and quarantined rows stay within the "
                "suite's threshold.",
            ),
            dg.AssetCheckSpec(
                ACCOUNTING_CHECK_NAME,
                asset=key,
                blocking=True,
                description="For every loaded file: rows read = rows in the raw table + rows "
                "quarantined.",
            ),
        ],
    )
    def _gate(
        context: dg.AssetExecutionContext,
        duckdb: DuckDBResource,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        run_id = context.run_id
        if not settings.requires(spec.profile):
            with duckdb.get_connection() as con:
                if not was_supplied(con, spec.name):
                    return _not_supplied(context, con, spec, settings.source_profile)
        with duckdb.get_connection() as con:
            outcome = validate_source(
                con, spec.name, reporting_currency=settings.reporting_currency
            )
            moved = quarantine_failed_rows(con, outcome, run_id, datetime.now())
            findings = ingest_findings(con, spec.name, run_id)
            # A suite that could not be read has already failed the gate; any threshold will do.
            threshold = outcome.quarantine_threshold_pct
            if threshold is None:
                threshold = DEFAULT_QUARANTINE_THRESHOLD_PCT
            decision = decide(con, outcome, findings, moved, threshold, run_id)
            accounting = account_for_rows(con, spec.name)
            record_outcomes(con, [outcome], run_id)
            record_decision(con, decision, run_id)
            if not decision.blocked and outcome.suite_fingerprint is not None:
                # A blocked load is checked again next run; one let through never is (until
                # its suite changes), so the next run checks only what it loads.
                record_checked_loads(
                    con, spec.name, outcome.suite_fingerprint, outcome.checked_loads, run_id,
                    datetime.now(),
                )  # fmt: skip
        log = context.log.error if decision.blocked else context.log.info
        log(decision.summary())
        for message in decision.messages:
            (context.log.error if decision.blocked else context.log.warning)(message)
        counts = {
            "rows_read": decision.rows_read,
            "rows_accepted": decision.rows_accepted,
            "rows_quarantined": decision.rows_quarantined,
        }
        return dg.MaterializeResult(
            metadata={
                "decision": decision.decision,
                "expectations_evaluated": outcome.evaluated_expectations,
                **counts,
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=CHECK_NAME,
                    passed=not decision.blocked,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description="\n".join([decision.summary(), *decision.messages]),
                    metadata={
                        "decision": decision.decision,
                        "expectations_evaluated": outcome.evaluated_expectations,
                        "rejected_files": decision.files_rejected,
                        **counts,
                    },
                ),
                dg.AssetCheckResult(
                    check_name=ACCOUNTING_CHECK_NAME,
                    passed=accounting.balanced,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description=(
                        f"{accounting.files_checked} loaded file(s): {accounting.rows_read} rows "
                        f"read = {accounting.rows_loaded} in {spec.table} + "
                        f"{accounting.rows_quarantined} quarantined"
                        if accounting.balanced
                        else "rows unaccounted for: " + "; ".join(accounting.problems)
                    ),
                ),
            ],
        )

    return _gate


def _not_supplied(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    source_profile: str,
) -> dg.MaterializeResult:
    decision = not_supplied_decision(spec.name, DEFAULT_QUARANTINE_THRESHOLD_PCT, source_profile)
    record_decision(con, decision, context.run_id)
    context.log.info(decision.messages[0])
    return dg.MaterializeResult(
        metadata={"decision": decision.decision, "rows_read": 0},
        check_results=[
            dg.AssetCheckResult(check_name=name, passed=True, description=decision.messages[0])
            for name in (CHECK_NAME, ACCOUNTING_CHECK_NAME)
        ],
    )


def build_gate_assets(sources: tuple[SourceSpec, ...]) -> list[dg.AssetsDefinition]:
    return [_build_gate(spec) for spec in sources]
