-- The current resource plan: the PPM tool's plan is a weekly snapshot, so the latest extract
-- replaces every earlier one (the prioritisation plans the future from it; the capacity marts
-- take each month's demand from its plan of record instead).

with

plan_lines as (

    select * from {{ ref('int_resource_plan_loads_deduplicated') }}

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
        plan_lines.planned_hours,
        plan_lines.is_team_level,
        plan_lines.extract_date,
        plan_lines.source_file,
        plan_lines.source_row
    from plan_lines
    inner join latest_extract
        on plan_lines.extract_date = latest_extract.latest_extract_date

)

select * from final
