-- Every resource plan extract, once: a corrected file re-sent under the same name replaces its
-- earlier load. Both the current plan (int_resource_plan_lines_filtered) and the plans of record
-- (int_resource_plan_lines_of_record) choose extracts from these rows.

with

plan_loads as (

    select * from {{ ref('stg_ppm__resource_plans') }}

),

latest_loads as (

    {{ latest_load_of_each_file('plan_loads') }}

),

final as (

    select
        project_id,
        team,
        role,
        month_start_date,
        {{ to_hours('planned_hours') }} as planned_hours,
        role is null as is_team_level,
        extract_date,
        source_file,
        source_row
    from latest_loads

)

select * from final
