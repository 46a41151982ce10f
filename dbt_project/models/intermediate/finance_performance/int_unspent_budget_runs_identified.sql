-- Budgets left without spend: runs of at least N (var no_spend_months, default 3) consecutive
-- complete months of the current fiscal year in which a project had budget but no net cost.

{%- set threshold = no_spend_months() %}

with

plan_amounts as (

    select * from {{ ref('int_plan_amounts_pivoted') }}

),

actuals as (

    select * from {{ ref('int_project_actuals_aggregated') }}

),

fiscal_months as (

    select * from {{ ref('int_fiscal_months_enumerated') }}

),

actuals_coverage as (

    -- before the first month with any loaded cost the marts cannot tell "no spend" from "no data"
    select min(month_start_date) as first_actuals_month_start_date
    from actuals

),

evaluated_months as (

    -- complete months (last day on or before the as-of date) from the start of the actuals
    select fiscal_months.*
    from fiscal_months
    cross join actuals_coverage
    where
        fiscal_months.month_start_date >= actuals_coverage.first_actuals_month_start_date
        and {{ dbt.dateadd('month', 1, 'fiscal_months.month_start_date') }}
        <= {{ dbt.dateadd('day', 1, 'fiscal_months.as_of_date') }}

),

last_evaluated_month as (

    select max(month_start_date) as month_start_date
    from evaluated_months

),

budget_months_without_spend as (

    select
        plan_amounts.project_id,
        plan_amounts.month_start_date,
        evaluated_months.fiscal_year,
        evaluated_months.fiscal_period,
        plan_amounts.budget,
        -- no cost line = 0; a month whose lines net to <= 0 (credit notes only) had no spend
        case
            when actuals.project_id is null then {{ to_money('0') }} else actuals.total_cost
        end as actual_cost
    from plan_amounts
    inner join evaluated_months
        on plan_amounts.month_start_date = evaluated_months.month_start_date
    left join actuals
        on
            plan_amounts.project_id = actuals.project_id
            and plan_amounts.month_start_date = actuals.month_start_date
    where
        plan_amounts.budget > 0
        and (actuals.project_id is null or actuals.total_cost <= 0)

),

numbered as (

    select
        budget_months_without_spend.*,
        -- consecutive periods share one value (gaps and islands)
        budget_months_without_spend.fiscal_period - row_number() over (
            partition by budget_months_without_spend.project_id
            order by budget_months_without_spend.fiscal_period
        ) as run_key
    from budget_months_without_spend

),

runs as (

    select
        project_id,
        fiscal_year,
        run_key,
        min(month_start_date) as first_month_start_date,
        max(month_start_date) as last_month_start_date,
        count(*) as month_count,
        {{ strict_sum('budget') }} as amount,
        {{ sorted_string_agg(month_label('month_start_date'), ', ') }} as months,
        {{ sorted_string_agg(
            dbt.concat([
                month_label('month_start_date'),
                "': budget '", money_text('budget'),
                "', actual '", money_text('actual_cost'),
            ]),
            '; ',
        ) }} as monthly_amounts
    from numbered
    group by project_id, fiscal_year, run_key
    having count(*) >= {{ threshold }}

),

final as (

    select
        'budget_without_spend' as finding_type,
        runs.project_id,
        'finance_plan' as source_system,
        runs.fiscal_year,
        runs.first_month_start_date,
        runs.last_month_start_date,
        cast(runs.month_count as {{ dbt.type_int() }}) as month_count,
        runs.months,
        runs.monthly_amounts,
        runs.amount,
        cast({{ threshold }} as {{ dbt.type_int() }}) as no_spend_months_threshold,
        runs.last_month_start_date = last_evaluated_month.month_start_date as is_ongoing,
        {{ dbt.concat([
            "'Budget of '", money_text('runs.amount'), "' " ~ reporting_currency() ~ " in '",
            'cast(runs.month_count as ' ~ dbt.type_string() ~ ')',
            "' consecutive complete months ('", 'runs.months',
            "') without spend (threshold '",
            "'" ~ threshold ~ " months)'",
            "case when runs.last_month_start_date = last_evaluated_month.month_start_date"
            ~ " then '; still without spend in the last complete month.' else '.' end",
        ]) }} as evidence
    from runs
    cross join last_evaluated_month

)

select * from final
