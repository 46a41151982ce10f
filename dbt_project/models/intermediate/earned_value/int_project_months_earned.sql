-- One row per project and month from the month of its first extract to the reporting cut-off's
-- month, with the extract that reports on the month and the earned value (EV) it gives. The
-- cut-off (int_reporting_cutoff) is the last month end every cost source has closed, so EV, PV and
-- AC are measured on one date, with the project extract nearest it (the latest on or before it).

with

extracts as (

    select * from {{ ref('int_project_extracts_converted') }}

),

as_of as (

    select
        cutoff_date as as_of_date,
        cast({{ dbt.date_trunc('month', 'cutoff_date') }} as date) as as_of_month
    from {{ ref('int_reporting_cutoff') }}

),

project_bounds as (

    -- a project first reported after the cut-off has no figures at it yet
    select
        extracts.project_id,
        min(extracts.extract_month) as first_extract_month
    from extracts
    cross join as_of
    where extracts.extract_date <= as_of.as_of_date
    group by extracts.project_id

),

spine_bounds as (

    select
        min(project_bounds.first_extract_month) as first_month,
        max(as_of.as_of_month) as last_month
    from project_bounds
    cross join as_of

),

months as (

    {{ generate_months('spine_bounds', 'first_month', 'last_month') }}

),

project_months as (

    select
        project_bounds.project_id,
        months.month_start_date,
        {{ ev_month_end('months.month_start_date') }} as month_end_date,
        as_of.as_of_date,
        months.month_start_date = as_of.as_of_month as is_as_of_month
    from project_bounds
    cross join as_of
    inner join months
        on
            project_bounds.first_extract_month <= months.month_start_date
            and as_of.as_of_month >= months.month_start_date

),

with_status_date as (

    select
        project_months.*,
        -- the month end, or the as-of date within the as-of month (AC, EV and PV alike)
        least(project_months.month_end_date, project_months.as_of_date) as status_date
    from project_months

),

reporting_candidates as (

    select
        with_status_date.project_id,
        with_status_date.month_start_date,
        extracts.extract_date,
        row_number() over (
            partition by with_status_date.project_id, with_status_date.month_start_date
            order by extracts.extract_date desc
        ) as extract_recency_rank
    from with_status_date
    inner join extracts
        on
            with_status_date.project_id = extracts.project_id
            and with_status_date.status_date >= extracts.extract_date

),

reporting_extracts as (

    select
        reporting_candidates.project_id,
        reporting_candidates.month_start_date,
        reporting_candidates.extract_date as reporting_extract_date
    from reporting_candidates
    where reporting_candidates.extract_recency_rank = 1

),

months_reported as (

    select
        with_status_date.project_id,
        with_status_date.month_start_date,
        with_status_date.month_end_date,
        with_status_date.as_of_date,
        with_status_date.is_as_of_month,
        with_status_date.status_date,
        reporting_extracts.reporting_extract_date,
        reporting.status as project_status,
        reporting.lifecycle_state,
        reporting.state_since_date,
        reporting.first_extract_date,
        -- a cancelled project is measured as it stood at the extract that first reported it
        -- cancelled; everything else on the month's own reporting extract
        case
            when reporting.lifecycle_state = 'cancelled' then reporting.state_since_date
            else reporting_extracts.reporting_extract_date
        end as basis_extract_date
    from with_status_date
    left join reporting_extracts
        on
            with_status_date.project_id = reporting_extracts.project_id
            and with_status_date.month_start_date = reporting_extracts.month_start_date
    left join extracts as reporting
        on
            reporting_extracts.project_id = reporting.project_id
            and reporting_extracts.reporting_extract_date = reporting.extract_date

),

final as (

    select
        months_reported.project_id,
        months_reported.month_start_date,
        {{ fiscal_year('months_reported.month_start_date') }} as fiscal_year,
        {{ fiscal_period('months_reported.month_start_date') }} as fiscal_period,
        months_reported.month_end_date,
        months_reported.is_as_of_month,
        months_reported.as_of_date,
        months_reported.status_date,
        months_reported.reporting_extract_date,
        months_reported.project_status,
        months_reported.lifecycle_state,
        months_reported.lifecycle_state = 'completed' as is_completed,
        months_reported.lifecycle_state = 'cancelled' as is_cancelled,
        case
            when months_reported.lifecycle_state in ('completed', 'cancelled')
                then months_reported.state_since_date
        end as closed_since_date,
        months_reported.basis_extract_date,
        -- PV (and with it SV, SPI) is measured on this date: frozen for a cancelled project
        case
            when months_reported.lifecycle_state = 'cancelled'
                then months_reported.state_since_date
            else months_reported.status_date
        end as measurement_date,
        -- earned schedule's actual time ends here: at completion or cancellation, if any; unknown
        -- (null) when the project was already closed in its first extract
        case
            when months_reported.lifecycle_state = 'open' then months_reported.status_date
            when months_reported.state_since_date > months_reported.first_extract_date
                then months_reported.state_since_date
        end as schedule_date,
        basis.baseline_start_date,
        basis.baseline_finish_date,
        basis.original_baseline_start_date,
        basis.original_baseline_finish_date,
        basis.is_on_original_baseline,
        basis.project_currency,
        basis.fx_rate,
        basis.budget_at_completion_local as bac_local,
        basis.bac,
        basis.original_bac,
        basis.fac,
        basis.reported_percent_complete,
        basis.percent_complete,
        basis.is_percent_complete_capped,
        -- no extract yet, or none of the work done
        coalesce(basis.percent_complete = 0, basis.extract_date is null) as is_not_started,
        {{ to_money('basis.bac * basis.percent_complete / 100') }} as ev
    from months_reported
    left join extracts as basis
        on
            months_reported.project_id = basis.project_id
            and months_reported.basis_extract_date = basis.extract_date

)

select * from final
