-- Actual cost (AC) per project and month: the running total of the monthly cost to date
-- (int_project_actuals_aggregated), so the as-of month's AC equals fct_project_cost_performance's
-- actual_cost_to_date.

with

project_months as (

    select * from {{ ref('int_project_months_earned') }}

),

monthly_costs as (

    select * from {{ ref('int_project_actuals_aggregated') }}

),

cumulative as (

    select
        project_months.project_id,
        project_months.month_start_date,
        -- every cost month up to this one, also those before the project's first extract; a
        -- month with an unconverted amount makes every later total null, never understated
        case
            when count(monthly_costs.month_start_date) = count(monthly_costs.labour_cost)
                then coalesce(sum(monthly_costs.labour_cost), {{ to_money('0') }})
        end as labour_cost_to_date,
        case
            when count(monthly_costs.month_start_date) = count(monthly_costs.non_labour_cost)
                then coalesce(sum(monthly_costs.non_labour_cost), {{ to_money('0') }})
        end as non_labour_cost_to_date
    from project_months
    left join monthly_costs
        on
            project_months.project_id = monthly_costs.project_id
            and project_months.month_start_date >= monthly_costs.month_start_date
    group by project_months.project_id, project_months.month_start_date

),

final as (

    select
        project_id,
        month_start_date,
        labour_cost_to_date,
        non_labour_cost_to_date,
        labour_cost_to_date + non_labour_cost_to_date as ac
    from cumulative

)

select * from final
