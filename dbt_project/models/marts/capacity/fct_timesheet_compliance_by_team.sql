-- Timesheet compliance of each team over the whole timesheet history: person-weeks expected,
-- compliant and the hours missing (the capacity page's team compliance table).

with

person_weeks as (

    select * from {{ ref('fct_timesheet_compliance_weekly') }}

),

final as (

    select
        team,
        count(case when expected_hours > 0 then 1 end) as expected_person_weeks,
        count(case when expected_hours > 0 and is_compliant then 1 end)
            as compliant_person_weeks,
        sum(expected_hours) as expected_hours,
        sum(logged_hours) as logged_hours,
        sum(missing_hours) as missing_hours
    from person_weeks
    group by team

)

select * from final
