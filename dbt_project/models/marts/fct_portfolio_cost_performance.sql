with

project_performance as (

    select * from {{ ref('fct_project_cost_performance') }}

),

portfolio_totals as (

    select
        portfolio,
        count(*) as project_count,
        {{ strict_sum('budget_at_completion') }} as budget_at_completion,
        {{ strict_sum('actual_cost_to_date') }} as actual_cost_to_date,
        {{ strict_sum('forecast_at_completion') }} as forecast_at_completion,
        {{ strict_sum('current_fy_budget') }} as current_fy_budget,
        {{ strict_sum('current_fy_actual') }} as current_fy_actual,
        max(current_fiscal_year) as current_fiscal_year,
        max(as_of_date) as as_of_date
    from project_performance
    group by portfolio

),

final as (

    select
        portfolio,
        project_count,
        budget_at_completion,
        actual_cost_to_date,
        forecast_at_completion,
        budget_at_completion - forecast_at_completion as forecast_variance,
        -- ratios of the sums, never averages of the projects' ratios
        (budget_at_completion - forecast_at_completion)
        / {{ double_divisor('budget_at_completion') }} * 100 as forecast_variance_pct,
        actual_cost_to_date / {{ double_divisor('budget_at_completion') }} * 100 as budget_burn_pct,
        current_fy_budget,
        current_fy_actual,
        current_fiscal_year,
        as_of_date,
        '{{ reporting_currency() }}' as reporting_currency
    from portfolio_totals

)

select * from final
