-- Each project's current fiscal year in one row: budget and latest forecast for the full year,
-- budget, forecast and actual year-to-date, the variances, and budget burn to date, with the
-- project attributes a BI analyst groups by.

{%- set ytd_measures = [
    'budget', 'budget_capex', 'budget_opex',
    'forecast', 'forecast_capex', 'forecast_opex',
    'actual', 'actual_capex', 'actual_opex', 'actual_labour',
] %}

with

projects as (

    select * from {{ ref('dim_projects') }}

),

monthly as (

    select * from {{ ref('fct_project_financials_monthly') }}

),

actuals as (

    select * from {{ ref('int_project_actuals_aggregated') }}

),

fiscal_year_totals as (

    select
        project_id,
        max(fiscal_year) as fiscal_year,
        max(case when is_ytd then fiscal_period end) as as_of_fiscal_period,
        max(forecast_plan_version) as forecast_plan_version,
        {{ strict_sum('budget') }} as budget_fy,
        {{ strict_sum('budget_capex') }} as budget_capex_fy,
        {{ strict_sum('budget_opex') }} as budget_opex_fy,
        {{ strict_sum('forecast') }} as forecast_fy,
        {{ strict_sum('forecast_capex') }} as forecast_capex_fy,
        {{ strict_sum('forecast_opex') }} as forecast_opex_fy,
        {%- for measure in ytd_measures %}
            {{ strict_sum(
                'case when is_ytd then ' ~ measure ~ ' else ' ~ to_money('0') ~ ' end'
            ) }} as {{ measure }}_ytd,
        {%- endfor %}
        max(as_of_date) as as_of_date
    from monthly
    group by project_id

),

labour_shares as (

    select
        project_id,
        {{ labour_capex_share('budget_at_completion_local', 'capex_budget_local') }}
            as labour_capex_share
    from projects

),

to_date as (

    -- every fiscal year up to the as-of date, as fct_project_cost_performance's "to date";
    -- labour is capitalised month by month, as in fct_project_financials_monthly
    select
        actuals.project_id,
        {{ strict_sum('actuals.labour_cost') }} as labour_cost_to_date,
        {{ strict_sum(
            to_money('actuals.labour_cost * labour_shares.labour_capex_share')
        ) }} as labour_capex_cost_to_date,
        {{ strict_sum('actuals.non_labour_capex_cost') }} as non_labour_capex_cost_to_date,
        {{ strict_sum('actuals.non_labour_opex_cost') }} as non_labour_opex_cost_to_date
    from actuals
    inner join labour_shares
        on actuals.project_id = labour_shares.project_id
    group by actuals.project_id

),

joined as (

    select
        projects.project_id,
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.category,
        projects.business_unit,
        projects.strategic_theme,
        projects.status,
        fiscal_year_totals.fiscal_year,
        fiscal_year_totals.as_of_date,
        fiscal_year_totals.as_of_fiscal_period,
        fiscal_year_totals.forecast_plan_version,
        labour_shares.labour_capex_share,
        fiscal_year_totals.budget_fy,
        fiscal_year_totals.budget_capex_fy,
        fiscal_year_totals.budget_opex_fy,
        fiscal_year_totals.forecast_fy,
        fiscal_year_totals.forecast_capex_fy,
        fiscal_year_totals.forecast_opex_fy,
        {%- for measure in ytd_measures %}
            fiscal_year_totals.{{ measure }}_ytd,
        {%- endfor %}
        projects.budget_at_completion,
        projects.capex_budget as capex_budget_at_completion,
        projects.opex_budget as opex_budget_at_completion,
        -- a project without cost lines has spent 0; a null sum (missing FX rate) stays null
        case
            when to_date.project_id is null then {{ to_money('0') }}
            else to_date.labour_cost_to_date
        end as labour_cost_to_date,
        case
            when to_date.project_id is null then {{ to_money('0') }}
            else to_date.labour_capex_cost_to_date
        end as labour_capex_cost_to_date,
        case
            when to_date.project_id is null then {{ to_money('0') }}
            else to_date.non_labour_capex_cost_to_date
        end as non_labour_capex_cost_to_date,
        case
            when to_date.project_id is null then {{ to_money('0') }}
            else to_date.non_labour_opex_cost_to_date
        end as non_labour_opex_cost_to_date
    from projects
    inner join labour_shares
        on projects.project_id = labour_shares.project_id
    left join fiscal_year_totals
        on projects.project_id = fiscal_year_totals.project_id
    left join to_date
        on projects.project_id = to_date.project_id

),

with_to_date_split as (

    select
        joined.*,
        joined.labour_cost_to_date
        + joined.non_labour_capex_cost_to_date
        + joined.non_labour_opex_cost_to_date as actual_cost_to_date,
        joined.non_labour_capex_cost_to_date
        + joined.labour_capex_cost_to_date as actual_capex_to_date
    from joined

),

final as (

    select
        project_id,
        project_name,
        portfolio,
        program,
        category,
        business_unit,
        strategic_theme,
        status,
        fiscal_year,
        as_of_date,
        as_of_fiscal_period,
        forecast_plan_version,
        budget_fy <> 0 as has_current_fy_budget,
        budget_fy,
        budget_capex_fy,
        budget_opex_fy,
        forecast_fy,
        forecast_capex_fy,
        forecast_opex_fy,
        budget_ytd,
        budget_capex_ytd,
        budget_opex_ytd,
        forecast_ytd,
        forecast_capex_ytd,
        forecast_opex_ytd,
        actual_ytd,
        actual_capex_ytd,
        actual_opex_ytd,
        actual_labour_ytd,
        actual_ytd - actual_labour_ytd as actual_non_labour_ytd,
        labour_capex_share,
        budget_ytd - actual_ytd as variance_ytd,
        budget_capex_ytd - actual_capex_ytd as variance_capex_ytd,
        budget_opex_ytd - actual_opex_ytd as variance_opex_ytd,
        cast(
            100 * (budget_ytd - actual_ytd)
            / {{ double_divisor('budget_ytd') }} as {{ type_double() }}
        ) as variance_ytd_pct,
        budget_fy - forecast_fy as variance_full_year,
        budget_capex_fy - forecast_capex_fy as variance_capex_full_year,
        budget_opex_fy - forecast_opex_fy as variance_opex_full_year,
        cast(
            100 * (budget_fy - forecast_fy)
            / {{ double_divisor('budget_fy') }} as {{ type_double() }}
        ) as variance_full_year_pct,
        cast(100 * actual_ytd / {{ double_divisor('budget_fy') }} as {{ type_double() }})
            as budget_fy_consumed_pct,
        budget_at_completion,
        capex_budget_at_completion,
        opex_budget_at_completion,
        actual_cost_to_date,
        actual_capex_to_date,
        actual_cost_to_date - actual_capex_to_date as actual_opex_to_date,
        cast(
            100 * actual_cost_to_date
            / {{ double_divisor('budget_at_completion') }} as {{ type_double() }}
        ) as budget_burn_pct,
        '{{ reporting_currency() }}' as reporting_currency
    from with_to_date_split

)

select * from final
