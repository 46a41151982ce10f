{%- set counted_flags = [
    ('is_achieved', 'achieved_count'),
    ('is_on_time', 'achieved_on_time_count'),
    ('is_open', 'open_count'),
    ('is_overdue', 'overdue_count'),
    ('is_due_within_30_days', 'due_within_30_days_count'),
    ('is_due_within_60_days', 'due_within_60_days_count'),
    ('is_due_within_90_days', 'due_within_90_days_count'),
] -%}

with

projects as (

    select * from {{ ref('dim_projects') }}

),

milestones as (

    select * from {{ ref('fct_milestones') }}

),

per_project as (

    select
        project_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as milestone_count,
        {%- for flag, count_column in counted_flags %}
            cast(
                sum(case when {{ flag }} then 1 else 0 end) as {{ dbt.type_bigint() }}
            ) as {{ count_column }},
        {%- endfor %}
        cast(
            max(case when is_overdue then 0 - days_until_due end) as {{ dbt.type_int() }}
        ) as max_days_overdue
    from milestones
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.project_name,
        projects.portfolio,
        projects.status,
        cast(coalesce(per_project.milestone_count, 0) as {{ dbt.type_bigint() }})
            as milestone_count,
        {%- for _flag, count_column in counted_flags %}
            cast(coalesce(per_project.{{ count_column }}, 0) as {{ dbt.type_bigint() }})
                as {{ count_column }},
        {%- endfor %}
        cast(
            100.0 * per_project.achieved_on_time_count
            / {{ double_divisor('per_project.achieved_count') }} as {{ type_double() }}
        ) as on_time_pct,
        per_project.max_days_overdue,
        projects.as_of_date
    from projects
    left join per_project
        on projects.project_id = per_project.project_id

)

select * from final
