with

employee_days as (

    select * from {{ ref('int_employee_days_expanded') }}

),

weekly as (

    select
        team,
        role,
        iso_week_start_date,
        count(
            distinct case when contracted_hours > 0 then employee_id end
        ) as active_employee_count,
        sum(contracted_hours) as contracted_hours,
        sum(public_holiday_hours) as public_holiday_hours,
        sum(leave_hours) as leave_hours,
        sum(capacity_hours) as capacity_hours,
        max(case when is_in_timesheet_window then 1 else 0 end) as timesheet_week_flag
    from employee_days
    group by team, role, iso_week_start_date

),

final as (

    select
        team,
        role,
        iso_week_start_date,
        cast({{ dbt.dateadd('day', '6', 'iso_week_start_date') }} as date) as iso_week_end_date,
        {{ iso_year('iso_week_start_date') }} as iso_year,
        {{ iso_week_number('iso_week_start_date') }} as iso_week_number,
        active_employee_count,
        contracted_hours,
        public_holiday_hours,
        leave_hours,
        capacity_hours,
        timesheet_week_flag = 1 as has_timesheets
    from weekly

)

select * from final
