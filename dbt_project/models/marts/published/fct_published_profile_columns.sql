-- Which optional columns each published profile supplies: per profile and column, the projects
-- with a value and those without one (the published page shows only the columns a profile
-- supplies, and says once which it withholds for every project).

{%- set optional_columns = [
    'program', 'category', 'start_date', 'planned_finish', 'forecast_finish', 'planned_cost_m',
    'forecast_cost_m', 'lifecycle_cost_m', 'benefits_m', 'reported_rating', 'sro_rating',
    'cost_variance_m', 'schedule_variance_days', 'fy_variance_pct', 'published_cost_variance_m',
    'published_schedule_variance_days', 'published_fy_variance_pct',
] %}

with

projects as (

    select * from {{ ref('fct_published_projects') }}

),

final as (

    {% for column in optional_columns %}
        select
            source_profile,
            '{{ column }}' as column_name,
            count({{ column }}) as projects_with_value,
            count(*) - count({{ column }}) as projects_without_value
        from projects
        group by source_profile
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
