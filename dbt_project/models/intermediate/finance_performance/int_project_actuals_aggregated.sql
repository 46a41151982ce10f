-- Actual project cost to date by project and month, split into labour, non-labour CAPEX and
-- non-labour OPEX: the to-date cost lines (int_project_cost_lines_unioned) summed by month.

with

cost_lines as (

    select * from {{ ref('int_project_cost_lines_unioned') }}

),

monthly as (

    select
        project_id,
        month_start_date,
        count(*) as cost_line_count,
        {{ strict_sum('labour_cost') }} as labour_cost,
        {{ strict_sum('non_labour_capex_cost') }} as non_labour_capex_cost,
        {{ strict_sum('non_labour_opex_cost') }} as non_labour_opex_cost
    from cost_lines
    where is_to_date
    group by project_id, month_start_date

),

final as (

    select
        project_id,
        month_start_date,
        {{ fiscal_year('month_start_date') }} as fiscal_year,
        {{ fiscal_period('month_start_date') }} as fiscal_period,
        cost_line_count,
        labour_cost,
        non_labour_capex_cost,
        non_labour_opex_cost,
        non_labour_capex_cost + non_labour_opex_cost as non_labour_cost,
        labour_cost + non_labour_capex_cost + non_labour_opex_cost as total_cost
    from monthly

)

select * from final
