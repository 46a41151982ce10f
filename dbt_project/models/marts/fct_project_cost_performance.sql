with

projects as (

    select * from {{ ref('dim_projects') }}

),

monthly_costs_to_date as (

    select * from {{ ref('int_project_actuals_aggregated') }}

),

budgets as (

    select * from {{ ref('fct_budgets') }}

),

as_of as (

    -- cost is measured to the reporting cut-off, the last month every cost source has closed
    select
        cutoff_date as as_of_date,
        {{ fiscal_year('cutoff_date') }} as current_fiscal_year
    from {{ ref('int_reporting_cutoff') }}

),

costs_to_date as (

    select
        monthly_costs_to_date.project_id,
        {{ strict_sum('monthly_costs_to_date.labour_cost') }} as labour_cost_to_date,
        {{ strict_sum('monthly_costs_to_date.non_labour_cost') }} as non_labour_cost_to_date,
        {{ strict_sum(
            'case when monthly_costs_to_date.fiscal_year = as_of.current_fiscal_year'
            ~ ' then monthly_costs_to_date.labour_cost else 0 end'
        ) }} as labour_cost_current_fy,
        {{ strict_sum(
            'case when monthly_costs_to_date.fiscal_year = as_of.current_fiscal_year'
            ~ ' then monthly_costs_to_date.non_labour_cost else 0 end'
        ) }} as non_labour_cost_current_fy
    from monthly_costs_to_date
    cross join as_of
    group by monthly_costs_to_date.project_id

),

current_fy_plan as (

    select
        budgets.project_id,
        {{ strict_sum(
            "case when budgets.plan_version = 'Budget' then budgets.amount else 0 end"
        ) }} as current_fy_budget,
        {{ strict_sum(
            'case when budgets.is_latest_forecast then budgets.amount else 0 end'
        ) }} as current_fy_latest_forecast
    from budgets
    inner join as_of
        on budgets.fiscal_year = as_of.current_fiscal_year
    group by budgets.project_id

),

joined as (

    select
        projects.project_id,
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.category,
        projects.status,
        projects.reported_rag,
        projects.percent_complete,
        projects.is_in_latest_extract,
        projects.budget_at_completion,
        projects.forecast_at_completion,
        as_of.as_of_date,
        as_of.current_fiscal_year,
        -- a project without cost lines has spent 0; a null total (missing FX rate) stays null
        case
            when costs_to_date.project_id is null then 0
            else costs_to_date.labour_cost_to_date
        end as labour_cost_to_date,
        case
            when costs_to_date.project_id is null then 0
            else costs_to_date.non_labour_cost_to_date
        end as non_labour_cost_to_date,
        case
            when costs_to_date.project_id is null then 0
            else costs_to_date.labour_cost_current_fy
        end as labour_cost_current_fy,
        case
            when costs_to_date.project_id is null then 0
            else costs_to_date.non_labour_cost_current_fy
        end as non_labour_cost_current_fy,
        case
            when current_fy_plan.project_id is null then 0
            else current_fy_plan.current_fy_budget
        end as current_fy_budget,
        case
            when current_fy_plan.project_id is null then 0
            else current_fy_plan.current_fy_latest_forecast
        end as current_fy_latest_forecast
    from projects
    cross join as_of
    left join costs_to_date
        on projects.project_id = costs_to_date.project_id
    left join current_fy_plan
        on projects.project_id = current_fy_plan.project_id

),

final as (

    select
        project_id,
        project_name,
        portfolio,
        program,
        category,
        status,
        reported_rag,
        percent_complete,
        is_in_latest_extract,
        budget_at_completion,
        labour_cost_to_date,
        non_labour_cost_to_date,
        labour_cost_to_date + non_labour_cost_to_date as actual_cost_to_date,
        forecast_at_completion,
        budget_at_completion - forecast_at_completion as forecast_variance,
        (budget_at_completion - forecast_at_completion)
        / {{ double_divisor('budget_at_completion') }} * 100 as forecast_variance_pct,
        (labour_cost_to_date + non_labour_cost_to_date)
        / {{ double_divisor('budget_at_completion') }} * 100 as budget_burn_pct,
        budget_at_completion - (labour_cost_to_date + non_labour_cost_to_date) as remaining_budget,
        forecast_at_completion
        - (labour_cost_to_date + non_labour_cost_to_date) as estimate_to_complete,
        current_fy_budget,
        current_fy_latest_forecast,
        labour_cost_current_fy + non_labour_cost_current_fy as current_fy_actual,
        current_fiscal_year,
        as_of_date,
        '{{ reporting_currency() }}' as reporting_currency
    from joined

)

select * from final
