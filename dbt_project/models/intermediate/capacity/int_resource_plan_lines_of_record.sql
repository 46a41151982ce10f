-- Each month's planned demand as it stood before the month began: the lines of the month's
-- plan of record (int_resource_plans_of_record) for that month only, so the months of one
-- report can come from different extracts.

with

plan_lines as (

    select * from {{ ref('int_resource_plan_loads_deduplicated') }}

),

plans_of_record as (

    select * from {{ ref('int_resource_plans_of_record') }}

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
        plans_of_record.plan_basis,
        plan_lines.source_file,
        plan_lines.source_row
    from plan_lines
    inner join plans_of_record
        on
            plan_lines.month_start_date = plans_of_record.month_start_date
            and plan_lines.extract_date = plans_of_record.plan_extract_date

)

select * from final
