-- The portfolio's original budget (plan version 'Budget') against its actual cost for every
-- month of the date dimension: the projects page's budget-vs-actual table and chart read the
-- months of the current fiscal year.

with

dates as (

    select * from {{ ref('dim_dates') }}

),

budgets as (

    select * from {{ ref('fct_budgets') }}

),

costs as (

    select * from {{ ref('fct_project_costs') }}

),

months as (

    select
        month_start_date,
        fiscal_year,
        min(fiscal_period) as fiscal_period
    from dates
    group by month_start_date, fiscal_year

),

monthly_budget as (

    select
        month_start_date,
        sum(amount) as original_budget
    from budgets
    where plan_version = 'Budget'
    group by month_start_date

),

monthly_actual as (

    select
        month_start_date,
        sum(total_cost) as actual_cost
    from costs
    group by month_start_date

),

final as (

    select
        months.month_start_date,
        months.fiscal_year,
        months.fiscal_period,
        monthly_budget.original_budget,
        monthly_actual.actual_cost,
        '{{ reporting_currency() }}' as reporting_currency
    from months
    left join monthly_budget on months.month_start_date = monthly_budget.month_start_date
    left join monthly_actual on months.month_start_date = monthly_actual.month_start_date

)

select * from final
