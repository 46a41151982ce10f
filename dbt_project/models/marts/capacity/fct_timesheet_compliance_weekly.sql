with

employee_days as (

    select * from {{ ref('int_employee_days_expanded') }}

),

timesheet_days as (

    select * from employee_days
    where is_in_timesheet_window

),

ranked_days as (

    select
        timesheet_days.*,
        -- team and role of the week's last employed day (a move mid-week shows the new team)
        row_number() over (
            partition by timesheet_days.employee_id, timesheet_days.iso_week_start_date
            order by
                case when timesheet_days.is_active then 0 else 1 end,
                timesheet_days.date_day desc
        ) as day_recency_rank
    from timesheet_days

),

weekly as (

    select
        employee_id,
        iso_week_start_date,
        sum(case when contracted_hours > 0 then 1 else 0 end) as active_weekdays,
        sum(contracted_hours) as expected_hours,
        sum(logged_hours) as logged_hours
    from timesheet_days
    group by employee_id, iso_week_start_date

),

latest_days as (

    select
        employee_id,
        iso_week_start_date,
        team,
        role
    from ranked_days
    where day_recency_rank = 1

),

final as (

    select
        weekly.employee_id,
        weekly.iso_week_start_date,
        {{ iso_year('weekly.iso_week_start_date') }} as iso_year,
        {{ iso_week_number('weekly.iso_week_start_date') }} as iso_week_number,
        latest_days.team,
        latest_days.role,
        cast(weekly.active_weekdays as {{ dbt.type_int() }}) as active_weekdays,
        weekly.expected_hours,
        weekly.logged_hours,
        case
            when weekly.expected_hours > weekly.logged_hours
                then weekly.expected_hours - weekly.logged_hours
            else {{ to_hours('0') }}
        end as missing_hours,
        {{ hours_ratio('weekly.logged_hours', 'weekly.expected_hours') }} as logged_ratio,
        weekly.logged_hours
        >= weekly.expected_hours * {{ timesheet_compliance_threshold() }} as is_compliant
    from weekly
    inner join latest_days
        on
            weekly.employee_id = latest_days.employee_id
            and weekly.iso_week_start_date = latest_days.iso_week_start_date

)

select * from final
