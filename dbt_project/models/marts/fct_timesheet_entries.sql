with

entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

final as (

    select
        entry_id,
        employee_id,
        work_date,
        project_id,
        time_category,
        project_id is not null as is_project_time,
        hours,
        cost_rate_local,
        cost_currency,
        labour_cost_local,
        fx_rate,
        labour_cost,
        month_start_date,
        {{ fiscal_year('work_date') }} as fiscal_year,
        {{ fiscal_period('work_date') }} as fiscal_period,
        source_file,
        source_row
    from entries

)

select * from final
