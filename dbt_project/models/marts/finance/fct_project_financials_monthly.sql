-- Budget, latest forecast and actual cost of every project for each month of the current fiscal
-- year, split CAPEX / OPEX, with the fiscal year-to-period running totals.

with

projects as (

    select * from {{ ref('dim_projects') }}

),

fiscal_months as (

    select * from {{ ref('int_fiscal_months_enumerated') }}

),

plan_amounts as (

    select * from {{ ref('int_plan_amounts_pivoted') }}

),

actuals as (

    select * from {{ ref('int_project_actuals_aggregated') }}

),

forecast_version as (

    select max(forecast_plan_version) as forecast_plan_version
    from plan_amounts

),

project_months as (

    select
        projects.project_id,
        -- timesheets carry no CAPEX/OPEX flag: labour follows the project's capex share
        {{ labour_capex_share(
            'projects.budget_at_completion_local', 'projects.capex_budget_local'
        ) }} as labour_capex_share,
        fiscal_months.month_start_date,
        fiscal_months.fiscal_year,
        fiscal_months.fiscal_quarter,
        fiscal_months.fiscal_period,
        fiscal_months.is_ytd,
        fiscal_months.as_of_date
    from projects
    cross join fiscal_months

),

joined as (

    select
        project_months.*,
        forecast_version.forecast_plan_version,
        -- no plan line or no cost line = 0; a null sum (missing FX rate) stays null
        case
            when plan_amounts.project_id is null then {{ to_money('0') }}
            else plan_amounts.budget_capex
        end as budget_capex,
        case
            when plan_amounts.project_id is null then {{ to_money('0') }}
            else plan_amounts.budget_opex
        end as budget_opex,
        case
            when plan_amounts.project_id is null then {{ to_money('0') }}
            else plan_amounts.forecast_capex
        end as forecast_capex,
        case
            when plan_amounts.project_id is null then {{ to_money('0') }}
            else plan_amounts.forecast_opex
        end as forecast_opex,
        case
            when actuals.project_id is null then {{ to_money('0') }}
            else actuals.labour_cost
        end as actual_labour,
        case
            when actuals.project_id is null then {{ to_money('0') }}
            else actuals.non_labour_capex_cost
        end as actual_non_labour_capex,
        case
            when actuals.project_id is null then {{ to_money('0') }}
            else actuals.non_labour_opex_cost
        end as actual_non_labour_opex
    from project_months
    cross join forecast_version
    left join plan_amounts
        on
            project_months.project_id = plan_amounts.project_id
            and project_months.month_start_date = plan_amounts.month_start_date
    left join actuals
        on
            project_months.project_id = actuals.project_id
            and project_months.month_start_date = actuals.month_start_date

),

allocated as (

    select
        joined.*,
        {{ to_money('joined.actual_labour * joined.labour_capex_share') }} as actual_labour_capex
    from joined

),

monthly as (

    select
        project_id,
        month_start_date,
        fiscal_year,
        fiscal_quarter,
        fiscal_period,
        is_ytd,
        forecast_plan_version,
        budget_capex,
        budget_opex,
        forecast_capex,
        forecast_opex,
        actual_labour,
        labour_capex_share,
        actual_labour_capex,
        actual_non_labour_capex,
        actual_non_labour_opex,
        as_of_date,
        budget_capex + budget_opex as budget,
        forecast_capex + forecast_opex as forecast,
        actual_labour - actual_labour_capex as actual_labour_opex,
        actual_non_labour_capex + actual_labour_capex as actual_capex,
        actual_non_labour_opex + (actual_labour - actual_labour_capex) as actual_opex,
        actual_labour + actual_non_labour_capex + actual_non_labour_opex as actual
    from allocated

),

final as (

    select
        project_id,
        month_start_date,
        fiscal_year,
        fiscal_quarter,
        fiscal_period,
        is_ytd,
        forecast_plan_version,
        budget_capex,
        budget_opex,
        budget,
        forecast_capex,
        forecast_opex,
        forecast,
        actual_labour,
        labour_capex_share,
        actual_labour_capex,
        actual_labour_opex,
        actual_non_labour_capex,
        actual_non_labour_opex,
        actual_capex,
        actual_opex,
        actual,
        budget - actual as variance_budget_actual,
        budget_capex - actual_capex as variance_capex_budget_actual,
        budget_opex - actual_opex as variance_opex_budget_actual,
        budget - forecast as variance_budget_forecast,
        {{ strict_running_sum('budget', 'project_id', 'fiscal_period') }} as cumulative_budget,
        {{ strict_running_sum('forecast', 'project_id', 'fiscal_period') }} as cumulative_forecast,
        {{ strict_running_sum('actual', 'project_id', 'fiscal_period') }} as cumulative_actual,
        {{ strict_running_sum('budget - actual', 'project_id', 'fiscal_period') }}
            as cumulative_variance_budget_actual,
        as_of_date,
        '{{ reporting_currency() }}' as reporting_currency
    from monthly

)

select * from final
