-- Actual cost (AC) per project and month: cumulative cost to the month's status date, counted the
-- way fct_project_cost_performance counts "to date" (labour by work date, GL lines by posting
-- date, nothing after the as-of date), so the as-of month's AC equals its actual_cost_to_date.

with

project_months as (

    select * from {{ ref('int_project_months_earned') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

gl_lines as (

    select * from {{ ref('int_gl_lines_converted') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from project_months

),

cost_lines as (

    select
        timesheet_entries.project_id,
        cast(
            {{ dbt.date_trunc('month', 'timesheet_entries.work_date') }} as date
        ) as cost_month,
        timesheet_entries.labour_cost,
        {{ to_money('0') }} as non_labour_cost
    from timesheet_entries
    cross join as_of
    where
        timesheet_entries.project_id is not null
        and timesheet_entries.work_date <= as_of.as_of_date

    union all

    select
        gl_lines.project_id,
        cast({{ dbt.date_trunc('month', 'gl_lines.posting_date') }} as date) as cost_month,
        {{ to_money('0') }} as labour_cost,
        gl_lines.amount as non_labour_cost
    from gl_lines
    cross join as_of
    where
        gl_lines.project_id is not null
        and gl_lines.posting_date <= as_of.as_of_date

),

monthly_costs as (

    select
        project_id,
        cost_month,
        {{ strict_sum('labour_cost') }} as labour_cost,
        {{ strict_sum('non_labour_cost') }} as non_labour_cost
    from cost_lines
    group by project_id, cost_month

),

cumulative as (

    select
        project_months.project_id,
        project_months.month_start_date,
        -- every cost month up to this one, also those before the project's first extract; a
        -- month with an unconverted amount makes every later total null, never understated
        case
            when count(monthly_costs.cost_month) = count(monthly_costs.labour_cost)
                then coalesce(sum(monthly_costs.labour_cost), {{ to_money('0') }})
        end as labour_cost_to_date,
        case
            when count(monthly_costs.cost_month) = count(monthly_costs.non_labour_cost)
                then coalesce(sum(monthly_costs.non_labour_cost), {{ to_money('0') }})
        end as non_labour_cost_to_date
    from project_months
    left join monthly_costs
        on
            project_months.project_id = monthly_costs.project_id
            and project_months.month_start_date >= monthly_costs.cost_month
    group by project_months.project_id, project_months.month_start_date

),

final as (

    select
        project_id,
        month_start_date,
        labour_cost_to_date,
        non_labour_cost_to_date,
        labour_cost_to_date + non_labour_cost_to_date as ac
    from cumulative

)

select * from final
