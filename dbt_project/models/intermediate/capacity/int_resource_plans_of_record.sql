-- Which resource plan extract each month's demand is taken from: the plan in force before the
-- month began (the latest extract dated before its first day), so a re-plan during a month does
-- not rewrite what the month was planned to need. Months that began before the first extract
-- fall back to the first extract and say so.

with

plan_lines as (

    select * from {{ ref('int_resource_plan_loads_deduplicated') }}

),

extracts as (

    select distinct extract_date
    from plan_lines

),

plan_months as (

    select distinct month_start_date
    from plan_lines

),

month_extracts as (

    select
        plan_months.month_start_date,
        max(
            case
                when extracts.extract_date < plan_months.month_start_date
                    then extracts.extract_date
            end
        ) as extract_before_month_date,
        min(extracts.extract_date) as first_extract_date
    from plan_months
    cross join extracts
    group by plan_months.month_start_date

),

final as (

    select
        month_start_date,
        coalesce(extract_before_month_date, first_extract_date) as plan_extract_date,
        case
            when extract_before_month_date is null then 'earliest plan available'
            else 'plan of record'
        end as plan_basis
    from month_extracts

)

select * from final
