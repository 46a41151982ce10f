-- The lines behind each project's actual cost to date: every timesheet entry and GL line charged
-- to a project of the register whose month is on or before the reporting cut-off, with the export
-- file and line it came from and who or what it was (the person, or the ledger account). The
-- report writes them as the one-pager's per-project CSV, so a reader reaches every line behind
-- the actual cost the page shows; summed per project they are
-- fct_project_cost_performance.actual_cost_to_date (assert_actual_cost_lines_add_up holds it).

with

cost_lines as (

    select * from {{ ref('int_project_cost_lines_unioned') }}
    where is_to_date

),

projects as (

    select project_id from {{ ref('dim_projects') }}

),

timesheet_entries as (

    select
        entry_id,
        employee_id,
        hours,
        source_file,
        source_row
    from {{ ref('int_timesheet_entries_costed') }}

),

employees as (

    select
        employee_id,
        employee_name
    from {{ ref('dim_employees') }}

),

gl_lines as (

    select
        document_number,
        line_number,
        account_number,
        account_name,
        capex_opex,
        source_file,
        source_row
    from {{ ref('int_gl_lines_converted') }}

),

final as (

    select
        cost_lines.project_id,
        cost_lines.cost_type,
        cost_lines.cost_date,
        cost_lines.month_start_date,
        cost_lines.source_file,
        cost_lines.source_row,
        timesheet_entries.entry_id,
        timesheet_entries.employee_id,
        employees.employee_name,
        timesheet_entries.hours,
        gl_lines.document_number,
        gl_lines.line_number as document_line_number,
        gl_lines.account_number,
        gl_lines.account_name,
        gl_lines.capex_opex,
        cost_lines.total_cost as amount,
        cost_lines.as_of_date
    from cost_lines
    inner join projects
        on cost_lines.project_id = projects.project_id
    left join timesheet_entries
        on
            cost_lines.cost_type = 'labour'
            and cost_lines.source_file = timesheet_entries.source_file
            and cost_lines.source_row = timesheet_entries.source_row
    left join employees
        on timesheet_entries.employee_id = employees.employee_id
    left join gl_lines
        on
            cost_lines.cost_type = 'non_labour'
            and cost_lines.source_file = gl_lines.source_file
            and cost_lines.source_row = gl_lines.source_row

)

select * from final
