-- The current resource plan: the PPM tool's plan is a weekly snapshot, so the latest extract
-- replaces every earlier one, and a corrected file re-sent under the same name replaces its
-- earlier load.

with

plan_loads as (

    select * from {{ ref('stg_ppm__resource_plans') }}

),

ranked_loads as (

    select
        plan_loads.*,
        max(plan_loads.loaded_at) over (
            partition by plan_loads.source_file
        ) as file_latest_loaded_at
    from plan_loads

),

plan_lines as (

    select * from ranked_loads
    -- rows without a load time (none from the loader; loaded_at is tested not null) are kept
    where file_latest_loaded_at is null or loaded_at = file_latest_loaded_at

),

latest_extract as (

    select max(extract_date) as latest_extract_date
    from plan_lines

),

final as (

    select
        plan_lines.project_id,
        plan_lines.team,
        plan_lines.role,
        plan_lines.month_start_date,
        {{ to_hours('plan_lines.planned_hours') }} as planned_hours,
        plan_lines.role is null as is_team_level,
        plan_lines.extract_date,
        plan_lines.source_file,
        plan_lines.source_row
    from plan_lines
    inner join latest_extract
        on plan_lines.extract_date = latest_extract.latest_extract_date

)

select * from final
