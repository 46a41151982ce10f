-- The capacity calendar: whole ISO weeks (Monday-Sunday) covering every calendar month from the
-- first to the last month that has timesheets or demand in the current resource plan, so both a
-- week and a month are always complete. Flags the weeks the timesheets cover.

with

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

plan_lines as (

    select * from {{ ref('int_resource_plan_lines_filtered') }}

),

timesheet_bounds as (

    select
        min(work_date) as first_work_date,
        max(work_date) as last_work_date
    from timesheet_entries

),

data_months as (

    select cast({{ dbt.date_trunc('month', 'work_date') }} as date) as month_start_date
    from timesheet_entries

    union all

    select month_start_date
    from plan_lines

),

month_bounds as (

    select
        min(month_start_date) as first_month_start_date,
        max(month_start_date) as last_month_start_date
    from data_months

),

month_ends as (

    select
        month_bounds.first_month_start_date,
        cast(
            {{ dbt.dateadd(
                'day', '-1', dbt.dateadd('month', '1', 'month_bounds.last_month_start_date')
            ) }} as date
        ) as last_month_end_date,
        timesheet_bounds.first_work_date,
        timesheet_bounds.last_work_date
    from month_bounds
    cross join timesheet_bounds

),

week_bounds as (

    select
        first_month_start_date,
        last_month_end_date,
        {{ iso_week_start_date('first_month_start_date') }} as calendar_start_date,
        {{ iso_week_start_date('last_month_end_date') }} as last_week_start_date,
        {{ iso_week_start_date('first_work_date') }} as timesheet_window_start_date,
        {{ iso_week_start_date('last_work_date') }} as last_timesheet_week_start_date
    from month_ends

),

calendar_bounds as (

    select
        first_month_start_date,
        last_month_end_date,
        calendar_start_date,
        cast({{ dbt.dateadd('day', '6', 'last_week_start_date') }} as date) as calendar_end_date,
        timesheet_window_start_date,
        cast(
            {{ dbt.dateadd('day', '6', 'last_timesheet_week_start_date') }} as date
        ) as timesheet_window_end_date
    from week_bounds

),

calendar_days as (

    {{ generate_days('calendar_bounds', 'calendar_start_date', 'calendar_end_date') }}

),

final as (

    select
        calendar_days.date_day as week_start_date,
        cast({{ dbt.dateadd('day', '6', 'calendar_days.date_day') }} as date) as week_end_date,
        coalesce(
            calendar_days.date_day >= calendar_bounds.timesheet_window_start_date
            and calendar_days.date_day <= calendar_bounds.timesheet_window_end_date,
            false
        ) as is_in_timesheet_window,
        calendar_bounds.first_month_start_date,
        calendar_bounds.last_month_end_date,
        calendar_bounds.timesheet_window_start_date,
        calendar_bounds.timesheet_window_end_date
    from calendar_days
    cross join calendar_bounds
    -- the calendar starts on a Monday and runs in whole weeks: keep each week's Monday
    where {{ iso_day_of_week('calendar_days.date_day') }} = 1

)

select * from final
