"""The quality gate in Dagster: one asset per source whose blocking check stops the run.

Each `validated_<source>` asset runs the source's Great Expectations suite on its raw table and adds
what ingestion could not load (rejected files, rows whose values failed their types). If anything
fails, its blocking check fails and nothing downstream (dbt, reports) runs.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.ingest.assets import raw_asset_key
from pipelines.ingest.problems import ingest_problems
from pipelines.ingest.sources import ALL_SOURCES, SourceSpec
from pipelines.quality import record_outcomes, validate_source

CHECK_NAME = "passes_quality_gate"

# Referential rules read the project master and the people list, so those load first.
_REFERENCED_SOURCES: dict[str, tuple[str, ...]] = {
    "milestones": ("projects",),
    "timesheets": ("projects", "resources"),
    "gl_actuals": ("projects",),
    "finance_plan": ("projects",),
    "resource_plan": ("projects",),
}


def validated_asset_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(f"validated_{source}")


def _build_gate(spec: SourceSpec) -> dg.AssetsDefinition:
    key = validated_asset_key(spec.name)
    upstream = [raw_asset_key(spec.name)]
    upstream += [raw_asset_key(ref) for ref in _REFERENCED_SOURCES.get(spec.name, ())]

    @dg.asset(
        key=key,
        deps=upstream,
        group_name="quality",
        kinds={"great_expectations"},
        description=f"`{spec.table}` after its Great Expectations suite "
        f"(expectations/{spec.name}.json) and the ingest rejects are checked.",
        check_specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=key,
                blocking=True,
                description="Every rule of the suite passes and no file or row was rejected.",
            )
        ],
    )
    def _gate(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            outcome = validate_source(con, spec.name)
            problems = ingest_problems(con, spec.name)
            record_outcomes(con, [outcome], context.run_id)
        messages = [*problems.messages()]
        if not outcome.success:
            messages.append(outcome.message())
        passed = not messages
        for message in messages:
            context.log.error(message)
        return dg.MaterializeResult(
            metadata={"expectations_evaluated": outcome.evaluated_expectations},
            check_results=[
                dg.AssetCheckResult(
                    check_name=CHECK_NAME,
                    passed=passed,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description="\n".join(messages) if messages else "all rules passed",
                    metadata={
                        "expectations_evaluated": outcome.evaluated_expectations,
                        "rejected_files": len(problems.rejected_files),
                        "rejected_rows": problems.rejected_row_count,
                    },
                )
            ],
        )

    return _gate


gate_assets = [_build_gate(spec) for spec in ALL_SOURCES]
