-- Timesheet compliance of everyone per ISO week: fct_timesheet_compliance_weekly summed over
-- people (the capacity page's weekly compliance table and chart).

with

person_weeks as (

    select * from {{ ref('fct_timesheet_compliance_weekly') }}

),

final as (

    select
        iso_week_start_date,
        count(case when expected_hours > 0 then 1 end) as expected_people,
        count(case when expected_hours > 0 and is_compliant then 1 end) as compliant_people,
        sum(expected_hours) as expected_hours,
        sum(logged_hours) as logged_hours,
        sum(missing_hours) as missing_hours
    from person_weeks
    group by iso_week_start_date

)

select * from final
