-- The lines behind each project's actual cost to date: every timesheet entry and GL line charged
-- to a project of the register whose month is on or before the reporting cut-off, with the export
-- file and line it came from and who or what it was (the person, or the ledger account). The
-- report writes them as the one-pager's per-project CSV, so a reader reaches every line behind
-- the actual cost the page shows; summed per project they are
-- fct_project_cost_performance.actual_cost_to_date (assert_actual_cost_lines_add_up holds it).
-- The entry and GL details come with each line from int_project_cost_lines_unioned: joining
-- back to the timesheet entries on (file, row) was 12 s of a 10 M build.

with

cost_lines as (

    select * from {{ ref('int_project_cost_lines_unioned') }}
    where is_to_date

),

projects as (

    select project_id from {{ ref('dim_projects') }}

),

employees as (

    select
        employee_id,
        employee_name
    from {{ ref('dim_employees') }}

),

final as (

    select
        cost_lines.project_id,
        cost_lines.cost_type,
        cost_lines.cost_date,
        cost_lines.month_start_date,
        cost_lines.source_file,
        cost_lines.source_row,
        cost_lines.entry_id,
        cost_lines.employee_id,
        employees.employee_name,
        cost_lines.hours,
        cost_lines.document_number,
        cost_lines.document_line_number,
        cost_lines.account_number,
        cost_lines.account_name,
        cost_lines.capex_opex,
        cost_lines.total_cost as amount,
        cost_lines.as_of_date
    from cost_lines
    inner join projects
        on cost_lines.project_id = projects.project_id
    left join employees
        on cost_lines.employee_id = employees.employee_id

)

select * from final
