-- The current fiscal year's financial performance rolled up by each project attribute, by
-- CAPEX / OPEX and in total. Percentages are ratios of the sums, never averages of ratios.

{%- set attribute_dimensions = [
    'portfolio', 'program', 'category', 'business_unit', 'strategic_theme',
] %}
{%- set measures = [
    'budget_fy', 'forecast_fy', 'budget_ytd', 'forecast_ytd', 'actual_ytd',
    'budget_at_completion', 'actual_cost_to_date',
] %}
{#- the CAPEX / OPEX column of each measure in fct_financial_performance #}
{%- set split_columns = {
    'budget_fy': 'budget_{}_fy',
    'forecast_fy': 'forecast_{}_fy',
    'budget_ytd': 'budget_{}_ytd',
    'forecast_ytd': 'forecast_{}_ytd',
    'actual_ytd': 'actual_{}_ytd',
    'budget_at_completion': '{}_budget_at_completion',
    'actual_cost_to_date': 'actual_{}_to_date',
} %}

with

project_performance as (

    select * from {{ ref('fct_financial_performance') }}

),

as_of as (

    select
        max(fiscal_year) as fiscal_year,
        max(as_of_date) as as_of_date
    from project_performance

),

project_dimension_values as (

    {% for dimension in attribute_dimensions %}
        select
            '{{ dimension }}' as dimension,
            coalesce(
                nullif(trim(cast({{ dimension }} as {{ dbt.type_string() }})), ''), '(not set)'
            ) as dimension_value,
            project_id,
            {%- for measure in measures %}
                {{ measure }},
            {%- endfor %}
            1 as is_counted
        from project_performance

        union all
    {% endfor %}

    {%- for split in ['capex', 'opex'] %}
        select
            'capex_opex' as dimension,
            '{{ split | upper }}' as dimension_value,
            project_id,
            {%- for measure in measures %}
                {{ split_columns[measure].format(split) }} as {{ measure }},
            {%- endfor %}
            -- a project counts towards CAPEX (OPEX) when it has any CAPEX (OPEX) amount
            {%- set split_is_nonzero = [] %}
            {%- for measure in measures %}
                {%- do split_is_nonzero.append(split_columns[measure].format(split) ~ ' <> 0') %}
            {%- endfor %}
            case when {{ split_is_nonzero | join(' or ') }} then 1 else 0 end as is_counted
        from project_performance

        union all
    {% endfor %}

    select
        'total' as dimension,
        'total' as dimension_value,
        project_id,
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        1 as is_counted
    from project_performance

),

rolled_up as (

    select
        dimension,
        dimension_value,
        {%- for measure in measures %}
            {{ strict_sum(measure) }} as {{ measure }},
        {%- endfor %}
        cast(sum(is_counted) as {{ dbt.type_int() }}) as project_count
    from project_dimension_values
    group by dimension, dimension_value

),

final as (

    select
        rolled_up.dimension,
        rolled_up.dimension_value,
        as_of.fiscal_year,
        as_of.as_of_date,
        rolled_up.project_count,
        rolled_up.budget_fy,
        rolled_up.forecast_fy,
        rolled_up.budget_fy - rolled_up.forecast_fy as variance_full_year,
        cast(
            100 * (rolled_up.budget_fy - rolled_up.forecast_fy)
            / {{ double_divisor('rolled_up.budget_fy') }}
            as {{ type_double() }}
        ) as variance_full_year_pct,
        rolled_up.budget_ytd,
        rolled_up.forecast_ytd,
        rolled_up.actual_ytd,
        rolled_up.budget_ytd - rolled_up.actual_ytd as variance_ytd,
        cast(
            100 * (rolled_up.budget_ytd - rolled_up.actual_ytd)
            / {{ double_divisor('rolled_up.budget_ytd') }}
            as {{ type_double() }}
        ) as variance_ytd_pct,
        cast(
            100 * rolled_up.actual_ytd
            / {{ double_divisor('rolled_up.budget_fy') }} as {{ type_double() }}
        ) as budget_fy_consumed_pct,
        rolled_up.budget_at_completion,
        rolled_up.actual_cost_to_date,
        cast(
            100 * rolled_up.actual_cost_to_date
            / {{ double_divisor('rolled_up.budget_at_completion') }}
            as {{ type_double() }}
        ) as budget_burn_pct,
        '{{ reporting_currency() }}' as reporting_currency
    from rolled_up
    cross join as_of

)

select * from final
