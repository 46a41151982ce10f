{%- set summed_counts = [
    'milestone_count',
    'achieved_count',
    'achieved_on_time_count',
    'open_count',
    'overdue_count',
    'due_within_30_days_count',
    'due_within_60_days_count',
    'due_within_90_days_count',
] -%}

with

project_summaries as (

    select * from {{ ref('fct_project_milestone_summary') }}

),

per_portfolio as (

    select
        portfolio,
        cast(count(*) as {{ dbt.type_bigint() }}) as project_count,
        {%- for count_column in summed_counts %}
            cast(sum({{ count_column }}) as {{ dbt.type_bigint() }}) as {{ count_column }},
        {%- endfor %}
        max(as_of_date) as as_of_date
    from project_summaries
    group by portfolio

),

final as (

    select
        portfolio,
        project_count,
        {%- for count_column in summed_counts %}
            {{ count_column }},
        {%- endfor %}
        -- ratios of the sums, never averages of the projects' rates
        cast(
            100.0 * achieved_on_time_count
            / {{ double_divisor('achieved_count') }} as {{ type_double() }}
        ) as on_time_pct,
        cast(
            100.0 * overdue_count / {{ double_divisor('open_count') }} as {{ type_double() }}
        ) as overdue_pct,
        as_of_date
    from per_portfolio

)

select * from final
