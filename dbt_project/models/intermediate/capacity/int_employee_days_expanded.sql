-- Every person's contracted hours, recorded leave and booked time per day of the capacity
-- calendar. A day's contracted hours are FTE x var standard_weekly_hours / 5 on a weekday covered
-- by one of the person's rate periods (HR's effective-dated rows) that is not a company public
-- holiday (seed public_holidays), so a joiner or leaver counts only the weekdays they are
-- employed; leave is deducted on the day it is booked, at most that day's contracted hours.
--
-- A table, not a view like the other intermediate models: three marts and its own tests read it,
-- and each read of a view would redo the day expansion and the timesheet roll-up.
{{ config(materialized='table') }}

with

calendar_weeks as (

    select * from {{ ref('int_capacity_weeks_generated') }}

),

rate_periods as (

    select * from {{ ref('int_employee_rate_periods_deduplicated') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

public_holidays as (

    select * from {{ ref('public_holidays') }}

),

day_offsets as (

    select 0 as day_offset
    union all
    select 1 as day_offset
    union all
    select 2 as day_offset
    union all
    select 3 as day_offset
    union all
    select 4 as day_offset
    union all
    select 5 as day_offset
    union all
    select 6 as day_offset

),

week_days as (

    select
        calendar_weeks.week_start_date as iso_week_start_date,
        calendar_weeks.is_in_timesheet_window,
        calendar_weeks.first_month_start_date,
        calendar_weeks.last_month_end_date,
        day_offsets.day_offset < 5 as is_weekday,
        cast(
            {{ dbt.dateadd('day', 'day_offsets.day_offset', 'calendar_weeks.week_start_date') }}
            as date
        ) as date_day
    from calendar_weeks
    cross join day_offsets

),

calendar_days as (

    select
        week_days.*,
        public_holidays.holiday_date is not null as is_public_holiday
    from week_days
    left join public_holidays
        on week_days.date_day = public_holidays.holiday_date

),

flagged_rate_periods as (

    {{ rate_periods_flagging_overlaps('rate_periods') }}

),

period_days as (

    select
        flagged_rate_periods.employee_id,
        calendar_days.date_day,
        flagged_rate_periods.team,
        flagged_rate_periods.role,
        flagged_rate_periods.fte,
        flagged_rate_periods.active_from_date,
        flagged_rate_periods.overlaps_another_period
    from calendar_days
    inner join flagged_rate_periods
        on
            calendar_days.date_day >= flagged_rate_periods.active_from_date
            and (
                flagged_rate_periods.active_to_date is null
                or calendar_days.date_day <= flagged_rate_periods.active_to_date
            )

),

employee_periods as (

    -- overlapping periods (a change entered with the old period's end on the same day): the most
    -- recently started period wins, as for the cost rate
    {{ latest_period_match('period_days', ['employee_id', 'date_day'], 'active_from_date') }}

),

timesheet_days as (

    select
        employee_id,
        work_date as date_day,
        -- each entry fixed to decimal hours before summing, so totals are exact and repeatable
        {{ sum_hours('hours') }} as logged_hours,
        {{ sum_hours("case when time_category = 'Leave' then hours else 0 end") }}
            as leave_hours_recorded,
        {{ sum_hours('case when project_id is not null then hours else 0 end') }} as project_hours,
        {{ sum_hours(
            "case when project_id is null and time_category != 'Leave' then hours else 0 end"
        ) }} as non_project_hours
    from timesheet_entries
    group by employee_id, work_date

),

employee_days as (

    -- every day under one of the person's rate periods beside every day with booked time, in one
    -- full join on (person, day); `joined` then drops the covered weekends nobody booked. A union
    -- of the keys joined back to both sides took twice as long (10 M entries: docs/benchmarks.md)
    select
        employee_periods.team,
        employee_periods.role,
        employee_periods.fte,
        timesheet_days.leave_hours_recorded,
        timesheet_days.logged_hours,
        timesheet_days.project_hours,
        timesheet_days.non_project_hours,
        coalesce(employee_periods.employee_id, timesheet_days.employee_id) as employee_id,
        coalesce(employee_periods.date_day, timesheet_days.date_day) as date_day,
        employee_periods.employee_id is not null as is_active,
        timesheet_days.employee_id is not null as has_booked_time
    from employee_periods
    full outer join timesheet_days
        on
            employee_periods.employee_id = timesheet_days.employee_id
            and employee_periods.date_day = timesheet_days.date_day

),

joined as (

    select
        employee_days.employee_id,
        employee_days.date_day,
        calendar_days.iso_week_start_date,
        cast(
            {{ dbt.date_trunc('month', 'employee_days.date_day') }} as date
        ) as month_start_date,
        calendar_days.is_weekday,
        calendar_days.is_public_holiday,
        calendar_days.is_in_timesheet_window,
        (
            employee_days.date_day >= calendar_days.first_month_start_date
            and employee_days.date_day <= calendar_days.last_month_end_date
        ) as is_in_reporting_months,
        employee_days.is_active,
        employee_days.team,
        employee_days.role,
        employee_days.fte,
        case
            when
                employee_days.is_active and calendar_days.is_weekday
                and not calendar_days.is_public_holiday
                then {{ to_hours('employee_days.fte * ' ~ standard_weekly_hours() ~ ' / 5') }}
            else {{ to_hours('0') }}
        end as contracted_hours,
        -- the hours the holiday took off the person's day (shown, never deducted twice)
        case
            when
                employee_days.is_active and calendar_days.is_weekday
                and calendar_days.is_public_holiday
                then {{ to_hours('employee_days.fte * ' ~ standard_weekly_hours() ~ ' / 5') }}
            else {{ to_hours('0') }}
        end as public_holiday_hours,
        coalesce(employee_days.leave_hours_recorded, {{ to_hours('0') }}) as leave_hours_recorded,
        coalesce(employee_days.logged_hours, {{ to_hours('0') }}) as logged_hours,
        coalesce(employee_days.project_hours, {{ to_hours('0') }}) as project_hours,
        coalesce(employee_days.non_project_hours, {{ to_hours('0') }}) as non_project_hours
    from employee_days
    inner join calendar_days
        on employee_days.date_day = calendar_days.date_day
    -- a covered weekend day is kept only when time was booked on it
    where calendar_days.is_weekday or employee_days.has_booked_time

),

deducted as (

    select
        joined.*,
        -- leave beyond the day's contracted hours (e.g. booked on a weekend) removes nothing more
        least(joined.leave_hours_recorded, joined.contracted_hours) as leave_hours
    from joined

),

final as (

    select
        employee_id,
        date_day,
        iso_week_start_date,
        month_start_date,
        is_weekday,
        is_public_holiday,
        is_in_timesheet_window,
        is_in_reporting_months,
        is_active,
        team,
        role,
        fte,
        public_holiday_hours,
        contracted_hours,
        leave_hours_recorded,
        leave_hours,
        logged_hours,
        project_hours,
        non_project_hours,
        contracted_hours - leave_hours as capacity_hours
    from deducted

)

select * from final
