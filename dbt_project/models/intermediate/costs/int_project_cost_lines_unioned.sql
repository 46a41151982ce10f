-- Every project cost line, labour and non-labour, in the reporting currency, with the month that
-- decides whether it counts "to date": labour by the month worked, a GL line by its GL period.
-- A line counts to date when its month is on or before the reporting cut-off (the last month every
-- cost source has closed, int_reporting_cutoff); later lines are "since close", shown apart and
-- never mixed in. This is the one place the cost-to-date cut-off is applied; every actual-cost
-- model reads it. Each line carries who or what it was (the entry's person and hours, the GL
-- line's document and account), so the lines mart does not join back to the 10 M entries.

with

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

gl_lines as (

    select * from {{ ref('int_gl_lines_converted') }}

),

cutoff as (

    select cutoff_date as as_of_date
    from {{ ref('int_reporting_cutoff') }}

),

cost_lines as (

    select
        'labour' as cost_type,
        project_id,
        work_date as cost_date,
        month_start_date,
        labour_cost,
        {{ to_money('0') }} as non_labour_capex_cost,
        {{ to_money('0') }} as non_labour_opex_cost,
        source_file,
        source_row,
        entry_id,
        employee_id,
        hours,
        cast(null as {{ dbt.type_string() }}) as document_number,
        cast(null as {{ dbt.type_int() }}) as document_line_number,
        cast(null as {{ dbt.type_string() }}) as account_number,
        cast(null as {{ dbt.type_string() }}) as account_name,
        cast(null as {{ dbt.type_string() }}) as capex_opex
    from timesheet_entries
    where project_id is not null

    union all

    -- the quality gate lets only CAPEX and OPEX through; a line with any other flag would count
    -- in neither column and break the reconciliation with the source files
    select
        'non_labour' as cost_type,
        project_id,
        posting_date as cost_date,
        period_month as month_start_date,
        {{ to_money('0') }} as labour_cost,
        case
            when capex_opex = 'CAPEX' then amount else {{ to_money('0') }}
        end as non_labour_capex_cost,
        case
            when capex_opex = 'OPEX' then amount else {{ to_money('0') }}
        end as non_labour_opex_cost,
        source_file,
        source_row,
        cast(null as {{ dbt.type_string() }}) as entry_id,
        cast(null as {{ dbt.type_string() }}) as employee_id,
        cast(null as {{ type_double() }}) as hours,
        document_number,
        line_number as document_line_number,
        account_number,
        account_name,
        capex_opex
    from gl_lines
    where project_id is not null

),

final as (

    select
        cost_lines.cost_type,
        cost_lines.project_id,
        cost_lines.cost_date,
        cost_lines.month_start_date,
        cost_lines.labour_cost,
        cost_lines.non_labour_capex_cost,
        cost_lines.non_labour_opex_cost,
        cutoff.as_of_date,
        cost_lines.source_file,
        cost_lines.source_row,
        cost_lines.entry_id,
        cost_lines.employee_id,
        cost_lines.hours,
        cost_lines.document_number,
        cost_lines.document_line_number,
        cost_lines.account_number,
        cost_lines.account_name,
        cost_lines.capex_opex,
        cost_lines.non_labour_capex_cost
        + cost_lines.non_labour_opex_cost as non_labour_cost,
        cost_lines.labour_cost
        + cost_lines.non_labour_capex_cost
        + cost_lines.non_labour_opex_cost as total_cost,
        coalesce(cost_lines.month_start_date <= cutoff.as_of_date, false) as is_to_date,
        coalesce(cost_lines.month_start_date > cutoff.as_of_date, false) as is_since_close
    from cost_lines
    cross join cutoff

)

select * from final
