-- Does each published figure agree with the publisher's own formula? One row per project and
-- published figure: our value recomputed from the project's published inputs, the difference and
-- a status. A disagreement is a finding about the published data, not an error of ours.

{#- Each figure: the profile publishing it, its name, unit and formula, the published column of
    fct_published_projects, the value recomputed from the project's inputs with the same formula
    macro as fct_published_projects (macros/published/published_figure_formulas.sql), the
    comparison's tolerance (half a unit of the precision the publisher prints; 0 when the
    computed value is already rounded like the published one), the formula's two inputs
    (column, name as the publisher calls it) and the input that must not be 0. -#}
{%- set figures = [
    {
        'profile': 'us_itdashboard',
        'figure': 'cost variance ($M)',
        'unit': 'USD millions',
        'formula': 'planned cost ($M) - projected/actual cost ($M)',
        'published': 'published_cost_variance_m',
        'computed': published_cost_variance('planned_cost_m', 'forecast_cost_m'),
        'tolerance': '0.0000005',
        'inputs': [
            ('planned_cost_m', 'planned cost'),
            ('forecast_cost_m', 'projected/actual cost'),
        ],
        'nonzero': none,
    },
    {
        'profile': 'us_itdashboard',
        'figure': 'cost variance (%)',
        'unit': '%',
        'formula': '(planned cost - projected/actual cost) / planned cost x 100',
        'published': 'published_cost_variance_pct',
        'computed': published_cost_variance_pct('planned_cost_m', 'forecast_cost_m'),
        'tolerance': '0.005',
        'inputs': [
            ('planned_cost_m', 'planned cost'),
            ('forecast_cost_m', 'projected/actual cost'),
        ],
        'nonzero': ('planned_cost_m', 'planned cost'),
    },
    {
        'profile': 'us_itdashboard',
        'figure': 'schedule variance (days)',
        'unit': 'days',
        'formula': 'planned project completion date (B2) - projected/actual project completion'
            ~ ' date (B2), in days (negative = late)',
        'published': 'published_schedule_variance_days',
        'computed': published_schedule_variance_days('planned_finish', 'forecast_finish'),
        'tolerance': '0',
        'inputs': [
            ('planned_finish', 'planned project completion date (B2)'),
            ('forecast_finish', 'projected/actual project completion date (B2)'),
        ],
        'nonzero': none,
    },
    {
        'profile': 'uk_gmpp',
        'figure': 'financial year variance (%)',
        'unit': '%',
        'formula': '(financial year forecast - financial year baseline) / financial year'
            ~ ' baseline x 100, rounded half up to a whole percent',
        'published': 'published_fy_variance_pct',
        'computed': round_half_up(
            published_fy_variance_pct('planned_cost_m', 'forecast_cost_m'), 0
        ),
        'tolerance': '0',
        'inputs': [
            ('planned_cost_m', 'financial year baseline'),
            ('forecast_cost_m', 'financial year forecast'),
        ],
        'nonzero': ('planned_cost_m', 'financial year baseline'),
    },
] %}

with

projects as (

    select * from {{ ref('fct_published_projects') }}

),

figures as (

    {%- for f in figures %}
        {%- set first, second = f['inputs'] %}

        select
            source_profile,
            project_key,
            project_id,
            project_name,
            portfolio,
            '{{ f["figure"] }}' as figure,
            '{{ f["unit"] }}' as unit,
            '{{ f["formula"] }}' as formula,
            cast({{ f['published'] }} as {{ type_double() }}) as published_value,
            cast({{ f['computed'] }} as {{ type_double() }}) as computed_value,
            cast({{ f['tolerance'] }} as {{ type_double() }}) as tolerance,
            case
                when {{ first[0] }} is null and {{ second[0] }} is null
                    then 'missing input: {{ first[1] }} and {{ second[1] }}'
                when {{ first[0] }} is null then 'missing input: {{ first[1] }}'
                when {{ second[0] }} is null then 'missing input: {{ second[1] }}'
                {%- if f['nonzero'] %}
                    when {{ f['nonzero'][0] }} = 0
                        then 'zero input: {{ f["nonzero"][1] }} is 0, the percentage is undefined'
                {%- endif %}
                when {{ f['published'] }} is null then 'no published value'
            end as not_checkable_reason,
            extract_date,
            source_file,
            source_row
        from projects
        where source_profile = '{{ f["profile"] }}'
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

compared as (

    select
        figures.*,
        figures.published_value - figures.computed_value as difference,
        case
            when figures.published_value is null or figures.computed_value is null
                then 'not checkable'
            -- 1e-9: binary floating-point noise, far below any publisher's precision
            when
                abs(figures.published_value - figures.computed_value)
                <= figures.tolerance + 1e-9
                then 'agrees'
            else 'disagrees'
        end as status
    from figures

),

final as (

    select
        cast(source_profile as {{ dbt.type_string() }}) as source_profile,
        cast(project_key as {{ dbt.type_string() }}) as project_key,
        cast(project_id as {{ dbt.type_string() }}) as project_id,
        cast(project_name as {{ dbt.type_string() }}) as project_name,
        cast(portfolio as {{ dbt.type_string() }}) as portfolio,
        cast(figure as {{ dbt.type_string() }}) as figure,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(formula as {{ dbt.type_string() }}) as formula,
        published_value,
        computed_value,
        cast(difference as {{ type_double() }}) as difference,
        tolerance,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(
            case status
                when 'disagrees' then 'published figure disagrees with its own formula'
                when 'not checkable' then not_checkable_reason
            end as {{ dbt.type_string() }}
        ) as reason,
        extract_date,
        source_file,
        source_row
    from compared

)

select * from final
