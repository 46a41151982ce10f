with

timesheet_entries as (

    select * from {{ ref('fct_timesheet_entries') }}

),

gl_lines as (

    select * from {{ ref('int_gl_lines_converted') }}

),

cost_lines as (

    select
        project_id,
        month_start_date,
        labour_cost,
        {{ to_money('0') }} as non_labour_capex_cost,
        {{ to_money('0') }} as non_labour_opex_cost
    from timesheet_entries
    where project_id is not null

    union all

    select
        project_id,
        period_month as month_start_date,
        {{ to_money('0') }} as labour_cost,
        case
            when capex_opex = 'CAPEX' then amount else {{ to_money('0') }}
        end as non_labour_capex_cost,
        case
            when capex_opex = 'OPEX' then amount else {{ to_money('0') }}
        end as non_labour_opex_cost
    from gl_lines
    where project_id is not null

),

monthly as (

    select
        project_id,
        month_start_date,
        {{ strict_sum('labour_cost') }} as labour_cost,
        {{ strict_sum('non_labour_capex_cost') }} as non_labour_capex_cost,
        {{ strict_sum('non_labour_opex_cost') }} as non_labour_opex_cost
    from cost_lines
    group by project_id, month_start_date

),

final as (

    select
        project_id,
        month_start_date,
        {{ fiscal_year('month_start_date') }} as fiscal_year,
        {{ fiscal_period('month_start_date') }} as fiscal_period,
        labour_cost,
        non_labour_capex_cost,
        non_labour_opex_cost,
        non_labour_capex_cost + non_labour_opex_cost as non_labour_cost,
        labour_cost + non_labour_capex_cost + non_labour_opex_cost as total_cost
    from monthly

)

select * from final
