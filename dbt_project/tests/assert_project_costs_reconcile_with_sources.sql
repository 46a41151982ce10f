-- fct_project_costs must hold every converted project cost exactly once: its grand total equals
-- project labour from fct_timesheet_entries plus project GL lines (tolerance for float sums).

with

project_costs as (

    select sum(total_cost) as total_cost
    from {{ ref('fct_project_costs') }}

),

labour as (

    select coalesce(sum(labour_cost), 0) as labour_cost
    from {{ ref('fct_timesheet_entries') }}
    where project_id is not null

),

gl as (

    select coalesce(sum(amount), 0) as non_labour_cost
    from {{ ref('int_gl_lines_converted') }}
    where project_id is not null

),

compared as (

    select
        project_costs.total_cost,
        labour.labour_cost + gl.non_labour_cost as source_total
    from project_costs
    cross join labour
    cross join gl

)

select * from compared
where abs(coalesce(total_cost, 0) - source_total) > 0.005
