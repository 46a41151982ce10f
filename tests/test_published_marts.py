"""The published-portfolio marts reproduce the publishers' own figures on the two real exports.

The raw tables are built from the real files by tests/published_raw_fixture.py (a stand-in for the
ingest), each file loaded twice: the real extract and an OLDER extract of the same projects with
every published figure and name damaged, so a model that did not keep the latest extract would
change every count below. `dbt build` runs only the published models (and their seed, tests and
unit tests) against a DuckDB file under tmp_path, with its own target and log folders.

The expected agree / disagree / not-checkable counts are recomputed here from the CSV files with
Python's decimal module (exact decimal arithmetic, no DuckDB, no dbt), per project and figure.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.report.published_queries import SUMMARY_TALLY_COLUMNS
from tests.dbt_builds import failed_nodes, run_dbt_build
from tests.published_raw_fixture import (
    GMPP_CSV,
    ITDASHBOARD_CSV,
    load_gmpp_extract,
    load_itdashboard_extract,
)

pytestmark = pytest.mark.skipif(
    not (ITDASHBOARD_CSV.exists() and GMPP_CSV.exists()), reason="the real exports are not here"
)

SELECTION = [
    "us_federal_agencies",
    "path:models/staging/published",
    "path:models/intermediate/published",
    "path:models/marts/published",
]

ITD = "us_itdashboard"
GMPP = "uk_gmpp"
CV_M = "cost variance ($M)"
CV_PCT = "cost variance (%)"
SV_DAYS = "schedule variance (days)"
FY_PCT = "financial year variance (%)"

AGREES, DISAGREES, NOT_CHECKABLE = "agrees", "disagrees", "not checkable"

# What the recomputation below gives on the files as shipped (2,468 IT Dashboard projects once the
# 4 exact duplicate records are dropped, 235 GMPP projects): a change in a file shows up here.
MEASURED_COUNTS = {
    (ITD, CV_M): {AGREES: 2444, DISAGREES: 7, NOT_CHECKABLE: 17},
    (ITD, CV_PCT): {AGREES: 2451, DISAGREES: 0, NOT_CHECKABLE: 17},
    (ITD, SV_DAYS): {AGREES: 1195, DISAGREES: 352, NOT_CHECKABLE: 921},
    (GMPP, FY_PCT): {AGREES: 163, DISAGREES: 35, NOT_CHECKABLE: 37},
}

OLDER_ITD_EXTRACT = dt.date(2012, 6, 30)
OLDER_GMPP_EXTRACT = dt.date(2021, 3, 31)
NOT_PUBLISHED = "not published (blank or NA in the export)"


# ---------------------------------------------------------------- independent recomputation


def _csv_records(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    return Decimal(text) if text else None


def _day(text: str) -> dt.date | None:
    text = text.strip()
    return dt.date.fromisoformat(text[:10]) if text else None


def _status(published: Decimal | None, computed: Decimal | None, tolerance: Decimal) -> str:
    if published is None or computed is None:
        return NOT_CHECKABLE
    return AGREES if abs(published - computed) <= tolerance else DISAGREES


def itdashboard_statuses() -> dict[tuple[str, str], str]:
    """(project_id, figure) -> status, from the IT Dashboard CSV, exact duplicates dropped."""
    header, records = _csv_records(ITDASHBOARD_CSV)
    col = {name: header.index(name) for name in header}
    seen: set[tuple[str, ...]] = set()
    statuses: dict[tuple[str, str], str] = {}
    for record in records:
        if tuple(record) in seen:
            continue
        seen.add(tuple(record))
        project_id = record[col["Project ID"]]
        planned = _decimal(record[col["Planned Cost ($ M)"]])
        actual = _decimal(record[col["Projected/Actual Cost ($ M)"]])
        cost_variance = planned - actual if planned is not None and actual is not None else None
        statuses[project_id, CV_M] = _status(
            _decimal(record[col["Cost Variance ($ M)"]]), cost_variance, Decimal("0.0000005")
        )
        cost_variance_pct = (
            cost_variance / planned * 100 if cost_variance is not None and planned else None
        )
        statuses[project_id, CV_PCT] = _status(
            _decimal(record[col["Cost Variance (%)"]]),
            cost_variance_pct,
            Decimal("0.005") + Decimal("1e-9"),
        )
        planned_finish = _day(record[col["Planned Project Completion Date (B2)"]])
        forecast_finish = _day(record[col["Projected/Actual Project Completion Date (B2)"]])
        schedule_variance = (
            Decimal((planned_finish - forecast_finish).days)
            if planned_finish is not None and forecast_finish is not None
            else None
        )
        statuses[project_id, SV_DAYS] = _status(
            _decimal(record[col["Schedule Variance (in days)"]]), schedule_variance, Decimal(0)
        )
    return statuses


_MONEY = re.compile(r"^-?£-?[0-9][0-9,]*(\.[0-9]+)?$")
_PERCENT = re.compile(r"^-?[0-9]+(\.[0-9]+)?%$")


def _gmpp_money(text: str) -> Decimal | None:
    text = text.strip()
    if not _MONEY.match(text):
        return None
    negative = text.count("-") % 2 == 1
    value = Decimal(text.replace("£", "").replace(",", "").replace("-", ""))
    return -value if negative else value


def _gmpp_percent(text: str) -> Decimal | None:
    text = text.strip()
    return Decimal(text[:-1]) if _PERCENT.match(text) else None


def _gmpp_column(header: list[str], starts_with: str) -> int:
    (index,) = [i for i, name in enumerate(header) if name.lower().startswith(starts_with)]
    return index


def gmpp_statuses() -> dict[tuple[str, str], str]:
    """(gmpp_id, figure) -> status: (forecast - baseline) / baseline x 100 rounded half up to a
    whole percent, against the published whole percent."""
    header, records = _csv_records(GMPP_CSV)
    baseline_col = _gmpp_column(header, "financial year baseline")
    forecast_col = _gmpp_column(header, "financial year forecast")
    variance_col = _gmpp_column(header, "financial year variance")
    statuses: dict[tuple[str, str], str] = {}
    for record in records:
        baseline = _gmpp_money(record[baseline_col])
        forecast = _gmpp_money(record[forecast_col])
        computed = None
        if baseline and forecast is not None:
            computed = ((forecast - baseline) / baseline * 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        statuses[record[0], FY_PCT] = _status(
            _gmpp_percent(record[variance_col]), computed, Decimal(0)
        )
    return statuses


def _counts(statuses: dict[tuple[str, str], str], profile: str) -> dict[tuple[str, str], Counter]:
    counts: dict[tuple[str, str], Counter] = {}
    for (_, figure), status in statuses.items():
        counts.setdefault((profile, figure), Counter())[status] += 1
    return counts


# ---------------------------------------------------------------- the dbt build


def _damage_itdashboard(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["agency_name"] = "Department of Old Extracts"
        for column in (
            "published_cost_variance_musd",
            "published_cost_variance_pct",
            "published_schedule_variance_days",
        ):
            row[column] = 999.0
    return rows


def _damage_gmpp(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["ipa_dca"] = "Red"
        row["published_fy_variance_pct"] = 999.0
        row["published_fy_variance_pct_null_reason"] = None
    return rows


@pytest.fixture(scope="module")
def published_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work_dir = tmp_path_factory.mktemp("published_marts")
    warehouse = work_dir / "warehouse.duckdb"
    load_itdashboard_extract(warehouse)
    load_gmpp_extract(warehouse)
    # Loaded last, but older: the latest extract_date wins, not the latest load.
    load_itdashboard_extract(warehouse, OLDER_ITD_EXTRACT, edit=_damage_itdashboard)
    load_gmpp_extract(warehouse, OLDER_GMPP_EXTRACT, edit=_damage_gmpp)
    result = run_dbt_build(warehouse, work_dir, SELECTION)
    assert result.exception is None, result.exception
    assert result.success, f"dbt build failed: {sorted(failed_nodes(result))}"
    yield warehouse


def query(warehouse: Path, sql: str) -> list[dict[str, Any]]:
    # Not read_only: dbt-duckdb ran in this process and keeps its (read-write) database open.
    with duckdb.connect(str(warehouse)) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- tests


def test_the_recomputation_gives_the_measured_counts() -> None:
    computed = {**_counts(itdashboard_statuses(), ITD), **_counts(gmpp_statuses(), GMPP)}
    as_dicts = {
        key: {status: counter[status] for status in (AGREES, DISAGREES, NOT_CHECKABLE)}
        for key, counter in computed.items()
    }
    assert as_dicts == MEASURED_COUNTS


def test_each_figure_check_has_the_status_recomputed_from_the_csv(
    published_warehouse: Path,
) -> None:
    rows = query(
        published_warehouse,
        "select source_profile, project_id, figure, status from marts.fct_published_figure_checks",
    )
    mart = {
        profile: {
            (r["project_id"], r["figure"]): r["status"]
            for r in rows
            if r["source_profile"] == profile
        }
        for profile in (ITD, GMPP)
    }
    expected_itd, expected_gmpp = itdashboard_statuses(), gmpp_statuses()
    assert len(rows) == len(expected_itd) + len(expected_gmpp)
    assert mart[ITD] == expected_itd
    assert mart[GMPP] == expected_gmpp


def test_agree_disagree_not_checkable_counts_per_figure(published_warehouse: Path) -> None:
    rows = query(
        published_warehouse,
        "select source_profile, figure, status, count(*) as n "
        "from marts.fct_published_figure_checks group by all",
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        counts.setdefault((row["source_profile"], row["figure"]), {})[row["status"]] = row["n"]
    for key, expected in MEASURED_COUNTS.items():
        assert {s: counts[key].get(s, 0) for s in expected} == expected, key
    assert set(counts) == set(MEASURED_COUNTS)


def test_not_checkable_rows_say_which_input_is_missing(published_warehouse: Path) -> None:
    rows = query(
        published_warehouse,
        "select figure, status, reason, count(*) as n from marts.fct_published_figure_checks "
        "where status <> 'agrees' group by all",
    )
    reasons = {(r["figure"], r["status"], r["reason"]): r["n"] for r in rows}
    disagreement = "published figure disagrees with its own formula"
    assert reasons == {
        (CV_M, DISAGREES, disagreement): 7,
        (CV_M, NOT_CHECKABLE, "missing input: planned cost and projected/actual cost"): 17,
        (CV_PCT, NOT_CHECKABLE, "missing input: planned cost and projected/actual cost"): 17,
        (SV_DAYS, DISAGREES, disagreement): 352,
        (
            SV_DAYS,
            NOT_CHECKABLE,
            "missing input: planned project completion date (B2) and projected/actual project "
            "completion date (B2)",
        ): 921,
        (FY_PCT, DISAGREES, disagreement): 35,
        (
            FY_PCT,
            NOT_CHECKABLE,
            "missing input: financial year baseline and financial year forecast",
        ): 35,
        (FY_PCT, NOT_CHECKABLE, "missing input: financial year baseline"): 2,
    }


def test_a_known_disagreement_carries_both_values(published_warehouse: Path) -> None:
    # Project 2045: planned 45.43, projected/actual 46.108 -> -0.678 $M; published -46.92.
    (row,) = query(
        published_warehouse,
        "select * from marts.fct_published_figure_checks "
        f"where project_key = '{ITD}:2045' and figure = '{CV_M}'",
    )
    assert row["status"] == DISAGREES
    assert row["published_value"] == pytest.approx(-46.92)
    assert row["computed_value"] == pytest.approx(-0.678)
    assert row["difference"] == pytest.approx(-46.242)
    assert row["tolerance"] == pytest.approx(0.0000005)
    # MOD_0125_2021-Q4: baseline 8, forecast 5.40 -> -32.5 % -> -33 (half up); published -37.
    (tie,) = query(
        published_warehouse,
        "select * from marts.fct_published_figure_checks "
        f"where project_key = '{GMPP}:MOD_0125_2021-Q4'",
    )
    assert (tie["computed_value"], tie["published_value"], tie["status"]) == (-33, -37, DISAGREES)


def test_projects_come_from_the_latest_extract(published_warehouse: Path) -> None:
    rows = query(
        published_warehouse,
        "select source_profile, count(*) as projects, min(extract_date) as first_extract, "
        "max(extract_date) as last_extract, bool_and(is_in_latest_extract) as all_latest, "
        "count(distinct cost_basis) as bases, min(cost_basis) as cost_basis, "
        "count(*) filter (where agency_name_as_published = 'Department of Old Extracts') "
        "as damaged "
        "from marts.fct_published_projects group by all order by source_profile",
    )
    _, itd_records = _csv_records(ITDASHBOARD_CSV)
    _, gmpp_records = _csv_records(GMPP_CSV)
    assert rows == [
        {
            "source_profile": GMPP,
            "projects": len(gmpp_records),
            "first_extract": dt.date(2022, 3, 31),
            "last_extract": dt.date(2022, 3, 31),
            "all_latest": True,
            "bases": 1,
            "cost_basis": "financial year 2021-22",
            "damaged": 0,
        },
        {
            "source_profile": ITD,
            "projects": len({tuple(r) for r in itd_records}),
            "first_extract": dt.date(2012, 12, 7),
            "last_extract": dt.date(2012, 12, 7),
            "all_latest": True,
            "bases": 1,
            "cost_basis": "whole project",
            "damaged": 0,
        },
    ]


def test_text_is_decoded_once_and_agencies_match_the_seed(published_warehouse: Path) -> None:
    (row,) = query(
        published_warehouse,
        "select count(*) filter (where project_name like '%&amp;%' or description like '%&amp;%'"
        " or program like '%&amp;%' or project_name like '%&quot;%') as encoded, "
        "count(*) filter (where project_name like '%&%') as ampersands, "
        "count(distinct portfolio) as agencies "
        f"from marts.fct_published_projects where source_profile = '{ITD}'",
    )
    assert row["encoded"] == 0
    assert row["ampersands"] > 0  # e.g. 'FY11-Q1 O&M' published as 'O&amp;M'
    assert row["agencies"] == 26
    # every agency matched the seed: no finding but the (warn) out-of-proportion ones
    assert (
        query(
            published_warehouse,
            "select * from marts.fct_published_data_findings "
            "where finding_type <> 'out_of_proportion'",
        )
        == []
    )


def test_gmpp_ratings_and_null_reasons_follow_the_csv(published_warehouse: Path) -> None:
    header, records = _csv_records(GMPP_CSV)
    ipa_col = _gmpp_column(header, "ipa delivery confidence")
    baseline_col = _gmpp_column(header, "financial year baseline")
    ratings = Counter(
        r[ipa_col].strip() if r[ipa_col].strip() in {"Red", "Amber", "Green"} else None
        for r in records
    )
    blank_baselines = sum(1 for r in records if not r[baseline_col].strip())
    withheld_baselines = Counter(
        r[baseline_col].strip()
        for r in records
        if r[baseline_col].strip() and _gmpp_money(r[baseline_col]) is None
    )

    rows = query(
        published_warehouse,
        "select reported_rating, count(*) as n from marts.fct_published_projects "
        f"where source_profile = '{GMPP}' group by all",
    )
    assert {r["reported_rating"]: r["n"] for r in rows} == dict(ratings)

    reasons = query(
        published_warehouse,
        "select planned_cost_m_null_reason as reason, count(*) as n "
        f"from marts.fct_published_projects where source_profile = '{GMPP}' "
        "and planned_cost_m is null group by all",
    )
    by_reason = {r["reason"]: r["n"] for r in reasons}
    assert by_reason.pop(NOT_PUBLISHED) == blank_baselines
    assert by_reason == dict(withheld_baselines)
    assert all(text.startswith(("Exempt", "Early planning", "The project")) for text in by_reason)


def test_the_summary_rolls_up_projects_and_checks(published_warehouse: Path) -> None:
    summary = query(published_warehouse, "select * from marts.fct_published_portfolio_summary")
    totals = {r["source_profile"]: r for r in summary if r["portfolio"] == "(all)"}
    assert set(totals) == {ITD, GMPP}
    for profile in (ITD, GMPP):
        portfolios = [
            r for r in summary if r["source_profile"] == profile and r["portfolio"] != "(all)"
        ]
        for column in ("projects", "projects_with_costs", *SUMMARY_TALLY_COLUMNS):
            known = [r[column] for r in portfolios if r[column] is not None]
            # a tally no portfolio publishes (GMPP's lateness) is unknown in the total too
            expected = sum(known) if known else None
            assert totals[profile][column] == expected, (profile, column)
        checks = [c for (p, _), c in MEASURED_COUNTS.items() if p == profile]
        assert totals[profile]["checks_agreeing"] == sum(c[AGREES] for c in checks)
        assert totals[profile]["checks_disagreeing"] == sum(c[DISAGREES] for c in checks)
        assert totals[profile]["checks_not_checkable"] == sum(c[NOT_CHECKABLE] for c in checks)

    # Money over the projects with both costs, recomputed exactly from the IT Dashboard CSV.
    header, records = _csv_records(ITDASHBOARD_CSV)
    planned_col = header.index("Planned Cost ($ M)")
    actual_col = header.index("Projected/Actual Cost ($ M)")
    unique = list(dict.fromkeys(tuple(r) for r in records))
    both = [
        (Decimal(r[planned_col]), Decimal(r[actual_col]))
        for r in unique
        if r[planned_col] and r[actual_col]
    ]
    itd = totals[ITD]
    assert itd["projects"] == len(unique)
    assert itd["projects_with_costs"] == len(both)
    assert itd["planned_cost_m"] == pytest.approx(float(sum(p for p, _ in both)), abs=1e-6)
    assert itd["cost_variance_m"] == pytest.approx(float(sum(p - a for p, a in both)), abs=1e-6)
    assert itd["rating_not_rated"] == len(unique)
    assert (
        itd["projects_late"]
        == query(
            published_warehouse,
            "select count(*) as n from marts.fct_published_projects "
            "where schedule_variance_days < 0",
        )[0]["n"]
    )
    assert totals[GMPP]["currency"] == "GBP" and itd["currency"] == "USD"
