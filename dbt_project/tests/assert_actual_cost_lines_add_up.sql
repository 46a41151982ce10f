-- Each project's source lines (fct_project_actual_cost_lines) add up to the actual cost to date
-- its pages show (fct_project_cost_performance.actual_cost_to_date): the one-pager's per-project
-- CSV is exactly the lines behind its figure. A project without lines must show no cost.

with

lines as (

    select
        project_id,
        sum(amount) as amount
    from {{ ref('fct_project_actual_cost_lines') }}
    group by project_id

),

compared as (

    select
        performance.project_id,
        performance.actual_cost_to_date,
        lines.amount as lines_total
    from {{ ref('fct_project_cost_performance') }} as performance
    left join lines
        on performance.project_id = lines.project_id

)

select * from compared
where abs(coalesce(actual_cost_to_date, 0) - coalesce(lines_total, 0)) > 0.005
