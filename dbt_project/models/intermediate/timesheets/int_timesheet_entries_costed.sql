-- Each timesheet entry costed at the employee's rate valid on the work date, then converted to
-- the reporting currency at the average rate of the work date's month.

with

timesheet_loads as (

    select * from {{ ref('stg_timetracker__timesheets') }}

),

rate_periods as (

    select * from {{ ref('int_employee_rate_periods_deduplicated') }}

),

flagged_rate_periods as (

    {{ rate_periods_flagging_overlaps('rate_periods') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

file_loads as (

    -- a corrected week file re-sent under the same name replaces the earlier load
    {{ latest_load_of_each_file('timesheet_loads') }}

),

latest_loads as (

    select
        file_loads.*,
        -- an entry in several files: the latest extract wins
        row_number() over (
            partition by file_loads.entry_id
            order by file_loads.extract_date desc, file_loads.source_file desc
        ) as entry_recency_rank
    from file_loads

),

timesheets as (

    select * from latest_loads
    where entry_recency_rank = 1

),

matched_rates as (

    select
        timesheets.entry_id,
        timesheets.employee_id,
        timesheets.work_date,
        timesheets.project_id,
        timesheets.time_category,
        timesheets.hours,
        timesheets.source_file,
        timesheets.source_row,
        flagged_rate_periods.cost_rate_local,
        flagged_rate_periods.cost_currency,
        flagged_rate_periods.active_from_date as rate_active_from_date,
        flagged_rate_periods.overlaps_another_period
    from timesheets
    left join flagged_rate_periods
        on
            timesheets.employee_id = flagged_rate_periods.employee_id
            and timesheets.work_date >= flagged_rate_periods.active_from_date
            and (
                flagged_rate_periods.active_to_date is null
                or timesheets.work_date <= flagged_rate_periods.active_to_date
            )

),

rated as (

    -- overlapping periods (a change entered with the old period's end on the same day): the most
    -- recently started period wins; an entry with no covering period keeps its one row, with a
    -- null rate
    {{ latest_period_match('matched_rates', ['entry_id'], 'rate_active_from_date') }}

),

costed as (

    select
        entry_id,
        employee_id,
        work_date,
        project_id,
        time_category,
        hours,
        cost_rate_local,
        cost_currency,
        rate_active_from_date,
        source_file,
        source_row,
        hours * cost_rate_local as labour_cost_local,
        cast({{ dbt.date_trunc('month', 'work_date') }} as date) as month_start_date
    from rated

),

converted as (

    select
        costed.entry_id,
        costed.employee_id,
        costed.work_date,
        costed.project_id,
        costed.time_category,
        costed.hours,
        costed.cost_rate_local,
        costed.cost_currency,
        costed.rate_active_from_date,
        costed.labour_cost_local,
        costed.month_start_date,
        costed.source_file,
        costed.source_row,
        fx_rates.average_rate as fx_rate,
        -- stays null when the month's rate is missing: never assumed to be 1.0
        {{ to_money('costed.labour_cost_local * fx_rates.average_rate') }} as labour_cost
    from costed
    left join fx_rates
        on
            costed.cost_currency = fx_rates.from_currency
            and costed.month_start_date = fx_rates.rate_month

)

select * from converted
