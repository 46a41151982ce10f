-- Capacity, planned demand and actual hours of each team over every month of
-- fct_capacity_demand_monthly (the capacity page's team table, most over-allocated first).

with

team_months as (

    select * from {{ ref('fct_capacity_demand_monthly') }}

),

final as (

    select
        team,
        count(*) as month_count,
        sum(capacity_hours) as capacity_hours,
        sum(planned_demand_hours) as planned_demand_hours,
        sum(actual_hours) as actual_hours,
        sum(capacity_hours_to_date) as capacity_hours_to_date,
        count(case when is_over_allocated then 1 end) as over_allocated_count,
        sum(over_allocation_hours) as over_allocation_hours
    from team_months
    group by team

)

select * from final
