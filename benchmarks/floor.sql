-- THE FLOOR: the benchmark's figures in bare DuckDB SQL on the landing files, with no
-- orchestration, quality gate, tests or reports: what the work costs on this machine.
-- `{landing}` and `{currency}` are filled in by benchmarks/floor.py. The figures (and how each
-- matches its mart) are described in docs/benchmarks.md; benchmarks/compare.py checks them.

create table timesheets as
select
    "Entry ID" as entry_id,
    "Employee ID" as employee_id,
    "Work Date" as work_date,
    "Project ID" as project_id,
    "Time Category" as time_category,
    "Hours" as hours
from read_csv(
    '{landing}/timesheets/timesheets_*.csv', header = true, auto_detect = false,
    columns = {{
        'Entry ID': 'VARCHAR', 'Employee ID': 'VARCHAR', 'Work Date': 'DATE',
        'Project ID': 'VARCHAR', 'Time Category': 'VARCHAR', 'Hours': 'DOUBLE',
        'Comment': 'VARCHAR'
    }}
);

-- each HR extract repeats everyone's rate history: a person's latest extract is the truth
create table rate_periods as
with resources as (
    select
        "Employee ID" as employee_id,
        "Team" as team,
        "Cost Rate" as cost_rate,
        "Currency" as currency,
        "Active From" as active_from,
        "Active To" as active_to,
        cast(regexp_extract(filename, '(\d{{4}}-\d{{2}}-\d{{2}})', 1) as date) as extract_date
    from read_csv(
        '{landing}/resources/resources_*.csv', header = true, auto_detect = false,
        filename = true,
        columns = {{
            'Employee ID': 'VARCHAR', 'Employee Name': 'VARCHAR', 'Team': 'VARCHAR',
            'Role': 'VARCHAR', 'FTE': 'DOUBLE', 'Weekly Capacity Hours': 'DOUBLE',
            'Cost Rate': 'DOUBLE', 'Currency': 'VARCHAR', 'Active From': 'DATE',
            'Active To': 'DATE'
        }}
    )
)
select * exclude (extract_date) from resources
qualify extract_date = max(extract_date) over (partition by employee_id);

create table fx as
select
    cast("Period" || '-01' as date) as rate_month,
    "From Currency" as from_currency,
    "Average Rate" as rate
from read_csv(
    '{landing}/fx/*.csv', header = true, auto_detect = false,
    columns = {{
        'Period': 'VARCHAR', 'From Currency': 'VARCHAR', 'To Currency': 'VARCHAR',
        'Average Rate': 'DOUBLE'
    }}
)
where "To Currency" = '{currency}';

create table ledger as
select
    "Project ID" as project_id,
    cast("Period" || '-01' as date) as period_month,
    "Capex/Opex" as capex_opex,
    "Amount" as amount_local,
    "Currency" as currency
from read_csv(
    '{landing}/finance/gl_actuals_*.csv', header = true, auto_detect = false,
    columns = {{
        'Document No': 'VARCHAR', 'Line': 'INTEGER', 'Posting Date': 'DATE', 'Period': 'VARCHAR',
        'Cost Centre': 'VARCHAR', 'Project ID': 'VARCHAR', 'WBS Element': 'VARCHAR',
        'Account': 'VARCHAR', 'Account Name': 'VARCHAR', 'Capex/Opex': 'VARCHAR',
        'Amount': 'DOUBLE', 'Currency': 'VARCHAR'
    }}
);

create table project_extracts as
select
    "Project ID" as project_id,
    "Status" as status,
    "Phase" as phase,
    "Percent Complete" as percent_complete,
    "Budget at Completion" as bac_local,
    "Currency" as currency,
    cast(regexp_extract(filename, '(\d{{4}}-\d{{2}}-\d{{2}})', 1) as date) as extract_date
from read_csv(
    '{landing}/projects/projects_*.csv', header = true, auto_detect = false, filename = true,
    columns = {{
        'Project ID': 'VARCHAR', 'Project Name': 'VARCHAR', 'Portfolio': 'VARCHAR',
        'Program': 'VARCHAR', 'Sponsor': 'VARCHAR', 'Project Manager': 'VARCHAR',
        'Business Unit': 'VARCHAR', 'Category': 'VARCHAR', 'Strategic Theme': 'VARCHAR',
        'Phase': 'VARCHAR', 'Status': 'VARCHAR', 'Reported RAG': 'VARCHAR',
        'Percent Complete': 'DOUBLE', 'Baseline Start': 'DATE', 'Baseline Finish': 'DATE',
        'Forecast Start': 'DATE', 'Forecast Finish': 'DATE', 'Budget at Completion': 'DOUBLE',
        'Capex Budget': 'DOUBLE', 'Opex Budget': 'DOUBLE', 'Forecast at Completion': 'DOUBLE',
        'Currency': 'VARCHAR', 'Strategic Alignment': 'INTEGER', 'Business Value': 'INTEGER',
        'Risk Score': 'INTEGER', 'Urgency Score': 'INTEGER', 'Is Mandatory': 'VARCHAR',
        'Depends On': 'VARCHAR', 'Exclusive Group': 'VARCHAR'
    }}
);

