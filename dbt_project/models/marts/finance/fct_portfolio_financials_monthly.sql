-- The portfolio's budget, latest forecast and actual cost per fiscal month of the current fiscal
-- year: fct_project_financials_monthly summed over its projects, with the fiscal year's running
-- totals. The finance page's month table and the executive summary's month plan read these rows.

with

project_months as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

monthly as (

    select
        month_start_date,
        fiscal_year,
        fiscal_period,
        -- the same for every project of a month
        max(case when is_ytd then 1 else 0 end) = 1 as is_ytd,
        count(*) as project_count,
        sum(budget) as budget,
        sum(forecast) as forecast,
        sum(actual) as actual,
        case when max(case when is_ytd then 1 else 0 end) = 1 then sum(actual) end as actual_ytd,
        max(as_of_date) as as_of_date,
        max(reporting_currency) as reporting_currency
    from project_months
    group by month_start_date, fiscal_year, fiscal_period

),

final as (

    select
        month_start_date,
        fiscal_year,
        fiscal_period,
        is_ytd,
        project_count,
        budget,
        forecast,
        actual,
        actual_ytd,
        {{ strict_running_sum('budget', 'fiscal_year', 'fiscal_period') }} as cumulative_budget,
        case
            when is_ytd
                then {{ strict_running_sum('actual', 'fiscal_year', 'fiscal_period') }}
        end as cumulative_actual_ytd,
        as_of_date,
        reporting_currency
    from monthly

)

select * from final
