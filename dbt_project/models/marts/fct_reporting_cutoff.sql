-- The reporting cut-off and how far each source's data runs, with the cost delivered after the
-- cut-off ("since close"), which no figure measured to the cut-off includes. One row; every page
-- states it.

with

cutoff as (

    select * from {{ ref('int_reporting_cutoff') }}

),

cost_lines as (

    select * from {{ ref('int_project_cost_lines_unioned') }}

),

since_close as (

    select
        {{ ev_strict_sum_where('labour_cost', 'is_since_close') }} as labour_cost_since_close,
        {{ ev_strict_sum_where('non_labour_cost', 'is_since_close') }}
            as non_labour_cost_since_close,
        max(case when is_since_close then cost_date end) as last_cost_date_since_close
    from cost_lines

),

final as (

    select
        cutoff.cutoff_date,
        cutoff.ledger_closed_through,
        cutoff.timesheets_through,
        cutoff.latest_projects_extract_date,
        since_close.labour_cost_since_close,
        since_close.non_labour_cost_since_close,
        since_close.last_cost_date_since_close,
        '{{ reporting_currency() }}' as reporting_currency
    from cutoff
    cross join since_close

)

select * from final
