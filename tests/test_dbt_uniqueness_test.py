"""The project's uniqueness data test (unique_combination_of_columns) names every repeated key.

On DuckDB it first groups a hash of the key and then only the rows whose hash repeats
(dbt_project/macros/generic_tests/unique_combination_of_columns.sql): what it reports must be
what grouping every row by the key's columns reports, NULLs in a key included.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

try:
    from tests.dbt_builds import failed_nodes, run_dbt_build
    from tests.fixtures.raw_fixture import create_raw_fixture
except ModuleNotFoundError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from dbt_builds import failed_nodes, run_dbt_build  # type: ignore[no-redef]
    from fixtures.raw_fixture import create_raw_fixture  # type: ignore[no-redef]

pytestmark = pytest.mark.slow

UNIQUENESS_TEST = "unique_combination_of_columns_stg_ppm__resource_plans_project_id__"


def test_every_repeated_key_is_reported_with_its_count(tmp_path: Path) -> None:
    warehouse = create_raw_fixture(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        # The fixture's file has PRJ-0001 (role Engineer) and PRJ-0002 (role NULL). Sent twice
        # more and once: PRJ-0001 three times; PRJ-0002 twice, its NULL role part of the key;
        # and a PRJ-0001 row differing only in its role, which repeats nothing.
        sent = "select * from raw.resource_plan"
        con.execute(
            f"insert into raw.resource_plan ({sent}) union all "
            f"({sent} where project_id = 'PRJ-0001') union all "
            f"(select * replace ('Architect' as role) from ({sent}) where project_id = 'PRJ-0001')"
        )

    result = run_dbt_build(warehouse, tmp_path, ["stg_ppm__resource_plans"])

    assert [name for name in failed_nodes(result) if not name.startswith(UNIQUENESS_TEST)] == []
    [test] = [r for r in result.result or [] if r.node.name.startswith(UNIQUENESS_TEST)]
    assert str(test.status) == "fail"
    assert test.failures == 2
    with duckdb.connect(str(warehouse)) as con:  # the configuration dbt opened it with
        repeated = con.execute(
            f"select project_id, role, row_count from ({test.node.compiled_code}) order by 1"
        ).fetchall()
    assert repeated == [("PRJ-0001", "Engineer", 3), ("PRJ-0002", None, 2)]
