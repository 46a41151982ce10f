-- The current fiscal year's Budget and latest forecast side by side, split CAPEX / OPEX, by
-- project and month.

with

plan_lines as (

    select * from {{ ref('int_plan_lines_converted') }}

),

fiscal_months as (

    select * from {{ ref('int_fiscal_months_enumerated') }}

),

current_fy_lines as (

    select plan_lines.*
    from plan_lines
    inner join fiscal_months
        on
            plan_lines.month_start_date = fiscal_months.month_start_date
            and plan_lines.plan_fiscal_year = fiscal_months.fiscal_year
    -- older re-forecasts are superseded by the latest one
    where plan_lines.plan_version = 'Budget' or plan_lines.is_latest_forecast

),

forecast_version as (

    -- the fiscal year's latest plan version: its newest Forecast Qn, or Budget while none exists
    select max(case when is_latest_forecast then plan_version end) as forecast_plan_version
    from current_fy_lines

),

pivoted as (

    select
        project_id,
        month_start_date,
        {{ strict_sum(
            "case when plan_version = 'Budget' and capex_opex = 'CAPEX'"
            ~ " then amount else " ~ to_money('0') ~ " end"
        ) }} as budget_capex,
        {{ strict_sum(
            "case when plan_version = 'Budget' and capex_opex = 'OPEX'"
            ~ " then amount else " ~ to_money('0') ~ " end"
        ) }} as budget_opex,
        {{ strict_sum(
            "case when is_latest_forecast and capex_opex = 'CAPEX'"
            ~ " then amount else " ~ to_money('0') ~ " end"
        ) }} as forecast_capex,
        {{ strict_sum(
            "case when is_latest_forecast and capex_opex = 'OPEX'"
            ~ " then amount else " ~ to_money('0') ~ " end"
        ) }} as forecast_opex,
        sum(case when plan_version = 'Budget' then 1 else 0 end) as budget_line_count
    from current_fy_lines
    group by project_id, month_start_date

),

final as (

    select
        pivoted.project_id,
        pivoted.month_start_date,
        forecast_version.forecast_plan_version,
        pivoted.budget_capex,
        pivoted.budget_opex,
        pivoted.forecast_capex,
        pivoted.forecast_opex,
        pivoted.budget_capex + pivoted.budget_opex as budget,
        pivoted.forecast_capex + pivoted.forecast_opex as forecast,
        pivoted.budget_line_count > 0 as has_budget_line
    from pivoted
    cross join forecast_version

)

select * from final
