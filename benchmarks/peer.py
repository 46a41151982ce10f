"""THE PEER: the same figures as `floor.sql` in plain pandas, the way an analyst would write it:
read every file with `read_csv`, merge, filter, group by.

Usage (the harness runs it in a subprocess to measure it):
    .venv/bin/python -m benchmarks.peer LANDING --out DIR [--currency USD]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.figures import figures_main


def _read(landing: Path, pattern: str, dates: list[str]) -> pd.DataFrame:
    frames = []
    for path in sorted(landing.glob(pattern)):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        frame["file"] = path.name
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    for column in dates:
        data[column] = pd.to_datetime(data[column])
    return data


def _extract_date(data: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(data["file"].str.extract(r"(\d{4}-\d{2}-\d{2})")[0])


def peer_figures(landing: Path, currency: str = "USD") -> dict[str, pd.DataFrame]:
    timesheets = _read(landing, "timesheets/timesheets_*.csv", ["Work Date"])
    timesheets["Hours"] = timesheets["Hours"].astype(float)
    resources = _read(landing, "resources/resources_*.csv", ["Active From", "Active To"])
    resources["Cost Rate"] = resources["Cost Rate"].astype(float)
    resources["extract"] = _extract_date(resources)
    latest = resources.groupby("Employee ID")["extract"].transform("max")
    resources = resources[resources["extract"] == latest]
    fx = _read(landing, "fx/*.csv", [])
    fx = fx[fx["To Currency"] == currency]
    fx["month"] = pd.to_datetime(fx["Period"] + "-01")
    fx["rate"] = fx["Average Rate"].astype(float)
    fx = fx[["From Currency", "month", "rate"]]
    ledger = _read(landing, "finance/gl_actuals_*.csv", [])
    ledger["month"] = pd.to_datetime(ledger["Period"] + "-01")
    ledger["Amount"] = ledger["Amount"].astype(float)
    projects = _read(landing, "projects/projects_*.csv", [])
    projects["extract"] = _extract_date(projects)
    for column in ("Percent Complete", "Budget at Completion"):
        projects[column] = projects[column].astype(float)

    # the cut-off: the last month end both the ledger and the (weekly) timesheets cover
    ledger_through = ledger["month"].max() + pd.offsets.MonthEnd(0)
    last_day = timesheets["Work Date"].max()
    timesheets_through = last_day + pd.Timedelta(days=6 - last_day.weekday())
    covered = min(ledger_through, timesheets_through)
    cutoff = (covered + pd.Timedelta(days=1)).replace(day=1) - pd.Timedelta(days=1)

    # each entry at the rate period valid on its work date (the latest started wins), in FX
    entries = timesheets.merge(resources, on="Employee ID", how="left")
    valid = (entries["Work Date"] >= entries["Active From"]) & (
        entries["Active To"].isna() | (entries["Work Date"] <= entries["Active To"])
    )
    entries = entries[valid]
    entries = entries.sort_values("Active From").drop_duplicates("Entry ID", keep="last")
    unmatched = timesheets[~timesheets["Entry ID"].isin(entries["Entry ID"])]
    entries = pd.concat([entries, unmatched], ignore_index=True)
    entries["month"] = entries["Work Date"].dt.to_period("M").dt.to_timestamp()
    entries = entries.merge(
        fx, left_on=["Currency", "month"], right_on=["From Currency", "month"], how="left"
    )
    entries["labour_cost"] = entries["Hours"] * entries["Cost Rate"] * entries["rate"]

    on_projects = entries[entries["Project ID"].notna() & (entries["month"] <= cutoff)]
    labour = on_projects.groupby("Project ID")["labour_cost"].sum()
    ledger = ledger.merge(
        fx, left_on=["Currency", "month"], right_on=["From Currency", "month"], how="left"
    )
    ledger["amount"] = ledger["Amount"] * ledger["rate"]
    booked = ledger[
        ledger["Project ID"].notna()
        & ledger["Capex/Opex"].isin(["CAPEX", "OPEX"])
        & (ledger["month"] <= cutoff)
    ]
    non_labour = booked.groupby("Project ID")["amount"].sum()
    cost = pd.DataFrame(index=pd.Index(projects["Project ID"].unique(), name="project_id"))
    cost["labour_cost_to_date"] = labour.reindex(cost.index).fillna(0.0)
    cost["non_labour_cost_to_date"] = non_labour.reindex(cost.index).fillna(0.0)
    cost["actual_cost_to_date"] = cost["labour_cost_to_date"] + cost["non_labour_cost_to_date"]
    cost = cost.reset_index()

    entries["project_hours"] = entries["Hours"].where(entries["Project ID"].notna(), 0.0)
    non_project = entries["Project ID"].isna() & (entries["Time Category"] != "Leave")
    entries["non_project_hours"] = entries["Hours"].where(non_project, 0.0)
    hours = (
        entries.groupby(["Team", "month"], dropna=False)[["project_hours", "non_project_hours"]]
        .sum()
        .reset_index()
        .rename(
            columns={
                "Team": "team",
                "month": "month_start_date",
                "project_hours": "actual_project_hours",
                "non_project_hours": "actual_non_project_hours",
            }
        )
    )
    return {
        "project_cost": cost,
        "team_hours": hours,
        "earned_value": _earned_value(projects, fx, cost, cutoff),
    }


def _earned_value(
    projects: pd.DataFrame, fx: pd.DataFrame, cost: pd.DataFrame, cutoff: pd.Timestamp
) -> pd.DataFrame:
    """EV at the cut-off from the latest extract on or before it (a cancelled project: the
    extract that first reported it cancelled), with AC = cost to date."""
    projects = projects.sort_values(["Project ID", "extract"]).copy()
    projects["state"] = "open"
    projects.loc[(projects["Status"] == "Completed") | (projects["Phase"] == "Closed"), "state"] = (
        "completed"
    )
    projects.loc[projects["Status"] == "Cancelled", "state"] = "cancelled"
    changed = projects["state"] != projects.groupby("Project ID")["state"].shift()
    projects["run"] = changed.cumsum()
    projects["since"] = projects.groupby("run")["extract"].transform("min")
    reporting = projects[projects["extract"] <= cutoff].groupby("Project ID").tail(1)
    basis_date = reporting["since"].where(reporting["state"] == "cancelled", reporting["extract"])
    keys = pd.DataFrame({"Project ID": reporting["Project ID"], "extract": basis_date})
    basis = keys.merge(projects, on=["Project ID", "extract"])
    basis["month"] = basis["extract"].dt.to_period("M").dt.to_timestamp()
    basis = basis.merge(
        fx, left_on=["Currency", "month"], right_on=["From Currency", "month"], how="left"
    )
    complete = basis["Percent Complete"].clip(0, 100).where(basis["state"] != "completed", 100)
    basis["ev"] = basis["Budget at Completion"] * basis["rate"] * complete / 100
    earned = basis[["Project ID", "ev"]].rename(columns={"Project ID": "project_id"})
    return earned.merge(cost[["project_id", "actual_cost_to_date"]], on="project_id").rename(
        columns={"actual_cost_to_date": "ac"}
    )


if __name__ == "__main__":
    figures_main(peer_figures, __doc__)
