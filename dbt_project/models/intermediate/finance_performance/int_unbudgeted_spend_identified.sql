-- Projects of the project master with actual spend in the current fiscal year but no budget in
-- the fiscal year's workbook (sheet 'Budget').

with

actuals as (

    select * from {{ ref('int_project_actuals_aggregated') }}

),

plan_amounts as (

    select * from {{ ref('int_plan_amounts_pivoted') }}

),

fiscal_months as (

    select * from {{ ref('int_fiscal_months_enumerated') }}

),

projects as (

    select * from {{ ref('int_projects_deduplicated') }}

),

current_fy_actuals as (

    select
        actuals.project_id,
        actuals.month_start_date,
        fiscal_months.fiscal_year,
        actuals.total_cost
    from actuals
    inner join fiscal_months
        on actuals.month_start_date = fiscal_months.month_start_date

),

project_plans as (

    select
        project_id,
        {{ strict_sum('budget') }} as budget_fy,
        {{ strict_sum('forecast') }} as forecast_fy
    from plan_amounts
    group by project_id

),

forecast_version as (

    select max(forecast_plan_version) as forecast_plan_version
    from plan_amounts

),

project_spend as (

    select
        project_id,
        max(fiscal_year) as fiscal_year,
        {{ strict_sum('total_cost') }} as amount,
        min(case when total_cost <> 0 then month_start_date end) as first_month_start_date,
        max(case when total_cost <> 0 then month_start_date end) as last_month_start_date,
        sum(case when total_cost <> 0 then 1 else 0 end) as month_count,
        {{ sorted_string_agg(
            'case when total_cost <> 0 then ' ~ month_label('month_start_date') ~ ' end', ', '
        ) }} as months,
        {{ sorted_string_agg(
            'case when total_cost <> 0 then '
            ~ dbt.concat([month_label('month_start_date'), "': '", money_text('total_cost')])
            ~ ' end',
            '; ',
        ) }} as monthly_amounts
    from current_fy_actuals
    group by project_id

),

unbudgeted as (

    select
        project_spend.*,
        -- the project is not in the fiscal year's plan at all, or only in a re-forecast
        case
            when project_plans.project_id is null then {{ to_money('0') }}
            else project_plans.forecast_fy
        end as forecast_fy,
        forecast_version.forecast_plan_version
    from project_spend
    cross join forecast_version
    -- codes outside the project master are reported as unknown_project_code instead
    inner join projects
        on project_spend.project_id = projects.project_id
    left join project_plans
        on project_spend.project_id = project_plans.project_id
    where
        (project_plans.project_id is null or project_plans.budget_fy = 0)
        and project_spend.amount > 0

),

final as (

    select
        'unbudgeted_spend' as finding_type,
        project_id,
        'actuals' as source_system,
        fiscal_year,
        first_month_start_date,
        last_month_start_date,
        cast(month_count as {{ dbt.type_int() }}) as month_count,
        months,
        monthly_amounts,
        amount,
        {{ dbt.concat([
            "'Actual spend of '", money_text('amount'), "' " ~ reporting_currency() ~ " in FY'",
            'cast(fiscal_year as ' ~ dbt.type_string() ~ ')',
            "' to date but no budget in the FY'",
            'cast(fiscal_year as ' ~ dbt.type_string() ~ ')',
            "' workbook; its FY forecast in '",
            "coalesce(forecast_plan_version, 'no plan')",
            "' is '", money_text('forecast_fy'), "'.'",
        ]) }} as evidence
    from unbudgeted

)

select * from final
