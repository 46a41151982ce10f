-- Capacity, planned demand and actual hours of all teams per month: fct_capacity_demand_monthly
-- summed over teams (the capacity page's month table and chart). Ratios are ratios of these
-- sums, never averages of team percentages.

with

team_months as (

    select * from {{ ref('fct_capacity_demand_monthly') }}

),

final as (

    select
        month_start_date,
        fiscal_year,
        fiscal_period,
        count(*) as team_count,
        sum(capacity_hours) as capacity_hours,
        sum(planned_demand_hours) as planned_demand_hours,
        sum(actual_hours) as actual_hours,
        sum(capacity_hours_to_date) as capacity_hours_to_date,
        count(case when is_over_allocated then 1 end) as over_allocated_count,
        sum(over_allocation_hours) as over_allocation_hours,
        -- null when no team's flag is known (bool_and, written for every engine)
        min(
            case
                when has_complete_timesheets then 1
                when not has_complete_timesheets then 0
            end
        ) = 1 as has_complete_timesheets,
        -- the same for every team of a month: the month's plan of record
        max(plan_extract_date) as plan_extract_date,
        max(plan_basis) as plan_basis
    from team_months
    group by month_start_date, fiscal_year, fiscal_period

)

select * from final
