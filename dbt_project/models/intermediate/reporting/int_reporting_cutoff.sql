-- The reporting cut-off: the last month end that every cost source covers completely. Earned
-- value, cost to date, fiscal year to date and the trends are all measured to this one date, so
-- no comparison sets a month's whole budget against part of its actuals, and no CPI counts labour
-- the ledger has not yet closed on. One row.

with

gl_lines as (

    select * from {{ ref('stg_finance__gl_actuals') }}

),

timesheet_entries as (

    select * from {{ ref('stg_timetracker__timesheets') }}

),

projects as (

    select * from {{ ref('stg_ppm__projects') }}

),

ledger as (

    -- each GL extract is one closed period: the ledger is closed to the end of the latest one
    select {{ ev_month_end('max(period_month)') }} as ledger_closed_through
    from gl_lines

),

timesheets as (

    -- timesheets are submitted by the week: the latest week delivered counts to its Sunday
    select
        cast({{ dbt.dateadd(
            'day', '7 - ' ~ iso_day_of_week('max(work_date)'), 'max(work_date)'
        ) }} as date) as timesheets_through
    from timesheet_entries

),

project_extracts as (

    select max(extract_date) as latest_projects_extract_date
    from projects

),

coverage as (

    select
        ledger.ledger_closed_through,
        timesheets.timesheets_through,
        project_extracts.latest_projects_extract_date,
        -- a cost source that delivered nothing does not hold the cut-off back; with no cost
        -- source at all the projects extract is the only date there is
        -- (least() skips a null on DuckDB and Spark alike)
        coalesce(
            least(ledger.ledger_closed_through, timesheets.timesheets_through),
            project_extracts.latest_projects_extract_date
        ) as covered_through
    from ledger
    cross join timesheets
    cross join project_extracts

),

final as (

    select
        ledger_closed_through,
        timesheets_through,
        latest_projects_extract_date,
        covered_through,
        -- the last month end on or before the date every source covers: the day after it is
        -- the first of a month exactly when it is a month end
        cast({{ dbt.dateadd(
            'day',
            '-1',
            dbt.date_trunc('month', dbt.dateadd('day', '1', 'covered_through'))
        ) }} as date) as cutoff_date
    from coverage
    -- no projects and no cost at all (a published export's warehouse): nothing to cut off
    where covered_through is not null

)

select * from final