-- the cut-off: the last month end both the ledger (closed periods) and the timesheets (whole
-- weeks, to the Sunday) cover
create table cutoff as
with covered as (
    select least(
        (select last_day(max(period_month)) from ledger),
        (select max(work_date) + cast(7 - isodow(max(work_date)) as integer) from timesheets)
    ) as covered_through
)
select cast(date_trunc('month', covered_through + 1) - interval 1 day as date) as cutoff_date
from covered;

-- every entry with the rate period valid on its work date (the latest started wins) and the
-- FX rate of its month
create table entries as
select
    t.project_id,
    t.time_category,
    t.hours,
    r.team,
    cast(date_trunc('month', t.work_date) as date) as month_start_date,
    cast(t.hours * r.cost_rate * fx.rate as decimal(38, 6)) as labour_cost
from timesheets as t
left join rate_periods as r
    on t.employee_id = r.employee_id
    and t.work_date >= r.active_from
    and (r.active_to is null or t.work_date <= r.active_to)
left join fx
    on r.currency = fx.from_currency and date_trunc('month', t.work_date) = fx.rate_month
qualify row_number() over (partition by t.entry_id order by r.active_from desc) = 1;

create table floor_project_cost as
with labour as (
    select project_id, sum(labour_cost) as labour_cost_to_date
    from entries
    where project_id is not null and month_start_date <= (select cutoff_date from cutoff)
    group by project_id
),
non_labour as (
    select
        ledger.project_id,
        sum(cast(ledger.amount_local * fx.rate as decimal(38, 6))) as non_labour_cost_to_date
    from ledger
    left join fx on ledger.currency = fx.from_currency and ledger.period_month = fx.rate_month
    where
        ledger.project_id is not null
        and ledger.capex_opex in ('CAPEX', 'OPEX')
        and ledger.period_month <= (select cutoff_date from cutoff)
    group by ledger.project_id
),
projects as (select distinct project_id from project_extracts)
select
    projects.project_id,
    coalesce(labour.labour_cost_to_date, 0) as labour_cost_to_date,
    coalesce(non_labour.non_labour_cost_to_date, 0) as non_labour_cost_to_date,
    coalesce(labour.labour_cost_to_date, 0)
    + coalesce(non_labour.non_labour_cost_to_date, 0) as actual_cost_to_date
from projects
left join labour on projects.project_id = labour.project_id
left join non_labour on projects.project_id = non_labour.project_id;

create table floor_team_hours as
select
    team,
    month_start_date,
    sum(case when project_id is not null then hours else 0 end) as actual_project_hours,
    sum(
        case when project_id is null and time_category != 'Leave' then hours else 0 end
    ) as actual_non_project_hours
from entries
group by team, month_start_date;

-- EV at the cut-off: BAC (at its extract month's rate) x % complete (100 once completed, capped
-- to 0..100) from the latest extract on or before the cut-off; a cancelled project as it stood
-- when it was first reported cancelled (in its latest run of cancelled extracts)
create table floor_earned_value as
with extracts as (
    select
        project_extracts.*,
        case
            when status = 'Cancelled' then 'cancelled'
            when status = 'Completed' or phase = 'Closed' then 'completed'
            else 'open'
        end as lifecycle_state
    from project_extracts
),
runs as (
    select
        *,
        row_number() over (partition by project_id order by extract_date)
        - row_number() over (
            partition by project_id, lifecycle_state order by extract_date
        ) as run_number
    from extracts
),
stated as (
    select
        *,
        min(extract_date) over (
            partition by project_id, lifecycle_state, run_number
        ) as state_since_date
    from runs
),
reporting as (
    select * from stated
    where extract_date <= (select cutoff_date from cutoff)
    qualify row_number() over (partition by project_id order by extract_date desc) = 1
),
basis as (
    select stated.*
    from reporting
    inner join stated
        on reporting.project_id = stated.project_id
        and stated.extract_date = case
            when reporting.lifecycle_state = 'cancelled' then reporting.state_since_date
            else reporting.extract_date
        end
)
select
    basis.project_id,
    cast(
        cast(basis.bac_local * fx.rate as decimal(38, 6))
        * case
            when basis.lifecycle_state = 'completed' then 100
            else greatest(0, least(100, basis.percent_complete))
        end / 100
        as decimal(38, 6)
    ) as ev,
    floor_project_cost.actual_cost_to_date as ac
from basis
left join fx
    on basis.currency = fx.from_currency
    and date_trunc('month', basis.extract_date) = fx.rate_month
left join floor_project_cost on basis.project_id = floor_project_cost.project_id;
