-- Actual project cost to date by project and month, split into labour, non-labour CAPEX and
-- non-labour OPEX. The same cost lines as fct_project_costs, cut off at the as-of date the way
-- fct_project_cost_performance's "to date" is: labour by work_date, GL lines by posting_date.

with

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

gl_lines as (

    select * from {{ ref('int_gl_lines_converted') }}

),

fiscal_months as (

    select * from {{ ref('int_fiscal_months_enumerated') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from fiscal_months

),

cost_lines as (

    select
        timesheet_entries.project_id,
        timesheet_entries.month_start_date,
        timesheet_entries.labour_cost,
        {{ to_money('0') }} as non_labour_capex_cost,
        {{ to_money('0') }} as non_labour_opex_cost
    from timesheet_entries
    inner join as_of
        on timesheet_entries.work_date <= as_of.as_of_date
    where timesheet_entries.project_id is not null

    union all

    -- the quality gate lets only CAPEX and OPEX through; a line with any other flag would count
    -- in neither and break the reconciliation test with fct_project_cost_performance
    select
        gl_lines.project_id,
        gl_lines.period_month as month_start_date,
        {{ to_money('0') }} as labour_cost,
        case
            when gl_lines.capex_opex = 'CAPEX' then gl_lines.amount else {{ to_money('0') }}
        end as non_labour_capex_cost,
        case
            when gl_lines.capex_opex = 'OPEX' then gl_lines.amount else {{ to_money('0') }}
        end as non_labour_opex_cost
    from gl_lines
    inner join as_of
        on gl_lines.posting_date <= as_of.as_of_date
    where gl_lines.project_id is not null

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
